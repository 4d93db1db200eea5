"""Write the setup cell at the top of every chapter notebook, from ``_config.yml``.

    python scripts/setup_cell.py            # every notebook in book/
    python scripts/setup_cell.py --check    # exit 1 if a notebook's setup cell is stale

A reader who opens a chapter in Colab, or runs a downloaded ``.ipynb`` in a bare
Jupyter, has no ``optlib``. The first code cell of every chapter (right after its title) installs it there, from
the course's own repository (``repository: url:`` in ``_config.yml``) at the ref
``repository: install_ref:``, and does nothing where ``optlib`` is importable (a
clone after ``pip install -r requirements.txt``, Binder, the site build). The
environment variable ``OPTLIB_PIP_SPEC`` replaces that requirement with any pip
requirement (a local path, a wheel, a URL), which is how ``tests/test_reader_path.py``
installs the working tree.

The distribution is ``optlib-book`` (``pyproject.toml``): the name ``optlib`` on PyPI
belongs to an unrelated project, so the cell installs from the git address only.
The cell is tagged ``remove-cell`` (the website has optlib already) and
``nbval-ignore-output`` (what pip prints in Colab, if stored, is not compared).
Changing the address in ``_config.yml`` means running this script again; the
tests fail until then.
"""

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
TAGS = ["remove-cell", "nbval-ignore-output"]
MARKER = "# Setup:"

TEMPLATE = '''\
# Setup: install optlib, the course's library, where it is missing (Colab, a downloaded notebook).
import importlib, importlib.util, os, subprocess, sys
if importlib.util.find_spec("optlib") is None:
    requirement = os.environ.get("OPTLIB_PIP_SPEC", "optlib-book[widgets] @ git+{url}@{ref}")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", requirement], check=True)
    importlib.invalidate_caches()
import optlib'''


def repository_setting(key):
    """``repository: <key>:`` of ``_config.yml`` (read as text: the file is flat YAML there)."""
    text = (ROOT / "_config.yml").read_text()
    block = re.search(r"^repository:\n((?:[ \t]+.*\n)+)", text, re.M)
    found = block and re.search(rf"^\s+{key}:\s*(\S+)", block.group(1), re.M)
    if not found:
        raise ValueError(f"_config.yml has no repository: {key}: setting")
    return found.group(1).strip("'\"")


def setup_source():
    url = repository_setting("url").removesuffix(".git")
    return TEMPLATE.format(url=url + ".git", ref=repository_setting("install_ref"))


def setup_cell():
    return nbformat.v4.new_code_cell(setup_source(), metadata={"tags": list(TAGS)})


def setup_index(nb):
    """Where the setup cell stands: right after the title cell, before any other code."""
    return 1 if nb.cells and nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ") else 0


def has_setup_cell(nb):
    i = setup_index(nb)
    return len(nb.cells) > i and nb.cells[i].cell_type == "code" and nb.cells[i].source.startswith(MARKER)


def is_current(nb):
    cell = nb.cells[setup_index(nb)] if has_setup_cell(nb) else None
    return cell is not None and cell.source == setup_source() and cell.metadata.get("tags") == TAGS


def write(path):
    nb = nbformat.read(path, as_version=4)
    if is_current(nb):
        return False
    cell, i = setup_cell(), setup_index(nb)
    if has_setup_cell(nb):
        nb.cells[i] = cell
    else:
        nb.cells.insert(i, cell)
    cell["id"] = "setup"  # a stable id, so that rewriting the cell leaves no diff
    nbformat.write(nb, path)
    return True


def notebooks():
    return sorted(BOOK.glob("*.ipynb"))


if __name__ == "__main__":
    if "--check" in sys.argv[1:]:
        stale = [p.name for p in notebooks() if not is_current(nbformat.read(p, as_version=4))]
        print("stale setup cells:", ", ".join(stale) if stale else "none")
        sys.exit(1 if stale else 0)
    for p in notebooks():
        print(f"{p.relative_to(ROOT)}: {'written' if write(p) else 'current'}")
