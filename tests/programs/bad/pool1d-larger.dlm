model m(x: [B, 5, 3]) {
  x |> conv1d(4, kernel=2)
    |> maxpool1d(6)
}
