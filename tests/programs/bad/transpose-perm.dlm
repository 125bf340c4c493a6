model m(x: [B, 3, 4]) {
  x |> transpose([1, 2]) |> flatten() |> dense(2)
}
