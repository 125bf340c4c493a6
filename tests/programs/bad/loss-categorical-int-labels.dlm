# categorical_crossentropy wants one-hot targets; MNIST's labels are integers.
model m(x: [B, 28, 28, 1]) {
  x |> flatten()
    |> dense(10, activation=softmax)
}

train m {
  data      mnist
  loss      categorical_crossentropy
  optimizer adam()
}
