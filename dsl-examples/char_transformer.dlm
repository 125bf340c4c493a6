# A character-level decoder-only transformer (GPT-style, pre-LayerNorm) on the Brown corpus
# as running text: windows of 128 characters, the next character at every position. Token and learned
# position embeddings, 4 blocks of x + attention(LN(x)) with a causal mask and x + MLP(LN(x))
# (dense 512 gelu -> dense 128), a final LayerNorm and logits over the vocabulary; the
# loss is the per-position sparse cross-entropy of the next character, from the logits.
# Vocabulary 83 (brown.char_count), context 128, d_model 128: 831,059 parameters.
# `dlm train dsl-examples/char_transformer.dlm --save ct.safetensors`, then
# `dlm sample dsl-examples/char_transformer.dlm --checkpoint ct.safetensors --prompt "The "`.
model char_transformer(tokens: i32[B, 128]) {
  let e = tokens |> embedding(brown.char_count, 128)
  let x0 = e + (e |> position_embedding(128))
  let a0 = x0 |> layernorm()
  let h0 = x0 + multi_head_attention(a0, a0, num_heads=4, key_dim=32, use_causal_mask=true)
  let x1 = h0 + (h0 |> layernorm() |> dense(512, activation=gelu) |> dense(128))
  let a1 = x1 |> layernorm()
  let h1 = x1 + multi_head_attention(a1, a1, num_heads=4, key_dim=32, use_causal_mask=true)
  let x2 = h1 + (h1 |> layernorm() |> dense(512, activation=gelu) |> dense(128))
  let a2 = x2 |> layernorm()
  let h2 = x2 + multi_head_attention(a2, a2, num_heads=4, key_dim=32, use_causal_mask=true)
  let x3 = h2 + (h2 |> layernorm() |> dense(512, activation=gelu) |> dense(128))
  let a3 = x3 |> layernorm()
  let h3 = x3 + multi_head_attention(a3, a3, num_heads=4, key_dim=32, use_causal_mask=true)
  let x4 = h3 + (h3 |> layernorm() |> dense(512, activation=gelu) |> dense(128))
  x4 |> layernorm() |> dense(brown.char_count)
}

train char_transformer {
  data      brown.chars(context=128, targets=all)
  loss      sparse_categorical_crossentropy(from_logits=true)
  optimizer adam(lr=1e-3)
  batch     32
}
