# The PyTorch target's optimizers and schedules (tests/pytorch/parity-vision.test.ts): one
# small classifier per step, each step with another of Keras's updates (dlm_torch.KerasOptimizer)
# and another learning-rate schedule, clipping and weight decay.
model a(x: [B, 784]) { x |> dense(8, activation=tanh) |> dense(10, activation=softmax) }
model b(x: [B, 784]) { x |> dense(8, activation=tanh) |> dense(10, activation=softmax) }
model c(x: [B, 784]) { x |> dense(8, activation=tanh) |> dense(10, activation=softmax) }
model d(x: [B, 784]) { x |> dense(8, activation=tanh) |> dense(10, activation=softmax) }
model e(x: [B, 784]) { x |> dense(8, activation=tanh) |> dense(10, activation=softmax) }

train opt(x: [B, 784], y: [B]) {
  data    mnist(flatten=true)
  batch   32
  shuffle false
  step a with adagrad(lr=piecewise_constant(boundaries=[5, 10], values=[0.1, 0.05, 0.02]), weight_decay=0.01)
       minimize sparse_categorical_crossentropy(a(x), y)
  step b with adamax(lr=polynomial_decay(0.01, decay_steps=8, end=0.001, power=2, cycle=true), clipvalue=0.01)
       minimize sparse_categorical_crossentropy(b(x), y)
  step c with nadam(lr=cosine_decay(0.01, decay_steps=20, alpha=0.1), clipnorm=0.5)
       minimize sparse_categorical_crossentropy(c(x), y)
  step d with sgd(lr=0.05, momentum=0.9, weight_decay=0.01, global_clipnorm=1)
       minimize sparse_categorical_crossentropy(d(x), y)
  step e with rmsprop(lr=exponential_decay(0.01, decay_steps=4, rate=0.7, staircase=true))
       minimize sparse_categorical_crossentropy(e(x), y)
}
