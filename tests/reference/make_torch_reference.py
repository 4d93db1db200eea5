"""Regenerate ``torch_trajectories.npz``: reference trajectories from ``torch.optim``.

The tests in ``tests/test_optimizers.py`` replay every trajectory with optlib and
compare each step, so they need this file but not PyTorch. Run it, from the
repository root, with a PyTorch kept out of the shared environment::

    python3 -m venv /work/torchvenv
    /work/torchvenv/bin/pip install torch==2.13.0 numpy
    /work/torchvenv/bin/python tests/reference/make_torch_reference.py

Each configuration starts from a seeded :math:`\\theta_0` and follows the gradient
of a fixed smooth function,

.. math::
    g(\\theta) = A\\theta + b + 0.1 \\sin(3\\theta),

with :math:`A` symmetric positive definite and :math:`b` seeded (``A`` acts on
the flattened parameters, so any shape works). :func:`gradient` is plain NumPy and
is evaluated in float64 then cast to the parameters' dtype, so the tests compute
the same gradients from their own parameters. ``torch.optim`` runs on the CPU with
``foreach=False`` (the single-tensor code path) for ``STEPS`` steps.

The file holds, per configuration ``name``: ``name/A``, ``name/b``,
``name/params`` (``STEPS + 1`` rows, the start included) and ``name/grads``
(the gradient fed to each step), plus ``configs``, a JSON list of
``{"name", "optimizer", "kwargs", "dtype", "shape", "seed"}`` and ``meta``
(versions).

:func:`write_defaults` records, in ``optlib/reference/torch_defaults.json``, the default
hyperparameters of ``torch.optim``'s SGD, RMSprop, Adam and AdamW as torch's own
signatures give them, and a run showing that ``Adam(decoupled_weight_decay=True)``
is ``AdamW``; the book's tables are checked against that file, not against optlib
(``tests/test_adamw.py``, ``book/adamw.ipynb``). ``main`` writes both files.
"""

import inspect
import json
import pathlib

import numpy as np

STEPS = 25
HERE = pathlib.Path(__file__).parent
OUT = HERE / "torch_trajectories.npz"
DEFAULTS_OUT = HERE.parent.parent / "optlib" / "reference" / "torch_defaults.json"  # shipped with optlib

# (optimizer, name, kwargs, shape): every option of every optimizer, alone and combined.
TABLE = [
    ("SGD", "plain", dict(lr=0.1), (5,)),
    ("SGD", "momentum", dict(lr=0.05, momentum=0.9), (5,)),
    ("SGD", "momentum_dampening", dict(lr=0.05, momentum=0.9, dampening=0.5), (5,)),
    ("SGD", "nesterov", dict(lr=0.05, momentum=0.9, nesterov=True), (2, 3)),
    ("SGD", "weight_decay", dict(lr=0.1, weight_decay=0.3), (5,)),
    ("SGD", "maximize", dict(lr=0.02, maximize=True), (5,)),
    ("SGD", "nesterov_weight_decay", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1), (5,)),
    ("SGD", "all_but_nesterov", dict(lr=0.03, momentum=0.7, dampening=0.2, weight_decay=0.05,
                                     maximize=True), (2, 3)),
    ("RMSprop", "plain", dict(lr=0.01), (5,)),
    ("RMSprop", "momentum", dict(lr=0.01, momentum=0.9), (5,)),
    ("RMSprop", "centered", dict(lr=0.01, centered=True), (5,)),
    ("RMSprop", "centered_momentum", dict(lr=0.01, momentum=0.5, centered=True), (2, 3)),
    ("RMSprop", "weight_decay", dict(lr=0.01, weight_decay=0.2), (5,)),
    ("RMSprop", "maximize", dict(lr=0.01, maximize=True), (5,)),
    ("RMSprop", "alpha_eps", dict(lr=0.02, alpha=0.9, eps=1e-3), (5,)),
    ("RMSprop", "all", dict(lr=0.01, alpha=0.95, eps=1e-6, weight_decay=0.1, momentum=0.3,
                            centered=True, maximize=True), (2, 3)),
    ("Adam", "defaults", dict(), (5,)),
    ("Adam", "lr", dict(lr=0.05), (5,)),
    ("Adam", "betas_eps", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6), (5,)),
    ("Adam", "betas_near_one", dict(lr=0.05, betas=(0.99, 0.9999)), (5,)),
    ("Adam", "weight_decay", dict(lr=0.05, weight_decay=0.1), (5,)),
    ("Adam", "amsgrad", dict(lr=0.05, amsgrad=True), (2, 3)),
    ("Adam", "maximize", dict(lr=0.05, maximize=True), (5,)),
    ("Adam", "all", dict(lr=0.05, betas=(0.85, 0.995), eps=1e-4, weight_decay=0.2, amsgrad=True,
                         maximize=True), (2, 3)),
    ("AdamW", "defaults", dict(), (5,)),
    ("AdamW", "default_weight_decay", dict(lr=0.05), (5,)),
    ("AdamW", "large_weight_decay", dict(lr=0.05, weight_decay=0.5), (2, 3)),
    ("AdamW", "amsgrad", dict(lr=0.05, amsgrad=True), (5,)),
    ("AdamW", "maximize", dict(lr=0.05, maximize=True), (5,)),
    ("AdamW", "all", dict(lr=0.05, betas=(0.85, 0.995), eps=1e-4, weight_decay=0.3, amsgrad=True,
                          maximize=True), (2, 3)),
]
DTYPES = ["float64", "float32"]


