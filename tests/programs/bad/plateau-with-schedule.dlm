model m(x: [B, 4]) {
  x |> dense(1)
}

train m {
  data                 csv("data.csv", target="y")
  loss                 mse
  optimizer            sgd(lr=exponential_decay(0.1, decay_steps=100, rate=0.5))
  validation_split     0.2
  reduce_lr_on_plateau reduce_lr_on_plateau(factor=0.5, patience=2)
}
