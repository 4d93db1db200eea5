"""Regenerate ``optax_lion.npz``: trajectories of ``optax.lion`` for ``tests/test_modern_optimizers.py``.

Torch has no Lion, so optlib's :class:`~optlib.optimizers.Lion` follows optax's. This script runs
``optax.lion`` on the fixtures' problem (``make_torch_reference.problem`` and ``gradient``, same
layout of ``name/A``, ``name/b``, ``name/params``, ``name/grads``, ``configs``, ``meta``), in
float64 (``jax_enable_x64``) and float32. Run it, from the repository root, with optax kept out
of the shared environment::

    python3 -m venv /work/optaxvenv
    /work/optaxvenv/bin/pip install optax numpy
    /work/optaxvenv/bin/python tests/reference/make_optax_lion.py

The configurations use optlib's argument names (``lr`` is optax's ``learning_rate``).
"""

import inspect
import json
import pathlib
import sys

import numpy as np

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE))
from make_torch_reference import STEPS, gradient, problem  # noqa: E402

OUT = HERE / "optax_lion.npz"
TABLE = [  # (name, kwargs, shape); seeds 200 + index
    ("defaults", dict(lr=1e-4), (5,)),  # optax's learning_rate has no default
    ("lr", dict(lr=0.02), (5,)),
    ("betas", dict(lr=0.02, b1=0.5, b2=0.9), (2, 3)),
    ("no_decay", dict(lr=0.02, weight_decay=0.0), (5,)),
    ("large_decay", dict(lr=0.02, weight_decay=1.0), (5,)),
    ("all", dict(lr=0.05, b1=0.8, b2=0.999, weight_decay=0.3), (2, 3)),
]


def main():
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import optax

    arrays, configs = {}, []
    for seed, (label, kwargs, shape) in enumerate(TABLE, start=200):
        for dtype in ("float64", "float32"):
            name = f"Lion-{label}-{dtype}"
            theta0, A, b = problem(shape, seed)
            options = {("learning_rate" if k == "lr" else k): v for k, v in kwargs.items()}
            opt = optax.lion(**options)
            p = jnp.asarray(theta0.astype(dtype))
            state = opt.init(p)
            params, grads = [np.asarray(p)], []
            for _ in range(STEPS):
                g = gradient(params[-1], A, b)
                updates, state = opt.update(jnp.asarray(g), state, p)
                p = optax.apply_updates(p, updates)
                grads.append(g)
                params.append(np.asarray(p))
            params, grads = np.stack(params), np.stack(grads)
            assert params.dtype == dtype and np.all(np.isfinite(params)), name
            arrays[f"{name}/A"], arrays[f"{name}/b"] = A, b
            arrays[f"{name}/params"], arrays[f"{name}/grads"] = params, grads
            configs.append(dict(name=name, optimizer="Lion", kwargs=kwargs, dtype=dtype, shape=list(shape),
                                seed=seed))
    signature = inspect.signature(optax.lion)  # optax's defaults, for test_lion_defaults_are_optaxs
    defaults = {k: p.default for k, p in signature.parameters.items()
                if p.default is not inspect.Parameter.empty and isinstance(p.default, (int, float))}
    meta = dict(optax=optax.__version__, jax=jax.__version__, numpy=np.__version__, steps=STEPS,
                lion_defaults=defaults)
    np.savez_compressed(OUT, configs=np.array(json.dumps(configs)), meta=np.array(json.dumps(meta)), **arrays)
    print(f"wrote {len(configs)} trajectories of {STEPS} steps to {OUT} ({meta})")


if __name__ == "__main__":
    main()
