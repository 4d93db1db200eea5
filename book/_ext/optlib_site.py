"""Sphinx extension for the book: tell explorers that the site is being built.

myst-nb executes the notebooks in kernels started from this process, so an
environment variable set here reaches them. ``optlib.widgets`` then renders each
explorer's full sweep of kernel-free frames, which only the website needs.
"""

import os

from optlib.widgets import STATIC_SITE_ENV


def setup(app):
    os.environ[STATIC_SITE_ENV] = "1"
    return {"parallel_read_safe": True, "parallel_write_safe": True}
