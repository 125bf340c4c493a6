#!/usr/bin/python3
# PyTorch (Debian's python3-torch on /usr/bin/python3), one model, in its own process:
#   torch_bench.py --mnist DIR --model mlp|cnn|lstm|gan|resnet|dcgan|transformer|tagger --warmup 20 (--batches N [--epoch] | --seconds S) [--cap S]
#                  [--tagged FILE --variant padded|packed]   (the tagger: the sentences run.mjs wrote)
# One thread: run.mjs sets OPENBLAS_NUM_THREADS=1 (and LD_LIBRARY_PATH to OpenBLAS when it is
# installed); torch.set_num_threads(1) here. Keras-equivalent settings: Glorot-uniform weights,
# zero biases, Adam eps=1e-7, cross-entropy on logits; batch norm with Keras's epsilon 1e-3 and
# PyTorch momentum 0.1 (= Keras momentum 0.9). Prints one "BENCH_RESULT {json}" line.
import argparse, json, os, resource, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--mnist", required=True)
p.add_argument("--model", required=True)
p.add_argument("--warmup", type=int, default=20)
p.add_argument("--batches", type=int, default=0)
p.add_argument("--seconds", type=float, default=0)
p.add_argument("--cap", type=float, default=0)
p.add_argument("--epoch", action="store_true")
p.add_argument("--tagged", default="")
p.add_argument("--variant", default="padded", choices=["padded", "packed"])
p.add_argument("--threads", type=int, default=1)  # the threads suite: torch's intra-op threads (OpenBLAS's: its env)
a = p.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(1)
B = {"gan": 64, "resnet": 64, "dcgan": 256}.get(a.model, 32)


def blas_mapped():
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            if "blas" in path.lower() or "lapack" in path.lower() or "mkl" in path.lower():
                libs.add(os.path.realpath(path))
    return ", ".join(sorted(libs)) or "none found in /proc/self/maps"


def idx(path, offset):
    return np.fromfile(path, dtype=np.uint8)[offset:]


if a.model != "tagger":  # the tagger reads its sentences from --tagged
    images = torch.from_numpy(idx(os.path.join(a.mnist, "train-images-idx3-ubyte"), 16).reshape(-1, 784).copy())
    labels = torch.from_numpy(idx(os.path.join(a.mnist, "train-labels-idx1-ubyte"), 8).astype(np.int64))
N = labels.shape[0] if a.model != "tagger" else 0
lo, hi = (-1.0, 1.0) if a.model in ("gan", "dcgan") else (0.0, 1.0)
gen = torch.Generator().manual_seed(1234)
state = {"order": None, "pos": N}


def next_batch():
    if state["pos"] + B > N:
        state["order"] = torch.randperm(N, generator=gen)
        state["pos"] = 0
    i = state["order"][state["pos"]:state["pos"] + B]
    state["pos"] += B
    x = images[i].float().mul_((hi - lo) / 255.0).add_(lo)
    return x, labels[i]


def keras_init(m):
    for mod in m.modules():
        if isinstance(mod, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(mod.weight)
            nn.init.zeros_(mod.bias)
        elif isinstance(mod, nn.LSTM):
            for name, w in mod.named_parameters():
                if "weight_ih" in name:
                    nn.init.xavier_uniform_(w)
                elif "weight_hh" in name:
                    nn.init.orthogonal_(w)
                else:
                    nn.init.zeros_(w)
    return m


class LSTMNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.LSTM(28, 50, batch_first=True)
        self.l2 = nn.LSTM(50, 50, batch_first=True)
        self.out = nn.Linear(50, 10)

    def forward(self, x):
        h, _ = self.l1(x.view(-1, 28, 28))
        h, _ = self.l2(h)
        return self.out(h[:, -1])


def conv_bn(cin, cout, stride=1):
    """conv2d(cout, 3, strides, padding=same) with bias, then batchnorm(momentum=0.9)."""
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=stride, padding=1), nn.BatchNorm2d(cout, eps=1e-3, momentum=0.1))


