// dlm_torch.py, part 2 of 2 (support.ts joins them): the flags, and the training loop every
// generated train.py shares (initial weights, checkpoints, processes under torchrun, steps, test).
export const supportTrainer = String.raw`# -- Training -------------------------------------------------------------------------------


def arguments(trainer):
    p = argparse.ArgumentParser(
        description="Trains 'train %s' of %s with PyTorch; under torchrun with DistributedDataParallel." % (trainer.name, trainer.source)
    )
    s = trainer.settings
    p.add_argument("--epochs", type=int, default=s["epochs"], help="epochs (default %d)" % s["epochs"])
    p.add_argument("--batch", type=int, default=s["batch"], help="the global batch, split over the processes (default %d)" % s["batch"])
    p.add_argument("--max-steps", type=int, default=None, help="stop after this many steps in all (a checkpoint's count included)")
    p.add_argument("--seed", type=int, default=s["seed"], help="initial weights, shuffling, noise and dropout (default %d)" % s["seed"])
    p.add_argument("--data", default=None, help="the MNIST folder, or the data.safetensors of text data (default: what dlm compile found or wrote)")
    p.add_argument("--save", default=None, help="write a checkpoint (safetensors, Keras layouts, as dlm's) at the end")
    p.add_argument("--resume", default=None, help="continue from a checkpoint of dlm or of this program")
    p.add_argument("--device", default=None, help="cpu or cuda (default: cuda where available); gloo on cpu, nccl on cuda")
    p.add_argument("--no-shuffle", action="store_true", help="read the training data in order")
    p.add_argument("--noise-file", default=None, help="replay recorded noise and dropout masks (float32 values in draw order)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    return p.parse_args()


class Trainer:
    """The loop every generated program shares; train.py's subclass has the models and the steps."""

    ddp = ()  # the models wrapped in DistributedDataParallel (the others' gradients are averaged by hand)
    schedules = None  # per step: its learning-rate schedule (dlm_torch.learning_rate), or None for a constant rate
    controls = {}  # validation_split, early_stopping, reduce_lr_on_plateau, save_best: as the train block sets them
    run_controls = None  # this run's dlm_torch.Controls (their state goes into checkpoints)
    resumed_controls = None  # (the checkpoint's controls metadata, its best/ tensors by name)

    def __init__(self, args):
        self.args = args
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        dev = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
        if dev == "cuda":
            local = int(os.environ.get("LOCAL_RANK", "0"))
            torch.cuda.set_device(local)
            self.device = torch.device("cuda", local)
        else:
            self.device = torch.device("cpu")
        if self.world > 1:
            import torch.distributed as dist

            dist.init_process_group("nccl" if self.device.type == "cuda" else "gloo")
            self.dist = dist
        self.batch = args.batch
        gen = torch.Generator().manual_seed(args.seed)
        self.models = self.build()
        for name, shape, init, model, attr, layout, trained in self.parameters:
            with torch.no_grad():
                self.tensor(model, attr).copy_(to_torch(initialize(init, shape, gen), layout))
            if not trained and isinstance(self.tensor(model, attr), nn.Parameter):
                self.tensor(model, attr).requires_grad_(False)  # frozen (a frozen batch norm runs as in inference)
        for m in self.models.values():
            m.to(self.device)
        self.optimizers = self.make_optimizers()
        self.lrs = [opt.param_groups[0]["lr"] for opt in self.optimizers]  # each step's learning rate (reduce-on-plateau lowers them)
        self.params_of = [self.trained(k) for k in range(len(self.optimizers))]
        self.step_counts = [0] * len(self.optimizers)
        self.global_step, self.epoch, self.batch_in_epoch, self.seed = 0, 0, 0, args.seed
        self.vocab, self.resumed_vocab = {}, None  # the vocabularies of text data (checkpoint metadata)
        if args.resume:
            self.resume(args.resume)
        replay = None
        if args.noise_file:
            with open(args.noise_file, "rb") as f:
                replay = torch.frombuffer(bytearray(f.read()), dtype=torch.float32)
        noise.reset(self.seed * 1000003 + self.global_step, replay)
        noise.device = self.device
        self.wrapped = {}
        for name, m in self.models.items():
            if self.world > 1 and name in self.ddp:
                from torch.nn.parallel import DistributedDataParallel

                self.wrapped[name] = DistributedDataParallel(m, device_ids=[self.device.index] if self.device.type == "cuda" else None)
            else:
                self.wrapped[name] = m
            setattr(self, self.model_attrs[name], self.wrapped[name])

    def tensor(self, model, attr):
        t = self.models[model]
        for part in attr.split("."):
            t = getattr(t, part)
        return t

    def signature(self):
        return ";".join("%s[%s]" % (p[0], ",".join(str(d) for d in p[1])) for p in self.parameters)

    # The optimizer state of each parameter, by dlm's buffer names.
    STATE = {"adam_m": "exp_avg", "adam_v": "exp_avg_sq", "momentum": "momentum_buffer"}

    def save(self, path):
        tensors = {}
        for name, shape, init, model, attr, layout, trained in self.parameters:
            tensors[name] = to_keras(self.tensor(model, attr).detach(), layout)
        for buf in self.state_buffers:
            for name, shape, init, model, attr, layout, trained in self.parameters:
                if not trained:
                    continue
                p = self.tensor(model, attr)
                st = self._state_of(p)
                t = st.get(self.STATE[buf]) if st else None
                tensors["optimizer/%s/%s" % (buf, name)] = to_keras(t, layout) if t is not None else torch.zeros(shape)
        meta = {
            "format": FORMAT,
            "program": self.name,
            "signature": self.signature(),
            "global_step": str(self.global_step),
            "epoch": str(self.epoch),
            "batch_in_epoch": str(self.batch_in_epoch),
            "batch": str(self.batch),
            "seed": str(self.seed),
            "step_counts": ",".join(str(c) for c in self.step_counts),
            "writer": "pytorch",
        }
        meta.update(self.vocab)  # text data: the vocabularies its ids stand for, as dlm's checkpoints hold them
        if self.run_controls is not None:
            self.run_controls.save_into(self, tensors, meta)
        save_safetensors(path, tensors, meta)

    def _state_of(self, p):
        for opt in self.optimizers:
            if p in opt.state:
                return opt.state[p]
        return None

    def resume(self, path):
        tensors, meta = load_safetensors(path)
        if meta.get("controls") is not None:
            self.resumed_controls = (meta["controls"], {n[5:]: t for n, t in tensors.items() if n.startswith("best/")})
        if meta.get("format") != FORMAT:
            raise SystemExit("error: %s is not a dlm checkpoint (format %r)" % (path, meta.get("format")))
        if meta.get("signature") != self.signature():
            raise SystemExit("error: %s was written by 'train %s' with other parameters" % (path, meta.get("program")))
        if int(meta["batch"]) != self.batch:
            raise SystemExit("error: %s was written at batch %s; resume it with --batch %s" % (path, meta["batch"], meta["batch"]))
        self.global_step, self.epoch = int(meta["global_step"]), int(meta["epoch"])
        self.batch_in_epoch, self.seed = int(meta["batch_in_epoch"]), int(meta["seed"])
        self.resumed_vocab = {k: v for k, v in meta.items() if k.startswith("vocab_")}
        self.step_counts = [self.global_step] * len(self.optimizers)
        with torch.no_grad():
            for name, shape, init, model, attr, layout, trained in self.parameters:
                self.tensor(model, attr).copy_(to_torch(tensors[name], layout))
        names = {id(self.tensor(m, a)): (n, l) for n, s, i, m, a, l, t in self.parameters}
        for k, opt in enumerate(self.optimizers):
            for group in opt.param_groups:
                for p in group["params"]:
                    name, layout = names[id(p)]
                    st = {"step": torch.tensor(float(self.global_step))}
                    for buf, key in self.STATE.items():
                        if "optimizer/%s/%s" % (buf, name) in tensors and key in self.STATE_KEYS[type(opt).__name__]:
                            st[key] = to_torch(tensors["optimizer/%s/%s" % (buf, name)], layout).to(self.device)
                    if self.global_step > 0:
                        opt.state[p] = st

    STATE_KEYS = {"Adam": ("exp_avg", "exp_avg_sq"), "AdamW": ("exp_avg", "exp_avg_sq"), "SGD": ("momentum_buffer",)}
    # KerasOptimizer keeps its state under dlm's names (SGD's momentum as torch's).
    KERAS_STATE = ("rmsprop_velocity", "rmsprop_momentum", "rmsprop_average", "adagrad_accumulator", "adamax_m", "adamax_u", "nadam_m", "nadam_v")
    STATE.update({n: n for n in KERAS_STATE})
    STATE_KEYS["KerasOptimizer"] = KERAS_STATE + ("momentum_buffer",)

    def trained(self, k):
        """The tensors step k trains: those of the models it trains, frozen ones aside."""
        return [self.tensor(m, a) for n, s, i, m, a, l, t in self.parameters if t and m in self.trains[k]]

    def update(self, k, loss):
        """One optimizer step of the k-th 'step': the gradients of 'loss' (averaged over the processes)."""
        params = self.params_of[k]
        for m in self.models.values():
            m.zero_grad(set_to_none=True)
        # The loss is this process's mean; weighted by its share of the rows, the average over the
        # processes is the global batch's mean (the shares differ only when the rows do not split evenly).
        n, mine = noise.rows[0], noise.rows[2] - noise.rows[1]
        share = mine * self.world / n if self.world > 1 and n > 0 and mine * self.world != n else None
        # A masked mean (a padding mask, ignore_class) is over the positions kept: weighted by this
        # process's share of the global batch's kept positions instead.
        if self.world > 1 and len(kept_positions) == 1:
            total = torch.tensor([kept_positions[0]], device=self.device)
            self.dist.all_reduce(total)
            share = kept_positions[0] * self.world / max(float(total), 1.0)
        kept_positions.clear()
        # A later step may differentiate through the same 'let's: their graph is kept until then.
        retain = k + 1 < len(self.optimizers)
        (loss * share if share is not None else loss).backward(retain_graph=retain)
        if self.world > 1 and self.step_models[k] not in self.ddp:
            for p in params:
                if p.grad is not None:
                    self.dist.all_reduce(p.grad)
                    p.grad /= self.world
        self.clip(k, params)
        # The learning rate of this update: the schedule's at the step count (0 for the first), else the current one.
        schedule = self.schedules[k] if self.schedules else None
        lr = self.lrs[k] = learning_rate(schedule, self.step_counts[k]) if schedule else self.lrs[k]
        for group in self.optimizers[k].param_groups:
            group["lr"], group["t"] = lr, self.step_counts[k] + 1
        self.optimizers[k].step()
        self.step_counts[k] += 1

    def clip(self, k, params):
        kind, value = self.clips[k] if self.clips[k] else (None, None)
        grads = [p.grad for p in params if p.grad is not None]
        if kind == "clipvalue":
            for g in grads:
                g.clamp_(-value, value)
        elif kind == "clipnorm":
            for g in grads:
                norm = float(g.norm())
                if norm > value:
                    g.mul_(value / norm)
        elif kind == "global_clipnorm":
            norm = math.sqrt(sum(float((g.double() ** 2).sum()) for g in grads))
            if norm > value:
                for g in grads:
                    g.mul_(value / norm)

    def rows(self, n):
        """This process's rows of a global batch of n: [r·n/N, (r + 1)·n/N)."""
        return self.rank * n // self.world, (self.rank + 1) * n // self.world

    def datasets(self, where):
        """The training and test data: MNIST from its folder, text data from the file dlm compile prepared."""
        kind = self.data.get("kind", "mnist")
        if kind == "mnist":
            train = Mnist(where, "train", self.data)
            # An autoencoder (images as their own targets) is tested too: its test loss.
            return train, Mnist(where, "test", self.data) if self.data["part"] == "both" or self.data.get("autoencode") else None
        train, test, self.vocab = text_data(where, self.data)
        if self.resumed_vocab is not None and self.resumed_vocab != self.vocab:
            raise SystemExit("error: %s was trained with other vocabularies: the same ids would mean other tokens" % self.args.resume)
        return train, test

    def run(self):
        args = self.args
        train, test = self.datasets(args.data or self.data_dir)
        validation, controls = None, Controls(self.controls)
        if self.resumed_controls is not None:
            controls.load(self, *self.resumed_controls)
        self.run_controls = controls
        if self.controls.get("validation_split", 0) > 0:
            # Keras's validation_split: the last rows of the training data, taken before any shuffling.
            at = int(math.floor(train.n * (1 - self.controls["validation_split"])))
            train, validation = train.part(0, at), train.part(at, train.n)
        steps = -(-train.n // self.batch)
        max_steps = args.max_steps if args.max_steps is not None else float("inf")
        shuffle = self.settings["shuffle"] and not args.no_shuffle
        start = time.time()
        epoch, b, stopped = self.epoch, self.batch_in_epoch, False
        while epoch < args.epochs and not controls.finished():
            # One seeded permutation per epoch, the same on every process.
            gen = torch.Generator().manual_seed(self.seed * 1000003 + epoch)
            order = torch.randperm(train.n, generator=gen) if shuffle else torch.arange(train.n)
            sums, seen = [0.0] * len(self.optimizers), 0
            while b < steps:
                if self.global_step >= max_steps:
                    stopped = True
                    break
                rows = order[b * self.batch : (b + 1) * self.batch]
                lo, hi = self.rows(len(rows))
                noise.rows = (len(rows), lo, hi)
                cols = [c.to(self.device) for c in train.batch(rows[lo:hi])]
                for m in self.models.values():
                    m.train()
                losses = self.train_step(*cols)
                self.global_step += 1
                b += 1
                for k, l in enumerate(losses):
                    sums[k] += float(l) * len(rows)
                seen += len(rows)
                if not args.quiet and self.rank == 0 and (b % 100 == 0 or b == steps):
                    shown = " ".join("%s %.4f" % (n, s / seen) for n, s in zip(self.loss_names, sums))
                    print("epoch %d step %d/%d %s (%.1f s)" % (epoch + 1, b, steps, shown, time.time() - start), flush=True)
            if stopped:
                break
            epoch, b = epoch + 1, 0
            if controls.epoch_end(self, epoch, dict(zip(self.loss_names, (s / max(seen, 1) for s in sums))), validation):
                break
        # Where a checkpoint resumes: in the epoch a --max-steps stop left, or at the next one's start.
        if stopped or epoch > self.epoch:
            self.epoch, self.batch_in_epoch = (epoch, b) if stopped else (max(epoch, args.epochs), 0)
        if not stopped:
            controls.restore(self)  # early stopping's best weights, at the end of training (not at a --max-steps pause)
        if args.save and self.rank == 0:
            self.save(args.save)
        if test is not None and hasattr(self, "evaluate") and self.rank == 0:
            self.test(test)
        if self.world > 1:
            self.dist.barrier()
            self.dist.destroy_process_group()

    def test(self, test):
        """The test loss (and accuracy) over the whole test split, on this process alone: the models unwrapped."""
        for name, m in self.models.items():
            m.eval()
            setattr(self, self.model_attrs[name], m)
        # MNIST in batches of 1000; text data at the training batch, as dlm evaluates it.
        size = 1000 if self.data.get("kind", "mnist") == "mnist" else self.batch
        rows_seen, scored, correct, loss = 0, 0, 0, 0.0
        with torch.no_grad():
            for b in range(0, test.n, size):
                rows = torch.arange(b, min(b + size, test.n))
                cols = [c.to(self.device) for c in test.batch(rows)]
                # (loss, correct predictions[, predictions scored]): per-position labels score every position but padding.
                out = self.evaluate(*cols)
                l, right = out[0], out[1]
                loss += float(l) * len(rows)
                correct += int(right) if right is not None else 0
                scored += int(out[2]) if len(out) > 2 else len(rows)
                rows_seen += len(rows)
        for name, m in self.wrapped.items():
            setattr(self, self.model_attrs[name], m)
        acc = " accuracy %.4f" % (correct / max(scored, 1)) if right is not None else ""
        print("test loss %.4f%s" % (loss / rows_seen, acc), flush=True)


def main(trainer_class):
    args = arguments(trainer_class)
    trainer_class(args).run()
`;
