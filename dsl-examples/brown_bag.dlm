# A per-position part-of-speech tagger on the Brown corpus: each word's vector, then a
# softmax over the tags at every position (no context yet: a "bag" of single words).
# Padding positions (tag 0) are left out of the loss and the accuracy.
model brown_bag(words: i32[B, 64]) {
  words
    |> embedding(brown.vocab_size, 32)
    |> dense(brown.tag_count, activation=softmax)
}

train brown_bag {
  data      brown.tagged(max_len=64)
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-2)
  metrics   [accuracy]
  batch     32
  epochs    1
}
