// jax-js (@jax-js/jax, wasm device), one model, in its own process:
//   node jaxjs.mjs --model mlp|cnn|lstm|gan --warmup 20 --seconds 10
// init('wasm') (a bare init() probes WebGPU and crashes on `navigator` in Node); the whole
// step — forward, gradient, Adam written by hand (@jax-js/optax is not on npm) — is one
// jit'd function; the loss is awaited every step. jax-js arrays are reference-counted: every
// function consumes its arguments, `.ref` keeps one alive for another use.
import { childArgs, dist, mnist, timeLoop, report, na, MODELS } from "./common.mjs";

const args = childArgs();
const batch = MODELS[args.model].batch;
let jax;
try {
  jax = await import("@jax-js/jax");
  await jax.init("wasm");
  jax.defaultDevice("wasm");
} catch (e) {
  na(`jax-js did not start: ${String(e.message ?? e).split("\n")[0]}`);
}
const { numpy: np, nn, lax, jit, valueAndGrad, vjp } = jax;
const { Rng } = await import(dist("runtime/rng.js"));
const rng = new Rng(7);

/** Glorot-uniform [fanIn, fanOut] (shape may be longer: receptive field folded in). */
function glorot(shape, fanIn, fanOut) {
  const lim = Math.sqrt(6 / (fanIn + fanOut));
  const a = new Float32Array(shape.reduce((x, y) => x * y, 1));
  for (let i = 0; i < a.length; i++) a[i] = rng.uniform() * 2 * lim - lim;
  return np.array(a).reshape(shape);
}
const zeros = (shape) => np.zeros(shape);
const dense = (i, o) => [glorot([i, o], i, o), zeros([o])];

// Adam, Keras's form: p -= lr_t · m / (√v + ε), lr_t = lr·√(1−β2^t)/(1−β1^t).
function adam(params, grads, m, v, lrt, b1, b2, eps = 1e-7) {
  const P = [],
    M = [],
    V = [];
  for (let i = 0; i < params.length; i++) {
    const g = grads[i];
    const mi = m[i].mul(b1).add(g.ref.mul(1 - b1));
    const vi = v[i].mul(b2).add(g.ref.mul(g).mul(1 - b2));
    P.push(params[i].sub(mi.ref.mul(lrt.ref).div(np.sqrt(vi.ref).add(eps))));
    M.push(mi);
    V.push(vi);
  }
  lrt.dispose();
  return [P, M, V];
}
const lrtOf = (lr, b1, b2, t) => np.array(new Float32Array([(lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t)])).reshape([]);

const affine = (x, w, b) => np.matmul(x, w).add(b);
function xent(logits, y) {
  // sparse categorical cross-entropy on logits (softmax + CE, stable), mean over the batch
  return nn
    .logSoftmax(logits, -1)
    .mul(nn.oneHot(y, 10))
    .sum()
    .mul(-1 / batch);
}

let forward; // (params, x) → logits
let params;
let xShape = [batch, 28, 28];
if (args.model === "mlp") {
  params = [...dense(784, 128), ...dense(128, 10)];
  xShape = [batch, 784];
  forward = (p, x) => affine(nn.relu(affine(x, p[0], p[1])), p[2], p[3]);
} else if (args.model === "cnn") {
  params = [glorot([32, 1, 3, 3], 9, 288), zeros([1, 32, 1, 1]), ...dense(5408, 128), ...dense(128, 10)];
  xShape = [batch, 1, 28, 28];
  forward = (p, x) => {
    const c = nn.relu(lax.conv(x, p[0], [1, 1], "VALID").add(p[1])); // [B, 32, 26, 26]
    const pooled = np.max(c.reshape([batch, 32, 13, 2, 13, 2]), [3, 5]).reshape([batch, 5408]);
    return affine(nn.relu(affine(pooled, p[2], p[3])), p[4], p[5]);
  };
} else if (args.model === "lstm") {
  const cell = (i, u) => [glorot([i, 4 * u], i, 4 * u), glorot([u, 4 * u], u, 4 * u), zeros([4 * u])];
  params = [...cell(28, 50), ...cell(50, 50), ...dense(50, 10)];
  const U = 50;
  // One LSTM layer over a list of [B, in] steps; returns the list of hidden states.
  const layer = (xs, W, R, b) => {
    let h = null,
      c = null;
    const hs = [];
    for (let t = 0; t < xs.length; t++) {
      let z = np.matmul(xs[t], W.ref).add(b.ref);
      if (h) z = z.add(np.matmul(h.ref, R.ref));
      const i = nn.sigmoid(z.ref.slice([], [0, U]));
      const f = nn.sigmoid(z.ref.slice([], [U, 2 * U]));
      const g = np.tanh(z.ref.slice([], [2 * U, 3 * U]));
      const o = nn.sigmoid(z.slice([], [3 * U, 4 * U]));
      if (c) c = f.mul(c).add(i.mul(g));
      else {
        f.dispose();
        c = i.mul(g);
      }
      h = o.mul(np.tanh(c.ref));
      hs.push(h.ref);
    }
    h.dispose();
    c.dispose();
    W.dispose();
    R.dispose();
    b.dispose();
    return hs;
  };
  forward = (p, x) => {
    const xs = [];
    for (let t = 0; t < 28; t++) xs.push(x.ref.slice([], t));
    x.dispose();
    const h1 = layer(xs, p[0], p[1], p[2]);
    const h2 = layer(h1, p[3], p[4], p[5]);
    const last = h2.pop();
    for (const h of h2) h.dispose();
    return affine(last, p[6], p[7]);
  };
}

