# A generator of 14 × 14 images without a bound: scoring needs 784 values in [-1, 1] (two DL4007).
model generator(z: [B, 100]) {
  z |> dense(196, activation=sigmoid) |> reshape([14, 14, 1])
}

model discriminator(x: [B, 14, 14, 1]) {
  x |> flatten() |> dense(1)
}

train gan(real: [B, 14, 14, 1]) {
  let fake = generator(normal([B, 100]))
  step discriminator with adam() minimize
       binary_crossentropy(discriminator(real), 1, from_logits=true) +
       binary_crossentropy(discriminator(stop_gradient(fake)), 0, from_logits=true)
  step generator with adam() minimize binary_crossentropy(discriminator(fake), 1, from_logits=true)
}
