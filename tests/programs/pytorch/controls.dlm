# The PyTorch target's training controls (tests/pytorch/parity-vision.test.ts): a validation
# split (half of the training rows held out), early stopping on val_loss that restores the
# best epoch's weights, and reduce-on-plateau on the training loss, over whole epochs.
model m(x: [B, 784]) {
  x |> dense(16, activation=relu) |> dense(10, activation=softmax)
}

train m {
  data                 mnist(flatten=true)
  loss                 sparse_categorical_crossentropy
  optimizer            adam(lr=0.02)
  metrics              [accuracy]
  validation_split     0.5
  early_stopping       early_stopping(monitor=val_loss, patience=1, restore_best_weights=true)
  reduce_lr_on_plateau reduce_lr_on_plateau(monitor=loss, factor=0.5, patience=1, min_delta=0.5)
  batch                64
  epochs               4
  shuffle              false
}
