# A number among concat's tensors: the axis given positionally.
model m(x: [B, 4], y: [B, 4]) {
  concat(x, y, 1) |> dense(2)
}
