model m(x: [B, 14, 14, 4]) {
  x |> upsampling2d(2, interpolation=bilinear) |> conv2d(1, kernel=3, padding=same)
}
