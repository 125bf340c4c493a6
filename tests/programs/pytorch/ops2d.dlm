# The PyTorch target's 2-D rules and more (tests/pytorch/parity.test.ts): a strided same convolution with
# an even kernel, same max pooling, elu, gelu, silu, transpose, a logits loss, SGD with Nesterov momentum.
model c2(x: [B, 28, 28, 1]) {
  x |> conv2d(6, kernel=4, strides=2, padding=same, activation=elu)
    |> maxpool2d(3, strides=2, padding=same)
    |> conv2d(8, kernel=3, padding=same, activation=gelu)
    |> avgpool2d(2)
    |> transpose([2, 0, 1])
    |> flatten()
    |> dense(16, activation=silu)
    |> dropout(0.0)
    |> dense(10)
}

train c2 {
  data      mnist
  loss      sparse_categorical_crossentropy(from_logits=true)
  optimizer sgd(lr=0.05, momentum=0.9, nesterov=true)
  batch     32
  shuffle   false
}
