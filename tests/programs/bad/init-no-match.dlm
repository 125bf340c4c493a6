# `init` of a checkpoint of another program: none of its tensors is named as this one's.
model cnn(x: [B, 28, 28, 1]) {
  x |> flatten() |> dense(10, activation=softmax)
}

train cnn {
  data      mnist
  init      "init-other.safetensors"
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-3)
}
