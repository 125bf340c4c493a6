# Transfer learning, step 1 (TensorFlow.js's mnist-transfer-cnn workflow): the seed CNN
# trained on the digits 0 to 4 only, for one epoch. Save its weights for retrain.dlm:
#   dlm train dsl-examples/transfer/base.dlm --save dsl-examples/transfer/base.safetensors
model cnn(x: [B, 28, 28, 1]) {
  x |> conv2d(32, kernel=3, activation=relu)
    |> maxpool2d(2)
    |> flatten()
    |> dense(128, activation=relu)
    |> dense(5, activation=softmax)
}

train cnn {
  data      mnist(labels=[0, 1, 2, 3, 4])   # digits 0-4 only, labelled 0-4
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-3)
  metrics   [accuracy]
  batch     32
  epochs    1
}
