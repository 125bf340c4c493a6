model m(x: [B, 28, 28, 1]) {
  x |> flatten() |> dense(10, activation=softmax)
}

train m {
  data      mnist
  loss      sparse_categorical_crossentropy
  optimizer adam()
  batch     32
  epochs    2
  batch     64
}
