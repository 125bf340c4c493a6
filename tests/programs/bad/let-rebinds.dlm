model m(x: [B, 784]) {
  let h = x |> dense(128, activation=relu)
  let h = h |> dense(64, activation=relu)
  h |> dense(10, activation=softmax)
}
