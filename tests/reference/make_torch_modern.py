"""Regenerate ``torch_modern.npz``: trajectories of torch's NAdam, RAdam, Adafactor and Muon.

The companion of ``make_torch_reference.py`` (same problem, same gradient, same layout:
``name/A``, ``name/b``, ``name/params``, ``name/grads``, ``configs``, ``meta``), for the
optimizers of issue 15; ``tests/test_modern_optimizers.py`` replays them with optlib.
Run it, from the repository root, with a PyTorch kept out of the shared environment::

    python3 -m venv /work/torchvenv
    /work/torchvenv/bin/pip install torch==2.13.0 numpy
    /work/torchvenv/bin/python tests/reference/make_torch_modern.py

Each run sets torch's default dtype to the parameters' dtype, so that the scalars torch keeps
in its state (``step``, NAdam's ``mu_product``) have the parameters' precision: with the
default float32, a float64 NAdam run would carry a float32 :math:`\\Pi_t` and agree with an
exact computation to 1e-7 only. ``write_defaults`` adds the new optimizers' defaults, read
from torch's signatures, to ``optlib/reference/torch_defaults.json``.
"""

import inspect
import json
import pathlib
import sys

import numpy as np

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE))
from make_torch_reference import DEFAULTS_OUT, STEPS, record  # noqa: E402
from make_torch_reference import trajectory as reference_trajectory  # noqa: E402

OUT = HERE / "torch_modern.npz"

# (optimizer, name, kwargs, shape): every option alone and combined; seeds 100 + index.
TABLE = [
    ("NAdam", "defaults", dict(), (5,)),
    ("NAdam", "lr", dict(lr=0.05), (5,)),
    ("NAdam", "betas_eps", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6), (2, 3)),
    ("NAdam", "momentum_decay", dict(lr=0.05, momentum_decay=0.5), (5,)),
    ("NAdam", "weight_decay", dict(lr=0.05, weight_decay=0.1), (5,)),
    ("NAdam", "decoupled", dict(lr=0.05, weight_decay=0.3, decoupled_weight_decay=True), (5,)),
    ("NAdam", "maximize", dict(lr=0.05, maximize=True), (5,)),
    ("NAdam", "all", dict(lr=0.05, betas=(0.85, 0.995), eps=1e-4, weight_decay=0.2, momentum_decay=0.1,
                          decoupled_weight_decay=True, maximize=True), (2, 3)),
    ("RAdam", "defaults", dict(), (5,)),
    ("RAdam", "lr", dict(lr=0.05), (5,)),
    ("RAdam", "betas_eps", dict(lr=0.05, betas=(0.8, 0.9), eps=1e-6), (2, 3)),  # rho_t > 5 from t = 6
    ("RAdam", "beta2_small", dict(lr=0.05, betas=(0.9, 0.6)), (5,)),  # rho_inf = 4: never rectified
    ("RAdam", "weight_decay", dict(lr=0.05, weight_decay=0.1), (5,)),
    ("RAdam", "decoupled", dict(lr=0.05, weight_decay=0.3, decoupled_weight_decay=True), (5,)),
    ("RAdam", "maximize", dict(lr=0.05, maximize=True), (5,)),
    ("RAdam", "all", dict(lr=0.05, betas=(0.85, 0.9), eps=1e-4, weight_decay=0.2, decoupled_weight_decay=True,
                          maximize=True), (2, 3)),
    ("Adafactor", "defaults", dict(), (3, 4)),
    ("Adafactor", "vector", dict(), (5,)),
    ("Adafactor", "batch_of_matrices", dict(lr=0.05), (2, 3, 4)),
    ("Adafactor", "relative_step", dict(lr=0.5), (4, 3)),  # 1/sqrt(t) < lr from t = 5
    ("Adafactor", "beta2_decay", dict(lr=0.05, beta2_decay=-0.5), (3, 4)),
    ("Adafactor", "eps", dict(lr=0.05, eps=(1e-2, 2.0)), (3, 4)),  # eps1 clamps, eps2 floors RMS(theta)
    ("Adafactor", "d", dict(lr=0.05, d=1.2), (3, 4)),
    ("Adafactor", "weight_decay", dict(lr=0.05, weight_decay=0.5), (3, 4)),
    ("Adafactor", "maximize", dict(lr=0.05, maximize=True), (5,)),
    ("Adafactor", "all", dict(lr=0.3, beta2_decay=-0.6, eps=(1e-3, 0.5), d=1.5, weight_decay=0.2, maximize=True),
     (3, 2)),
    # torch's Muon runs Newton-Schulz in bfloat16: optlib cannot equal it (the tests' bounds say by how much)
    ("Muon", "defaults", dict(), (3, 5)),
    ("Muon", "lr", dict(lr=0.02), (5, 3)),  # tall: iterated on the transpose
    ("Muon", "square", dict(lr=0.02), (4, 4)),
    ("Muon", "no_nesterov", dict(lr=0.02, nesterov=False), (3, 5)),
    ("Muon", "momentum", dict(lr=0.02, momentum=0.5), (3, 5)),
    ("Muon", "weight_decay", dict(lr=0.02, weight_decay=0.5), (5, 3)),
    ("Muon", "no_weight_decay", dict(lr=0.02, weight_decay=0.0), (5, 3)),
    ("Muon", "match_rms_adamw", dict(lr=0.02, adjust_lr_fn="match_rms_adamw"), (3, 5)),
    ("Muon", "original", dict(lr=0.02, adjust_lr_fn="original"), (6, 2)),
    ("Muon", "ns_steps", dict(lr=0.02, ns_steps=3), (3, 5)),
    ("Muon", "cubic", dict(lr=0.02, ns_coefficients=(1.5, -0.5, 0.0), ns_steps=10), (3, 5)),
    ("Muon", "eps", dict(lr=0.02, eps=1e-2), (3, 5)),
    ("Muon", "all", dict(lr=0.05, weight_decay=0.2, momentum=0.8, nesterov=False, ns_coefficients=(3.0, -3.2, 1.2),
                         eps=1e-5, ns_steps=6, adjust_lr_fn="match_rms_adamw"), (4, 2)),
]
NS_SHAPES = [(4, 3), (3, 7), (8, 8), (16, 5), (2, 2)]  # newton_schulz alone, on seeded matrices
NS_SEED = 300

