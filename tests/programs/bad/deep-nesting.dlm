# Brackets nested absurdly deep are refused before the parser recurses on them.
model m(x: [B, 10]) {
  ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((x)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))) |> dense(1)
}
