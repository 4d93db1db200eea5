"""``glue``: hand a number computed in a chapter to the prose that quotes it.

Where myst-nb is installed (the site build and the tests) this is ``myst_nb.glue``
itself, and ``{glue:text}`name``` in the text shows the value on the website. A
reader's Colab runtime or bare Jupyter has no myst-nb and no website to fill in,
so there a stand-in takes its place: it shows the value only when asked to
(``display=True``), as ``myst_nb.glue`` does, and the chapter runs on unchanged.

Example:
    >>> from optlib.glue import glue
    >>> glue("answer", 42, display=False)
"""

try:
    from myst_nb import glue
except ImportError:  # a reader's runtime: nothing to glue into
    def glue(name, variable, display=True):
        """Stand-in for ``myst_nb.glue``: display ``variable`` if asked, else nothing."""
        if display:
            from IPython.display import display as show

            show(variable)

__all__ = ["glue"]