def trajectory(torch, optimizer, kwargs, theta0, A, b, dtype):
    """``make_torch_reference.trajectory`` with torch's default dtype set to ``dtype`` for the run."""
    torch.set_default_dtype(getattr(torch, dtype))
    try:
        return reference_trajectory(torch, optimizer, kwargs, theta0, A, b, dtype,
                                    foreach=None if optimizer == "Muon" else False)
    finally:
        torch.set_default_dtype(torch.float32)


def newton_schulz_cases(torch):
    """torch's ``_zeropower_via_newtonschulz`` (bfloat16) at its defaults on seeded matrices of ``NS_SHAPES``.

    ``ns/<i>/G`` (float64, singular values spread over three decades) and ``ns/<i>/torch`` (the
    bfloat16 result, exactly, as float32) for the tests of ``optlib.orthogonalize``.
    """
    from torch.optim._muon import DEFAULT_A, DEFAULT_B, DEFAULT_C, DEFAULT_NS_STEPS, EPS, _zeropower_via_newtonschulz

    rng, arrays = np.random.default_rng(NS_SEED), {}
    for i, shape in enumerate(NS_SHAPES):
        U, _ = np.linalg.qr(rng.normal(size=(shape[0], shape[0])))
        V, _ = np.linalg.qr(rng.normal(size=(shape[1], shape[1])))
        k = min(shape)
        S = np.zeros(shape)
        S[range(k), range(k)] = np.logspace(0, -3, k)  # condition number 1000
        G = 5.0 * U @ S @ V.T
        out = _zeropower_via_newtonschulz(torch.tensor(G, dtype=torch.float32), (DEFAULT_A, DEFAULT_B, DEFAULT_C),
                                          DEFAULT_NS_STEPS, EPS)
        assert out.dtype == torch.bfloat16
        arrays[f"ns/{i}/G"], arrays[f"ns/{i}/torch"] = G, out.float().numpy()
    return arrays


def main():
    import torch

    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    arrays, configs = record(torch, TABLE, trajectory, first_seed=100)
    arrays.update(newton_schulz_cases(torch))
    meta = dict(torch=torch.__version__, numpy=np.__version__, steps=STEPS, foreach=False,
                default_dtype="the parameters' dtype")
    np.savez_compressed(OUT, configs=np.array(json.dumps(configs)), meta=np.array(json.dumps(meta)),
                        **arrays)
    print(f"wrote {len(configs)} trajectories of {STEPS} steps to {OUT} ({meta})")


MODERN = ("NAdam", "RAdam", "Adafactor", "Muon")


def write_defaults():
    """Add the defaults of NAdam, RAdam, Adafactor and Muon, from torch's signatures, to ``torch_defaults.json``.

    Under their own key, ``modern_defaults``: ``defaults`` holds the book's first optimizers, each
    with ``lr``, ``weight_decay`` and ``maximize`` (``tests/test_adamw.py`` checks that), and torch's
    Muon has no ``maximize``. ``tests/test_modern_optimizers.py`` checks optlib's defaults against these.
    """
    import torch

    record = json.loads(DEFAULTS_OUT.read_text())
    record["modern_defaults"] = {}
    for name in MODERN:
        signature = inspect.signature(getattr(torch.optim, name))
        record["modern_defaults"][name] = {
            arg: list(p.default) if isinstance(p.default, tuple) else p.default
            for arg, p in signature.parameters.items()
            if p.default is not inspect.Parameter.empty
            and (p.default is None or isinstance(p.default, (bool, int, float, str, tuple)))}
    DEFAULTS_OUT.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {DEFAULTS_OUT}")


if __name__ == "__main__":
    main()
    write_defaults()
