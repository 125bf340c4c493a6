// The demo page: starts the training worker, draws its progress and the loss of every step,
// and, once the model is trained, classifies what is drawn on the pad (MNIST's preparation:
// the ink's bounding box scaled into 20×20, centred by its centre of mass in 28×28).
// Query options (for tests and for trying things): ?autostart=1&epochs=1&maxSteps=N&seed=S&keep=K&variant=relaxed
const params = new URLSearchParams(location.search);
const number = (k, d) => (params.has(k) ? Number(params.get(k)) : d);
const options = {
  epochs: number("epochs", 1),
  maxSteps: params.has("maxSteps") ? number("maxSteps") : undefined,
  seed: params.has("seed") ? number("seed") : undefined,
  lossesKept: number("keep", 200),
  variant: params.get("variant") === "relaxed" ? "relaxed" : "simd128",
};

/** What a test (or a curious reader in the console) can see: `window.dlmDemo`. */
const state = { started: false, done: false, error: null, steps: 0, total: 0, losses: [], test: null, seconds: 0, probs: null };
window.dlmDemo = state;

const $ = (id) => document.getElementById(id);
const worker = new Worker("worker.js", { type: "module" });
const allLosses = [];
let plotQueued = false;

worker.onmessage = (e) => {
  const m = e.data;
  if (m.type === "status") $("status").textContent = m.text;
  else if (m.type === "step") {
    state.steps = m.step;
    state.total = m.total;
    allLosses.push(m.loss);
    if (!plotQueued) {
      plotQueued = true;
      requestAnimationFrame(() => {
        plotQueued = false;
        showProgress();
      });
    }
  } else if (m.type === "done") {
    Object.assign(state, { done: true, losses: m.losses, test: m.test, seconds: m.seconds, steps: m.steps });
    showProgress();
    const acc = m.test ? `; test accuracy ${m.test.accuracy.toFixed(4)} on the 10,000 test images` : "";
    $("status").textContent = `trained ${m.steps.toLocaleString("en-US")} steps in ${m.seconds.toFixed(1)} s${acc}. Draw a digit →`;
    if (m.checkpoint) {
      const a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([m.checkpoint], { type: "application/octet-stream" }));
      a.download = "cnn.safetensors";
      a.textContent = " download the checkpoint";
      $("status").append(a);
    }
    $("start").textContent = "Trained";
    classify();
  } else if (m.type === "probs") {
    state.probs = m.probs;
    showProbs(m.probs);
  } else if (m.type === "error") {
    state.error = m.text;
    $("status").textContent = `error: ${m.text}`;
  }
};

function start() {
  if (state.started) return;
  state.started = true;
  $("start").disabled = true;
  worker.postMessage({ type: "train", ...options });
}
$("start").onclick = start;
if (params.get("autostart") === "1") start();

function showProgress() {
  const total = state.total || 1;
  $("fill").style.width = `${(100 * state.steps) / total}%`;
  $("steps").textContent = ` step ${state.steps.toLocaleString("en-US")} of ${total.toLocaleString("en-US")}`;
  plot();
}

/** The loss of every step (light) and its running mean over 50 steps (dark), on a fixed scale. */
function plot() {
  const c = $("plot");
  const g = c.getContext("2d");
  const W = c.width, H = c.height, L = 40, B = 24; // prettier-ignore
  g.clearRect(0, 0, W, H);
  const top = 2.5;
  const n = Math.max(state.total, allLosses.length, 1);
  const x = (i) => L + ((W - L - 8) * i) / n;
  const y = (v) => 8 + (H - B - 8) * (1 - Math.min(v, top) / top);
  g.strokeStyle = "#dcdcde";
  g.fillStyle = "#50575e";
  g.font = "11px system-ui, sans-serif";
  for (const v of [0, 0.5, 1, 1.5, 2, 2.5]) {
    g.beginPath();
    g.moveTo(L, y(v));
    g.lineTo(W - 8, y(v));
    g.stroke();
    g.fillText(v.toFixed(1), 8, y(v) + 4);
  }
  g.fillText("loss per step", L + 4, 18);
  g.fillText(`steps (${n.toLocaleString("en-US")})`, W - 100, H - 6);
  const line = (values, color) => {
    g.strokeStyle = color;
    g.beginPath();
    values.forEach((v, i) => (i ? g.lineTo(x(i), y(v)) : g.moveTo(x(i), y(v))));
    g.stroke();
  };
  line(allLosses, "#9ec2e6");
  let sum = 0;
  const mean = allLosses.map((v, i) => {
    sum += v - (i >= 50 ? allLosses[i - 50] : 0);
    return sum / Math.min(i + 1, 50);
  });
  g.lineWidth = 2;
  line(mean, "#135e96");
  g.lineWidth = 1;
}
plot();