class ResNet(nn.Module):
    """dsl-examples/resnet.dlm: a stem, two residual blocks (32 and 64 channels, the second
    after a stride-2 convolution), a global average and a dense softmax (on logits here).
    At stride 2 PyTorch's symmetric padding 1 differs from TensorFlow's `same` (0 top/left,
    1 bottom/right) in where the windows sit, not in the work done."""

    def __init__(self):
        super().__init__()
        self.stem = conv_bn(1, 32)
        self.a1, self.b1 = conv_bn(32, 32), conv_bn(32, 32)
        self.down = conv_bn(32, 64, 2)
        self.a2, self.b2 = conv_bn(64, 64), conv_bn(64, 64)
        self.out = nn.Linear(64, 10)

    def forward(self, x):
        h = F.relu(self.stem(x))
        h = F.relu(self.b1(F.relu(self.a1(h))) + h)
        h = F.relu(self.down(h))
        h = F.relu(self.b2(F.relu(self.a2(h))) + h)
        return self.out(h.mean(dim=(2, 3)))


if a.model == "dcgan":
    # dsl-examples/dcgan.dlm (TensorFlow's DCGAN tutorial): Keras's batch norm (momentum 0.99 =
    # PyTorch's 0.01, epsilon 1e-3), LeakyReLU 0.3, `same` transposed convolutions (padding 2,
    # output_padding 1 at stride 2 give in·stride), logits, Adam(1e-4); the simultaneous update:
    # one forward pass, both gradients taken from it, then both steps.
    class Reshape(nn.Module):
        def forward(self, x):
            return x.view(-1, 256, 7, 7)

    def bn(c, two_d=True):
        return (nn.BatchNorm2d if two_d else nn.BatchNorm1d)(c, eps=1e-3, momentum=0.01)

    G = nn.Sequential(
        nn.Linear(100, 7 * 7 * 256, bias=False), bn(7 * 7 * 256, False), nn.LeakyReLU(0.3), Reshape(),
        nn.ConvTranspose2d(256, 128, 5, stride=1, padding=2, bias=False), bn(128), nn.LeakyReLU(0.3),
        nn.ConvTranspose2d(128, 64, 5, stride=2, padding=2, output_padding=1, bias=False), bn(64), nn.LeakyReLU(0.3),
        nn.ConvTranspose2d(64, 1, 5, stride=2, padding=2, output_padding=1, bias=False), nn.Tanh())
    D = nn.Sequential(
        nn.Conv2d(1, 64, 5, stride=2, padding=2), nn.LeakyReLU(0.3), nn.Dropout(0.3),
        nn.Conv2d(64, 128, 5, stride=2, padding=2), nn.LeakyReLU(0.3), nn.Dropout(0.3),
        nn.Flatten(), nn.Linear(128 * 7 * 7, 1))
    for mod in list(G.modules()) + list(D.modules()):
        if isinstance(mod, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(mod.weight)
            if mod.bias is not None:
                nn.init.zeros_(mod.bias)
    gopt = torch.optim.Adam(G.parameters(), lr=1e-4, eps=1e-7)
    dopt = torch.optim.Adam(D.parameters(), lr=1e-4, eps=1e-7)
    ones, zeros = torch.ones(B, 1), torch.zeros(B, 1)

    def step():
        real, _ = next_batch()
        fake = G(torch.randn(B, 100))
        real_out, fake_out = D(real.view(-1, 1, 28, 28)), D(fake)
        dl = F.binary_cross_entropy_with_logits(real_out, ones) + F.binary_cross_entropy_with_logits(fake_out, zeros)
        gl = F.binary_cross_entropy_with_logits(fake_out, ones)
        dgrads = torch.autograd.grad(dl, list(D.parameters()), retain_graph=True)
        ggrads = torch.autograd.grad(gl, list(G.parameters()))
        for p_, g_ in zip(D.parameters(), dgrads):
            p_.grad = g_
        for p_, g_ in zip(G.parameters(), ggrads):
            p_.grad = g_
        dopt.step()
        gopt.step()
        return dl.item() + gl.item()
elif a.model == "transformer":
    # dsl-examples/char_transformer.dlm: token and learned position embeddings, 4 pre-LayerNorm
    # blocks (x + attention(LN(x)) with nn.MultiheadAttention, 4 heads of 32, a causal mask;
    # x + MLP(LN(x)), dense 512 GELU -> dense 128), a final LayerNorm, logits over 83 characters;
    # the per-position cross-entropy; LayerNorm epsilon 1e-3; Adam(1e-3); 831,059 parameters.
    # The windows are random character ids (the work does not depend on which).
    T, V, D_MODEL = 128, 83, 128

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(D_MODEL, eps=1e-3), nn.LayerNorm(D_MODEL, eps=1e-3)
            self.attn = nn.MultiheadAttention(D_MODEL, 4, batch_first=True)
            self.fc1, self.fc2 = nn.Linear(D_MODEL, 512), nn.Linear(512, D_MODEL)

        def forward(self, x, mask):
            a_ = self.ln1(x)
            x = x + self.attn(a_, a_, a_, attn_mask=mask, need_weights=False)[0]
            return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok, self.pos = nn.Embedding(V, D_MODEL), nn.Embedding(T, D_MODEL)
            self.blocks = nn.ModuleList([Block() for _ in range(4)])
            self.ln, self.head = nn.LayerNorm(D_MODEL, eps=1e-3), nn.Linear(D_MODEL, V)
            self.register_buffer("mask", torch.triu(torch.ones(T, T, dtype=torch.bool), 1))

        def forward(self, t):
            x = self.tok(t) + self.pos.weight
            for b in self.blocks:
                x = b(x, self.mask)
            return self.head(self.ln(x))

    model = keras_init(GPT())
    assert sum(p_.numel() for p_ in model.parameters()) == 831059
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)

    def step():
        w = torch.randint(0, V, (B, T + 1), generator=gen)
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(w[:, :-1]).reshape(-1, V), w[:, 1:].reshape(-1))
        loss.backward()
        opt.step()
        return loss.item()
