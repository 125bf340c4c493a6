model m(x: [B, 784]) {
  x |> dense(128, activation=relu) |> dense(10, activation=softmax)
}

train m {
  data      mnist
  loss      sparse_categorical_crossentropy
  optimizer adam()
}
