model m(x: [B, 28, 28, 1]) {
  x |> conv2d(8, 3, padding=same)
    |> batchnorm(axis=4)
    |> flatten()
    |> dense(10, activation=softmax)
}

model n(x: [B, 20]) {
  x |> dense(16) |> layernorm(axis=0) |> dense(1)
}
