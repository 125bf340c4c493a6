# dcgan.dlm with every channel count divided by 4 (dense 7·7·64; transposed convolutions 32,
# 16, 1; discriminator 16, 32), batch 64 and Adam(2e-4, beta1=0.5) for both models (the
# DCGAN paper's settings): the same simultaneous update, small enough to score in minutes
# (`npm run gan:score -- --program dsl-examples/dcgan_small.dlm --epochs 5`).
model generator(z: [B, 100]) {
  z |> dense(7 * 7 * 64, use_bias=false)
    |> batchnorm()
    |> leaky_relu
    |> reshape([7, 7, 64])
    |> conv2d_transpose(32, 5, strides=1, padding=same, use_bias=false)
    |> batchnorm()
    |> leaky_relu
    |> conv2d_transpose(16, 5, strides=2, padding=same, use_bias=false)
    |> batchnorm()
    |> leaky_relu
    |> conv2d_transpose(1, 5, strides=2, padding=same, use_bias=false, activation=tanh)
}

model discriminator(x: [B, 28, 28, 1]) {
  x |> conv2d(16, 5, strides=2, padding=same)
    |> leaky_relu
    |> dropout(0.3)
    |> conv2d(32, 5, strides=2, padding=same)
    |> leaky_relu
    |> dropout(0.3)
    |> flatten()
    |> dense(1)
}

train gan(real: [B, 28, 28, 1]) {
  data  mnist.images(range=[-1, 1])
  batch 64
  epochs 5

  let fake     = generator(normal([B, 100]))
  let real_out = discriminator(real)
  let fake_out = discriminator(fake)

  step discriminator with adam(lr=2e-4, beta1=0.5) minimize
       binary_crossentropy(real_out, 1, from_logits=true) +
       binary_crossentropy(fake_out, 0, from_logits=true)

  step generator with adam(lr=2e-4, beta1=0.5) minimize
       binary_crossentropy(fake_out, 1, from_logits=true)
}
