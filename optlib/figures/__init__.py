"""Static figures of the chapters, one module per chapter (``optlib.figures.sgd``, ...).

Like :mod:`optlib.plotting`, these only draw what they are given; the runs they
show are computed by the chapters with :func:`optlib.run`.
"""
