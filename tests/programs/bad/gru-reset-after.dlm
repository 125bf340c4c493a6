# Only Keras 3's default form of the GRU (reset_after=true) is supported.
model m(x: [B, 20, 8]) {
  x |> gru(16, reset_after=false) |> dense(2)
}
