# The rational fit of the exact GELU kernels (compiler/ops/activations.wasm.ts, ERFC_P and
# ERFC_Q): erfc(t)·e^(t²) ≈ P(t)/Q(t) on [0, T], Q(0) = 1, by iterated weighted least squares on
# the linearized residual P(t) − h(t)·Q(t), weighted for relative error (1/(h·Q) from the previous
# iterate, then Lawson's reweighting toward the minimax error), in float64 against mpmath's erfc
# at 40 digits. Prints the relative error in float64 and with the coefficients rounded to f32 and
# the Horner sums and the division in f32 arithmetic, and the f32 coefficients; then the exponential's.
#
#   python3 scripts/fit-erfc.py [P's degree 4] [Q's degree 5] [T 10]
import sys

import mpmath as mp
import numpy as np

mp.mp.dps = 40
p, q = (int(a) for a in (sys.argv[1:3] if len(sys.argv) > 2 else (4, 5)))
T = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0


def h(t):
    return mp.erfc(t) * mp.exp(t * t)


N = 4000
ts = np.array([T * (1 - np.cos(np.pi * (i + 0.5) / N)) / 2 for i in range(N)])  # Chebyshev nodes
hs = np.array([float(h(mp.mpf(t))) for t in ts])
w = np.ones(N)
qv = np.ones(N)
for it in range(30):
    A = np.hstack([np.vander(ts, p + 1, increasing=True), -hs[:, None] * np.vander(ts, q + 1, increasing=True)[:, 1:]])
    wt = w / (np.abs(qv) * hs)
    coef, *_ = np.linalg.lstsq(A * wt[:, None], hs * wt, rcond=None)
    P, Q = coef[: p + 1], np.concatenate([[1.0], coef[p + 1 :]])
    qv = np.polyval(Q[::-1], ts)
    err = (np.polyval(P[::-1], ts) / qv - hs) / hs
    if it >= 5:
        w = w * np.abs(err) ** 0.5
        w /= w.sum()


def f32_eval(t):
    t = t.astype(np.float32)
    a = np.full_like(t, np.float32(P[-1]))
    for c in P.astype(np.float32)[-2::-1]:
        a = (a * t + c).astype(np.float32)
    b = np.full_like(t, np.float32(Q[-1]))
    for c in Q.astype(np.float32)[-2::-1]:
        b = (b * t + c).astype(np.float32)
    return (a / b).astype(np.float32)


tt = np.linspace(0, T, 2001).astype(np.float32)
ref = np.array([float(h(mp.mpf(float(t)))) for t in tt])
e64 = np.max(np.abs(np.polyval(P[::-1], tt.astype(np.float64)) / np.polyval(Q[::-1], tt.astype(np.float64)) / ref - 1))
e32 = np.max(np.abs(f32_eval(tt).astype(np.float64) / ref - 1))
print(f"degrees {p}/{q} on [0, {T}]: relative error {e64:.3g} in float64, {e32:.3g} in f32")
print("ERFC_P", [float(np.float32(c)) for c in P])
print("ERFC_Q", [float(np.float32(c)) for c in Q])

# The exponential's polynomial (activations.wasm.ts EXP_E): e^r ≈ 1 + r + r²·E(r) on |r| ≤ ln2/2,
# E of degree 4, by the same reweighted least squares for relative error.
L = np.log(2) / 2
r = np.array([L * np.cos(np.pi * (i + 0.5) / N) for i in range(N)])
ex = np.array([float(mp.exp(mp.mpf(x))) for x in r])
f = np.array([float((mp.exp(mp.mpf(x)) - 1 - mp.mpf(x)) / mp.mpf(x) ** 2) for x in r])
w = np.ones(N)
for it in range(40):
    A = np.vander(r, 5, increasing=True) * (r**2 / ex)[:, None] * w[:, None]
    c, *_ = np.linalg.lstsq(A, (f * r**2 / ex) * w, rcond=None)
    err = (1 + r + r**2 * np.polyval(c[::-1], r)) / ex - 1
    w = w * np.abs(err) ** 0.3
    w /= w.mean()
print(f"exp: relative error {np.abs(err).max():.3g} in float64")
print("EXP_E", [float(np.float32(x)) for x in c])
