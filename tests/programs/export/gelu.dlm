# gelu has no rule for either layers format: both exports stop at the layer.
model mlp(x: [B, 28, 28, 1]) {
  x |> flatten() |> dense(32, activation=gelu) |> dense(10, activation=softmax)
}

train mlp {
  data      mnist
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-3)
  batch     32
  epochs    1
}
