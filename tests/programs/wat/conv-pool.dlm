# A tiny convolution with relu, max-pooling and a softmax classifier: the convolution and
# pooling kernels (the forward; the pooling gradient, kernel gradient and bias sum in one pass)
# and a cross-entropy from logits.
model m(x: [B, 4, 4, 1]) {
  x |> conv2d(4, kernel=2, activation=relu)
    |> maxpool2d(3)
    |> flatten()
    |> dense(3, activation=softmax)
}

train t(x: [B, 4, 4, 1], y: [B]) {
  step m with adam(lr=1e-3) minimize sparse_categorical_crossentropy(m(x), y)
}
