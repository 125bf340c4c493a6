model m(x: [B, 28, 28, 1]) {
  x |> conv2d(32, activation=relu)
    |> flatten()
    |> dense(10, activation=softmax)
}
