model m(x: [B, 784]) {
  x |> dense(12.5, activation=relu)
    |> dense(10, activation=softmax)
}
