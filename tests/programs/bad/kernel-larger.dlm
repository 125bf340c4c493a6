model m(x: [B, 28, 28, 1]) {
  x |> conv2d(8, kernel=3, activation=relu)
    |> maxpool2d(8)
    |> conv2d(16, kernel=5)
    |> flatten()
    |> dense(10, activation=softmax)
}
