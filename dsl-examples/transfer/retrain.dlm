# Transfer learning, step 2: the same layers, started from base.dlm's weights except the
# last layer (a new head), with the convolution frozen, trained one epoch on the digits
# 5 to 9 (labelled 0 to 4: digit 5 is class 0, …, digit 9 is class 4). Train base.dlm first:
#   dlm train dsl-examples/transfer/base.dlm --save dsl-examples/transfer/base.safetensors
#   dlm train dsl-examples/transfer/retrain.dlm
model clf(x: [B, 28, 28, 1]) {
  x |> conv2d(32, kernel=3, activation=relu)
    |> maxpool2d(2)
    |> flatten()
    |> dense(128, activation=relu)
    |> dense(5, activation=softmax)
}

train clf {
  data      mnist(labels=[5, 6, 7, 8, 9])   # digits 5-9 only, labelled 0-4 in this order
  init      "base.safetensors" {            # base.dlm's checkpoint, next to this file
    map     cnn -> clf                      # its model is called cnn
    exclude clf/dense_1                     # the head starts afresh
  }
  freeze    [conv2d]                        # the convolution keeps base.dlm's features
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-3)
  metrics   [accuracy]
  batch     32
  epochs    1
}
