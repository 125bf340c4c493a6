model encoder(x: [B, 784]) {
  x |> dense(32, activation=relu)
}

model classifier(x: [B, 28, 28, 1]) {
  encoder(x) |> dense(10, activation=softmax)
}
