# A model whose input is a vector, not an image: `dlm explain` writes the .npy only, with a warning.
model m(x: [B, 784]) {
  x |> dense(10, activation=softmax)
}

train m {
  data      mnist(flatten=true)
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-3)
}
