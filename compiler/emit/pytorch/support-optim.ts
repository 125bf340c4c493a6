// dlm_torch.py, the optimizers part (support.ts joins the parts): dlm's learning-rate
// schedules (runtime/kernels/schedules.ts, Keras 3's formulas), the updates torch.optim
// computes otherwise (runtime/kernels/optimizers.ts: Keras's RMSprop, Adagrad, Adamax, Nadam,
// SGD with momentum and a decoupled weight decay), and the training controls that run at the
// end of each epoch (runtime/callbacks.ts: early stopping, reduce-on-plateau, save_best).
export const supportOptim = String.raw`# -- Learning-rate schedules, Keras's optimizers, training controls --------------------------


def learning_rate(s, step):
    """A schedule's learning rate for the update at step count 'step' (Keras's iterations: 0 for the first), in float64."""
    kind = s["kind"]
    if kind == "exponential_decay":
        p = step / s["decaySteps"]
        return s["initial"] * math.pow(s["rate"], math.floor(p) if s["staircase"] else p)
    if kind == "piecewise_constant":
        i = 0
        while i < len(s["boundaries"]) and step > s["boundaries"][i]:
            i += 1
        return s["values"][i]
    if kind == "cosine_decay":

        def decay(t, start):
            cosine = 0.5 * (1 + math.cos(math.pi * (t / s["decaySteps"])))
            return start * ((1 - s["alpha"]) * cosine + s["alpha"])

        if s["warmupTarget"] is None:
            return decay(min(step, s["decaySteps"]), s["initial"])
        t = min(step, s["decaySteps"] + s["warmupSteps"])
        if t < s["warmupSteps"]:
            return (s["warmupTarget"] - s["initial"]) * (t / s["warmupSteps"]) + s["initial"]
        return decay(t - s["warmupSteps"], s["warmupTarget"])
    if kind == "polynomial_decay":
        steps, t = s["decaySteps"], step
        if s["cycle"]:
            steps *= 1 if t == 0 else math.ceil(t / s["decaySteps"])
        else:
            t = min(t, s["decaySteps"])
        return (s["initial"] - s["end"]) * math.pow(1 - t / steps, s["power"]) + s["end"]
    raise ValueError("unknown learning-rate schedule " + kind)


def _nadam_mu(beta1, s):
    return beta1 * (1 - 0.5 * math.pow(0.96, s))


class KerasOptimizer(torch.optim.Optimizer):
    """
    dlm's updates (Keras 3's) where torch.optim's differ: 'sgd' with momentum and a decoupled
    weight decay, 'rmsprop' (ε inside the root, a momentum buffer of lr-scaled increments,
    centered), 'adagrad' (the accumulator starts at initial_accumulator), 'adamax', 'nadam'
    (Keras's momentum schedule). Every rule first decays w ← w − lr·wd·w. Each element is
    computed in float64 and stored in float32, as dlm's kernels do; the state is kept under
    dlm's checkpoint names (rmsprop_velocity, nadam_m, ...; SGD's as torch's, momentum_buffer). The trainer sets each group's
    'lr' and 't' (this optimizer's 1-based step count) before step().
    """

    def __init__(self, params, rule, lr, weight_decay=0.0, **options):
        super().__init__(params, dict(lr=lr, t=0, weight_decay=weight_decay, **options))
        self.rule = rule
        self.nadam_product = (0, 1.0)  # (t, μ_1·…·μ_t) of the last step

    def buffers(self, g):
        r = self.rule
        if r == "sgd":
            return ("momentum_buffer",) if g["momentum"] > 0 else ()
        if r == "rmsprop":
            return ("rmsprop_velocity",) + (("rmsprop_momentum",) if g["momentum"] > 0 else ()) + (("rmsprop_average",) if g["centered"] else ())
        return {"adagrad": ("adagrad_accumulator",), "adamax": ("adamax_m", "adamax_u"), "nadam": ("nadam_m", "nadam_v")}[r]

    def _nadam_weights(self, beta1, t):
        last, product = self.nadam_product
        if last == t - 1 and t > 1:
            product *= _nadam_mu(beta1, t)
        else:
            product = 1.0
            for s in range(1, t + 1):
                product *= _nadam_mu(beta1, s)
        self.nadam_product = (t, product)
        nxt = _nadam_mu(beta1, t + 1)
        return nxt / (1 - product * nxt), (1 - _nadam_mu(beta1, t)) / (1 - product)

    @torch.no_grad()
    def step(self):
        for g in self.param_groups:
            lr, t, r = g["lr"], g["t"], self.rule
            cm, cg = self._nadam_weights(g["beta1"], t) if r == "nadam" else (0.0, 0.0)
            for p in g["params"]:
                if p.grad is None:
                    continue
                st = self.state[p]
                names = self.buffers(g)
                for n in names:
                    if n not in st:
                        st[n] = torch.full_like(p, g["initial_accumulator"]) if n == "adagrad_accumulator" else torch.zeros_like(p)
                b = {n: st[n].double() for n in names}
                w, gr = p.double(), p.grad.double()
                w = w - w * (lr * g["weight_decay"])
                if r == "sgd":
                    if g["momentum"] == 0:
                        w = w - lr * gr
                    else:
                        b["momentum_buffer"] = g["momentum"] * b["momentum_buffer"] + gr
                        w = w - lr * (gr + g["momentum"] * b["momentum_buffer"] if g["nesterov"] else b["momentum_buffer"])
                elif r == "rmsprop":
                    rho = g["rho"]
                    b["rmsprop_velocity"] = rho * b["rmsprop_velocity"] + (1 - rho) * gr * gr
                    den = b["rmsprop_velocity"] + g["eps"]
                    if g["centered"]:
                        b["rmsprop_average"] = rho * b["rmsprop_average"] + (1 - rho) * gr
                        den = b["rmsprop_velocity"] - b["rmsprop_average"] ** 2 + g["eps"]
                    inc = lr * gr / torch.sqrt(den)
                    if g["momentum"] > 0:
                        inc = g["momentum"] * b["rmsprop_momentum"] + inc
                        b["rmsprop_momentum"] = inc
                    w = w - inc
                elif r == "adagrad":
                    b["adagrad_accumulator"] = b["adagrad_accumulator"] + gr * gr
                    w = w - lr * gr / torch.sqrt(b["adagrad_accumulator"] + g["eps"])
                elif r == "adamax":
                    c1 = 1 - math.pow(g["beta1"], t)
                    b["adamax_m"] = g["beta1"] * b["adamax_m"] + (1 - g["beta1"]) * gr
                    b["adamax_u"] = torch.maximum(g["beta2"] * b["adamax_u"], gr.abs())
                    w = w - lr * b["adamax_m"] / (c1 * (b["adamax_u"] + g["eps"]))
                else:  # nadam
                    c2 = 1 - math.pow(g["beta2"], t)
                    b["nadam_m"] = g["beta1"] * b["nadam_m"] + (1 - g["beta1"]) * gr
                    b["nadam_v"] = g["beta2"] * b["nadam_v"] + (1 - g["beta2"]) * gr * gr
                    w = w - lr * (cm * b["nadam_m"] + cg * gr) / (torch.sqrt(b["nadam_v"] / c2) + g["eps"])
                p.copy_(w)
                for n in names:
                    st[n].copy_(b[n])


def _lower_is_better(monitor, mode="auto"):
    if mode != "auto":
        return mode == "min"
    m = monitor[4:] if monitor.startswith("val_") else monitor
    return m == "loss" or m.endswith("_loss") or m in ("mae", "mse")


class EarlyStopping:
    """Keras 3's EarlyStopping (runtime/callbacks.ts): 'weights' is a callable returning a copy of every parameter."""

    def __init__(self, spec):
        self.spec, self.wait, self.best, self.best_epoch, self.stopped_epoch, self.best_weights = spec, 0, None, 0, 0, None
        self.min = _lower_is_better(spec["monitor"], spec["mode"])

    def _improves(self, current):
        if self.best is None:
            return True
        d = abs(self.spec["min_delta"])
        return current - -d < self.best if self.min else current - d > self.best

    def on_epoch_end(self, epoch, logs, weights):
        current = logs.get(self.spec["monitor"])
        if current is None or epoch < self.spec["start_from_epoch"]:
            return False
        if self.spec["restore_best_weights"] and self.best_weights is None:
            self.best_weights, self.best_epoch = weights(), epoch
        self.wait += 1
        if self._improves(current):
            self.best, self.best_epoch, self.wait = current, epoch, 0
            if self.spec["restore_best_weights"]:
                self.best_weights = weights()
            return False
        if self.wait >= self.spec["patience"] and epoch > 0:
            self.stopped_epoch = epoch
            return True
        return False


class ReduceLrOnPlateau:
    """Keras 3's ReduceLROnPlateau on every step's learning rate ('lrs', changed in place)."""

    def __init__(self, spec):
        self.spec, self.wait, self.cooldown = spec, 0, 0
        self.min = _lower_is_better(spec["monitor"])
        self.best = math.inf if self.min else -math.inf

    def on_epoch_end(self, logs, lrs):
        current = logs.get(self.spec["monitor"])
        if current is None:
            return False
        if self.cooldown > 0:
            self.cooldown -= 1
            self.wait = 0
        d = self.spec["min_delta"]
        if (current < self.best - d) if self.min else (current > self.best + d):
            self.best, self.wait = current, 0
            return False
        if self.cooldown > 0:
            return False
        self.wait += 1
        if self.wait < self.spec["patience"]:
            return False
        changed = False
        floor = struct.unpack("<f", struct.pack("<f", self.spec["min_lr"]))[0]  # Keras compares in float32
        for k in range(len(lrs)):
            if lrs[k] > floor:
                lrs[k] = max(lrs[k] * self.spec["factor"], self.spec["min_lr"])
                changed = True
        if changed:
            self.cooldown, self.wait = self.spec["cooldown"], 0
        return changed


class BestTracker:
    """save_best (Keras's ModelCheckpoint(save_best_only=True)): true when the epoch's value beats every earlier one."""

    def __init__(self, monitor):
        self.monitor, self.best, self.min = monitor, None, _lower_is_better(monitor)

    def on_epoch_end(self, logs):
        current = logs.get(self.monitor)
        if current is None or not math.isfinite(current):
            return False
        if self.best is not None and not (current < self.best if self.min else current > self.best):
            return False
        self.best = current
        return True


def evaluate_on(trainer, ds):
    """The mean loss and accuracy (None without the metric) over every row of ds: the models in eval mode, unwrapped."""
    for name, m in trainer.models.items():
        m.eval()
        setattr(trainer, trainer.model_attrs[name], m)
    size = 1000 if trainer.data.get("kind", "mnist") == "mnist" else trainer.batch
    rows_seen, scored, correct, loss, right = 0, 0, 0, 0.0, None
    with torch.no_grad():
        for b in range(0, ds.n, size):
            rows = torch.arange(b, min(b + size, ds.n))
            out = trainer.evaluate(*[c.to(trainer.device) for c in ds.batch(rows)])
            right = out[1]
            loss += float(out[0]) * len(rows)
            correct += int(right) if right is not None else 0
            scored += int(out[2]) if len(out) > 2 else len(rows)
            rows_seen += len(rows)
    for name, m in trainer.wrapped.items():
        setattr(trainer, trainer.model_attrs[name], m)
    return loss / max(rows_seen, 1), (correct / max(scored, 1) if right is not None else None)


class Controls:
    """
    What a train block runs at the end of each epoch (its 'controls' table): the validation
    split's loss and accuracy (val_loss, val_accuracy, every process the whole split, so that
    each decides alike), then reduce-on-plateau, early stopping and save_best, in dlm's order.
    """

    def __init__(self, spec):
        self.spec = spec
        self.early = EarlyStopping(spec["early_stopping"]) if spec.get("early_stopping") else None
        self.plateau = ReduceLrOnPlateau(spec["reduce_lr_on_plateau"]) if spec.get("reduce_lr_on_plateau") else None
        self.best = BestTracker(spec["save_best_monitor"]) if spec.get("save_best") else None

    def epoch_end(self, trainer, epoch, logs, validation):
        """After epoch 'epoch' (1-based) with the epoch's mean losses in 'logs'; true when early stopping ends the run."""
        if validation is not None and hasattr(trainer, "evaluate"):
            logs["val_loss"], acc = evaluate_on(trainer, validation)
            if acc is not None:
                logs["val_accuracy"] = acc
            for m in trainer.models.values():
                m.train()
            if not trainer.args.quiet and trainer.rank == 0:
                print("epoch %d %s" % (epoch, " ".join("%s %.4f" % kv for kv in logs.items())), flush=True)
        if self.plateau is not None:
            self.plateau.on_epoch_end(logs, trainer.lrs)
        weights = lambda: [trainer.tensor(m, a).detach().clone() for n, s, i, m, a, l, t in trainer.parameters]
        stop = self.early.on_epoch_end(epoch - 1, logs, weights) if self.early is not None else False
        if self.best is not None and self.best.on_epoch_end(logs) and trainer.rank == 0:
            trainer.epoch, trainer.batch_in_epoch = epoch, 0
            trainer.save(self.spec["save_best"])
        if stop and not trainer.args.quiet and trainer.rank == 0:
            print("Epoch %d: early stopping" % epoch, flush=True)
        return stop

    def finished(self):
        """Whether early stopping already ended the run (a resumed checkpoint of a stopped run)."""
        return self.early is not None and self.early.stopped_epoch > 0

    def save_into(self, trainer, tensors, meta):
        """The controls' state as dlm's checkpoints hold it: metadata 'controls' (JSON) and early stopping's best weights as best/<name>."""
        if not (self.early or self.plateau or self.best):
            return
        state = {}
        if self.early is not None:
            e = self.early
            state["early_stopping"] = {"wait": e.wait, "best": e.best, "best_epoch": e.best_epoch, "stopped_epoch": e.stopped_epoch}
        if self.plateau is not None:
            p = self.plateau
            state["reduce_lr_on_plateau"] = {"wait": p.wait, "cooldown_counter": p.cooldown, "best": p.best if math.isfinite(p.best) else None}
        if self.best is not None:
            state["save_best"] = {"best": self.best.best}
        state["learning_rates"] = list(trainer.lrs)
        meta["controls"] = json.dumps(state, separators=(",", ":"))
        if self.early is not None and self.early.best_weights is not None:
            for row, w in zip(trainer.parameters, self.early.best_weights):
                tensors["best/" + row[0]] = to_keras(w, row[5])

    def load(self, trainer, text, best):
        """Reads save_into's state back (from dlm's checkpoints too); 'best' maps names to best/ tensors."""
        s = json.loads(text)
        if self.early is not None and "early_stopping" in s:
            e, v = self.early, s["early_stopping"]
            e.wait, e.best, e.best_epoch, e.stopped_epoch = v["wait"], v["best"], v["best_epoch"], v["stopped_epoch"]
            if best:
                e.best_weights = [to_torch(best[row[0]], row[5]).to(trainer.device) for row in trainer.parameters]
        if self.plateau is not None and "reduce_lr_on_plateau" in s:
            p, v = self.plateau, s["reduce_lr_on_plateau"]
            p.wait, p.cooldown = v["wait"], v["cooldown_counter"]
            p.best = v["best"] if v["best"] is not None else p.best
            trainer.lrs[:] = s["learning_rates"]  # a plateau changes the learning rates; they are restored with it
        if self.best is not None and "save_best" in s:
            self.best.best = s["save_best"]["best"]

    def restore(self, trainer):
        """Early stopping's best weights back (restore_best_weights), whether or not it stopped the run (Keras 3)."""
        if self.early is None or not self.spec["early_stopping"]["restore_best_weights"] or self.early.best_weights is None:
            return
        with torch.no_grad():
            for row, w in zip(trainer.parameters, self.early.best_weights):
                trainer.tensor(row[3], row[4]).copy_(w)


`;
