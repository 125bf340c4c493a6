# The PyTorch target's vision rules (tests/pytorch/parity-vision.test.ts): batch and layer
# normalization, transposed convolutions (an odd `same` cut, a valid one with kernel < stride),
# bilinear and nearest upsampling, zero padding, cropping, same average pooling, the
# elementwise ops and reductions, and Keras's centered RMSprop with momentum on a schedule.
# No bias before a normalization that removes it (its gradient is rounding noise, which
# RMSprop's scaling would turn into updates that differ between any two implementations).
model v(x: [B, 28, 28, 1]) {
  let f = x |> conv2d(4, kernel=3, strides=2, padding=same, use_bias=false) |> batchnorm(momentum=0.9) |> relu
            |> zero_padding2d(padding=[[1, 2], [0, 3]]) |> cropping2d(cropping=[[2, 1], [1, 2]])
            |> avgpool2d(3, strides=2, padding=same)
            |> conv2d_transpose(3, kernel=3, strides=2, padding=same, activation=tanh)
            |> upsampling2d(size=[1, 2], interpolation=bilinear) |> maxpool2d(2)
            |> upsampling2d(size=[2, 1])
            |> conv2d_transpose(2, kernel=2, strides=3, use_bias=false) |> maxpool2d(6)
            |> layernorm(axis=1) |> flatten()
  let h = f |> dense(16)
  let g = maximum(h, 0) + minimum(h, 0.5) * 0.1 + sqrt(square(h) + 1) + log(exp(clip(h, -3, 3)) + 1) + pow(abs(h) + 1, 1.5) * 0.01
  g - mean(g, axis=1, keepdims=true) + sum(g, axis=1, keepdims=true) * 0.01 |> batchnorm() |> dense(10, activation=softmax)
}

train v {
  data      mnist
  loss      sparse_categorical_crossentropy
  optimizer rmsprop(lr=exponential_decay(0.01, decay_steps=10, rate=0.5), momentum=0.5, centered=true)
  batch     16
  shuffle   false
}