// The drawing pad: white strokes on black, as MNIST's digits are.
const pad = $("pad");
const ctx = pad.getContext("2d");
function clearPad() {
  ctx.fillStyle = "black";
  ctx.fillRect(0, 0, pad.width, pad.height);
  state.probs = null;
  $("probs").textContent = "";
  $("guess").textContent = "";
}
clearPad();
$("clear").onclick = clearPad;
let last = null;
const at = (e) => {
  const r = pad.getBoundingClientRect();
  return [((e.clientX - r.left) * pad.width) / r.width, ((e.clientY - r.top) * pad.height) / r.height];
};
pad.addEventListener("pointerdown", (e) => {
  pad.setPointerCapture(e.pointerId);
  last = at(e);
  stroke(last, last);
});
pad.addEventListener("pointermove", (e) => {
  if (!last) return;
  const p = at(e);
  stroke(last, p);
  last = p;
});
const end = () => {
  if (!last) return;
  last = null;
  classify();
};
pad.addEventListener("pointerup", end);
pad.addEventListener("pointercancel", end);

function stroke(a, b) {
  ctx.strokeStyle = "white";
  ctx.lineWidth = 22;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.beginPath();
  ctx.moveTo(a[0], a[1]);
  ctx.lineTo(b[0], b[1]);
  ctx.stroke();
}

function classify() {
  if (!state.done) return;
  const pixels = mnistPixels();
  if (pixels) worker.postMessage({ type: "predict", pixels });
}

/** The pad as MNIST prepares a digit: [28, 28] floats in [0, 1], or null when nothing is drawn. */
function mnistPixels() {
  const { width: W, height: H } = pad;
  const rgba = ctx.getImageData(0, 0, W, H).data;
  const ink = new Float32Array(W * H);
  let x0 = W, y0 = H, x1 = -1, y1 = -1; // prettier-ignore
  for (let i = 0; i < W * H; i++) {
    const v = rgba[4 * i] / 255;
    ink[i] = v;
    if (v > 0.05) {
      const px = i % W, py = (i / W) | 0; // prettier-ignore
      x0 = Math.min(x0, px);
      x1 = Math.max(x1, px);
      y0 = Math.min(y0, py);
      y1 = Math.max(y1, py);
    }
  }
  if (x1 < 0) return null;
  // The bounding box into at most 20×20 (aspect kept): each cell the mean of the pad pixels in it.
  const s = 20 / Math.max(x1 - x0 + 1, y1 - y0 + 1);
  const bw = Math.max(1, Math.round((x1 - x0 + 1) * s)), bh = Math.max(1, Math.round((y1 - y0 + 1) * s)); // prettier-ignore
  const sum = new Float32Array(bw * bh), count = new Float32Array(bw * bh); // prettier-ignore
  for (let py = y0; py <= y1; py++)
    for (let px = x0; px <= x1; px++) {
      const c = Math.min(bh - 1, Math.floor((py - y0) * s)) * bw + Math.min(bw - 1, Math.floor((px - x0) * s));
      sum[c] += ink[py * W + px];
      count[c]++;
    }
  const box = sum.map((v, c) => (count[c] ? v / count[c] : 0));
  // Centred by its centre of mass in 28×28.
  let m = 0, mx = 0, my = 0; // prettier-ignore
  box.forEach((v, c) => {
    m += v;
    mx += v * (c % bw);
    my += v * Math.floor(c / bw);
  });
  const ox = Math.round(14 - (mx / m + 0.5)), oy = Math.round(14 - (my / m + 0.5)); // prettier-ignore
  const out = new Float32Array(28 * 28);
  box.forEach((v, c) => {
    const tx = (c % bw) + ox, ty = Math.floor(c / bw) + oy; // prettier-ignore
    if (tx >= 0 && tx < 28 && ty >= 0 && ty < 28) out[ty * 28 + tx] = v;
  });
  return out;
}

function showProbs(probs) {
  const best = probs.indexOf(Math.max(...probs));
  $("guess").textContent = `→ ${best}`;
  $("probs").replaceChildren(
    ...probs.map((p, d) => {
      const row = document.createElement("div");
      row.className = d === best ? "prob top" : "prob";
      row.innerHTML = `<span>${d}</span><div><div class="b" style="width:${(100 * p).toFixed(1)}%"></div></div><span>${(100 * p).toFixed(1)}%</span>`;
      return row;
    }),
  );
}
