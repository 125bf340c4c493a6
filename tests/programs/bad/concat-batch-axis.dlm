model m(x: [B, 8], z: [B, 8]) {
  concat(x, z, axis=0) |> dense(10)
}
