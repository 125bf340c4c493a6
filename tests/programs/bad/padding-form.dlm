model m(x: [B, 28, 28, 1]) {
  x |> zero_padding2d([[1, 2], 3]) |> conv2d(4, kernel=3)
}
