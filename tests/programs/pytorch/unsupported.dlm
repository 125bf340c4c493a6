# Two things the pytorch target has no rule for: a GRU layer and Keras's RMSprop update.
model m(x: [B, 28, 28]) {
  x |> gru(16)
    |> dense(10, activation=softmax)
}

train m {
  data      mnist(rows_as_steps=true)
  loss      sparse_categorical_crossentropy
  optimizer rmsprop(lr=1e-3)
  batch     32
}
