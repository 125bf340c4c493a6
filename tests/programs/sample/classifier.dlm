# `dlm sample` of a classifier: it has no text or images to generate.
model mlp(x: [B, 784]) {
  x |> dense(10, activation=softmax)
}

train mlp {
  data      mnist(flatten=true)
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-3)
}
