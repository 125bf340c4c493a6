# A CNN whose second convolution is large enough for int8 (3×3×16×32 = 4,608 multiply-adds per
# output position), fused with its relu and max pool: the int8 export tests' convolution.
model convs(x: [B, 28, 28, 1]) {
  x |> conv2d(16, 3, strides=2, activation=relu)
    |> conv2d(32, 3, activation=relu)
    |> maxpool2d(2)
    |> flatten()
    |> dense(10, activation=softmax)
}

train convs {
  data      mnist
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-3)
  batch     32
  epochs    1
}
