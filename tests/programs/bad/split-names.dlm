model m(x: [B, 12]) {
  let a, b = x |> split(3)
  let h = x |> split(2)
  let p, q = x |> dense(4)
  a + b |> dense(2)
}

model n(x: [B, 4]) {
  x |> split(2) |> dense(2)
}
