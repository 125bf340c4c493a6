model m(x: [B, 3]) {
  x |> dense(1, name="out)
}
