"""Every chapter's hidden checks hold for other seeds, not only for the stored one.

Each chapter draws all its randomness from ``optlib.book_seed()`` (``$OPTLIB_SEED``,
0 when unset; the stored outputs are the seed-0 run, which nbval compares). Here
every chapter is executed afresh under other seeds and must run to the end: its
``remove-cell`` asserts state the prose's claims, so a claim that only held for
seed 0 fails here. No output is compared.

By default each chapter runs under one other seed, and the seeds 1, 2 and 3 take turns
over the chapters in alphabetical order (adam 1, adamw 2, intro 3, modern 1, …): every
chapter is held to a seed it was not stored with, at a third of the cost of three seeds
each (CI runs every notebook six times already). ``$OPTLIB_TEST_SEEDS`` runs every
chapter under each seed it lists (``OPTLIB_TEST_SEEDS="1 2 3" pytest tests/test_seeds.py``
is the full sweep; ``"17 4242"`` tries seeds nobody tried). The runs start together, two
kernels at a time (the machine has two cores), each test waiting for its own.
"""

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

BOOK = Path(__file__).resolve().parent.parent / "book"
CHAPTERS = sorted(BOOK.glob("*.ipynb"))
CHOSEN_SEEDS = [int(s) for s in os.environ.get("OPTLIB_TEST_SEEDS", "").split()]
TAKING_TURNS = (1, 2, 3)
KERNELS_AT_ONCE = 2


def chapter_seeds():
    """(chapter, seed) pairs: every chapter under each chosen seed, or the seeds taking turns."""
    names = [p.stem for p in CHAPTERS]
    if CHOSEN_SEEDS:
        return [(name, seed) for name in names for seed in CHOSEN_SEEDS]
    return [(name, TAKING_TURNS[i % len(TAKING_TURNS)]) for i, name in enumerate(names)]


RUNNER = """
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}}).execute()
nbformat.write(nb, sys.argv[3])
"""


def execute(run_kernel_process, path, seed, out=os.devnull):
    """Run a notebook top to bottom, in a process of its own, with ``OPTLIB_SEED=seed``.

    A process per run, not a thread: nbclient in threads trips a CPython 3.11 bug (the AST
    recursion-depth check is not thread-safe). One BLAS thread each, as two run at once.
    """
    env = {k: v for k, v in os.environ.items() if k != "OPTLIB_STATIC_SITE"}
    env.update(OPTLIB_SEED=str(seed), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    return run_kernel_process([sys.executable, "-c", RUNNER, str(path), str(path.parent), str(out)], env=env,
                              timeout=1200)


@pytest.fixture(scope="module")
def runs(request, kernel_process):
    """Start the runs of the selected tests (``-k`` may pick a few), two at a time."""
    chosen = [item.callspec.params for item in request.session.items   # doctests and nbval cells too
              if getattr(item, "originalname", None) == "test_chapter_checks_hold_for_seed"]
    with ThreadPoolExecutor(KERNELS_AT_ONCE) as pool:
        yield {(c["chapter"], c["seed"]): pool.submit(execute, kernel_process, BOOK / f"{c['chapter']}.ipynb", c["seed"])
               for c in chosen}


@pytest.mark.parametrize(("chapter", "seed"), chapter_seeds())
def test_chapter_checks_hold_for_seed(chapter, seed, runs):
    done = runs[chapter, seed].result()
    assert done.returncode == 0, f"{chapter} with OPTLIB_SEED={seed}:\n{done.stderr[-6000:]}"


def test_seed_reaches_the_kernel(tmp_path, kernel_process):
    """The mechanism itself: a kernel started by ``execute`` sees the seed it was given."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import optlib\nprint(optlib.book_seed())")])
    probe, out = tmp_path / "probe.ipynb", tmp_path / "out.ipynb"
    nbformat.write(nb, probe)
    assert execute(kernel_process, probe, 41, out).returncode == 0
    assert nbformat.read(out, as_version=4).cells[0].outputs[0]["text"].strip() == "41000000"  # 41 * STREAMS
