# A small residual network with batch normalization on MNIST: 112,970 parameters, 576 of them
# the batch norms' moving statistics (Non-trainable params). Two residual blocks, at 32 and at
# 64 channels, the second after a stride-2 convolution; a global average; one epoch.
#
# momentum=0.9, not Keras's default 0.99: with 0.99 the moving statistics that evaluation uses
# still lag the weights after one short epoch (docs/language.md, `batchnorm`).
model resnet(x: [B, 28, 28, 1]) {
  let stem = x |> conv2d(32, 3, padding=same) |> batchnorm(momentum=0.9) |> relu

  # A residual block at 32 channels: two convolutions, the block's input added before the relu.
  let a = stem |> conv2d(32, 3, padding=same) |> batchnorm(momentum=0.9) |> relu
               |> conv2d(32, 3, padding=same) |> batchnorm(momentum=0.9)
  let h1 = a + stem |> relu

  # Down to 14 × 14 at 64 channels, then the same block at 64.
  let down = h1 |> conv2d(64, 3, strides=2, padding=same) |> batchnorm(momentum=0.9) |> relu
  let b = down |> conv2d(64, 3, padding=same) |> batchnorm(momentum=0.9) |> relu
               |> conv2d(64, 3, padding=same) |> batchnorm(momentum=0.9)
  let h2 = b + down |> relu

  h2 |> global_avgpool2d() |> dense(10, activation=softmax)
}

train resnet {
  data      mnist
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-3)
  metrics   [accuracy]
  batch     64
  epochs    1
}
