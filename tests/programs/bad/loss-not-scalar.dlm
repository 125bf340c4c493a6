model generator(z: [B, 100]) {
  z |> dense(784, activation=tanh)
}

model discriminator(x: [B, 784]) {
  x |> dense(1, activation=sigmoid)
}

train gan(real: [B, 784]) {
  step discriminator with adam() minimize discriminator(real)
  step generator with adam() minimize 1 - discriminator(generator(normal([B, 100])))
}
