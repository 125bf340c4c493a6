model m(x: [B, 4]) {
  # café au lait
  x |> dense(1)
}
