"""The momentum chapter's explorers and figures (book/momentum.ipynb).

Generic explorer behaviour (extremes, static frames) is in ``test_explorers.py``;
here: divergence is labelled where the theory says so, the predicted rate is shown,
and the escape explorer names the minimum each run ends in.
"""

import warnings

import numpy as np
import pytest

from optlib import SGD, DoubleWell, Quadratic, run
from optlib import theory
from optlib.figures import momentum as figures
from optlib.widgets.momentum import escape_explorer, quadratic_explorer, stability_text


def texts(explorer):
    return " | ".join(a.get_text() for a in explorer.animated if hasattr(a, "get_text"))


@pytest.fixture(scope="module")
def quadratic():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return quadratic_explorer()


def test_opens_at_the_optimum_with_predicted_rate(quadratic):
    q = Quadratic.ill_conditioned(100.0, np.pi / 8)
    lr, mu, rate = theory.momentum_optimal(*q.eigenvalues)
    quadratic.update(momentum=quadratic.controls[0].default, lr=quadratic.controls[1].default)
    assert np.isclose(quadratic.values["lr"], lr) and np.isclose(quadratic.values["momentum"], mu)
    assert f"Momentum: rate ρ predicted {rate:.3f}" in texts(quadratic)
    assert "GD: diverged" in texts(quadratic) and "GD: diverges" in texts(quadratic)


@pytest.mark.parametrize("momentum, lr", [(0.0, 4.0), (0.5, 3.2), (0.9, 4.0), (0.0, 2.2)])
def test_divergence_is_labelled_beyond_the_limit(quadratic, momentum, lr):
    assert lr >= 2 + 2 * momentum  # lam_max = 1
    quadratic.update(momentum=momentum, lr=lr)
    assert "Momentum: diverges" in texts(quadratic) and "Momentum: diverged at step" in texts(quadratic)


def test_no_divergence_label_inside_the_limit(quadratic):
    quadratic.update(momentum=0.9, lr=3.6)
    assert "Momentum: diverge" not in texts(quadratic)
    rate = float(theory.momentum_rate(3.6, 0.9, Quadratic.ill_conditioned(100.0, np.pi / 8).eigenvalues))
    assert f"predicted {rate:.3f}" in texts(quadratic)


def test_divergent_extreme_of_the_controls(quadratic):
    quadratic.update(momentum=quadratic.controls[0].values[0], lr=quadratic.controls[1].values[-1])
    assert "Momentum: diverges" in texts(quadratic) and "GD: diverges" in texts(quadratic)


def test_stability_text():
    assert stability_text(1.2) == "diverges" and "boundary" in stability_text(1.0) and stability_text(0.9) == ""


def test_escape_explorer_names_the_minima():
    ex = escape_explorer()
    assert "GD → shallow minimum" in texts(ex) and "momentum → deep minimum" in texts(ex)
    ex.update(momentum=0.0)
    assert "momentum → shallow minimum" in texts(ex)
    ex.update(momentum=0.95, lr=0.03)  # overshoots back into the shallow well
    assert "momentum → shallow minimum" in texts(ex)


def test_escape_explorer_agrees_with_runs():
    d = DoubleWell()
    for mu, lr in [(0.9, 0.02), (0.8, 0.04), (0.5, 0.02)]:
        final = run(SGD(lr=lr, momentum=mu), d, d.x0, 200, bound=10.0).final
        nearest = ["deep", "shallow"][int(np.argmin(np.linalg.norm(d.minima - final, axis=-1)))]
        ex = escape_explorer()
        ex.update(momentum=mu, lr=lr)
        assert f"momentum → {nearest} minimum" in texts(ex)


def test_figures_have_labelled_axes():
    q = Quadratic.ill_conditioned(10.0, 0.3)
    runs = {"GD": run(SGD(lr=1.0), q, q.x0, 20), "Momentum": run(SGD(lr=1.0, momentum=0.5), q, q.x0, 20)}
    fig = figures.paths_and_errors(q, runs, {n: np.linalg.norm(t.params, axis=-1) for n, t in runs.items()},
                                   {"rate": (0.5 ** np.arange(21), "GD")}, path_steps=10)
    fig2 = figures.gain({"a": np.ones(5), "b": np.ones(5) / 2}, {"x": 1.0}, 0.9)
    h = np.linspace(0, 4, 50)
    fig3 = figures.rates(h, {0.0: h, 0.5: h}, {0.0: 2.0, 0.5: 3.0}, np.array([10.0, 100.0]),
                         {"GD": [1, 2]}, {"GD": [1, 2]})
    for f in (fig, fig2, fig3):
        for ax in f.axes:
            assert ax.get_xlabel() and ax.get_ylabel()
