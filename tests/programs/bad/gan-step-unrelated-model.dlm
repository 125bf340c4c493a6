# A step naming a model that its loss does not depend on.
model generator(z: [B, 100]) {
  z |> dense(784, activation=tanh)
}

model discriminator(x: [B, 784]) {
  x |> dense(1, activation=sigmoid)
}

train gan(real: [B, 784]) {
  step generator with adam(lr=2e-4, beta1=0.5) minimize
       binary_crossentropy(discriminator(real), 1)
}
