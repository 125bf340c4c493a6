# The stabilized GAN (docs/keras-semantics.md §3): the seed GAN's generator; a discriminator with
# leaky_relu(0.2) and dropout(0.3) after its hidden layer; one-sided label smoothing
# (real target 0.9). Parameters as the seed GAN: 559,632 and 402,433.
model generator(z: [B, 100]) {
  z |> dense(256, activation=relu)
    |> dense(512, activation=relu)
    |> dense(784, activation=tanh)
}

model discriminator(x: [B, 784]) {
  x |> dense(512, activation=leaky_relu(0.2))
    |> dropout(0.3)
    |> dense(1, activation=sigmoid)
}

train gan(real: [B, 784]) {
  data  mnist.images(flatten=true, range=[-1, 1])
  batch 64
  epochs 20

  let fake = generator(normal([B, 100]))

  step discriminator with adam(lr=2e-4, beta1=0.5) minimize
       binary_crossentropy(discriminator(real), 0.9) +
       binary_crossentropy(discriminator(stop_gradient(fake)), 0)

  step generator with adam(lr=2e-4, beta1=0.5) minimize
       binary_crossentropy(discriminator(fake), 1)
}
