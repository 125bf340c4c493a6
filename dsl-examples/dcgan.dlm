# TensorFlow's DCGAN tutorial (tensorflow.org/tutorials/generative/dcgan), layer for layer:
# a generator of transposed convolutions with batch norm and LeakyReLU (Keras's default
# slope 0.3, as dlm's leaky_relu), a convolutional discriminator that gives logits, binary
# cross-entropy from the logits, Adam(1e-4) for both, batch 256, and the tutorial's
# simultaneous update: one forward pass (the lets), both models updated from it. The
# generator's gradient goes through the discriminator as it was before its update
# (docs/language.md §7, rule 6). Generator 2,330,944 parameters (25,472 of them batch
# norm's moving statistics), discriminator 212,865. A smaller, faster version:
# dcgan_small.dlm.
model generator(z: [B, 100]) {
  z |> dense(7 * 7 * 256, use_bias=false)
    |> batchnorm()
    |> leaky_relu
    |> reshape([7, 7, 256])
    |> conv2d_transpose(128, 5, strides=1, padding=same, use_bias=false)
    |> batchnorm()
    |> leaky_relu
    |> conv2d_transpose(64, 5, strides=2, padding=same, use_bias=false)
    |> batchnorm()
    |> leaky_relu
    |> conv2d_transpose(1, 5, strides=2, padding=same, use_bias=false, activation=tanh)
}

model discriminator(x: [B, 28, 28, 1]) {
  x |> conv2d(64, 5, strides=2, padding=same)
    |> leaky_relu
    |> dropout(0.3)
    |> conv2d(128, 5, strides=2, padding=same)
    |> leaky_relu
    |> dropout(0.3)
    |> flatten()
    |> dense(1)
}

train gan(real: [B, 28, 28, 1]) {
  data  mnist.images(range=[-1, 1])
  batch 256
  epochs 50

  # One forward pass per batch: the generated images and both of the discriminator's outputs.
  let fake     = generator(normal([B, 100]))
  let real_out = discriminator(real)
  let fake_out = discriminator(fake)

  step discriminator with adam(lr=1e-4) minimize
       binary_crossentropy(real_out, 1, from_logits=true) +
       binary_crossentropy(fake_out, 0, from_logits=true)

  # Through fake_out: the discriminator of the forward pass, not the one just updated.
  step generator with adam(lr=1e-4) minimize
       binary_crossentropy(fake_out, 1, from_logits=true)
}
