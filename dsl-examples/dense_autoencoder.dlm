# A dense autoencoder on MNIST (the Keras blog's "Building Autoencoders in Keras", simplest
# form): 784 → 64 → 784, the images their own targets (`autoencode=true`), the settings of
# conv_autoencoder.dlm. `dlm train` ends with `test loss X`, the test MSE.
model dense_autoencoder(x: [B, 784]) {
  x |> dense(64, activation=relu)
    |> dense(784, activation=sigmoid)
}

train dense_autoencoder {
  data      mnist.images(flatten=true, autoencode=true)
  loss      mse
  optimizer adam(lr=1e-3)
  batch     32
  epochs    2
}
