# An MLP whose second dense layer (256 → 64, 16,384 multiply-adds per row) reads a relu's
# output: the int8 export tests' sparse int8 layer (k ≥ 256, 32 ≤ n ≤ 512, relu-fed).
model relu2(x: [B, 28, 28, 1]) {
  x |> flatten()
    |> dense(256, activation=relu)
    |> dense(64, activation=relu)
    |> dense(10, activation=softmax)
}

train relu2 {
  data      mnist
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-3)
  batch     32
  epochs    1
}
