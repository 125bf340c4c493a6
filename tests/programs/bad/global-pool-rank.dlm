model m(x: [B, 20, 8]) {
  x |> conv1d(16, kernel=3, activation=relu)
    |> global_avgpool2d()
    |> dense(2, activation=softmax)
}
