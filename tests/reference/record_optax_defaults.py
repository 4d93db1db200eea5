"""Record ``optax_defaults.json``: the defaults of optax's ``sgd``, ``rmsprop``, ``adam`` and ``adamw``.

The AdamW chapter's hyperparameter table has an optax column; its hidden check compares
that column with this file, which comes from optax's own source, not from the book. optax
needs JAX to import, so the defaults are read from the source of ``optax/_src/alias.py``
with :mod:`ast` instead (nothing is imported or run)::

    git clone https://github.com/google-deepmind/optax /tmp/optax
    python tests/reference/record_optax_defaults.py /tmp/optax

Positional arguments without a default (``learning_rate``) are recorded as required.
"""

import ast
import json
import pathlib
import subprocess
import sys

OUT = pathlib.Path(__file__).parent.parent.parent / "optlib" / "reference" / "optax_defaults.json"  # shipped with optlib
NAMES = ("sgd", "rmsprop", "adam", "adamw")


def defaults(source):
    """``{name: {"required": [...], "defaults": {arg: value}}}`` for the functions in ``NAMES``."""
    out = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name in NAMES:
            args, values = node.args.args, node.args.defaults
            required = [a.arg for a in args[:len(args) - len(values)]]
            found = {a.arg: ast.literal_eval(v) for a, v in zip(args[len(args) - len(values):], values)}
            found.update({a.arg: ast.literal_eval(v) for a, v in zip(node.args.kwonlyargs, node.args.kw_defaults)
                          if v is not None})
            out[node.name] = dict(required=required, defaults=found)
    return out


def main(repo):
    repo = pathlib.Path(repo)
    source = (repo / "optax" / "_src" / "alias.py").read_text()
    commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    record = dict(optax_commit=commit, functions=defaults(source))
    OUT.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
