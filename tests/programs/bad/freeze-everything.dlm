# Every parameter the step would train is frozen (trainable=false on one layer, freeze on the other).
model mlp(x: [B, 28, 28, 1]) {
  x |> flatten() |> dense(16, activation=relu, trainable=false) |> dense(10, activation=softmax)
}

train mlp {
  data      mnist
  freeze    [dense_1]
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-3)
}
