"""Benchmark of the optimizers of issue 15 against Adam: one step on 10 million float32 parameters.

For each optimizer: the floats it stores per parameter (``state_size() / n``), the median time of
one step, and the peak memory a step allocates beyond its inputs and state, in units of the
parameter array (NumPy reports its buffers to ``tracemalloc``). The parameters are one
1000 x 10000 matrix, so that Adafactor factors it and Muon orthogonalises it (its Newton-Schulz
iteration costs five rounds of three matrix products, about 1.1e11 floating-point operations).

Not a test. Run from the repository root::

    .venv/bin/python benchmarks/bench_modern.py
"""

import pathlib
import sys

import numpy as np

try:
    import optlib  # noqa: F401
except ImportError:
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from bench_optimizers import median_time, peak_extra_bytes  # noqa: E402

from optlib.optimizers import Adafactor, Adam, AdamW, Lion, Muon, NAdam, RAdam  # noqa: E402

SHAPE = (1000, 10_000)
OPTIMIZERS = [("Adam", Adam), ("AdamW", AdamW), ("NAdam", NAdam), ("RAdam", RAdam), ("Lion", Lion),
              ("Adafactor", Adafactor), ("Muon", Muon)]


def main():
    rng = np.random.default_rng(0)
    params = rng.normal(size=SHAPE).astype(np.float32)
    grads = rng.normal(size=SHAPE).astype(np.float32)
    n, size = params.size, params.nbytes
    rows, adam_time = [], None
    for name, cls in OPTIMIZERS:
        opt = cls(lr=1e-3)
        for _ in range(7):  # past RAdam's five unrectified steps
            opt.step(params, grads)
        seconds = median_time(lambda: opt.step(params, grads), repeats=1 if name == "Muon" else 5)
        peak = peak_extra_bytes(lambda: opt.step(params, grads)) / size
        adam_time = adam_time or seconds
        rows.append((name, opt.state_size() / n, seconds, seconds / adam_time, peak))
    print(f"one step on a {SHAPE[0]} x {SHAPE[1]} float32 matrix ({n / 1e6:.0f}M parameters)")
    print(f"{'optimizer':10s} {'state/param':>11s} {'time (s)':>9s} {'x Adam':>7s} {'peak extra':>11s}")
    for name, floats, seconds, ratio, peak in rows:
        print(f"{name:10s} {floats:11.4f} {seconds:9.3f} {ratio:7.1f} {peak:10.1f}x")


if __name__ == "__main__":
    main()
