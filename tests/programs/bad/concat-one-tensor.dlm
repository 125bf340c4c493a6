model m(x: [B, 8]) {
  x |> concat(axis=1) |> dense(10)
}
