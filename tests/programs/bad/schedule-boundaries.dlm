# piecewise_constant's boundaries must increase.
model m(x: [B, 4]) {
  x |> dense(3)
}

train m {
  loss mse
  optimizer sgd(lr=piecewise_constant([100, 500, 300], [0.1, 0.05, 0.01, 0.005]))
}
