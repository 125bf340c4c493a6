// dlm_torch.py, the layers part (support.ts joins the parts): Keras's batch and layer
// normalization, transposed convolutions with TensorFlow's alignment, and the elementwise
// helpers whose gradients follow dlm's (TensorFlow's) conventions where torch's differ.
export const supportLayers = String.raw`# -- Normalization, transposed convolutions, elementwise helpers ------------------------------


def _along(t, axis, rank):
    """A per-channel vector t shaped to broadcast along 'axis' of a rank-'rank' tensor."""
    shape = [1] * rank
    shape[axis] = -1
    return t.reshape(shape)


class BatchNorm(nn.Module):
    """
    Keras's BatchNormalization over 'axis' (the channels of NHWC): in training each channel is
    normalized by the batch's mean and biased variance, and the moving statistics move by
    moving = moving·momentum + batch·(1 − momentum) (Keras's momentum: 0.99 is PyTorch's
    momentum 0.01; torch's BatchNorm would also store the unbiased variance, which Keras does
    not); in evaluation the moving statistics normalize. Under torchrun the statistics are
    those of the global batch (sums all-reduced over the processes, differentiably), as one
    process computes them. weight = γ, bias = β, running_mean, running_var: Keras's gamma,
    beta, moving_mean, moving_variance.
    """

    def __init__(self, channels, axis, momentum, epsilon, scale=True, center=True):
        super().__init__()
        self.axis, self.momentum, self.epsilon = axis, momentum, epsilon
        self.weight = nn.Parameter(torch.ones(channels)) if scale else None
        self.bias = nn.Parameter(torch.zeros(channels)) if center else None
        self.register_buffer("running_mean", torch.zeros(channels))
        self.register_buffer("running_var", torch.ones(channels))

    @staticmethod
    def _global(s):
        """s summed over the processes (differentiably) under torchrun; s itself in one process."""
        if torch.distributed.is_available() and torch.distributed.is_initialized() and torch.distributed.get_world_size() > 1:
            import torch.distributed.nn.functional as dnn

            return dnn.all_reduce(s)
        return s

    def forward(self, x):
        r = x.dim()
        # A frozen batch norm (trainable=false, freeze) runs as in inference, in training too (Keras 3).
        frozen = any(p is not None and not p.requires_grad for p in (self.weight, self.bias))
        if self.training and not frozen:
            dims = [d for d in range(r) if d != self.axis]
            count = self._global(x.new_full([x.shape[self.axis]], float(x.numel() // x.shape[self.axis])))
            mean = self._global(x.sum(dims)) / count
            var = self._global(((x - _along(mean, self.axis, r)) ** 2).sum(dims)) / count
            with torch.no_grad():
                m = self.momentum
                self.running_mean.copy_(self.running_mean * m + mean.detach() * (1 - m))
                self.running_var.copy_(self.running_var * m + var.detach() * (1 - m))
        else:
            mean, var = self.running_mean, self.running_var
        y = (x - _along(mean, self.axis, r)) * _along(torch.rsqrt(var + self.epsilon), self.axis, r)
        if self.weight is not None:
            y = y * _along(self.weight, self.axis, r)
        if self.bias is not None:
            y = y + _along(self.bias, self.axis, r)
        return y


class LayerNorm(nn.Module):
    """Keras's LayerNormalization: each sample normalized over 'axis' (biased variance, ε inside the root), then γ·x̂ + β."""

    def __init__(self, size, axis, epsilon, scale=True, center=True):
        super().__init__()
        self.axis, self.epsilon = axis, epsilon
        self.weight = nn.Parameter(torch.ones(size)) if scale else None
        self.bias = nn.Parameter(torch.zeros(size)) if center else None

    def forward(self, x):
        r = x.dim()
        mean = x.mean(self.axis, keepdim=True)
        var = ((x - mean) ** 2).mean(self.axis, keepdim=True)
        y = (x - mean) * torch.rsqrt(var + self.epsilon)
        if self.weight is not None:
            y = y * _along(self.weight, self.axis, r)
        if self.bias is not None:
            y = y + _along(self.bias, self.axis, r)
        return y


def avg_pool_same(x, kernel, strides):
    """Keras's 'same' average pooling of an NCHW (NCW) tensor: each window's mean over its real inputs (padding not counted)."""
    pool = F.avg_pool2d if len(kernel) == 2 else F.avg_pool1d
    ones = torch.ones_like(x[:1, :1])
    return pool(keras_same_pad(x, kernel, strides), kernel, strides) / pool(keras_same_pad(ones, kernel, strides), kernel, strides)


def frozen(module):
    """
    The module as a function of copies of its parameters taken now (differentiable: gradients
    still reach the parameters). A train block's 'let' calls a model so when an earlier step
    updates that model before a later step differentiates through the 'let': the later step's
    backward pass reads the values the 'let' was computed with (the simultaneous update).
    """
    func = getattr(torch, "func", None)
    if func is not None and hasattr(func, "functional_call"):
        call = func.functional_call
    else:
        from torch.nn.utils import stateless

        call = stateless.functional_call
    params = {n: p.clone() for n, p in module.named_parameters()}
    return lambda *args, **kw: call(module, params, args, kw)


def _tensors(a, b):
    if not torch.is_tensor(a):
        a = torch.as_tensor(a, dtype=b.dtype, device=b.device)
    if not torch.is_tensor(b):
        b = torch.as_tensor(b, dtype=a.dtype, device=a.device)
    return a, b


def maximum(a, b):
    """The larger of a and b; at a tie the gradient goes to a (TensorFlow's; torch.maximum splits it)."""
    a, b = _tensors(a, b)
    return torch.where(a >= b, a, b)


def minimum(a, b):
    """The smaller of a and b; at a tie the gradient goes to a."""
    a, b = _tensors(a, b)
    return torch.where(a <= b, a, b)


`;
