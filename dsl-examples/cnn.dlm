# The seed CNN (docs/keras-semantics.md §3): 693,962 parameters, one epoch of MNIST at batch 32.
model cnn(x: [B, 28, 28, 1]) {
  x |> conv2d(32, kernel=3, activation=relu)
    |> maxpool2d(2)
    |> flatten()
    |> dense(128, activation=relu)
    |> dense(10, activation=softmax)
}

train cnn {
  data      mnist                      # built in: images [28, 28, 1] in [0, 1], integer labels
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-3)
  metrics   [accuracy]
  batch     32
  epochs    5
}
