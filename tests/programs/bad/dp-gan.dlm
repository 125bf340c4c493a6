# A differentially private optimizer in a GAN's block of two steps: not supported.
model generator(z: [B, 16]) {
  z |> dense(784, activation=tanh)
}

model discriminator(x: [B, 784]) {
  x |> dense(1)
}

train gan(real: [B, 784]) {
  data mnist.images(flatten=true, range=[-1, 1])
  let z = normal([B, 16])
  let fake = generator(z)
  step discriminator with dp_adam(lr=2e-4, l2_norm_clip=1.0, noise_multiplier=1.1)
    minimize binary_crossentropy(discriminator(real), 1, from_logits=true) + binary_crossentropy(discriminator(fake), 0, from_logits=true)
  step generator with adam(lr=2e-4) minimize binary_crossentropy(discriminator(fake), 1, from_logits=true)
}
