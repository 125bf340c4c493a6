model m(x: [B, 4]) {
  x |> dense(4) |> clip(1, -1)
}
