model m(x: [B, 4]) {
  x |> dense(3, activation=softmax)
}

train m {
  data         csv("data.csv", target="y")
  loss         sparse_categorical_crossentropy
  optimizer    adam
  class_weight [1, 2]
}
