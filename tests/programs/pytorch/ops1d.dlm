# The PyTorch target's 1-D rules (tests/pytorch/parity.test.ts): valid and same convolutions, a strided
# one with an even kernel, same max pooling, average pooling.
model c1(x: [B, 28, 28]) {
  x |> conv1d(8, 3, activation=relu)
    |> maxpool1d(2, padding=same)
    |> conv1d(6, 4, strides=2, padding=same)
    |> avgpool1d(2)
    |> flatten()
    |> dense(10, activation=softmax)
}

train c1 {
  data      mnist(rows_as_steps=true)
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-2)
  batch     32
  shuffle   false
}
