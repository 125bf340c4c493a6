model m(x: [B, 10]) {
  m(x) |> dense(10)
}
