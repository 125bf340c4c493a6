# A small residual network for the export tests: the skip connection makes tfjs's topology a
# functional Model (not a Sequential); batch normalization stays a layer in tfjs and ONNX.
model residual(x: [B, 28, 28, 1]) {
  let h = x |> conv2d(8, 3, strides=2, padding=same) |> batchnorm(momentum=0.9) |> relu
  let r = h |> conv2d(8, 3, padding=same) |> batchnorm(momentum=0.9)
  r + h |> relu |> maxpool2d(2) |> global_avgpool2d |> dense(10, activation=softmax)
}

train residual {
  data      mnist
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-3)
  batch     32
  epochs    1
}
