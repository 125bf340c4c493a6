// 20 positions with a table of 16.
model m(x: i32[B, 20]) {
  let h = x |> embedding(100, 8)
  h + (h |> position_embedding(16))
}
