# Noise whose shape does not fit the generator's input.
model generator(z: [B, 100]) {
  z |> dense(784, activation=tanh)
}

model discriminator(x: [B, 784]) {
  x |> dense(1, activation=sigmoid)
}

train gan(real: [B, 784]) {
  let fake = generator(normal([B, 64]))
  step discriminator with adam() minimize
       binary_crossentropy(discriminator(real), 1) +
       binary_crossentropy(discriminator(stop_gradient(fake)), 0)
  step generator with adam() minimize binary_crossentropy(discriminator(fake), 1)
}
