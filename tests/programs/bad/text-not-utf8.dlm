# `text` of a file that is not UTF-8 (text-not-utf8.txt holds a Latin-1 é on line 1).
model m(t: i32[B, 16]) {
  t |> embedding(40, 8) |> lstm(16, return_sequences=true) |> dense(40)
}

train m {
  data      text("text-not-utf8.txt", context=16)
  loss      sparse_categorical_crossentropy(from_logits=true)
  optimizer adam(lr=1e-3)
}
