"""Values recorded from other libraries, shipped with optlib so that a chapter can check its
tables against them wherever it runs (a clone, Binder, Colab, a downloaded notebook).

* ``torch_defaults``: ``torch.optim``'s defaults as torch 2.13's own signatures give them, and
  a run showing ``Adam(decoupled_weight_decay=True)`` equals ``AdamW``; written by
  ``tests/reference/make_torch_reference.py``. Under ``modern_defaults``, those of NAdam, RAdam,
  Adafactor and Muon, written by ``tests/reference/make_torch_modern.py``.
* ``optax_defaults``: the defaults of optax's ``sgd``, ``rmsprop``, ``adam`` and ``adamw``,
  read from optax's source; written by ``tests/reference/record_optax_defaults.py``.
"""

import json
from importlib.resources import files


def recorded(name):
    """The recorded file ``name`` (``"torch_defaults"`` or ``"optax_defaults"``) as a dict.

    Example:
        >>> recorded("torch_defaults")["defaults"]["AdamW"]["weight_decay"]
        0.01
    """
    if name not in ("torch_defaults", "optax_defaults"):
        raise ValueError(f"Invalid name: {name!r} (expected 'torch_defaults' or 'optax_defaults')")
    return json.loads(files(__name__).joinpath(f"{name}.json").read_text())
