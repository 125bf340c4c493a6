# A model that draws its own noise: it trains, but cannot be exported (DL4006).
model noisy(x: [B, 4]) {
  (x + normal([B, 4], std=0.1)) |> dense(3, activation=softmax)
}

train noisy {
  data      npy(x="x.npy", y="y.npy")
  loss      sparse_categorical_crossentropy
  optimizer adam()
}