def problem(shape, seed):
    """The seeded ``(theta0, A, b)`` of one configuration, all float64."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    M = rng.normal(size=(n, n))
    A = M @ M.T / n + 0.5 * np.eye(n)
    b = rng.normal(size=n)
    theta0 = rng.normal(size=shape)
    return theta0, A, b


def gradient(theta, A, b):
    """:math:`A\\theta + b + 0.1\\sin(3\\theta)` in float64, cast back to ``theta``'s dtype."""
    x = np.asarray(theta, dtype=np.float64).reshape(-1)
    g = A @ x + b + 0.1 * np.sin(3 * x)
    return g.reshape(np.shape(theta)).astype(np.asarray(theta).dtype)


def trajectory(torch, optimizer, kwargs, theta0, A, b, dtype, foreach=False):
    """``STEPS`` steps of ``torch.optim.<optimizer>``; the parameters and gradients of each.

    ``foreach=None`` passes no ``foreach`` (torch's Muon takes none: it has one code path).
    """
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    p = torch.nn.Parameter(torch.tensor(theta0.astype(dtype)))
    opt = getattr(torch.optim, optimizer)([p], **({} if foreach is None else dict(foreach=foreach)), **kwargs)
    params, grads = [p.detach().numpy().copy()], []
    for _ in range(STEPS):
        g = gradient(params[-1], A, b)
        p.grad = torch.tensor(g)
        opt.step()
        grads.append(g)
        params.append(p.detach().numpy().copy())
    return np.stack(params), np.stack(grads)


def record(torch, table, run=trajectory, first_seed=0):
    """The arrays and configs of every configuration of ``table`` in every dtype (seeds from ``first_seed``)."""
    arrays, configs = {}, []
    for seed, (optimizer, label, kwargs, shape) in enumerate(table, start=first_seed):
        for dtype in DTYPES:
            name = f"{optimizer}-{label}-{dtype}"
            theta0, A, b = problem(shape, seed)
            params, grads = run(torch, optimizer, kwargs, theta0, A, b, dtype)
            assert params.dtype == dtype and np.all(np.isfinite(params)), name
            arrays[f"{name}/A"], arrays[f"{name}/b"] = A, b
            arrays[f"{name}/params"], arrays[f"{name}/grads"] = params, grads
            configs.append(dict(name=name, optimizer=optimizer, kwargs=kwargs, dtype=dtype,
                                shape=list(shape), seed=seed))
    return arrays, configs


def main():
    import torch

    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    arrays, configs = record(torch, TABLE)
    meta = dict(torch=torch.__version__, numpy=np.__version__, steps=STEPS, foreach=False)
    np.savez_compressed(OUT, configs=np.array(json.dumps(configs)), meta=np.array(json.dumps(meta)),
                        **arrays)
    print(f"wrote {len(configs)} trajectories of {STEPS} steps to {OUT} ({meta})")


def write_defaults():
    """Write ``torch_defaults.json``: torch's defaults, from torch's signatures, and Adam(decoupled) vs AdamW."""
    import torch

    defaults = {}
    for name in ("SGD", "RMSprop", "Adam", "AdamW"):
        signature = inspect.signature(getattr(torch.optim, name))
        defaults[name] = {arg: list(p.default) if isinstance(p.default, tuple) else p.default
                          for arg, p in signature.parameters.items()
                          if p.default is not inspect.Parameter.empty
                          and (p.default is None or isinstance(p.default, (bool, int, float, tuple)))}
    # Adam(weight_decay=λ, decoupled_weight_decay=True) against AdamW(weight_decay=λ), same gradients
    theta0, A, b = problem((5,), 0)
    runs = []
    for cls, kwargs in ((torch.optim.Adam, dict(decoupled_weight_decay=True)), (torch.optim.AdamW, {})):
        p = torch.nn.Parameter(torch.tensor(theta0))
        opt = cls([p], lr=0.05, weight_decay=0.3, foreach=False, **kwargs)
        for _ in range(STEPS):
            p.grad = torch.tensor(gradient(p.detach().numpy(), A, b))
            opt.step()
        runs.append(p.detach().numpy().copy())
    kept = json.loads(DEFAULTS_OUT.read_text()).get("modern_defaults") if DEFAULTS_OUT.exists() else None
    record = dict(defaults=defaults, torch=torch.__version__,
                  adam_decoupled_minus_adamw=float(np.max(np.abs(runs[0] - runs[1]))),
                  adam_decoupled_run=dict(lr=0.05, weight_decay=0.3, steps=STEPS, dtype="float64"))
    if kept is not None:  # make_torch_modern.write_defaults' part
        record["modern_defaults"] = kept
    DEFAULTS_OUT.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {DEFAULTS_OUT}")


if __name__ == "__main__":
    main()
    write_defaults()
