# piecewise_constant needs one value more than boundaries.
model m(x: [B, 4]) {
  x |> dense(3)
}

train m {
  loss mse
  optimizer adam(lr=piecewise_constant([1000, 2000], [0.001, 0.0001]))
}
