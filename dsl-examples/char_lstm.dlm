# A character LSTM (TensorFlow.js's lstm-text-generation example) on the Brown corpus as
# running text: 40 one-hot characters in, the probabilities of the next one out.
# lstm(128) on 83 features: 4 * 128 * (83 + 128 + 1) = 108,544; dense 128 * 83 + 83 = 10,707;
# 119,251 parameters. The test loss is the mean cross-entropy over 12,800 fixed test windows.
model char_lstm(chars: [B, 40, 83]) {
  chars |> lstm(128) |> dense(brown.char_count, activation=softmax)
}

train char_lstm {
  data      brown.chars(context=40, targets=last, test_windows=12800, one_hot=true)
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-3)
  batch     128
}
