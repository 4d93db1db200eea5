"""Benchmark: what a learning-rate schedule costs per step.

A schedule is one scalar per step (``lr(t)``, a closed form), so it must not make a
step measurably slower. For SGD with momentum and for AdamW on 10 million float32
parameters, this times the median step with a constant ``lr`` and with a schedule of
the same base rate, both in the same run and interleaved (constant, scheduled,
constant, ...) so that drift of the machine hits both alike, and prints the
difference beside two controls: the difference between two identical constant-rate
optimizers timed the same way (the noise of the measurement), and the cost of
evaluating the schedule alone (``s(t)``, timed over many calls) as a fraction of the
step. The claim holds when the scheduled step is within the noise and ``s(t)`` is a
negligible fraction. It also times ``s.values(n)`` for a million steps (the one-call form
for plots) and for 10,000 steps of a grid of 100 base rates.

Not a test (timings are not asserted). Run from the repository root::

    .venv/bin/python benchmarks/bench_schedules.py
"""

import pathlib
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
try:
    import optlib  # noqa: F401
except ImportError:
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from bench_optimizers import N  # noqa: E402  (the same 10M-parameter step)

from optlib.optimizers import SGD, AdamW  # noqa: E402
from optlib.schedules import CosineAnnealingLR, CosineAnnealingWarmRestarts, LinearLR, SequentialLR  # noqa: E402

REPEATS = 15
LR = 1e-3


def warmup_cosine(lr=LR):
    return SequentialLR(lr, [LinearLR(lr, start_factor=0.1, total_iters=100), CosineAnnealingLR(lr, T_max=10_000)],
                        milestones=[100])


SCHEDULES = {
    "warm-up + cosine (SequentialLR)": warmup_cosine,
    "SGDR (CosineAnnealingWarmRestarts)": lambda lr=LR: CosineAnnealingWarmRestarts(lr, T_0=50, T_mult=2),
}


def interleaved_medians(steps, repeats=REPEATS):
    """Median time of each callable in ``steps``, timed in turn ``repeats`` times after one warm-up each."""
    for step in steps:
        step()
    times = [[] for _ in steps]
    for _ in range(repeats):
        for step, record in zip(steps, times):
            start = time.perf_counter()
            step()
            record.append(time.perf_counter() - start)
    return [statistics.median(record) for record in times]


def stepper(opt, theta, grad):
    state = {"theta": theta}

    def step():
        state["theta"] = opt.step(state["theta"], grad)
    return step


def seconds_per_call(schedule, calls=20_000):
    start = time.perf_counter()
    for t in range(1, calls + 1):
        schedule(t)
    return (time.perf_counter() - start) / calls


def bench_steps():
    rng = np.random.default_rng(0)
    theta, grad = rng.normal(size=N).astype(np.float32), rng.normal(size=N).astype(np.float32)
    print(f"one step on {N / 1e6:.0f}M float32 parameters, median of {REPEATS}, interleaved")
    for label, make in SCHEDULES.items():
        for cls, kwargs in ((SGD, dict(momentum=0.9)), (AdamW, dict(weight_decay=1e-2))):
            constant, scheduled, control = interleaved_medians([stepper(cls(lr=LR, **kwargs), theta, grad),
                                                                stepper(cls(lr=make(), **kwargs), theta, grad),
                                                                stepper(cls(lr=LR, **kwargs), theta, grad)])
            alone = seconds_per_call(make())
            print(f"  {cls.__name__:5s} {label:36s} constant {constant * 1e3:7.2f} ms   scheduled "
                  f"{scheduled * 1e3:7.2f} ms   difference {100 * (scheduled - constant) / constant:+5.1f}% "
                  f"(constant again: {100 * (control - constant) / constant:+5.1f}%)   "
                  f"s(t) alone {alone * 1e6:5.1f} us = {100 * alone / constant:.3f}% of the step")


def bench_values():
    print("s.values(n), the one-call form for plots")
    for label, make in SCHEDULES.items():
        for lr, n in ((LR, 1_000_000), (np.linspace(1e-4, 1e-2, 100), 10_000)):  # one schedule, a grid of 100
            s = make(lr)
            start = time.perf_counter()
            values = s.values(n)
            print(f"  {label:36s} shape {str(values.shape):14s} {time.perf_counter() - start:6.3f} s")


if __name__ == "__main__":
    bench_steps()
    bench_values()
