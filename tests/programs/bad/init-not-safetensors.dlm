# `init` of a file that is not a safetensors checkpoint (this program itself).
model cnn(x: [B, 28, 28, 1]) {
  x |> flatten() |> dense(10, activation=softmax)
}

train cnn {
  data      mnist
  init      "init-not-safetensors.dlm"
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-3)
}
