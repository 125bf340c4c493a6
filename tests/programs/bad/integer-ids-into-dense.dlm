# Integer ids are not numbers to compute with: they go into an embedding first.
model tagger(words: i32[B, 64]) {
  words |> dense(16)
}
