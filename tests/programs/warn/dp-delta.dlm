# δ = 1e-4 is not below 1/N for MNIST's 60,000 training examples less a 10% validation split.
model m(x: [B, 784]) {
  x |> dense(10)
}

train m {
  data             mnist(flatten=true)
  loss             sparse_categorical_crossentropy(from_logits=true)
  optimizer        dp_sgd(lr=0.1, l2_norm_clip=1.0, noise_multiplier=1.1)
  batch            250
  validation_split 0.1
  delta            1e-4
}
