# A generator of 64 noise values: scoring feeds it [B, 100] (DL4007).
model generator(z: [B, 64]) {
  z |> dense(784, activation=tanh)
}

model discriminator(x: [B, 784]) {
  x |> dense(1)
}

train gan(real: [B, 784]) {
  data mnist.images(flatten=true, range=[-1, 1])
  let fake = generator(normal([B, 64]))
  step discriminator with adam() minimize
       binary_crossentropy(discriminator(real), 1, from_logits=true) +
       binary_crossentropy(discriminator(stop_gradient(fake)), 0, from_logits=true)
  step generator with adam() minimize binary_crossentropy(discriminator(fake), 1, from_logits=true)
}
