model m(x: [B, 4]) {
  x |> dense(3, activation=softmax)
}

train m {
  data             csv("data.csv", target="y")
  loss             sparse_categorical_crossentropy
  optimizer        adam
  metrics          [accuracy]
  validation_split 0.2
  early_stopping   early_stopping(monitor=val_f1, patience=2)
}