elif a.model == "tagger":
    # dsl-examples/pos_tagger.dlm: embedding(vocab, 64, mask_zero=true) -> bidirectional(lstm(64,
    # return_sequences=true)) -> dense(tags) at every position (softmax in the loss); Adam(1e-3);
    # the loss is the mean over the real tokens (padding has tag id 0 and word id 0). The
    # sentences are the ones run.mjs wrote to --tagged with dlm's Brown loader (the dlm child
    # reads the same file in the same order): int32 [n, T, V, C], words [n, T], tags [n, T].
    # --variant padded: nn.LSTM(bidirectional=True) over all T steps of the padded batch, the
    #   loss with ignore_index=0. The forward direction equals Keras's at every real token (the
    #   padding trails); the backward direction reads the trailing padding first, so its state at
    #   a sentence's last word is what those steps left, not Keras's zeros (nn.LSTM cannot keep a
    #   state on a masked step). The work is the same as a state-keeping scan: T steps each way.
    # --variant packed: the batch sorted by length, pack_padded_sequence, nn.LSTM on the packed
    #   sequence (each direction only over the sentence's own words: Keras's result at every real
    #   token), the dense layer and the loss on the packed rows only (no padding anywhere).
    from torch.nn.utils.rnn import pack_padded_sequence

    n_s, T, V, C = (int(v) for v in np.fromfile(a.tagged, dtype="<i4", count=4))
    ids = np.fromfile(a.tagged, dtype="<i4", offset=16).astype(np.int64)
    words = torch.from_numpy(ids[: n_s * T].reshape(n_s, T).copy())
    tags = torch.from_numpy(ids[n_s * T: 2 * n_s * T].reshape(n_s, T).copy())
    tpos = {"pos": 0}

    def next_tagged():
        i = (torch.arange(B) + tpos["pos"]) % n_s
        tpos["pos"] = (tpos["pos"] + B) % n_s
        return words[i], tags[i]

    class Tagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(V, 64)
            self.lstm = nn.LSTM(64, 64, batch_first=True, bidirectional=True)
            self.out = nn.Linear(128, C)

    model = keras_init(Tagger())
    nn.init.uniform_(model.emb.weight, -0.05, 0.05)
    for name, w in model.lstm.named_parameters():
        if "bias_ih" in name:
            with torch.no_grad():
                w[64:128] = 1.0  # Keras's unit_forget_bias (gate order i, f, g, o in both)
        elif "bias_hh" in name:
            w.requires_grad_(False)  # Keras has one bias per gate: b_hh stays zero, not trained
    params = [p_ for p_ in model.parameters() if p_.requires_grad]
    n_params = sum(p_.numel() for p_ in params)
    assert n_params == V * 64 + 2 * (64 * 256 + 64 * 256 + 256) + 128 * C + C, n_params  # dlm's count
    opt = torch.optim.Adam(params, lr=1e-3, eps=1e-7)
    packed = a.variant == "packed"

    def step():
        x, y = next_tagged()
        opt.zero_grad(set_to_none=True)
        if packed:
            lengths, order = (x != 0).sum(1).sort(descending=True)
            x, y = x[order], y[order]
            h, _ = model.lstm(pack_padded_sequence(model.emb(x), lengths, batch_first=True))
            loss = F.cross_entropy(model.out(h.data), pack_padded_sequence(y, lengths, batch_first=True).data)
        else:
            h, _ = model.lstm(model.emb(x))
            loss = F.cross_entropy(model.out(h).reshape(-1, C), y.reshape(-1), ignore_index=0)
        loss.backward()
        opt.step()
        return loss.item()
