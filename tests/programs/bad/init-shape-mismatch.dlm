# `init` where a tensor of the checkpoint has another shape, its other tensor excluded.
model encoder(x: [B, 28, 28, 1]) {
  x |> flatten() |> dense(3, activation=softmax)
}

train encoder {
  data      mnist
  init      "init-other.safetensors" {
    exclude encoder/dense/bias
  }
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-3)
}
