# Two things the pytorch target has no rule for: a model called inside another model, and a
# differentially private optimizer.
model encoder(x: [B, 784]) {
  x |> dense(32, activation=relu)
}

model m(x: [B, 784]) {
  encoder(x) |> dense(10, activation=softmax)
}

train m {
  data      mnist(flatten=true)
  loss      sparse_categorical_crossentropy
  optimizer dp_sgd(lr=0.1, l2_norm_clip=1.0, noise_multiplier=1.1, microbatches=32)
  batch     32
}
