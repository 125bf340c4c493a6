# bidirectional wraps a recurrent layer, not a dense one.
model m(x: [B, 20, 8]) {
  x |> bidirectional(dense(16)) |> dense(2)
}
