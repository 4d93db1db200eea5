"""Benchmarks of optlib's optimizers: in-place steps and hyperparameter grids.

(a) One ``Adam().step`` on 10 million float32 parameters: median time against a
    straightforward NumPy Adam written with temporaries and, when PyTorch can be
    imported, against ``torch.optim.Adam(foreach=True)``; and the peak memory a step
    allocates beyond its inputs and state (NumPy reports its buffers to
    ``tracemalloc``), in units of the parameter array. optlib's claim is that the
    state is updated in place with one scratch buffer per step, i.e. a peak of two
    arrays: the scratch ``u`` and the returned parameters.
(b) A 20 x 20 grid of learning rate x weight decay, 300 AdamW steps each on a small
    logistic regression, run at once with hyperparameters of shapes (20, 1, 1) and
    (1, 20, 1), against a Python loop over the 400 configurations; both must agree.

Not a test. Run from the repository root, with or without PyTorch::

    /work/venv/bin/python benchmarks/bench_optimizers.py
    /work/torchvenv/bin/python benchmarks/bench_optimizers.py   # adds torch.optim
"""

import pathlib
import statistics
import sys
import time
import tracemalloc

import numpy as np

try:
    import optlib  # noqa: F401
except ImportError:  # e.g. in a PyTorch venv without optlib installed
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from optlib.optimizers import Adam, AdamW

N = 10_000_000
REPEATS = 7
MB = 2**20


def median_time(step, repeats=REPEATS):
    """Median wall time of ``step()`` after one warm-up call."""
    step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_extra_bytes(step):
    """Peak bytes allocated during ``step()`` beyond what was live before it."""
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    result = step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return peak - before


class NumpyAdam:
    """Adam as one would first write it: every line makes new arrays."""

    def __init__(self, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
        self.lr, self.b1, self.b2, self.eps = lr, b1, b2, eps
        self.m = self.v = None
        self.t = 0

    def step(self, p, g):
        if self.m is None:
            self.m, self.v = np.zeros_like(p), np.zeros_like(p)
        self.t += 1
        lr, b1, b2, eps, t = self.lr, self.b1, self.b2, self.eps, self.t
        self.m = b1 * self.m + (1 - b1) * g
        self.v = b2 * self.v + (1 - b2) * g * g
        return p - lr * (self.m / (1 - b1**t)) / (np.sqrt(self.v / (1 - b2**t)) + eps)


def bench_large():
    print(f"(a) one Adam step on {N:,} float32 parameters ({N * 4 / MB:.0f} MB per array)")
    rng = np.random.default_rng(0)
    params = rng.standard_normal(N, dtype=np.float32)
    grads = rng.standard_normal(N, dtype=np.float32)

    rows = []
    for name, opt in [("optlib Adam", Adam()), ("optlib AdamW", AdamW()), ("numpy Adam, temporaries", NumpyAdam())]:
        def step(opt=opt):
            return opt.step(params, grads)
        seconds = median_time(step)
        extra = peak_extra_bytes(step)
        rows.append((name, seconds, extra))

    # same numbers from both Adams (fresh optimizers, 3 steps)
    a, b, pa, pb = Adam(), NumpyAdam(), params, params
    for _ in range(3):
        pa, pb = a.step(pa, grads), b.step(pb, grads)
    np.testing.assert_allclose(pa, pb, rtol=1e-6, atol=1e-6)
    del a, b, pa, pb

    try:
        import torch
    except ImportError:
        torch = None
        print("    torch is not importable here: torch.optim.Adam(foreach=True) skipped "
              "(run this script with /work/torchvenv/bin/python to include it)")
    if torch is not None:
        p = torch.nn.Parameter(torch.from_numpy(params.copy()))
        p.grad = torch.from_numpy(grads.copy())
        opt = torch.optim.Adam([p], foreach=True)

        def torch_step():
            with torch.no_grad():
                opt.step()
        rows.append((f"torch {torch.__version__} Adam(foreach=True), "
                     f"{torch.get_num_threads()} threads", median_time(torch_step), None))

    base = rows[0][1]
    for name, seconds, extra in rows:
        memory = "" if extra is None else (f"   peak extra {extra / MB:6.1f} MB"
                                           f" = {extra / params.nbytes:.2f} x params")
        print(f"    {name:<45s} {seconds * 1e3:8.1f} ms  ({seconds / base:4.2f} x optlib Adam){memory}")
    adam_extra = rows[0][2] / params.nbytes
    verdict = "met" if adam_extra <= 2.05 else "NOT met"
    print(f"    in-place claim (Adam peak <= scratch u + returned params = 2 arrays): {verdict}"
          f" ({adam_extra:.2f} arrays)")
    print("    note: AdamW's AddDecayedWeights makes one more full-size temporary (weight_decay * params),"
          " freed before the returned array is made, so its peak is also 2 arrays but it allocates 3")


def logistic_gradient(X, y):
    """Gradient of the mean logistic loss, for parameters of shape (..., d)."""
    def grad(theta):
        z = theta @ X.T  # (..., n)
        return (1 / (1 + np.exp(-z)) - y) @ X / len(y)
    return grad


def bench_grid(steps=300, d=50, n=200):
    lrs, wds = np.logspace(-3, -0.5, 20), np.logspace(-4, 0, 20)
    print(f"(b) AdamW, {len(lrs)} lr x {len(wds)} weight decay, {steps} steps, logistic regression "
          f"d={d}, n={n}")
    rng = np.random.default_rng(1)
    X = rng.standard_normal((n, d))
    y = (X @ rng.standard_normal(d) + 0.5 * rng.standard_normal(n) > 0).astype(float)
    grad, theta0 = logistic_gradient(X, y), np.zeros(d)

    start = time.perf_counter()
    opt, theta = AdamW(lr=lrs.reshape(-1, 1, 1), weight_decay=wds.reshape(1, -1, 1)), theta0
    for _ in range(steps):
        theta = opt.step(theta, grad(theta))
    vectorized = time.perf_counter() - start

    start = time.perf_counter()
    looped = np.empty((len(lrs), len(wds), d))
    for i, lr in enumerate(lrs):
        for j, wd in enumerate(wds):
            opt, t = AdamW(lr=float(lr), weight_decay=float(wd)), theta0
            for _ in range(steps):
                t = opt.step(t, grad(t))
            looped[i, j] = t
    loop = time.perf_counter() - start

    np.testing.assert_allclose(theta, looped, rtol=1e-10, atol=1e-12)
    print(f"    vectorized {vectorized:6.2f} s   loop {loop:6.2f} s   speed-up {loop / vectorized:5.1f} x"
          f"   (results agree to rtol 1e-10; max |difference| {np.max(np.abs(theta - looped)):.1e})")
    print(f"    speed-up target >= 10 x: {'met' if loop / vectorized >= 10 else 'NOT met'}")


if __name__ == "__main__":
    print(f"numpy {np.__version__}, python {sys.version.split()[0]}")
    bench_large()
    bench_grid()
