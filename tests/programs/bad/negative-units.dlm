model m(x: [B, 784]) {
  x |> dense(-128, activation=relu)
    |> dense(10, activation=softmax)
}
