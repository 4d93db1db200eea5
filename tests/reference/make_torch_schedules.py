"""Regenerate ``torch_schedules.npz``: learning-rate schedules and Adagrad from PyTorch.

The tests in ``tests/test_schedules.py`` and ``tests/test_adagrad.py`` compare optlib
with this file, so they need it but not PyTorch. Run it, from the repository root,
with a PyTorch kept out of the shared environment::

    python3 -m venv /work/torch-sched
    /work/torch-sched/bin/pip install torch==2.13.0 numpy
    /work/torch-sched/bin/python tests/reference/make_torch_schedules.py

The file holds three tables, each described by a JSON list under its own key:

* ``schedules``: ``{"name", "cls", "lr", "kwargs", "n"}``; ``schedule/<name>`` holds
  the rates of steps 1..n, read as torch's ``scheduler.get_last_lr()[0]`` after
  ``t - 1`` calls of ``scheduler.step()``, each after an ``optimizer.step()``.
  ``SequentialLR``'s ``schedulers`` are ``[cls, kwargs]`` pairs built on the same
  optimizer, and ``LambdaLR``'s ``lr_lambda`` is a key of :data:`LAMBDAS`.
* ``adagrad``: ``{"name", "kwargs", "dtype", "shape", "seed"}`` with ``<name>/A``,
  ``<name>/b``, ``<name>/params`` (``STEPS + 1`` rows) and ``<name>/grads``, as in
  ``torch_trajectories.npz`` (same problem and gradient, from ``make_torch_reference``).
* ``scheduled``: ``{"name", "optimizer", "kwargs", "schedule", "dtype", "shape", "seed"}``,
  an optimizer driven by a scheduler stepped once per optimizer step, for
  ``SCHEDULED_STEPS`` steps, with ``<name>/A``, ``<name>/b``, ``<name>/params``,
  ``<name>/grads`` and ``<name>/lr`` (the rate each step used, torch's ``group["lr"]``).

``torch.optim`` runs on the CPU with ``foreach=False`` (the single-tensor code path).
"""

import json
import math
import pathlib
import sys

import numpy as np

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE))
from make_torch_reference import STEPS, gradient, problem  # noqa: E402  (the same fixture problem)

OUT = HERE / "torch_schedules.npz"
SCHEDULED_STEPS = 40

