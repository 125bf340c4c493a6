model m(x: [B, 784]) {
  x |> dense(512, activation=relu)
    |> dropout(1.5)
    |> dense(1, activation=sigmoid)
}
