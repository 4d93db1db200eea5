"""How fast the book responds and builds. Prints numbers; asserts nothing.

1. Explorer latency: for every explorer in optlib.widgets, the time from a control
   change to a rendered PNG (Agg), over a seeded random walk of control changes,
   as median and 95th percentile. Beside it, in the same run, the naive baseline:
   a new figure built from scratch for every change (the explorer's factory called
   again with the new values, then rendered).
2. A clean build of the whole site with the README's command, both languages (every notebook
   executed), unless ``--no-build``.

    python benchmarks/bench_book.py [--no-build] [--changes N]
"""

import argparse
import importlib
import pkgutil
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import optlib.widgets

ROOT = Path(__file__).resolve().parent.parent


def explorers():
    for module in pkgutil.iter_modules(optlib.widgets.__path__):
        mod = importlib.import_module(f"optlib.widgets.{module.name}")
        for name in sorted(dir(mod)):
            obj = getattr(mod, name)
            if name.endswith("_explorer") and callable(obj) and obj.__module__ == mod.__name__:
                yield f"{module.name}.{name}", obj


def random_changes(explorer, n, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        c = explorer.controls[rng.integers(len(explorer.controls))]
        yield {c.name: c.values[rng.integers(len(c.values))]}


def timed(fn):
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1e3


def latency(factory, n):
    explorer = factory()
    explorer.png()
    in_place = [timed(lambda: (explorer.update(**change), explorer.png()))
                for change in random_changes(explorer, n)]

    def rebuild(change, values={}):
        values.update(change)
        fresh = factory()
        fresh.update(**values)
        fresh.png()

    naive = [timed(lambda: rebuild(change)) for change in random_changes(explorer, max(n // 4, 5))]
    return in_place, naive


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-build", action="store_true", help="skip the clean site build")
    parser.add_argument("--changes", type=int, default=60, help="control changes per explorer")
    args = parser.parse_args()

    print(f"Explorer latency per control change, Agg, {args.changes} random changes (ms)")
    print(f"{'explorer':44s} {'median':>7s} {'p95':>7s}   {'naive median':>12s} {'naive p95':>9s}")
    all_in_place, all_naive = [], []
    for name, factory in explorers():
        in_place, naive = latency(factory, args.changes)
        all_in_place += in_place
        all_naive += naive
        print(f"{name:44s} {np.median(in_place):7.1f} {np.percentile(in_place, 95):7.1f}   "
              f"{np.median(naive):12.1f} {np.percentile(naive, 95):9.1f}")
    print(f"{'all explorers':44s} {np.median(all_in_place):7.1f} {np.percentile(all_in_place, 95):7.1f}   "
          f"{np.median(all_naive):12.1f} {np.percentile(all_naive, 95):9.1f}")
    print("targets: median <= 25 ms, p95 <= 50 ms")

    if not args.no_build:
        out = Path(tempfile.mkdtemp(prefix="optlib-build-"))
        start = time.perf_counter()
        # the README's build command: both languages, the notebooks executed two at a time
        subprocess.run([sys.executable, str(ROOT / "scripts" / "build_site.py"), "--build-dir", str(out)],
                       check=True, capture_output=True, cwd=str(ROOT))
        print(f"clean site build (scripts/build_site.py, English and Korean, every notebook executed): "
              f"{time.perf_counter() - start:.1f} s")
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
