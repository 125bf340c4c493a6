# `freeze` of a layer the trained model does not have.
model cnn(x: [B, 28, 28, 1]) {
  x |> conv2d(8, kernel=3, activation=relu) |> flatten() |> dense(10, activation=softmax)
}

train cnn {
  data      mnist
  freeze    [conv2d, dense_2]
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-3)
}
