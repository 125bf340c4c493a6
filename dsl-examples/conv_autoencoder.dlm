# A convolutional autoencoder on MNIST (the Keras blog's "Building Autoencoders in Keras",
# convolutional form, with transposed convolutions to upsample): 28×28 → 7×7×8 → 28×28.
# The images are their own targets (`autoencode=true`), so the simple form trains it and
# `dlm train` ends with `test loss X`: the mean squared reconstruction error on the test
# split. `--samples DIR` writes 8 test images above their reconstructions.
model conv_autoencoder(x: [B, 28, 28, 1]) {
  x |> conv2d(16, 3, padding=same, activation=relu)
    |> maxpool2d(2)
    |> conv2d(8, 3, padding=same, activation=relu)
    |> maxpool2d(2)
    |> conv2d_transpose(8, 3, strides=2, padding=same, activation=relu)
    |> conv2d_transpose(16, 3, strides=2, padding=same, activation=relu)
    |> conv2d(1, 3, padding=same, activation=sigmoid)
}

train conv_autoencoder {
  data      mnist.images(autoencode=true)
  loss      mse
  optimizer adam(lr=1e-3)
  batch     32
  epochs    2
}
