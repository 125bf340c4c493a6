# A padding mask reaches a convolution, which cannot use it.
model m(words: i32[B, 64]) {
  words
    |> embedding(brown.vocab_size, 16, mask_zero=true)
    |> conv1d(8, 3)
    |> dense(brown.tag_count, activation=softmax)
}
