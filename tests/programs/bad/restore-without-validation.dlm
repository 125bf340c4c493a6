model m(x: [B, 4]) {
  x |> dense(1)
}

train m {
  data           csv("data.csv", target="y")
  loss           mse
  optimizer      sgd
  early_stopping early_stopping(monitor=loss, restore_best_weights=true)
}