# LambdaLR's functions, by name; tests/test_schedules.py keeps the same table.
LAMBDAS = {
    "inverse_sqrt": lambda e: 1 / math.sqrt(e + 1),
    "every_third": lambda e: 0.5 ** (e // 3),
    "linear_warmup": lambda e: min(1.0, (e + 1) / 8),
}

# (name, cls, lr, kwargs, n): every schedule, with the edge cases torch documents or allows.
SCHEDULES = [
    ("lambda_inverse_sqrt", "LambdaLR", 0.1, dict(lr_lambda="inverse_sqrt"), 50),
    ("lambda_every_third", "LambdaLR", 0.3, dict(lr_lambda="every_third"), 20),
    ("step_default_gamma", "StepLR", 0.1, dict(step_size=7), 30),
    ("step_every_step", "StepLR", 1.0, dict(step_size=1, gamma=0.5), 30),
    ("step_gamma_above_one", "StepLR", 0.01, dict(step_size=4, gamma=1.5), 25),
    ("multistep", "MultiStepLR", 0.1, dict(milestones=[10, 20, 30]), 40),
    ("multistep_coinciding", "MultiStepLR", 0.1, dict(milestones=[5, 5, 12], gamma=0.5), 20),
    ("multistep_unsorted", "MultiStepLR", 0.1, dict(milestones=[12, 3], gamma=0.3), 20),
    ("multistep_at_zero", "MultiStepLR", 0.2, dict(milestones=[0, 4], gamma=0.5), 10),
    ("constant_default", "ConstantLR", 0.1, dict(), 10),
    ("constant_half", "ConstantLR", 0.05, dict(factor=0.5, total_iters=3), 10),
    ("linear_default", "LinearLR", 0.1, dict(), 10),
    ("linear_warmup", "LinearLR", 0.1, dict(start_factor=0.1, total_iters=10), 20),
    ("linear_decay", "LinearLR", 0.1, dict(start_factor=1.0, end_factor=0.1, total_iters=20), 30),
    ("linear_to_zero", "LinearLR", 0.5, dict(start_factor=1.0, end_factor=0.0, total_iters=10), 15),
    ("linear_one_step", "LinearLR", 0.1, dict(start_factor=0.25, total_iters=1), 5),
    ("exponential", "ExponentialLR", 0.1, dict(gamma=0.9), 200),
    ("exponential_slow_long", "ExponentialLR", 1.0, dict(gamma=0.999), 2000),
    ("exponential_one", "ExponentialLR", 0.1, dict(gamma=1.0), 10),
    ("polynomial_default", "PolynomialLR", 0.1, dict(), 10),
    ("polynomial_square", "PolynomialLR", 0.1, dict(total_iters=10, power=2.0), 15),
    ("polynomial_root", "PolynomialLR", 0.1, dict(total_iters=8, power=0.5), 12),
    ("cosine", "CosineAnnealingLR", 0.1, dict(T_max=100), 101),
    ("cosine_past_t_max", "CosineAnnealingLR", 0.1, dict(T_max=10), 50),
    ("cosine_eta_min", "CosineAnnealingLR", 0.1, dict(T_max=20, eta_min=0.01), 45),
    ("cosine_t_max_one", "CosineAnnealingLR", 0.1, dict(T_max=1, eta_min=0.02), 8),
    ("cosine_eta_min_above_lr", "CosineAnnealingLR", 0.01, dict(T_max=5, eta_min=0.1), 12),
    ("cosine_long", "CosineAnnealingLR", 1.0, dict(T_max=1000), 1001),
    ("restarts", "CosineAnnealingWarmRestarts", 0.1, dict(T_0=10), 35),
    ("restarts_t_mult", "CosineAnnealingWarmRestarts", 0.1, dict(T_0=5, T_mult=2, eta_min=0.001), 80),
    ("restarts_t_mult_3", "CosineAnnealingWarmRestarts", 0.1, dict(T_0=2, T_mult=3), 60),
    ("restarts_t0_one", "CosineAnnealingWarmRestarts", 0.1, dict(T_0=1, eta_min=0.01), 5),
    ("sequential_warmup_cosine", "SequentialLR", 0.1, dict(
        schedulers=[["LinearLR", dict(start_factor=0.1, total_iters=5)], ["CosineAnnealingLR", dict(T_max=45)]],
        milestones=[5]), 60),
    ("sequential_constant_exponential", "SequentialLR", 0.1, dict(
        schedulers=[["ConstantLR", dict(factor=0.1, total_iters=20)], ["ExponentialLR", dict(gamma=0.9)]],
        milestones=[4]), 15),
    ("sequential_coinciding", "SequentialLR", 0.1, dict(
        schedulers=[["LinearLR", dict(start_factor=0.5, total_iters=3)], ["StepLR", dict(step_size=2)],
                    ["ExponentialLR", dict(gamma=0.8)]],
        milestones=[3, 3]), 12),
    ("sequential_at_zero", "SequentialLR", 0.1, dict(
        schedulers=[["ExponentialLR", dict(gamma=0.5)], ["CosineAnnealingLR", dict(T_max=6, eta_min=0.01)]],
        milestones=[0]), 10),
    ("sequential_three", "SequentialLR", 0.2, dict(
        schedulers=[["LambdaLR", dict(lr_lambda="linear_warmup")], ["MultiStepLR", dict(milestones=[3, 6])],
                    ["CosineAnnealingWarmRestarts", dict(T_0=4, T_mult=2)]],
        milestones=[8, 16]), 40),
    ("sequential_polynomial_after", "SequentialLR", 0.1, dict(
        schedulers=[["StepLR", dict(step_size=3, gamma=0.5)], ["PolynomialLR", dict(total_iters=4, power=2.0)]],
        milestones=[7]), 15),
]

# (name, kwargs, shape): every option of torch.optim.Adagrad, alone and combined.
ADAGRAD = [
    ("defaults", dict(), (5,)),
    ("lr", dict(lr=0.5), (5,)),
    ("lr_decay", dict(lr=0.5, lr_decay=0.1), (5,)),
    ("weight_decay", dict(lr=0.3, weight_decay=0.2), (5,)),
    ("initial_accumulator_value", dict(lr=0.3, initial_accumulator_value=0.5), (2, 3)),
    ("eps", dict(lr=0.3, eps=1e-3), (5,)),
    ("eps_zero", dict(lr=0.3, eps=0.0), (5,)),
    ("maximize", dict(lr=0.2, maximize=True), (5,)),
    ("all", dict(lr=0.4, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.2, eps=1e-6,
                 maximize=True), (2, 3)),
]

# (name, optimizer, kwargs, schedule [cls, kwargs], shape): optimizers driven by a scheduler.
WARMUP_COSINE = ["SequentialLR", dict(
    schedulers=[["LinearLR", dict(start_factor=0.1, total_iters=5)], ["CosineAnnealingLR", dict(T_max=35)]],
    milestones=[5])]
SCHEDULED = [
    ("sgd_momentum_step", "SGD", dict(lr=0.05, momentum=0.9), ["StepLR", dict(step_size=10, gamma=0.5)], (5,)),
    ("sgd_nesterov_cosine", "SGD", dict(lr=0.05, momentum=0.9, nesterov=True),
     ["CosineAnnealingLR", dict(T_max=20, eta_min=0.005)], (5,)),
    ("sgd_momentum_warmup_cosine", "SGD", dict(lr=0.08, momentum=0.9, dampening=0.1, weight_decay=0.01),
     WARMUP_COSINE, (2, 3)),
    ("sgd_momentum_restarts", "SGD", dict(lr=0.05, momentum=0.8), ["CosineAnnealingWarmRestarts", dict(T_0=5, T_mult=2)],
     (5,)),
    ("adamw_warmup_cosine", "AdamW", dict(lr=0.05, weight_decay=0.1), WARMUP_COSINE, (5,)),
    ("adamw_exponential_large_decay", "AdamW", dict(lr=0.05, weight_decay=0.5), ["ExponentialLR", dict(gamma=0.95)],
     (2, 3)),
    ("adamw_amsgrad_restarts", "AdamW", dict(lr=0.05, weight_decay=0.2, amsgrad=True),
     ["CosineAnnealingWarmRestarts", dict(T_0=8, eta_min=0.001)], (5,)),
    ("adamw_multistep", "AdamW", dict(lr=0.05, weight_decay=0.3, maximize=True),
     ["MultiStepLR", dict(milestones=[10, 10, 25], gamma=0.5)], (5,)),
    ("adagrad_lr_decay_cosine", "Adagrad", dict(lr=0.5, lr_decay=0.05), ["CosineAnnealingLR", dict(T_max=40)], (5,)),
    ("adam_l2_linear", "Adam", dict(lr=0.05, weight_decay=0.1), ["LinearLR", dict(start_factor=0.2, total_iters=10)],
     (5,)),
    ("rmsprop_momentum_step", "RMSprop", dict(lr=0.01, momentum=0.5), ["StepLR", dict(step_size=8, gamma=0.3)], (5,)),
]
DTYPES = ["float64", "float32"]


def scheduler(torch, optimizer, cls, kwargs):
    """``torch.optim.lr_scheduler.<cls>(optimizer, **kwargs)``, with the table's encodings resolved."""
    kwargs = dict(kwargs)
    if "lr_lambda" in kwargs:
        kwargs["lr_lambda"] = LAMBDAS[kwargs["lr_lambda"]]
    if "schedulers" in kwargs:
        kwargs["schedulers"] = [scheduler(torch, optimizer, c, k) for c, k in kwargs["schedulers"]]
    return getattr(torch.optim.lr_scheduler, cls)(optimizer, **kwargs)


def schedule_values(torch, cls, lr, kwargs, n):
    """The rates of steps 1..n: ``get_last_lr()[0]`` after t - 1 (optimizer step, scheduler step) pairs."""
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.SGD([p], lr=lr)
    sched = scheduler(torch, opt, cls, kwargs)
    values = []
    for _ in range(n):
        values.append(sched.get_last_lr()[0])
        p.grad = torch.zeros_like(p)
        opt.step()
        sched.step()
    return np.array(values, dtype=np.float64)


def scheduled_trajectory(torch, optimizer, kwargs, schedule, theta0, A, b, dtype, steps):
    """``steps`` steps of ``torch.optim.<optimizer>`` (under a scheduler unless ``schedule`` is None).

    Returns the parameters (start included), the gradients and the rate of each step.
    """
    p = torch.nn.Parameter(torch.tensor(theta0.astype(dtype)))
    opt = getattr(torch.optim, optimizer)([p], foreach=False, **kwargs)
    sched = scheduler(torch, opt, *schedule) if schedule else None
    params, grads, rates = [p.detach().numpy().copy()], [], []
    for _ in range(steps):
        g = gradient(params[-1], A, b)
        p.grad = torch.tensor(g)
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        if sched:
            sched.step()
        grads.append(g)
        params.append(p.detach().numpy().copy())
    return np.stack(params), np.stack(grads), np.array(rates, dtype=np.float64)


def main():
    import torch

    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    arrays, tables = {}, {"schedules": [], "adagrad": [], "scheduled": []}
    for name, cls, lr, kwargs, n in SCHEDULES:
        arrays[f"schedule/{name}"] = schedule_values(torch, cls, lr, kwargs, n)
        tables["schedules"].append(dict(name=name, cls=cls, lr=lr, kwargs=kwargs, n=n))
    for seed, (label, kwargs, shape) in enumerate(ADAGRAD, start=100):
        for dtype in DTYPES:
            name = f"Adagrad-{label}-{dtype}"
            theta0, A, b = problem(shape, seed)
            params, grads, _ = scheduled_trajectory(torch, "Adagrad", kwargs, None, theta0, A, b, dtype, STEPS)
            assert params.dtype == dtype and np.all(np.isfinite(params)), name
            arrays.update({f"{name}/A": A, f"{name}/b": b, f"{name}/params": params, f"{name}/grads": grads})
            tables["adagrad"].append(dict(name=name, kwargs=kwargs, dtype=dtype, shape=list(shape), seed=seed))
    for seed, (label, optimizer, kwargs, schedule, shape) in enumerate(SCHEDULED, start=200):
        for dtype in DTYPES:
            name = f"{label}-{dtype}"
            theta0, A, b = problem(shape, seed)
            params, grads, rates = scheduled_trajectory(torch, optimizer, kwargs, schedule, theta0, A, b, dtype,
                                                        SCHEDULED_STEPS)
            assert params.dtype == dtype and np.all(np.isfinite(params)), name
            arrays.update({f"{name}/A": A, f"{name}/b": b, f"{name}/params": params, f"{name}/grads": grads,
                           f"{name}/lr": rates})
            tables["scheduled"].append(dict(name=name, optimizer=optimizer, kwargs=kwargs, schedule=schedule,
                                            dtype=dtype, shape=list(shape), seed=seed))
    meta = dict(torch=torch.__version__, numpy=np.__version__, steps=STEPS, scheduled_steps=SCHEDULED_STEPS,
                foreach=False)
    np.savez_compressed(OUT, meta=np.array(json.dumps(meta)),
                        **{key: np.array(json.dumps(table)) for key, table in tables.items()}, **arrays)
    print(f"wrote {', '.join(f'{len(t)} {k}' for k, t in tables.items())} to {OUT} ({meta})")


if __name__ == "__main__":
    main()