const data = await mnist(args.model === "gan" ? [-1, 1] : [0, 1]);
const x = new Float32Array(batch * 784);
const y = new Int32Array(batch);
let step;
let t = 0;

if (args.model !== "gan") {
  if (!forward) na(`unknown model ${args.model}`);
  const lossFn = (p, xb, yb) => xent(forward(p, xb), yb);
  let m = params.map((p) => np.zerosLike(p.ref));
  let v = params.map((p) => np.zerosLike(p.ref));
  const trainStep = jit((p, m, v, lrt, xb, yb) => {
    const [loss, g] = valueAndGrad(lossFn)(
      p.map((q) => q.ref),
      xb,
      yb,
    );
    const [P, M, V] = adam(p, g, m, v, lrt, 0.9, 0.999);
    return [loss, P, M, V];
  });
  step = async () => {
    data.next(batch, x, y);
    t++;
    const [loss, P, M, V] = trainStep(
      params,
      m,
      v,
      lrtOf(1e-3, 0.9, 0.999, t),
      np.array(x).reshape(xShape),
      np.array(y, { dtype: np.int32 }),
    );
    params = P;
    m = M;
    v = V;
    return (await loss.data())[0];
  };
} else {
  let gp = [...dense(100, 256), ...dense(256, 512), ...dense(512, 784)];
  let dp = [...dense(784, 512), ...dense(512, 1)];
  const G = (p, z) => np.tanh(affine(nn.relu(affine(nn.relu(affine(z, p[0], p[1])), p[2], p[3])), p[4], p[5]));
  const Dlogit = (p, img) => affine(nn.relu(affine(img, p[0], p[1])), p[2], p[3]);
  // binary cross-entropy of sigmoid(logit) against a constant target, on logits (stable)
  const bce = (logit, target) => (target === 1 ? nn.softplus(logit.mul(-1)) : nn.softplus(logit)).mean();
  let gm = gp.map((p) => np.zerosLike(p.ref)),
    gv = gp.map((p) => np.zerosLike(p.ref));
  let dm = dp.map((p) => np.zerosLike(p.ref)),
    dv = dp.map((p) => np.zerosLike(p.ref));
  const ganStep = jit((gp, dp, gm, gv, dm, dv, lrt, real, z) => {
    // fake once from fresh noise; its vjp is kept for the generator step (reuses fake).
    const [fake, gBack] = vjp((q) => G(q, z), [gp.map((q) => q.ref)]);
    const dLossFn = (q, r, f) =>
      bce(
        Dlogit(
          q.map((w) => w.ref),
          r,
        ),
        1,
      ).add(bce(Dlogit(q, f), 0));
    const [dLoss, dg] = valueAndGrad(dLossFn)(
      dp.map((w) => w.ref),
      real,
      lax.stopGradient(fake.ref),
    );
    const [DP, DM, DV] = adam(dp, dg, dm, dv, lrt.ref, 0.5, 0.999);
    // generator step through the updated discriminator, reusing fake
    const [gLoss, dFake] = valueAndGrad((f) =>
      bce(
        Dlogit(
          DP.map((w) => w.ref),
          f,
        ),
        1,
      ),
    )(fake);
    const [gg] = gBack(dFake);
    gBack.dispose?.();
    const [GP, GM, GV] = adam(gp, gg, gm, gv, lrt, 0.5, 0.999);
    return [dLoss.add(gLoss), GP, DP, GM, GV, DM, DV];
  });
  const zbuf = new Float32Array(batch * 100);
  step = async () => {
    data.next(batch, x);
    rng.fillNormal(zbuf, 0, 1);
    t++;
    const r = ganStep(
      gp,
      dp,
      gm,
      gv,
      dm,
      dv,
      lrtOf(2e-4, 0.5, 0.999, t),
      np.array(x).reshape([batch, 784]),
      np.array(zbuf).reshape([batch, 100]),
    );
    [, gp, dp, gm, gv, dm, dv] = r;
    return (await r[0].data())[0];
  };
}

let r;
try {
  r = await timeLoop({ warmup: args.warmup, batches: args.batches, seconds: args.seconds, cap: args.cap, batch, step });
} catch (e) {
  na(
    `jax-js failed: ${String(e.message ?? e)
      .split("\n")[0]
      .slice(0, 160)}`,
  );
}
report(r);
