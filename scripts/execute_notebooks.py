"""Re-execute the book's notebooks in place, so that their stored outputs are current.

    python scripts/execute_notebooks.py            # every notebook in book/
    python scripts/execute_notebooks.py book/sgd.ipynb

Run it after editing a chapter or optlib: nbval (strict) fails on stale outputs.
Outputs are produced in Jupyter mode (live widget plus a one-frame fallback),
not in site mode, so the stored notebooks stay small.
"""

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

BOOK = Path(__file__).resolve().parent.parent / "book"


def execute(path):
    nb = nbformat.read(path, as_version=4)
    env = os.environ.pop("OPTLIB_STATIC_SITE", None)
    try:
        NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=False,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        if env is not None:
            os.environ["OPTLIB_STATIC_SITE"] = env
    for cell in nb.cells:  # keep diffs to what matters
        cell.get("metadata", {}).pop("execution", None)
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    print(f"{path.relative_to(BOOK.parent)}: {path.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    paths = [Path(p).resolve() for p in sys.argv[1:]] or sorted(BOOK.glob("*.ipynb"))
    for p in paths:
        execute(p)
