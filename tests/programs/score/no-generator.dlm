# A GAN whose generator is called `g`: scoring samples a model named `generator` (DL4007).
model g(z: [B, 100]) {
  z |> dense(784, activation=tanh)
}

model d(x: [B, 784]) {
  x |> dense(1)
}

train gan(real: [B, 784]) {
  data mnist.images(flatten=true, range=[-1, 1])
  let fake = g(normal([B, 100]))
  step d with adam() minimize binary_crossentropy(d(real), 1, from_logits=true) + binary_crossentropy(d(stop_gradient(fake)), 0, from_logits=true)
  step g with adam() minimize binary_crossentropy(d(fake), 1, from_logits=true)
}
