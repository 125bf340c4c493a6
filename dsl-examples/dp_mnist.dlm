# Differentially private MNIST: TensorFlow Privacy's tutorial model and settings. Each
# example's gradient is clipped to norm 1.0, Gaussian noise of std 1.2 · 1.0 is added to
# their sum, and after each epoch the trainer prints the privacy spent (ε at δ = 1e-5).
model dp_mnist(x: [B, 28, 28, 1]) {
  x |> conv2d(16, kernel=8, strides=2, padding=same, activation=relu)
    |> maxpool2d(2, strides=1)
    |> conv2d(32, kernel=4, strides=2, padding=valid, activation=relu)
    |> maxpool2d(2, strides=1)
    |> flatten()
    |> dense(32, activation=relu)
    |> dense(10)
}

train dp_mnist {
  data      mnist
  loss      sparse_categorical_crossentropy(from_logits=true)
  optimizer dp_sgd(lr=0.32, l2_norm_clip=1.0, noise_multiplier=1.2, microbatches=256)
  metrics   [accuracy]
  batch     256
  epochs    10
  delta     1e-5
}
