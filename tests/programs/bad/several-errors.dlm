# Several independent mistakes in a model and its train block: each is reported.
model m(x: [B, 784]) {
  let h = x |> dense(0, activation=relu)
  let g = x |> dense(64, activaton=relu)
  x |> dense(10, activation=softmx)
}

train m {
  data      mnist(flatten=true)
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=-1)
  bach      32
  epochs    1.5
}
