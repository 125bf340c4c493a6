model m(x: [B, 784]) {
  x |> dense(2147483648, activation=relu)
    |> dense(10, activation=softmax)
}
