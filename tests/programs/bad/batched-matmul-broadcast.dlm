// Leading axes 2 and 3 neither agree nor broadcast.
model m(a: [B, 2, 3, 4], b: [B, 3, 4, 5]) {
  a @ b
}
