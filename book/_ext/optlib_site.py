"""Sphinx extension for the book's website.

1. Tell explorers that the site is being built. myst-nb executes the notebooks in
   kernels started from this process, so an environment variable set here reaches
   them; ``optlib.widgets`` then renders each explorer's full sweep of kernel-free
   frames, which only the website needs.
2. Serve MathJax from the site itself instead of a CDN, so that the built site
   works offline and makes no third-party requests. The copy comes from the
   ``django-static-mathjax`` package on PyPI (MathJax 3, plain static files; it
   needs no Django), installed with the rest of ``requirements.txt``.
3. Work around a Jupyter Book 1.x bug that declares a script constant twice.
4. Give every figure that a notebook cell outputs an alt text: its caption, the
   paragraph that follows (or precedes) the cell, as the chapters write them.
5. Serve the font of the explorers' vector overlays: DejaVu Sans (matplotlib's font,
   the one in the rasters), subset to the characters the readouts use, as WOFF files
   with an ``@font-face`` stylesheet (``optlib.widgets._overlay``).
"""

import os
import re
import shutil
from pathlib import Path

from docutils import nodes

from optlib.widgets import STATIC_SITE_ENV
from optlib.widgets._overlay import font_face_css, write_fonts

EXPLORER_CSS = "optlib-explorer.css"

MATHJAX_FILES = ["tex-mml-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions", "a11y", "ui"]


def mathjax_source():
    import mathjax  # django-static-mathjax

    return Path(mathjax.__path__[0]) / "static" / "mathjax" / "es5"


def use_local_mathjax(app, config):
    config.mathjax_path = "mathjax/tex-mml-chtml.js"


def copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source, target = mathjax_source(), Path(app.outdir) / "_static" / "mathjax"
    for name in MATHJAX_FILES:
        src, dst = source / name, target / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)


def copy_explorer_font(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    write_fonts(static)
    # the theme dims images in dark mode; an explorer's figure is an image and its overlay, dimmed together
    dark = "html[data-theme=dark] .optlib-figure{filter:brightness(.8) contrast(1.2)}"
    (static / EXPLORER_CSS).write_text(font_face_css("") + dark, encoding="utf-8")


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    """Jupyter Book 1.x registers sphinx-thebe's inline configuration twice, and the second
    ``const THEBE_JS_URL`` is a console error on every page; keep the first of identical scripts."""
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = (getattr(script, "filename", script) or "", tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def _is_cell(node):
    return "cell" in getattr(node, "get", lambda *_: [])("classes", [])


def caption_alt_texts(app, doctree, docname):
    """Alt text for figures output by cells: the paragraph written after the figure.

    The chapters caption a figure in the paragraph that follows its cell (other cells may
    come between); failing that, the paragraph before it.
    """
    for image in doctree.findall(nodes.image):
        if image.get("alt"):
            continue
        cell = image.parent
        while cell is not None and not _is_cell(cell):
            cell = cell.parent
        if cell is None or cell.parent is None:
            continue
        siblings, i = cell.parent.children, cell.parent.index(cell)
        after = [n for n in siblings[i + 1:] if not _is_cell(n)][:1]
        before = [n for n in reversed(siblings[:i]) if not _is_cell(n)][:1]
        for node in after + before:
            if isinstance(node, nodes.paragraph):
                text = re.sub(r"\s+", " ", node.astext()).strip()
                image["alt"] = text if len(text) <= 400 else text[:397] + "..."
                break


def setup(app):
    os.environ[STATIC_SITE_ENV] = "1"
    if not (mathjax_source() / "tex-mml-chtml.js").is_file():
        raise RuntimeError("MathJax not found: pip install -r requirements.txt (django-static-mathjax)")
    app.connect("config-inited", use_local_mathjax)
    app.connect("build-finished", copy_mathjax)
    app.connect("build-finished", copy_explorer_font)
    app.add_css_file(EXPLORER_CSS)
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)  # after the others
    app.connect("doctree-resolved", caption_alt_texts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

