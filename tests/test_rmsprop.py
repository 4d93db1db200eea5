"""The RMSprop chapter's explorer: what it shows is what optlib computes."""

import itertools

import numpy as np
import pytest

from optlib import RMSprop, run
from optlib.theory import rms_effective_lr, rms_step_bound
from optlib.widgets.rmsprop import EPS, KAPPA, STEPS, rotated_quadratic, rotation_explorer


@pytest.fixture(scope="module")
def explorer():
    return rotation_explorer()


def lines(explorer):
    ax_lr = explorer.figure.axes[1]
    return [line for line in ax_lr.lines if line.get_label().startswith("RMSprop")]


@pytest.mark.parametrize("alpha, lr, angle", [(0.99, 0.01, 0), (0.9, 0.1, 45), (0.999, 0.003, 15)])
def test_effective_lr_shown_matches_optlib_state(explorer, alpha, lr, angle):
    explorer.update(alpha=alpha, lr=lr, angle=angle)
    q = rotated_quadratic(KAPPA, angle)
    opt = RMSprop(lr=lr, alpha=alpha, eps=EPS)
    theta, expected = q.x0, []
    for _ in range(STEPS):
        theta = opt.step(theta, q.grad(theta))
        expected.append(lr / (np.sqrt(opt.state["v"]) + EPS))
    expected = np.array(expected)
    shown = [line.get_ydata() for line in lines(explorer)]
    np.testing.assert_allclose(shown[0], expected[:, 0], rtol=1e-12)
    np.testing.assert_allclose(shown[1], expected[:, 1], rtol=1e-12)
    np.testing.assert_array_equal(lines(explorer)[0].get_xdata(), np.arange(1, STEPS + 1))
    path = explorer.figure.axes[0].lines[0]
    np.testing.assert_allclose(path.get_xdata(), run(RMSprop(lr=lr, alpha=alpha), q, q.x0, STEPS).params[:, 0])


def test_divergence_is_not_reachable_and_would_be_labelled(explorer):
    """RMSprop's steps are bounded (eta / sqrt(1 - gamma)), so no setting diverges; nothing is labelled."""
    for combo in itertools.product(*((c.values[0], c.values[-1]) for c in explorer.controls)):
        values = dict(zip(explorer.values, combo))
        explorer.update(**values)
        texts = [t.get_text() for ax in explorer.figure.axes for t in ax.texts]
        assert not any("diverged" in text for text in texts)
        q = rotated_quadratic(KAPPA, values["angle"])
        traj = run(RMSprop(lr=values["lr"], alpha=values["alpha"]), q, q.x0, STEPS, bound=100.0)
        assert not traj.diverged
        assert np.abs(np.diff(traj.params, axis=0)).max() <= rms_step_bound(values["lr"], values["alpha"]) * (1 + 1e-12)
    # the label is wired: a run stopped by the bound shows it
    from optlib.plotting import PathPanel
    panel = PathPanel(explorer.figure.axes[0], rotated_quadratic(KAPPA, 0), ["RMSprop"])
    q = rotated_quadratic(KAPPA, 0)
    stopped = run(RMSprop(lr=0.1), q, q.x0, 5, bound=1.0)
    assert stopped.diverged
    panel.set_paths({"RMSprop": stopped})
    assert "diverged" in panel.status.get_text()


def test_effective_lr_stays_in_the_fixed_axis(explorer):
    ax_lr = explorer.figure.axes[1]
    lo, hi = ax_lr.get_ylim()
    for combo in itertools.product(*(c.values for c in explorer.controls)):
        if combo[2] not in (0, 45):
            continue
        explorer.update(**dict(zip(explorer.values, combo)))
        for line in lines(explorer):
            y = line.get_ydata()
            assert lo < y.min() and y.max() < hi


def test_rates_at_zero_and_45_degrees(explorer):
    """The chapter's reading of the explorer: at 0 degrees the rates split, at 45 degrees they coincide."""
    explorer.update(alpha=0.99, lr=0.01, angle=0)
    first, second = (line.get_ydata()[-1] for line in lines(explorer))
    assert first / second > 10
    explorer.update(angle=45)
    first, second = (line.get_ydata()[-1] for line in lines(explorer))
    assert abs(first / second - 1) < 0.2
    assert rms_effective_lr(np.array([1.0]), 0.01, EPS)[0] == pytest.approx(0.01)


def test_rates_in_the_cycle_sit_at_the_stability_edge(explorer):
    """At 0 degrees, once in the +-eta/2 cycle, eta/sqrt(v) -> 2/lambda_i for each axis."""
    explorer.update(alpha=0.9, lr=0.03, angle=0)
    q = rotated_quadratic(KAPPA, 0)
    shown = np.array([line.get_ydata()[-1] for line in lines(explorer)])
    np.testing.assert_allclose(shown, 2 / np.diag(q.A), rtol=0.01)


def test_adagrad_figures_draw_what_they_are_given():
    from optlib.figures.rmsprop import adagrad_stall, sparse_tuning
    t = np.arange(1, 101)
    fig = adagrad_stall(t, {"AdaGrad": 1 / np.sqrt(t), "RMSprop": np.ones(100)}, 1 / np.sqrt(t),
                        t, {"AdaGrad": np.sqrt(t) / 10, "RMSprop": t / 10.0}, {"AdaGrad": 100, "RMSprop": 10})
    left, right = fig.axes[:2]
    np.testing.assert_allclose(left.lines[0].get_ydata(), 1 / np.sqrt(t))
    np.testing.assert_allclose(right.lines[-2].get_ydata(), [1.0])          # RMSprop's marker at its crossing
    lrs = 2.0 ** np.arange(-3, 1)
    fig = sparse_tuning(lrs, {"SGD": np.array([3.0, 2.0, 1.0, np.inf]), "AdaGrad": np.array([4.0, 1.0, 0.5, 2.0])},
                        {"SGD": 2, "AdaGrad": 2})
    (ax,) = fig.axes
    np.testing.assert_allclose(ax.lines[0].get_xdata(), lrs[:3])           # diverged rates are left out
    np.testing.assert_allclose(ax.lines[3].get_ydata(), [0.5])             # AdaGrad's best, circled
