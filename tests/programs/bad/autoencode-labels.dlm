# `autoencode` makes the images their own targets: mnist.labels has no images, and
# one_hot shapes the labels that autoencode replaces (DL2017, twice).
model ae(x: [B, 784]) {
  x |> dense(32, activation=relu) |> dense(784, activation=sigmoid)
}

train ae {
  data      mnist.labels(autoencode=true)
  loss      mse
  optimizer adam()
}

model ae2(x: [B, 784]) {
  x |> dense(784, activation=sigmoid)
}

train ae2 {
  data      mnist(flatten=true, one_hot=true, autoencode=true)
  loss      mse
  optimizer adam()
}
