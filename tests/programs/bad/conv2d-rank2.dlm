model m(x: [B, 784]) {
  x |> conv2d(32, kernel=3, activation=relu)
    |> flatten()
    |> dense(10, activation=softmax)
}
