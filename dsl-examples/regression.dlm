# The MLP regression (docs/keras-semantics.md §3) on data/regression.csv, made by make_regression.mjs:
# y = sin(3·x1) + x2·x3 + ε, x ~ U[-1, 1]³, ε ~ N(0, 0.1²); 2,000 rows, the last 400 test.
model regression(x: [B, 3]) {
  x |> dense(64, activation=relu)
    |> dense(1)
}

train regression {
  data      csv("data/regression.csv", target="y", test_rows=400)
  loss      mse
  optimizer sgd(lr=0.01, momentum=0.9)
  batch     32
  epochs    50
}
