model scale(x: [B, 784]) {
  x * 2 |> tanh
}

train t(real: [B, 784]) {
  step scale with adam() minimize mse(scale(real), real)
}
