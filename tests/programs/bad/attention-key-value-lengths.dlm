// Each value needs its key: 12 keys for 10 values do not pair up.
model m(q: [B, 8, 32], k: [B, 12, 32], v: [B, 10, 32]) {
  q |> multi_head_attention(v, key=k, num_heads=2, key_dim=16)
}
