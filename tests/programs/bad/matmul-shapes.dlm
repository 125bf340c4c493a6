model m(x: [B, 784]) {
  let h = x |> dense(128)
  h @ normal([64, 10])
}
