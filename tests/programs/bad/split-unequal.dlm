model m(x: [B, 10]) {
  let a, b, c = x |> split(3)
  concat(a, b, c) |> dense(2)
}
