# The stacked LSTM classifier (docs/keras-semantics.md §3): row-wise MNIST, 28 time steps of 28
# features; 36,510 parameters.
model rnn(x: [B, 28, 28]) {
  x |> lstm(50, return_sequences=true)
    |> lstm(50)
    |> dense(10, activation=softmax)
}

train rnn {
  data      mnist(rows_as_steps=true)  # each image row is one time step
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-3)
  metrics   [accuracy]
  batch     32
  epochs    1
}
