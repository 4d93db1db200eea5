"""The SGD chapter's explorers and figures: divergence is labelled, predictions are shown."""

import numpy as np
import pytest

from optlib import SGD, DoubleWell, Quadratic, Saddle, make_regression, run
from optlib.theory import gd_optimal, gd_rate, least_squares_quadratic, least_squares_sgd_max_lr, saddle_escape_steps
from optlib.widgets.sgd import conditioning_explorer, minibatch_explorer, saddle_explorer


def _texts(explorer):
    return [a.get_text() for a in explorer.animated if hasattr(a, "get_text")]


def test_conditioning_explorer_labels_divergence_at_the_largest_lr():
    e = conditioning_explorer()
    lr_max = e.controls[1].values[-1]
    for kappa in e.controls[0].static:
        e.update(kappa=kappa, lr=lr_max)
        texts = _texts(e)
        assert any("GD: diverged at step" in t for t in texts)
        assert "diverged" in texts  # the loss panel's label
        e.png()


def test_conditioning_explorer_shows_predicted_and_measured_rate():
    e = conditioning_explorer()
    e.update(kappa=10.0, lr=1.0)
    rate = float(gd_rate(1.0, Quadratic.ill_conditioned(10.0).eigenvalues))
    title = next(t for t in _texts(e) if "predicted" in t)
    assert f"predicted {rate:.3f}, measured {rate:.3f}" in title
    e.update(lr=0.5)
    assert not any("diverged" in t for t in _texts(e))


def test_saddle_explorer_reports_the_predicted_escape_step():
    e = saddle_explorer()
    e.update(offset=1e-6, lr=0.1)
    predicted = saddle_escape_steps(0.1, -2.0, 1e-6)
    texts = _texts(e)
    assert any(f"at step {predicted}" in t for t in texts)
    assert any(f"predicted escape: step {predicted}" in t for t in texts)
    assert not any("diverged" in t for t in texts)  # leaving a saddle is not divergence


def test_minibatch_explorer_labels_divergence_at_the_largest_lr():
    e = minibatch_explorer()
    lr_max = e.controls[1].values[-1]
    for batch_size in e.controls[0].static:
        e.update(batch_size=batch_size, lr=lr_max)
        texts = _texts(e)
        assert any("SGD: diverged" in t for t in texts) and any("GD: diverged" in t for t in texts)
        assert "diverged" in texts
    e.update(batch_size=8, lr=0.1)
    assert not any("diverged" in t for t in _texts(e)) and any("predicted SGD floor" in t for t in _texts(e))


def test_figures_draw():
    from optlib.figures import sgd as figures

    q = Quadratic.ill_conditioned(10.0)
    lr_opt, rate_opt = gd_optimal(*q.eigenvalues)
    lrs = np.linspace(0.05, 2.4, 50)
    drawn = [figures.rate_against_lr(lrs, q.eigenvalues, [0.5, 1.0], [0.95, 0.9], lr_opt, rate_opt)]
    s = Saddle()
    trajs = [run(SGD(lr=0.1), s, np.array([-1.5, d]), 50, bound=1e300) for d in (1e-2, 1e-4)]
    norms = [np.linalg.norm(s.grad(t.params), axis=-1) for t in trajs]
    drawn.append(figures.saddle_escape(s, trajs, norms, [1e-2, 1e-4], [25, 50], [25, 50], 0.1))
    well = DoubleWell()
    starts = np.array([[1.9, 0.8], [-1.9, 0.8]])
    trajs = [run(SGD(lr=0.02), well, x, 100) for x in starts]
    drawn.append(figures.basins(well, [t.params for t in trajs], [True, False]))
    drawn.append(figures.goe_fraction([1, 2, 3], [0.5, 0.15, 0.0], [50, 15, 0], 100, 2.0 ** -np.arange(1, 4), {1: 0.5}))
    B = np.array([1, 2, 4])
    drawn.append(figures.gradient_variance(B, {"a": 1 / B, "b": 1 / B}, {"a": 1 / B, "b": 1 / B}, 4))
    drawn.append(figures.batch_size_curves({1: np.ones(10), 4: np.ones(10)}, {1: 0.1, 4: 0.01}, np.ones(10), 0.1))
    for fig in drawn:
        png = fig._repr_mimebundle_()["image/png"]
        assert png[:8] == b"\x89PNG\r\n\x1a\n"


# the data seeds with the extreme limits over 600 data seeds (0-299 and 1000k + 7, k < 300): B = 1's
# limit is 0.41 at 45007 and 0.75 at 168007, B = 64's 1.39 at 192007 (B = 8's 1.14 there) and up to 2.0
@pytest.mark.parametrize("seed", [0, 45007, 168007, 192007])
def test_minibatch_explorer_draws_a_floor_only_where_sgd_is_stable(seed):
    # the gate is SGD's own limit least_squares_sgd_max_lr(X, B) (seed 0: 0.59 at B = 1, 1.89 at B = 64),
    # not gradient descent's 2/lambda_max: at every frame the floor is drawn exactly when lr is below it.
    # The limits depend on the data, so the claim is checked at the seeds where they are most extreme
    e = minibatch_explorer(seed=seed)
    X, y = make_regression(n=256, d=1, noise=0.5, seed=seed)[:2]    # the explorer's data
    H = least_squares_quadratic(X, y)[0]
    gd_edge = 2 / np.linalg.eigvalsh(H)[-1]
    below_gd_only = 0
    for batch_size in e.controls[0].static:
        limit = least_squares_sgd_max_lr(X, batch_size)
        for lr in e.controls[1].static:
            e.update(batch_size=batch_size, lr=lr)
            drawn = any("predicted SGD floor" in t for t in _texts(e))
            assert drawn == (lr < limit) and drawn != any("no floor" in t for t in _texts(e))
            below_gd_only += limit <= lr < gd_edge      # a frame where GD's gate would have drawn one
    assert below_gd_only > 0
    # the chapter's comparison (B = 1 against B = 64 at its compare_lr, 1.4 or 1.0 where B = 64's limit
    # is below 1.47) is among the frames: B = 1's limit is below 1.0 at every one of the 600 seeds
    assert {1, 64} <= set(e.controls[0].static) and {1.0, 1.4} <= set(e.controls[1].static)
    assert least_squares_sgd_max_lr(X, 1) < 1.0