elif a.model == "gan":
    G = keras_init(nn.Sequential(nn.Linear(100, 256), nn.ReLU(), nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, 784), nn.Tanh()))
    D = keras_init(nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 1)))  # sigmoid in the loss
    gopt = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999), eps=1e-7)
    dopt = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999), eps=1e-7)
    ones, zeros = torch.ones(B, 1), torch.zeros(B, 1)

    def step():
        real, _ = next_batch()
        fake = G(torch.randn(B, 100))  # once, from fresh noise
        dopt.zero_grad(set_to_none=True)
        dl = F.binary_cross_entropy_with_logits(D(real), ones) + F.binary_cross_entropy_with_logits(D(fake.detach()), zeros)
        dl.backward()
        dopt.step()
        gopt.zero_grad(set_to_none=True)
        gl = F.binary_cross_entropy_with_logits(D(fake), ones)  # through the updated D, reusing fake
        gl.backward()
        gopt.step()
        return dl.item() + gl.item()
else:
    if a.model == "mlp":
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
        shape = (-1, 784)
    elif a.model == "cnn":
        model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(5408, 128), nn.ReLU(), nn.Linear(128, 10))
        shape = (-1, 1, 28, 28)
    elif a.model == "lstm":
        model = LSTMNet()
        shape = (-1, 28, 28)
    elif a.model == "resnet":
        model = ResNet()
        shape = (-1, 1, 28, 28)
    else:
        print("BENCH_RESULT " + json.dumps({"na": "unknown model " + a.model}))
        sys.exit(0)
    keras_init(model)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)

    def step():
        x, y = next_batch()
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x.view(shape)), y)
        loss.backward()
        opt.step()
        return loss.item()  # reading the loss back: the work is finished

first = 0.0
loss = float("nan")
for i in range(a.warmup):
    loss = step()
    if i == 0:
        first = time.time()
batches = (N + B - 1) // B if a.epoch else a.batches
if a.epoch:
    state["pos"] = N  # a fresh shuffled epoch
t0 = time.perf_counter()
steps = 0
note = None
if batches > 0:
    while steps < batches:
        loss = step()
        steps += 1
        if a.cap > 0 and time.perf_counter() - t0 > a.cap:
            note = "stopped by the %g s cap after %d of %d batches" % (a.cap, steps, batches)
            break
else:
    end = t0 + a.seconds
    while True:
        loss = step()
        steps += 1
        if time.perf_counter() >= end:
            break
secs = time.perf_counter() - t0
out = {
    "samplesPerSec": steps * B / secs, "samples": steps * B, "seconds": secs, "steps": steps,
    "firstStepAt": first * 1000, "loss": loss,
    "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "info": "torch %s, threads %d, BLAS mapped: %s" % (torch.__version__, torch.get_num_threads(), blas_mapped()),
}
if note:
    out["note"] = note
print("BENCH_RESULT " + json.dumps(out))
