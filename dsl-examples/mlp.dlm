# The MLP classifier (docs/keras-semantics.md §3): 101,770 parameters.
model mlp(x: [B, 28, 28, 1]) {
  x |> flatten()
    |> dense(128, activation=relu)
    |> dense(10, activation=softmax)
}

train mlp {
  data      mnist
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-3)
  metrics   [accuracy]
  batch     32
  epochs    1
}
