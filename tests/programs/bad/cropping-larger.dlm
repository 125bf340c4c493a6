model m(x: [B, 28, 28, 1]) {
  x |> conv2d(8, kernel=3, strides=2, padding=same, activation=relu)
    |> cropping2d([[4, 3], [2, 2]])
    |> cropping2d([4, 2])
    |> flatten()
    |> dense(10, activation=softmax)
}
