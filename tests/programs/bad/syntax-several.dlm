# Three syntax errors, one per item: all of them are reported.
model a(x: [B, 4]) {
  x |> dense(8 activation=relu)
}

model b(x: [B, 4] {
  x |> dense(8)
}

model c(x: [B, 4]) {
  x |> dense(8,, activation=relu)
}
