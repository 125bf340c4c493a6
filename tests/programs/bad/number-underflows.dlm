model m(x: [B, 3]) {
  x |> dense(1)
}

train m {
  loss      mse
  optimizer sgd(lr=1e-400)
}
