# 1.0000000000000001 rounds to the double 1, but as written it is not a whole number.
model m(x: [B, 784]) {
  x |> dense(1.0000000000000001)
}
