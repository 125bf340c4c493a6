model generator(z: [B, 100]) {
  z |> dense(784, activation=tanh)
}

train gan(real: [B, 784]) {
  let fake = generator(normal([B, 100]))
  step fake with adam() minimize mse(fake, real)
  step generatr with adam() minimize mse(fake, real)
}
