model m(x: [B, 784]) {
  x |> dense(128, activaton=relu)
    |> dense(10, activation=softmax)
}
