# Small text models for the PyTorch target's parity test (tests/pytorch/text-parity.test.ts):
# the rules of dsl-examples/pos_tagger.dlm, pos_tagger_gru.dlm, char_lstm.dlm and
# char_transformer.dlm at sizes that train a few steps in seconds. Shuffling is off, so that
# train.py and the wasm trainer read the same batches.

# A masked bidirectional LSTM tagger: padding (word 0) keeps the state, is zero in the
# sequence and is left out of the loss and the accuracy.
model tagger(words: i32[B, 16]) {
  words
    |> embedding(brown.vocab_size, 16, mask_zero=true)
    |> bidirectional(lstm(12, return_sequences=true))
    |> dense(brown.tag_count, activation=softmax)
}

train tagger {
  data      brown.tagged(max_len=16)
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-2)
  metrics   [accuracy]
  batch     32
  shuffle   false
}

# GRU in both directions, averaged, then a SimpleRNN (relu): the mask carried through both.
model tagger_gru(words: i32[B, 16]) {
  words
    |> embedding(brown.vocab_size, 16, mask_zero=true)
    |> bidirectional(gru(12, return_sequences=true), merge_mode=ave)
    |> simple_rnn(10, activation=relu, return_sequences=true)
    |> dense(brown.tag_count, activation=softmax)
}

train tagger_gru {
  data      brown.tagged(max_len=16)
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-2)
  metrics   [accuracy]
  batch     32
  shuffle   false
}

# One-hot windows, the next character of each: a bidirectional GRU's last states and a softmax.
model next_char(chars: [B, 12, 83]) {
  chars |> bidirectional(gru(16), merge_mode=concat) |> dense(brown.char_count, activation=softmax)
}

train next_char {
  data      brown.chars(context=12, targets=last, test_windows=256, one_hot=true)
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-2)
  batch     32
  shuffle   false
}

# A one-block causal transformer: token and position embeddings, pre-LayerNorm attention and
# MLP (exact GELU), the next character at every position from the logits.
model char_transformer(tokens: i32[B, 16]) {
  let e = tokens |> embedding(brown.char_count, 32)
  let x0 = e + (e |> position_embedding(16))
  let a0 = x0 |> layernorm()
  let h0 = x0 + multi_head_attention(a0, a0, num_heads=2, key_dim=16, use_causal_mask=true)
  let x1 = h0 + (h0 |> layernorm() |> dense(64, activation=gelu) |> dense(32))
  x1 |> layernorm() |> dense(brown.char_count)
}

train char_transformer {
  data      brown.chars(context=16, targets=all, test_windows=256)
  loss      sparse_categorical_crossentropy(from_logits=true)
  optimizer adam(lr=1e-2)
  batch     16
  shuffle   false
}
