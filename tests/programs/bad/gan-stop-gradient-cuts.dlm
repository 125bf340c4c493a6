# A stop_gradient that cuts every path from the loss to the step's parameters.
model generator(z: [B, 100]) {
  z |> dense(784, activation=tanh)
}

model discriminator(x: [B, 784]) {
  x |> dense(1, activation=sigmoid)
}

train gan(real: [B, 784]) {
  let fake = generator(normal([B, 100]))
  step generator with adam(lr=2e-4, beta1=0.5) minimize
       binary_crossentropy(discriminator(stop_gradient(fake)), 1)
}
