# `brown.char` (a misspelling of `brown.chars`).
model m(t: i32[B, 16]) {
  t |> embedding(brown.char_count, 8) |> lstm(16, return_sequences=true) |> dense(brown.char_count)
}

train m {
  data      brown.char(context=16)
  loss      sparse_categorical_crossentropy(from_logits=true)
  optimizer adam(lr=1e-3)
}
