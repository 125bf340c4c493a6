# The seed GAN (docs/keras-semantics.md §3): generator 559,632 and discriminator 402,433 parameters,
# MNIST scaled to [-1, 1]. Unstable by design: see gan_stabilized.dlm.
model generator(z: [B, 100]) {
  z |> dense(256, activation=relu)
    |> dense(512, activation=relu)
    |> dense(784, activation=tanh)
}

model discriminator(x: [B, 784]) {
  x |> dense(512, activation=relu)
    |> dense(1, activation=sigmoid)
}

train gan(real: [B, 784]) {
  data  mnist.images(flatten=true, range=[-1, 1])
  batch 64
  epochs 20

  # Once per batch, before the steps: the generated images both steps use.
  let fake = generator(normal([B, 100]))

  # The discriminator learns real → 1, generated → 0; stop_gradient keeps this step
  # from reaching into the generator.
  step discriminator with adam(lr=2e-4, beta1=0.5) minimize
       binary_crossentropy(discriminator(real), 1) +
       binary_crossentropy(discriminator(stop_gradient(fake)), 0)

  # The generator learns to make the freshly updated discriminator say 1.
  step generator with adam(lr=2e-4, beta1=0.5) minimize
       binary_crossentropy(discriminator(fake), 1)
}
