model m(x: [B, 784]) {
  x |> dense(10)
}

model m(x: [B, 784]) {
  x |> dense(1)
}
