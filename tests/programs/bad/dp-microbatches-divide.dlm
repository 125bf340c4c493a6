# 100 microbatches cannot split a batch of 256 rows into equal parts.
model m(x: [B, 784]) {
  x |> dense(10)
}

train m {
  data      mnist(flatten=true)
  loss      sparse_categorical_crossentropy(from_logits=true)
  optimizer dp_sgd(lr=0.1, l2_norm_clip=1.0, noise_multiplier=1.1, microbatches=100)
  batch     256
}
