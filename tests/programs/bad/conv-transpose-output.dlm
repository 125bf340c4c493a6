model decoder(z: [B, 7, 7, 16]) {
  z |> conv2d_transpose(8, 3, strides=2, padding=same, activation=relu)
    |> conv2d_transpose(1, 3, strides=2, activation=sigmoid)
    |> reshape([28, 28, 1])
}
