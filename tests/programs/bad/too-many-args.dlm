model m(x: [B, 784]) {
  x |> dense(128, relu, true, "hidden", true, 5)
    |> dense(10, activation=softmax)
}
