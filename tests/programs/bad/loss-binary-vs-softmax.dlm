# A 10-way softmax trained against MNIST's integer labels with a binary loss.
model m(x: [B, 28, 28, 1]) {
  x |> flatten()
    |> dense(128, activation=relu)
    |> dense(10, activation=softmax)
}

train m {
  data      mnist
  loss      binary_crossentropy
  optimizer adam()
}
