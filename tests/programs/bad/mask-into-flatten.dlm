# A padding mask reaches flatten, which would mix padded positions into the features.
model m(words: i32[B, 64]) {
  words
    |> embedding(brown.vocab_size, 16, mask_zero=true)
    |> flatten()
    |> dense(brown.tag_count, activation=softmax)
}
