model m(x: [B, 28, 28, 1]) {
  x |> flatten()
    |> dense2d(128, activation=relu)
    |> dense(10, activation=softmax)
}
