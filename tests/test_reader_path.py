"""The reader's path: a chapter downloaded alone runs where optlib is not installed.

The site's download button hands out a chapter's ``.ipynb``; its Colab button opens it
in a runtime that has numpy, matplotlib and ipywidgets but no optlib. Here, a fresh
virtual environment with only those (and a kernel and a notebook runner) executes a
chapter notebook copied alone into an empty folder. Its first cell, the setup cell
written by ``scripts/setup_cell.py``, must install optlib; it installs it from
``OPTLIB_PIP_SPEC``, pointed at a copy of this working tree's package (the default,
the git address in ``_config.yml``, is what a reader gets). Then the chapter runs top
to bottom with its hidden checks, and optlib came from the install, not from here.

One chapter by default; ``OPTLIB_READER_CHAPTERS="all"`` (or a list of names such as
``"sgd adamw"``) runs more. The environment is built once per session (about a minute).
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
READER_PACKAGES = ["numpy", "matplotlib", "ipywidgets", "ipykernel", "nbclient"]
DEFAULT_CHAPTERS = "adam"  # explorers, figures and hidden checks, in half the time of the longer chapters

_spec = importlib.util.spec_from_file_location("setup_cell", ROOT / "scripts" / "setup_cell.py")
setup_cell = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(setup_cell)


def chapters():
    names = os.environ.get("OPTLIB_READER_CHAPTERS", DEFAULT_CHAPTERS).split()
    return [p.stem for p in setup_cell.notebooks()] if names == ["all"] else names


@pytest.mark.parametrize("path", setup_cell.notebooks(), ids=lambda p: p.stem)
def test_every_chapter_starts_with_the_current_setup_cell(path):
    nb = nbformat.read(path, as_version=4)
    assert setup_cell.is_current(nb), f"{path.name}: run `python scripts/setup_cell.py`"


def test_setup_cell_installs_from_the_configured_repository_never_from_pypi_optlib():
    source = setup_cell.setup_source()
    url = setup_cell.repository_setting("url").removesuffix(".git")
    ref = setup_cell.repository_setting("install_ref")
    # a direct git reference of the distribution "optlib-book": never PyPI's unrelated "optlib"
    assert f'"optlib-book[widgets] @ git+{url}.git@{ref}"' in source


def reader_environ(python, **extra):
    """This process's environment without anything that would lead to the working tree's optlib."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPTLIB_", "PYTHON", "VIRTUAL_ENV", "JUPYTER"))}
    env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
    return {**env, **extra}


@pytest.fixture(scope="session")
def reader_env(tmp_path_factory):
    """A virtual environment like a Colab runtime for this course, and a copy of the package."""
    base = tmp_path_factory.mktemp("reader")
    venv.create(base / "venv", with_pip=True)
    python = base / "venv" / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", *READER_PACKAGES], check=True)
    probe = subprocess.run([str(python), "-c", "import importlib.util as u; print(u.find_spec('optlib'))"],
                           cwd=base, env=reader_environ(python), capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == "None", "the reader's environment must start without optlib"
    package = base / "package"                     # the working tree's package, as a clean clone has it
    shutil.copytree(ROOT / "optlib", package / "optlib", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, package / name)
    return python, package


RUNNER = """
import sys, nbformat
from nbclient import NotebookClient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}}).execute()
import importlib.util
print(importlib.util.find_spec("optlib").origin)
"""


@pytest.mark.parametrize("chapter", chapters())
def test_chapter_runs_alone_in_a_bare_environment(chapter, reader_env, tmp_path, kernel_process):
    python, package = reader_env
    folder = tmp_path / "downloads"
    folder.mkdir()
    notebook = shutil.copy2(BOOK / f"{chapter}.ipynb", folder)
    env = reader_environ(python, OPTLIB_PIP_SPEC=str(package))
    done = kernel_process([str(python), "-c", RUNNER, str(notebook), str(folder)], cwd=folder, env=env, timeout=1200)
    assert done.returncode == 0, done.stderr[-4000:]
    origin = Path(done.stdout.strip().splitlines()[-1])
    assert python.parent.parent in origin.parents, f"optlib was imported from {origin}, not installed"
