"""Build the website in both languages, warnings as errors: the README's build command.

    python scripts/build_site.py            # English at _build/html, Korean at _build/html/ko
    python scripts/build_site.py --no-execute   # both from the stored notebooks (quick; explorers
                                                # then have only their stored frames)

Both sites are built by ``sphinx-build`` on the ``conf.py`` that ``jupyter-book config sphinx``
writes from ``_config.yml`` (``jupyter-book build`` has no ``-D``, and the Korean build needs
``-D language=ko``). Every notebook is first executed afresh, two at a time, into a
jupyter-cache that is emptied first (``execute_into_cache``); both builds then read their
outputs from it (myst-nb's cache mode), so the notebooks execute once per build, not twice. Korean pages have the same paths as the
English ones under ``ko/``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
BIN = Path(sys.executable).parent

KOREAN = {
    "language": "ko",
    "html_title": "딥러닝의 옵티마이저: SGD에서 AdamW까지",
    "html_theme_options.search_bar_text": "이 책에서 검색...",
    # myst-nb's button on a hidden code cell ("Show code cell source"); the book hides inputs only
    "nb_code_prompt_show": "코드 셀 보기",
    "nb_code_prompt_hide": "코드 셀 숨기기",
}


def write_conf() -> Path:
    """conf.py from _config.yml (git-ignored; regenerated on every build, so it cannot drift).

    Written atomically and only when it changes: the tests build the site and extract the
    catalogs in parallel processes, and a half-written conf.py must never be read."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy2(ROOT / "_config.yml", tmp)  # jupyter-book writes conf.py beside the config
        subprocess.run([str(BIN / "jupyter-book"), "config", "sphinx", str(ROOT), "--config",
                        str(Path(tmp) / "_config.yml")], check=True, stdout=subprocess.DEVNULL)
        text = (Path(tmp) / "conf.py").read_text(encoding="utf-8")
    # jupyter-book build puts the local extensions on sys.path itself; sphinx-build needs this
    text += '\nimport os, sys\nsys.path.insert(0, os.path.abspath("book/_ext"))\n'
    conf = ROOT / "conf.py"
    if not conf.exists() or conf.read_text(encoding="utf-8") != text:
        part = conf.with_name(f".conf.py.{os.getpid()}")
        part.write_text(text, encoding="utf-8")
        os.replace(part, conf)
    return conf


def sphinx_build(builder: str, out: Path, doctrees: Path, overrides: dict[str, str], strict: bool = True) -> None:
    cmd = [str(BIN / "sphinx-build"), "-b", builder, "-d", str(doctrees)]
    if strict:
        cmd += ["-W", "--keep-going"]
    for key, value in overrides.items():
        cmd += ["-D", f"{key}={value}"]
    cmd += [str(ROOT), str(out)]
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT)


def notebooks() -> list[Path]:
    """The book's notebooks (every one is a page of _toc.yml)."""
    return sorted((ROOT / "book").glob("*.ipynb"))


def _execute(path: Path, timeout: int):
    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    nb = nbformat.read(path, as_version=4)
    result = single_nb_execution(nb, cwd=str(path.parent), timeout=timeout, allow_errors=False)
    if result.err is not None:
        raise RuntimeError(f"{path.name} failed to execute:\n{result.exc_string}")
    return nb, result.time


def execute_into_cache(cache_path: Path, paths: list[Path], workers: int = 2, timeout: int = 300) -> None:
    """Execute the notebooks, ``workers`` at a time, into the jupyter-cache that myst-nb's cache
    mode then reads (``timeout`` per cell, as _config.yml's): the outputs the build would have made itself, explorers in their website
    version. Sphinx reads the pages one after the other (``-j`` is not possible: sphinx_proof
    cannot merge pages read in parallel), so without this the notebooks would run one at a time
    on a machine with two cores. Only this process writes the cache; the kernels run in workers."""
    from concurrent.futures import ProcessPoolExecutor

    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    from optlib.widgets import STATIC_SITE_ENV

    os.environ[STATIC_SITE_ENV] = "1"  # as optlib_site sets it for the kernels of the build
    cache = get_cache(str(cache_path))
    with ProcessPoolExecutor(workers) as pool:
        runs = {path: pool.submit(_execute, path, timeout) for path in paths}
        for path, run in runs.items():
            nb, seconds = run.result()
            record = cache.add_nb_to_project(str(path))
            cache.cache_notebook_bundle(CacheBundleIn(nb, record.uri, data={"execution_seconds": seconds}),
                                        check_validity=False, overwrite=True)
            print(f"executed {path.relative_to(ROOT)} in {seconds:.0f} s", flush=True)


def build(execute: bool = True, languages=("en", "ko"), build_dir: Path = BUILD) -> None:
    out = Path(build_dir).resolve()
    write_conf()
    cache = out / ".jupyter_cache"
    execution = {"nb_execution_mode": "cache", "nb_execution_cache_path": str(cache)} if execute \
        else {"nb_execution_mode": "off"}
    if execute and "en" in languages:
        shutil.rmtree(cache, ignore_errors=True)  # afresh: nothing carried over from an older build
        execute_into_cache(cache, notebooks())
    if "en" in languages:
        sphinx_build("html", out / "html", out / ".doctrees", execution)
    if "ko" in languages:
        # built beside the English site, then copied into it: myst-nb writes its outputs next to
        # the output folder (../jupyter_execute), which must not land inside the English site
        sphinx_build("html", out / "ko" / "html", out / "ko" / ".doctrees", {**execution, **KOREAN})
        shutil.rmtree(out / "html" / "ko", ignore_errors=True)
        shutil.copytree(out / "ko" / "html", out / "html" / "ko")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-execute", action="store_true", help="use the stored outputs (quick)")
    parser.add_argument("--language", choices=["en", "ko"], action="append",
                        help="build only this language (repeatable; default both)")
    parser.add_argument("--build-dir", default=str(BUILD), help="instead of _build (the site is BUILD_DIR/html)")
    args = parser.parse_args()
    os.chdir(ROOT)
    build(execute=not args.no_execute, languages=tuple(args.language or ("en", "ko")), build_dir=args.build_dir)


if __name__ == "__main__":
    main()
