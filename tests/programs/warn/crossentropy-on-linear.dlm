# A discriminator that ends in a linear layer, trained with a cross-entropy on probabilities:
# its outputs are clipped to [1e-7, 1 - 1e-7] instead of read as logits.
model discriminator(x: [B, 784]) {
  x |> dense(128, activation=relu) |> dense(1)
}

train d(real: [B, 784]) {
  data mnist.images(flatten=true)
  step discriminator with adam() minimize binary_crossentropy(discriminator(real), 1)
}
