model m(x: [B, 784]) {
  x |> lstm(50)
    |> dense(10, activation=softmax)
}
