model generator(z: [B, 100]) {
  z |> dense(784, activation=tanh)
}

train gan(real: [B, 784]) {
  let fake = generator(normal([B, 100]))
  let score = fake |> dense(1, activation=sigmoid)
  step generator with adam() minimize binary_crossentropy(score, 1)
}
