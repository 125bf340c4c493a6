# A part-of-speech tagger on the Brown corpus: each word's vector, a bidirectional GRU
# over the sentence, then a softmax over the tags at every position. The embedding's
# padding mask (id 0) travels through the GRU (a padded step keeps the state) and the
# dense layer to the loss and the accuracy, which count only the sentence's words.
model pos_tagger_gru(words: i32[B, 64]) {
  words
    |> embedding(brown.vocab_size, 64, mask_zero=true)
    |> bidirectional(gru(64, return_sequences=true))
    |> dense(brown.tag_count, activation=softmax)
}

train pos_tagger_gru {
  data      brown.tagged(max_len=64)
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-3)
  metrics   [accuracy]
  batch     32
  epochs    2
}
