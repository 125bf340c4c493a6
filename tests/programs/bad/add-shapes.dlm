model m(x: [B, 784]) {
  let a = x |> dense(128)
  let b = x |> dense(64)
  a + b |> relu |> dense(10)
}
