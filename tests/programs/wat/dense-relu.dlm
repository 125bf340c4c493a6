# A dense layer with a relu, a linear output and MSE, trained with SGD: the smallest
# program whose kernel module shows a GEMM with a fused activation epilogue, the backward
# mirror (relu gradient + bias gradient in one pass), both gradient GEMMs, a loss and SGD.
model m(x: [B, 3]) {
  x |> dense(5, activation=relu)
    |> dense(2)
}

train t(x: [B, 3], y: [B, 2]) {
  step m with sgd(lr=0.1) minimize mse(m(x), y)
}
