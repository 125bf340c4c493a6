# A small GAN for `dlm sample -o grid.png`: the generator's images from seeded noise.
model generator(z: [B, 8]) {
  z |> dense(784, activation=tanh)
}

model discriminator(x: [B, 784]) {
  x |> dense(1, activation=sigmoid)
}

train gan(real: [B, 784]) {
  data  mnist.images(flatten=true, range=[-1, 1])
  batch 16
  let fake = generator(normal([B, 8]))
  step discriminator with adam(lr=2e-4) minimize
       binary_crossentropy(discriminator(real), 1) + binary_crossentropy(discriminator(stop_gradient(fake)), 0)
  step generator with adam(lr=2e-4) minimize binary_crossentropy(discriminator(fake), 1)
}
