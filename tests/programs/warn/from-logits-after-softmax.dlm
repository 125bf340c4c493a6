# The model already ends in a softmax: from_logits=true reads its probabilities as logits.
model classifier(x: [B, 784]) {
  x |> dense(64, activation=relu) |> dense(10, activation=softmax)
}

train classifier {
  data      mnist(flatten=true, one_hot=true)
  loss      categorical_crossentropy(from_logits=true)
  optimizer adam()
}
