// dlm_torch.py, the part for text, recurrent and attention models (support.ts joins the parts):
// the GRU, SimpleRNN and Bidirectional layers with Keras's padding masks, multi-head attention
// written out (torch 1.13 has no scaled-dot-product attention), the learned position
// embedding, and the data sources whose arrays dlm prepares at compile time (brown.tagged,
// brown.chars, text: DIR/data.safetensors). Python text; its reference is docs/pytorch.md.
export const supportText = String.raw`# -- Masks and recurrent layers ----------------------------------------------------------


def padding_mask(ids):
    """embedding(mask_zero=true): 1.0 where the id is not 0 (padding), else 0.0."""
    return (ids != 0).float()


def scan(cell, x, mask, state, return_sequences):
    """
    Runs 'cell' (step input, state -> new state, whose first entry is h) over the steps of x
    [B, steps, ...]. A masked step (mask [B, steps] is 0) keeps the state (Keras); the sequence
    output is then h at every step, zero where masked; otherwise h after the last step.
    """
    hs = []
    for t in range(x.shape[1]):
        new = cell(x[:, t], state)
        if mask is not None:
            keep = mask[:, t : t + 1] == 0
            new = tuple(torch.where(keep, old, n) for old, n in zip(state, new))
        state = new
        hs.append(state[0])
    if not return_sequences:
        return state[0]
    y = torch.stack(hs, 1)
    return y * mask.unsqueeze(-1) if mask is not None else y


class GRU(nn.Module):
    """
    Keras's GRU, reset_after=true: gates z, r, h (in that order in every tensor); the bias
    [2, 3·units] holds the input bias and the recurrent bias. h~ = tanh(x·W_h + b_h + r ⊙ (h·U_h
    + b_rh)); h = z ⊙ h_prev + (1 − z) ⊙ h~. Weights transposed as nn.GRU stores them (but in
    Keras's gate order, not nn.GRU's r, z, n): weight_ih [3·units, in], weight_hh [3·units, units].
    """

    def __init__(self, inputs, units, return_sequences):
        super().__init__()
        self.units, self.return_sequences = units, return_sequences
        self.weight_ih = nn.Parameter(torch.empty(3 * units, inputs))
        self.weight_hh = nn.Parameter(torch.empty(3 * units, units))
        self.bias = nn.Parameter(torch.empty(2, 3 * units))

    def forward(self, x, mask=None):
        u = self.units
        xw = F.linear(x, self.weight_ih, self.bias[0])

        def cell(xt, state):
            (h,) = state
            rec = F.linear(h, self.weight_hh, self.bias[1])
            z = torch.sigmoid(xt[:, :u] + rec[:, :u])
            r = torch.sigmoid(xt[:, u : 2 * u] + rec[:, u : 2 * u])
            hh = torch.tanh(xt[:, 2 * u :] + r * rec[:, 2 * u :])
            return (z * h + (1 - z) * hh,)

        return scan(cell, xw, mask, (x.new_zeros(x.shape[0], u),), self.return_sequences)


RNN_ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid, "linear": lambda v: v}


class SimpleRNN(nn.Module):
    """Keras's SimpleRNN: h = activation(x·W + b + h_prev·U); weight_ih [units, in], weight_hh [units, units]."""

    def __init__(self, inputs, units, return_sequences, activation="tanh"):
        super().__init__()
        self.units, self.return_sequences, self.activation = units, return_sequences, RNN_ACTIVATIONS[activation]
        self.weight_ih = nn.Parameter(torch.empty(units, inputs))
        self.weight_hh = nn.Parameter(torch.empty(units, units))
        self.bias = nn.Parameter(torch.empty(units))

    def forward(self, x, mask=None):
        xw = F.linear(x, self.weight_ih, self.bias)
        cell = lambda xt, state: (self.activation(xt + F.linear(state[0], self.weight_hh)),)
        return scan(cell, xw, mask, (x.new_zeros(x.shape[0], self.units),), self.return_sequences)


class Bidirectional(nn.Module):
    """
    Keras's Bidirectional: forward_layer over x, backward_layer over x (and its mask) reversed in
    time, its sequence output reversed back; the two merged (concat, sum, mul, ave).
    """

    def __init__(self, forward_layer, backward_layer, merge_mode, return_sequences):
        super().__init__()
        self.forward_layer, self.backward_layer = forward_layer, backward_layer
        self.merge_mode, self.return_sequences = merge_mode, return_sequences

    def forward(self, x, mask=None):
        f = self.forward_layer(x, mask)
        b = self.backward_layer(x.flip(1), mask.flip(1) if mask is not None else None)
        if self.return_sequences:
            b = b.flip(1)
        if self.merge_mode == "concat":
            return torch.cat([f, b], -1)
        if self.merge_mode == "sum":
            return f + b
        if self.merge_mode == "mul":
            return f * b
        return (f + b) * 0.5


# -- Attention ------------------------------------------------------------------------------


class MultiHeadAttention(nn.Module):
    """
    Keras's MultiHeadAttention, written out (no scaled-dot-product attention in torch 1.13). The
    parameters keep Keras's layouts: query/key/value kernels [d, heads, key_dim] (value: value_dim)
    with biases [heads, key_dim], the output kernel [heads, value_dim, d_query] and bias [d_query].
    Per head: softmax(q·kᵀ/√key_dim) · v; with a causal mask query i sees keys j ≤ i; dropout on
    the probabilities in training.
    """

    def __init__(self, dq, dv, dk, heads, key_dim, value_dim, causal, dropout):
        super().__init__()
        self.heads, self.key_dim, self.value_dim, self.causal, self.dropout = heads, key_dim, value_dim, causal, dropout
        self.query_kernel = nn.Parameter(torch.empty(dq, heads, key_dim))
        self.query_bias = nn.Parameter(torch.empty(heads, key_dim))
        self.key_kernel = nn.Parameter(torch.empty(dk, heads, key_dim))
        self.key_bias = nn.Parameter(torch.empty(heads, key_dim))
        self.value_kernel = nn.Parameter(torch.empty(dv, heads, value_dim))
        self.value_bias = nn.Parameter(torch.empty(heads, value_dim))
        self.output_kernel = nn.Parameter(torch.empty(heads, value_dim, dq))
        self.output_bias = nn.Parameter(torch.empty(dq))

    @staticmethod
    def _project(x, kernel, bias):
        """x [B, t, d] through an EinsumDense kernel [d, heads, size]: [B, heads, t, size]."""
        heads, size = kernel.shape[1], kernel.shape[2]
        y = torch.matmul(x, kernel.reshape(kernel.shape[0], heads * size)) + bias.reshape(heads * size)
        return y.reshape(x.shape[0], x.shape[1], heads, size).transpose(1, 2)

    def forward(self, query, value, key, training):
        q = self._project(query, self.query_kernel, self.query_bias)
        k = self._project(key, self.key_kernel, self.key_bias)
        v = self._project(value, self.value_kernel, self.value_bias)
        scores = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(self.key_dim))
        if self.causal:
            t, s = scores.shape[-2], scores.shape[-1]
            later = torch.ones(t, s, dtype=torch.bool, device=scores.device).triu(1)
            scores = scores.masked_fill(later, float("-inf"))
        p = torch.softmax(scores, -1)
        if training and self.dropout > 0:
            p = p * noise.dropout_mask(p.shape, self.dropout)
        o = torch.matmul(p, v).transpose(1, 2)  # [B, t, heads, value_dim]
        o = o.reshape(o.shape[0], o.shape[1], self.heads * self.value_dim)
        return torch.matmul(o, self.output_kernel.reshape(self.heads * self.value_dim, -1)) + self.output_bias


class PositionEmbedding(nn.Module):
    """keras_hub's PositionEmbedding: rows 0..t−1 of embeddings [sequence_length, d], as [B, t, d] (x gives the shape)."""

    def __init__(self, sequence_length, d):
        super().__init__()
        self.embeddings = nn.Parameter(torch.empty(sequence_length, d))

    def forward(self, x):
        return self.embeddings[: x.shape[1]].unsqueeze(0).expand(x.shape[0], -1, -1)


# -- Text data ------------------------------------------------------------------------------
# dlm compile prepares the arrays of brown.tagged, brown.chars and text(...) with the reader of
# dlm's own trainers and writes them beside train.py as data.safetensors: ids as U8 or I32
# tensors, the vocabularies in its metadata (JSON lists, as dlm's checkpoints store them).


class Tagged:
    """brown.tagged: each sentence's word ids and tag ids, padded with 0 to max_len (longer ones were cut)."""

    def __init__(self, tensors, split, max_len):
        lengths = tensors[split + "/lengths"].long()
        valid = torch.arange(max_len)[None, :] < lengths[:, None]
        self.words = torch.zeros(len(lengths), max_len, dtype=torch.long)
        self.tags = torch.zeros(len(lengths), max_len, dtype=torch.long)
        self.words[valid] = tensors[split + "/words"].long()  # row-major: the sentences one after the other
        self.tags[valid] = tensors[split + "/tags"].long()
        self.n = len(lengths)

    def batch(self, rows):
        return [self.words[rows], self.tags[rows]]


class Windows:
    """
    Windows of character ids: sample r starts at position starts[r] (every position when starts
    is None) and holds 'context' ids (one-hot rows of 'one_hot' classes when set); its target is
    the next id ('last') or the next 'context' ids.
    """

    def __init__(self, ids, context, last, one_hot, starts=None):
        self.ids, self.context, self.last, self.one_hot = ids.long(), context, last, one_hot
        self.starts = starts.long() if starts is not None else None
        self.n = len(starts) if starts is not None else len(ids) - context

    def batch(self, rows):
        s = self.starts[rows] if self.starts is not None else rows.long()
        w = self.ids[s[:, None] + torch.arange(self.context + 1)]
        x, y = w[:, : self.context], (w[:, self.context] if self.last else w[:, 1:])
        return [F.one_hot(x, self.one_hot).float() if self.one_hot else x, y]


def text_data(path, spec):
    """(training data, test data, the vocabularies' checkpoint metadata) of the prepared file at 'path'."""
    if os.path.isdir(path):
        path = os.path.join(path, "data.safetensors")
    tensors, meta = load_safetensors(path, ("U8", "I32"))
    if meta.get("format") != "dlm-data-1" or meta.get("kind") != spec["kind"]:
        raise SystemExit("error: %s: not the %s data dlm compile prepares for this program" % (path, spec["kind"]))
    vocab = {k: v for k, v in meta.items() if k.startswith("vocab_")}
    if spec["kind"] == "brown.tagged":
        return Tagged(tensors, "train", spec["max_len"]), Tagged(tensors, "test", spec["max_len"]), vocab
    context, last = spec["context"], spec["targets"] == "last"
    one_hot = len(json.loads(meta["vocab_chars"])) if spec["one_hot"] else 0  # one-hot rows of the vocabulary's size
    train = Windows(tensors["train/ids"], context, last, one_hot)
    test = Windows(tensors["test/ids"], context, last, one_hot, tensors["test/starts"])
    return train, test, vocab


`;
