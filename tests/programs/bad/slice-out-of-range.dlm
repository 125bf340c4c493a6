model m(x: [B, 28, 28, 1]) {
  x |> slice([4, 4, 0], [25, 20, 1]) |> flatten() |> dense(10)
}
