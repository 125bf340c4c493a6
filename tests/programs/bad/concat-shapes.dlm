model m(x: [B, 4, 4, 3], z: [B, 2, 2, 3]) {
  concat(x, z, axis=-1) |> flatten() |> dense(10)
}
