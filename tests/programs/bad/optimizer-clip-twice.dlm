# An optimizer clips its gradients one way: clipnorm, global_clipnorm or clipvalue.
model m(x: [B, 4]) {
  x |> dense(3)
}

train m {
  loss mse
  optimizer rmsprop(lr=0.01, clipnorm=1.0, clipvalue=0.5)
}
