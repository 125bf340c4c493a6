# Keras 3's hard_sigmoid is relu6(x + 3) / 6; TensorFlow.js's is clip(0.2x + 0.5, 0, 1): the
# tfjs export refuses it (ONNX's HardSigmoid takes Keras's constants and exports).
model mlp(x: [B, 28, 28, 1]) {
  x |> flatten() |> dense(32, activation=hard_sigmoid) |> dense(10, activation=softmax)
}

train mlp {
  data      mnist
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-3)
  batch     32
  epochs    1
}
