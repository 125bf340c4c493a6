model m(x: [B, 784]) {
  x |> dense(0, activation=relu)
    |> dense(10, activation=softmax)
}
