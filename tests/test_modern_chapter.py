"""The library code of the chapter "After AdamW" (book/modern.ipynb): its figures draw what they are given.

The formulas the chapter uses are tested in tests/test_theory_modern.py, the optimizers in the library's own
tests.
"""

import numpy as np
import pytest

from optlib import theory
from optlib.figures import modern as figures


def test_rectification_and_warmup_draws_r_t_and_the_losses_relative_to_the_level():
    t = np.arange(1, 101)
    r = theory.radam_rectification(0.999, t)
    fig = figures.rectification_and_warmup(t, r, t / 100, {"a": np.full(101, 4.0), "b": np.full(101, 2.0)}, 2.0)
    left, right = fig.axes[0].get_lines(), fig.axes[1].get_lines()
    assert np.allclose(left[0].get_ydata(), r, equal_nan=True) and np.allclose(left[1].get_ydata(), t / 100)
    assert np.allclose(right[0].get_ydata(), 2.0) and np.allclose(right[1].get_ydata(), 1.0)


def test_newton_schulz_iterates_draws_each_iteration_and_the_band():
    s = np.linspace(0, 1, 11)
    its = [theory.quintic(s, steps=k) for k in (1, 2)]
    cubic = [theory.quintic(s, (1.5, -0.5, 0.0), steps=k) for k in (1, 2)]
    fig = figures.newton_schulz_iterates(s, its, (0.7, 1.1), cubic)
    quintic_lines = [line for line in fig.axes[0].get_lines() if len(line.get_xdata()) == len(s)]
    assert np.allclose(quintic_lines[1].get_ydata(), its[1])
    band = fig.axes[0].patches[0]   # axhspan: a Rectangle in data units along y
    assert band.get_y() == pytest.approx(0.7) and band.get_y() + band.get_height() == pytest.approx(1.1)


def test_comparison_marks_the_chosen_rate_and_the_mean_error():
    lr_grid = np.array([0.01, 0.1, 1.0])
    fig = figures.comparison(lr_grid, {"A": np.array([0.3, 0.2, np.nan])}, {"A": 0.1}, {"A": np.array([2.0, 4.0])})
    star = fig.axes[0].get_lines()[1]
    assert star.get_xdata()[0] == 0.1 and star.get_ydata()[0] == 0.2
    assert np.allclose(fig.axes[1].get_lines()[1].get_ydata(), 3.0)


def test_newton_schulz_explorer_draws_the_iterated_polynomial():
    from optlib.widgets.modern import POLYNOMIALS, newton_schulz_explorer

    e = newton_schulz_explorer(n_values=8)
    for name, coefficients in POLYNOMIALS.items():
        e.update(polynomial=name, steps=3)
        curve, dots = e.animated
        assert np.allclose(curve.get_ydata(), theory.quintic(curve.get_xdata(), coefficients, 3))
        assert np.allclose(dots.get_ydata(), theory.quintic(np.geomspace(1e-3, 1, 8), coefficients, 3))
    e.update(polynomial="Muon's quintic (3.4445, -4.775, 2.0315)", steps=10)
    lo, hi = theory.newton_schulz_attractor()
    assert np.all((e.animated[1].get_ydata() >= lo - 1e-12) & (e.animated[1].get_ydata() <= hi + 1e-12))
