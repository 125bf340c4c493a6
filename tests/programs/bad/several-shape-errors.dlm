# Shape mistakes in two models and in two places of one model: all are reported.
model a(x: [B, 784]) {
  let h = x |> dense(64)
  let wide = h + (x |> dense(32))
  let deep = x |> lstm(10)
  h |> dense(10)
}

model b(x: [B, 8, 8, 1]) {
  x |> conv2d(4, kernel=9) |> flatten() |> dense(1)
}
