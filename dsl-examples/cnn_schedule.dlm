# The seed CNN with training controls: AdamW on a cosine schedule with a linear warmup,
# a validation split, and early stopping that keeps the best epoch's weights.
model cnn(x: [B, 28, 28, 1]) {
  x |> conv2d(32, kernel=3, activation=relu)
    |> maxpool2d(2)
    |> flatten()
    |> dense(128, activation=relu)
    |> dense(10, activation=softmax)
}

train cnn {
  data             mnist
  loss             sparse_categorical_crossentropy
  optimizer        adamw(lr=cosine_decay(0, decay_steps=5063, alpha=0, warmup_steps=500, warmup_target=2e-3), weight_decay=1e-4)
  metrics          [accuracy]
  validation_split 0.1
  early_stopping   early_stopping(monitor=val_loss, patience=1, restore_best_weights=true)
  batch            32
  epochs           3
}
