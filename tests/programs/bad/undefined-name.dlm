model m(image: [B, 784]) {
  let hidden = image |> dense(128, activation=relu)
  hiden |> dense(10, activation=softmax)
}
