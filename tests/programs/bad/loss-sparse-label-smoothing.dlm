# Keras's sparse cross-entropy has no label smoothing.
model classifier(x: [B, 784]) {
  x |> dense(10, activation=softmax)
}

train classifier {
  data      mnist(flatten=true)
  loss      sparse_categorical_crossentropy(label_smoothing=0.1)
  optimizer adam()
}
