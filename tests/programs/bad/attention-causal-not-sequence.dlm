// A causal mask orders positions along a time axis: a [B, 64] input has none.
model decoder(x: [B, 64]) {
  multi_head_attention(x, x, num_heads=4, key_dim=16, use_causal_mask=true)
}
