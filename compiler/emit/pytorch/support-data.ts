// dlm_torch.py, part 1 of 2 (support.ts joins them): layouts, the LSTM, Keras initializers,
// noise, losses, safetensors and checkpoints' bytes, MNIST. Python text: the PyTorch target
// writes it beside train.py. Its reference is docs/pytorch.md.
export const supportData = String.raw`# dlm_torch: what every PyTorch program dlm writes (train.py) shares. It needs Python's standard
# library and torch (1.13 or later) only: safetensors are read and written with json + struct,
# MNIST's IDX files with struct, checksums with hashlib.
#
# Layouts: checkpoints hold every parameter in its Keras layout under its .dlm name
# ("cnn/dense/kernel": [in, out]); the modules hold PyTorch's (nn.Linear's weight is
# [out, in], nn.Conv2d's [out, in, kh, kw]). 'to_torch' and 'to_keras' convert between them.
# Activations stay NHWC, as in the .dlm file: a convolution or a pool permutes to NCHW and back.
import argparse
import hashlib
import json
import math
import os
import struct
import sys
import time
from array import array

import torch
import torch.nn as nn
import torch.nn.functional as F

FORMAT = "dlm-checkpoint-1"
CHECKSUM_KEY = "dlm.sha256"


# -- Layouts --------------------------------------------------------------------------------


def to_torch(t, layout):
    """A Keras-layout tensor in the layout its PyTorch module stores."""
    if layout == "t":  # [in, out] -> [out, in]
        return t.t().contiguous()
    if layout == "conv":  # [kh, kw, in, out] -> [out, in, kh, kw]
        return t.permute(3, 2, 0, 1).contiguous()
    if layout == "conv1d":  # [k, in, out] -> [out, in, k]
        return t.permute(2, 1, 0).contiguous()
    return t.contiguous()


def to_keras(t, layout):
    if layout == "t":
        return t.t().contiguous()
    if layout == "conv":  # [out, in, kh, kw] -> [kh, kw, in, out]
        return t.permute(2, 3, 1, 0).contiguous()
    if layout == "conv1d":  # [out, in, k] -> [k, in, out]
        return t.permute(2, 1, 0).contiguous()
    return t.contiguous()


def nchw(f, x):
    """f (a convolution or pool over NCHW) applied to an NHWC tensor, the result NHWC."""
    return f(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)


def ncw(f, x):
    """f (a 1-D convolution or pool over NCW) applied to an NWC tensor [B, steps, channels], the result NWC."""
    return f(x.permute(0, 2, 1)).permute(0, 2, 1)


def keras_same_pad(x, kernel, strides, value=0.0):
    """Keras's 'same' padding of an NCHW tensor: the odd pixel goes after (right, bottom); 'value' fills."""
    pads = []
    for size, k, s in zip(reversed(x.shape[2:]), reversed(kernel), reversed(strides)):
        out = -(-size // s)
        total = max((out - 1) * s + k - size, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads, value=value)


class LSTM(nn.Module):
    """
    Keras's LSTM over [B, steps, in]: gates i, f, c, o (nn.LSTM's order too), sigmoid gates,
    tanh cell and output, one bias (Keras's; nn.LSTM has two). Weights as nn.LSTM stores them:
    weight_ih [4·units, in], weight_hh [4·units, units].
    """

    def __init__(self, inputs, units, return_sequences):
        super().__init__()
        self.units, self.return_sequences = units, return_sequences
        self.weight_ih = nn.Parameter(torch.empty(4 * units, inputs))
        self.weight_hh = nn.Parameter(torch.empty(4 * units, units))
        self.bias = nn.Parameter(torch.empty(4 * units))

    def forward(self, x, mask=None):
        xw = F.linear(x, self.weight_ih, self.bias)  # every step's input projection at once

        def cell(xt, state):
            h, c = state
            i, f, g, o = (xt + F.linear(h, self.weight_hh)).chunk(4, 1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            return torch.sigmoid(o) * torch.tanh(c), c

        zeros = x.new_zeros(x.shape[0], self.units)
        return scan(cell, xw, mask, (zeros, zeros), self.return_sequences)  # a padding mask: dlm_torch.scan


# -- Keras initializers ---------------------------------------------------------------------


def fans(shape):
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = 1
    for d in shape[:-2]:
        receptive *= d
    return shape[-2] * receptive, shape[-1] * receptive


def initialize(init, shape, gen):
    """A Keras initializer's draw, in the Keras layout 'shape' (float32)."""
    shape = list(shape)
    fan_in, fan_out = fans(shape)
    if init == "zeros":
        return torch.zeros(shape)
    if init == "ones":
        return torch.ones(shape)
    if init == "glorot_uniform":
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        return torch.rand(shape, generator=gen) * (2 * limit) - limit
    if init == "he_uniform":
        limit = math.sqrt(6.0 / fan_in)
        return torch.rand(shape, generator=gen) * (2 * limit) - limit
    if init == "uniform":  # Keras's embeddings initializer
        return torch.rand(shape, generator=gen) * 0.1 - 0.05
    if init == "he_normal":  # truncated at two standard deviations, as Keras's VarianceScaling
        std = math.sqrt(2.0 / fan_in) / 0.87962566103423978
        t = torch.randn(shape, generator=gen) * std
        while True:
            out = t.abs() > 2 * std
            if not out.any():
                return t
            t[out] = torch.randn(int(out.sum()), generator=gen) * std
    if init == "orthogonal":
        cols = shape[-1]
        rows = max(1, int(torch.tensor(shape).prod()) // cols)
        a = torch.randn(max(rows, cols), min(rows, cols), generator=gen, dtype=torch.float64)
        q, r = torch.linalg.qr(a)
        q = q * torch.sign(torch.diagonal(r))
        if rows < cols:
            q = q.t()
        return q.reshape(shape).float()
    if init == "lstm_bias":  # zeros, the forget gate's block (gates i, f, c, o) ones
        units = shape[0] // 4
        t = torch.zeros(shape)
        t[units : 2 * units] = 1
        return t
    raise ValueError("unknown initializer " + init)


# -- Randomness -----------------------------------------------------------------------------


class Noise:
    """
    The program's random draws in training (noise sources, dropout masks), from one seeded
    generator on the CPU. Each draw covers the whole global batch and every rank keeps its own
    rows, so N processes draw what one process draws. '--noise-file FILE' replays recorded
    draws instead (float32 little-endian, one after the other, each of the global batch).
    """

    def __init__(self, seed, replay=None):
        self.reset(seed, replay)
        self.rows = (0, 0, 0)  # (global rows, first row, end row) of this process's part
        self.device = torch.device("cpu")

    def reset(self, seed, replay=None):
        self.gen = torch.Generator().manual_seed(seed)
        self.replay = replay
        self.at = 0

    def _shape(self, shape):
        return [self.rows[0] if d is None else d for d in shape]

    def _take(self, shape):
        n = 1
        for d in shape:
            n *= d
        if self.at + n > self.replay.numel():
            raise SystemExit("error: the noise file ends before the training does (%d values)" % self.replay.numel())
        t = self.replay[self.at : self.at + n].reshape(shape)
        self.at += n
        return t

    def _mine(self, t, shape_spec):
        if len(shape_spec) > 0 and shape_spec[0] is None:
            t = t[self.rows[1] : self.rows[2]]
        return t.to(self.device)

    def normal(self, shape, mean, std):
        full = self._shape(shape)
        t = self._take(full) if self.replay is not None else torch.randn(full, generator=self.gen) * std + mean
        return self._mine(t, shape)

    def uniform(self, shape, low, high):
        full = self._shape(shape)
        t = self._take(full) if self.replay is not None else torch.rand(full, generator=self.gen) * (high - low) + low
        return self._mine(t, shape)

    def dropout_mask(self, shape, rate):
        """Inverted dropout: 1/(1 - rate) with probability 1 - rate, else 0 (Keras's Dropout)."""
        spec = [None] + list(shape[1:])
        full = self._shape(spec)
        if self.replay is not None:
            t = self._take(full)
        else:
            t = (torch.rand(full, generator=self.gen) < (1 - rate)).float() * (1.0 / (1 - rate))
        return self._mine(t, spec)


noise = Noise(0)


def dropout(x, rate, training):
    return x * noise.dropout_mask(x.shape, rate) if training else x


# -- Losses (Keras semantics: the mean over the batch) ----------------------------------------

EPSILON = 1e-7


def _target(t, like):
    return torch.as_tensor(t, dtype=like.dtype, device=like.device).expand_as(like) if not torch.is_tensor(t) else t.expand_as(like)


def bce_logits(z, t):
    return F.binary_cross_entropy_with_logits(z, _target(t, z))


def bce(p, t):
    p = p.clamp(EPSILON, 1 - EPSILON)
    t = _target(t, p)
    return -(t * torch.log(p) + (1 - t) * torch.log(1 - p)).mean()


# The positions each masked mean of the current training step kept (Trainer.update weighs this
# process's loss by its share of them under torchrun, so that the processes' average is the
# global batch's masked mean).
kept_positions = []


def _kept_mean(per, y, ignore, mask):
    """The mean of per-position losses over the positions whose label is not 'ignore' and that the mask keeps (0 if none)."""
    keep = torch.ones_like(per) if ignore < 0 else (y != ignore).to(per.dtype)
    if mask is not None:
        keep = keep * mask.reshape(-1).to(per.dtype)
    if torch.is_grad_enabled():
        kept_positions.append(float(keep.sum()))
    return (per * keep).sum() / keep.sum().clamp(min=1)


def sparse_cce_logits(z, y, ignore=-1, mask=None):
    z, y = z.reshape(-1, z.shape[-1]), y.reshape(-1).long()
    if ignore < 0 and mask is None:
        return F.cross_entropy(z, y)
    return _kept_mean(F.cross_entropy(z, y, reduction="none"), y, ignore, mask)


def sparse_cce(p, y, ignore=-1, mask=None):
    p = p / p.sum(-1, keepdim=True)
    p, y = p.clamp(EPSILON, 1 - EPSILON).reshape(-1, p.shape[-1]), y.reshape(-1).long()
    if ignore < 0 and mask is None:
        return F.nll_loss(torch.log(p), y)
    return _kept_mean(F.nll_loss(torch.log(p), y, reduction="none"), y, ignore, mask)


def cce_logits(z, t):
    return -(t * F.log_softmax(z, -1)).sum(-1).mean()


def cce(p, t):
    p = (p / p.sum(-1, keepdim=True)).clamp(EPSILON, 1 - EPSILON)
    return -(t * torch.log(p)).sum(-1).mean()


def mse(p, t):
    return ((p - _target(t, p)) ** 2).mean()


def mae(p, t):
    return (p - _target(t, p)).abs().mean()


# -- Safetensors and checkpoints -------------------------------------------------------------


def _canonical(metadata, spans):
    meta = [[k, metadata[k]] for k in sorted(metadata) if k != CHECKSUM_KEY]
    tensors = [list(s) for s in sorted(spans, key=lambda s: s[0])]
    text = json.dumps({"metadata": meta, "tensors": tensors}, separators=(",", ":"), ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def _f32_bytes(t):
    a = array("f", t.detach().to("cpu", torch.float32).reshape(-1).tolist())
    if sys.byteorder != "little":
        a.byteswap()
    return a.tobytes()


def save_safetensors(path, tensors, metadata):
    """Writes {name: float32 tensor} with string metadata and dlm's checksum, atomically."""
    meta = {k: v for k, v in metadata.items() if k != CHECKSUM_KEY}
    header, spans, parts, offset = {"__metadata__": meta}, [], [], 0
    for name, t in tensors.items():
        data = _f32_bytes(t)
        shape = list(t.shape)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(data)]}
        spans.append((name, "F32", shape, offset, offset + len(data)))
        parts.append(data)
        offset += len(data)
    h = hashlib.sha256(_canonical(meta, spans))
    for p in parts:
        h.update(p)
    meta[CHECKSUM_KEY] = h.hexdigest()
    raw = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    tmp = "%s.tmp-%d" % (path, os.getpid())
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for p in parts:
            f.write(p)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


DTYPES = {"F32": torch.float32, "I32": torch.int32, "U8": torch.uint8}


def load_safetensors(path, dtypes=("F32",)):
    """({name: tensor}, metadata): F32 tensors (checkpoints) or the 'dtypes' asked for; the checksum is verified when the file has one."""
    with open(path, "rb") as f:
        data = f.read()
    fail = lambda why: SystemExit("error: %s: %s" % (path, why))
    if len(data) < 8:
        raise fail("not a safetensors file (shorter than its 8-byte header length)")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise fail("not a safetensors file (its header length %d is past the end)" % n)
    try:
        header = json.loads(data[8 : 8 + n].decode("utf-8"))
    except ValueError:
        raise fail("not a safetensors file (its header is not JSON)")
    meta = header.pop("__metadata__", {}) or {}
    body = data[8 + n :]
    tensors, spans = {}, []
    for name, e in header.items():
        begin, end = e["data_offsets"]
        if e["dtype"] not in dtypes:
            raise fail('tensor "%s" is %s; expected %s' % (name, e["dtype"], " or ".join(dtypes)))
        dtype = DTYPES[e["dtype"]]
        t = torch.frombuffer(bytearray(body[begin:end]), dtype=dtype) if end > begin else torch.zeros(0, dtype=dtype)
        if sys.byteorder != "little":
            t = t.byteswap()
        tensors[name] = t.reshape(e["shape"])
        spans.append((name, e["dtype"], e["shape"], begin, end))
    if CHECKSUM_KEY in meta:
        h = hashlib.sha256(_canonical(meta, spans))
        h.update(body)
        if h.hexdigest() != meta[CHECKSUM_KEY]:
            raise fail("checksum mismatch: the file is damaged (%s in its metadata)" % CHECKSUM_KEY)
    return tensors, meta


# -- Data -----------------------------------------------------------------------------------


def read_idx(path, rank):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise SystemExit("error: %s: %s" % (path, e.strerror))
    if len(data) < 4 + 4 * rank or data[:4] != bytes([0, 0, 0x08, rank]):
        raise SystemExit("error: %s: expected an IDX file of unsigned bytes with %d dims" % (path, rank))
    shape = list(struct.unpack(">%dI" % rank, data[4 : 4 + 4 * rank]))
    body = data[4 + 4 * rank :]
    count = 1
    for d in shape:
        count *= d
    if len(body) != count:
        raise SystemExit("error: %s: expected %d bytes of data, found %d" % (path, count, len(body)))
    return torch.frombuffer(bytearray(body), dtype=torch.uint8).reshape(shape)


class Mnist:
    """One split of MNIST as the .dlm data clause asks: pixels lo + (hi - lo)·p/255."""

    FILES = {
        "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
        "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
    }

    def __init__(self, folder, split, spec):
        images, labels = self.FILES[split]
        self.pixels = read_idx(os.path.join(folder, images), 3)
        self.labels = read_idx(os.path.join(folder, labels), 1).long()
        lo, hi = spec["range"]
        self.table = (lo + (hi - lo) * torch.arange(256, dtype=torch.float64) / 255).float()
        self.spec = spec
        keep = spec.get("labels")
        if keep:
            rows = torch.cat([torch.nonzero(self.labels == d).reshape(-1) for d in keep]).sort().values
            relabel = torch.full((10,), -1, dtype=torch.long)
            for i, d in enumerate(keep):
                relabel[d] = i
            self.pixels, self.labels = self.pixels[rows], relabel[self.labels[rows]]
        self.n = self.pixels.shape[0]

    def batch(self, rows):
        x = self.table[self.pixels[rows].long()]
        if self.spec["flatten"]:
            x = x.reshape(len(rows), -1)
        elif not self.spec["rows_as_steps"]:
            x = x.reshape(len(rows), 28, 28, 1)
        part = self.spec["part"]
        if self.spec.get("autoencode"):
            return [x, x]  # the images are their own targets
        return [x] if part == "images" else [self.labels[rows]] if part == "labels" else [x, self.labels[rows]]

    def part(self, lo, hi):
        """Rows [lo, hi) of this split (validation_split's two parts)."""
        other = object.__new__(Mnist)
        other.__dict__.update(self.__dict__)
        other.pixels, other.labels, other.n = self.pixels[lo:hi], self.labels[lo:hi], hi - lo
        return other


`;
