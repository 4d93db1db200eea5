"""The playground chapter's explorers, helpers and figures (book/playground.ipynb)."""

import numpy as np
import pytest

from optlib import SGD, Adam, AdamW, RMSprop, Saddle, run
from optlib.figures import playground as figures
from optlib.runner import chaotic
from optlib.schedules import CosineAnnealingLR
from optlib.theory import saddle_escape_steps
from optlib.widgets.playground import (BOUND, NAMES, RACE_LR, STEPS, SURFACES, contender, playground_explorer,
                                       race, race_explorer, scheduled, start_point, until)


def status_texts(explorer):
    """The texts of the explorer's animated text artists (divergence labels, notes)."""
    texts = [a.get_text() for a in explorer.animated if hasattr(a, "get_text")]
    legends = [a for a in explorer.animated if hasattr(a, "get_texts")]
    return texts + [t.get_text() for legend in legends for t in legend.get_texts()]


def test_contenders_are_the_book_optimizers_with_their_defaults():
    kinds = {"SGD": SGD, "Momentum": SGD, "RMSprop": RMSprop, "Adam": Adam, "AdamW": AdamW}
    for name in NAMES:
        opt = contender(name, 0.01)
        assert type(opt) is kinds[name] and opt.hyperparameters["lr"] == 0.01
    assert contender("SGD", 0.1).hyperparameters["momentum"] == 0
    assert contender("Momentum", 0.1).hyperparameters["momentum"] == 0.9
    assert contender("AdamW", 0.1).hyperparameters["weight_decay"] == 1e-2
    assert contender("Adam", 0.1).hyperparameters["betas"] == (0.9, 0.999)


def test_a_learning_rate_column_makes_one_run_per_rate():
    lrs = np.geomspace(1e-5, 10, 40)[:, None]
    q = SURFACES["quadratic κ=50"]
    traj = run(contender("SGD", lrs), q, q.x0, 50, bound=BOUND)
    assert traj.params.shape == (51, 40, 2) and traj.diverged.shape == (40,)
    one = run(contender("SGD", float(lrs[20, 0])), q, q.x0, 50, bound=BOUND)
    assert np.allclose(one.params, traj.params[:, 20], rtol=1e-12, atol=1e-14)


def test_start_points_lie_in_the_window():
    for surface, objective in SURFACES.items():
        assert np.array_equal(start_point(surface), objective.x0)
        for start in ("upper left", "lower right"):
            x, y = start_point(surface, start)
            assert objective.xlim[0] < x < objective.xlim[1] and objective.ylim[0] < y < objective.ylim[1]
    lo, hi = SURFACES["Beale"].xlim
    assert start_point("Beale", "upper left")[0] == pytest.approx(lo + 0.15 * (hi - lo))


def test_race_is_cached_and_takes_overrides():
    assert race("Beale")["Adam"] is race("Beale")["Adam"]
    faster = race("Beale", {"Adam": 0.2})
    assert faster["SGD"] is race("Beale")["SGD"] and faster["Adam"] is not race("Beale")["Adam"]
    assert all(traj.steps == STEPS for traj in faster.values())


def test_until_cuts_the_run_and_its_divergence():
    traj = race("saddle")["SGD"]  # leaves the box |θ| <= 100: the saddle has no bottom
    k = int(traj.diverged_at)
    assert 0 < k < STEPS
    before, after = until(traj, k - 1), until(traj, k)
    assert before.steps == k - 1 and not before.diverged
    assert after.steps == k and after.diverged and after.diverged_at == k


def test_sgd_escapes_the_saddle_as_predicted():
    traj = race("saddle")["SGD"]
    y0, lr = SURFACES["saddle"].x0[1], RACE_LR["saddle"]["SGD"]
    first = int(np.flatnonzero(np.abs(traj.params[:, 1]) >= 1)[0])
    assert first == saddle_escape_steps(lr, -2.0, y0)


def test_race_explorer_has_forty_frames_and_scrubs_time():
    explorer = race_explorer()
    sizes = [len(c.static) for c in explorer.controls]
    assert [c.name for c in explorer.controls] == ["surface", "step"]
    assert sizes == [len(SURFACES), 8]  # the frame budget is checked for every explorer in test_explorers
    explorer.update(surface="Rosenbrock", step=0)
    heads = [a for a in explorer.animated if getattr(a, "get_marker", lambda: None)() == "o"
             and len(a.get_xdata()) == 1]
    assert heads and all(np.allclose([h.get_xdata()[0], h.get_ydata()[0]], SURFACES["Rosenbrock"].x0)
                         for h in heads)


def test_race_explorer_labels_divergence_only_after_it_happened():
    explorer = race_explorer()
    k = int(race("saddle")["SGD"].diverged_at)
    explorer.update(surface="saddle", step=max(t for t in explorer.controls[1].values if t < k))
    assert not any("SGD: diverged" in text for text in status_texts(explorer))
    explorer.update(step=STEPS)
    assert any(f"SGD: diverged at step {k}" in text for text in status_texts(explorer))


def test_playground_explorer_labels_a_divergent_learning_rate():
    explorer = playground_explorer()
    sizes = [len(c.static) for c in explorer.controls]
    assert np.prod(sizes) == 40  # 5 surfaces x 2 schedules x 2 SGD rates x 2 Adam rates
    explorer.update(surface="Rosenbrock")
    assert not any("diverged" in text for text in status_texts(explorer))
    explorer.update(SGD=10.0)  # ten times the race rate
    assert [text for text in status_texts(explorer) if "diverged" in text] == [
        text for text in status_texts(explorer) if text.startswith("SGD: diverged at step")]  # SGD's note alone
    explorer.update(SGD=1.0, Adam=10.0)  # Adam at ten times its rate does not diverge
    assert not any("diverged" in text for text in status_texts(explorer))
    rates = [text for text in status_texts(explorer) if text.startswith("η=")]  # one under each legend name
    assert len(rates) == 5 and f"η={10 * RACE_LR['Rosenbrock']['Adam']:.3g}" in rates


def test_playground_explorer_start_control_moves_the_start():
    explorer = playground_explorer()
    explorer.update(surface="Himmelblau", start="upper right")
    traj = race("Himmelblau", start="upper right")["SGD"]
    assert np.array_equal(traj.params[0], start_point("Himmelblau", "upper right"))


def test_lr_sensitivity_marks_diverged_runs_above_the_curves():
    lrs = np.geomspace(1e-3, 10, 9)
    diverged = lrs > 1
    gaps = {"SGD": np.where(diverged, np.nan, lrs)}
    fig = figures.lr_sensitivity(lrs, [gaps, gaps], [{"SGD": diverged}] * 2, ["a", "b"])
    ax = fig.axes[0]
    curve, crosses = ax.get_lines()[:2]
    assert len(curve.get_xdata()) == (~diverged).sum() and len(crosses.get_xdata()) == diverged.sum()
    assert np.all(crosses.get_ydata() > 1e4) and ax.get_ylim()[1] > crosses.get_ydata().max()


def test_training_figures_draw_mean_and_band():
    steps = np.arange(5)
    curves = {name: np.vstack([np.linspace(1, 0.1, 5), np.linspace(2, 0.2, 5)]) for name in NAMES}
    fig = figures.training_curves(steps, curves, {k: v / 20 for k, v in curves.items()},
                                  {name: 0.1 for name in NAMES})
    ax_loss = fig.axes[0]
    assert np.allclose(ax_loss.get_lines()[0].get_ydata(), curves["SGD"].mean(axis=0))
    assert len(ax_loss.collections) == len(NAMES)
    val = {name: np.vstack([np.linspace(1, 0.1, 5)] * 3).T for name in NAMES}
    fig = figures.validation_sweep(np.geomspace(1e-3, 1, 5), val, {name: 1e-3 for name in NAMES})
    assert len(fig.axes[0].collections) == len(NAMES)


def test_validation_sweep_circles_the_rates_kept_out_of_the_choice():
    lrs = np.geomspace(1e-3, 1, 5)
    val = {"SGD": np.vstack([np.linspace(1, 0.1, 5)] * 3).T}
    unstable = {"SGD": np.array([False, False, False, True, True])}
    fig = figures.validation_sweep(lrs, val, {"SGD": 1e-3}, unstable)
    circles = [line for line in fig.axes[0].get_lines() if line.get_marker() == "o"]
    assert len(circles) == 1 and np.allclose(circles[0].get_xdata(), lrs[3:])
    assert circles[0].get_markerfacecolor() == "none"


def nudged_race(surface, name, direction=(1.0, 0.0)):
    """The race's final loss gap from the start and from two nudges of it, 1e-9 and 1e-12 along ``direction``."""
    f = SURFACES[surface]
    starts = f.x0 + np.array([0.0, 1e-9, 1e-12])[:, None] * np.asarray(direction)
    gap = run(contender(name, RACE_LR[surface][name]), f, starts, STEPS, bound=BOUND).loss[-1] - f.minimum_value
    return gap[0], gap[1], gap[2]


@pytest.mark.parametrize("direction", [(1.0, 0.0), (0.0, 1.0), (-1.0, 1.0)])
def test_chaotic_tells_linear_response_from_saturation(direction):
    # SGD on the quadratic is linear: the change shrinks 1000 times with the nudge, however
    # much it is amplified; RMSprop's rattling run on it saturates (shrinks at most ~8 times)
    assert not chaotic(*nudged_race("quadratic κ=50", "SGD", direction))
    assert chaotic(*nudged_race("quadratic κ=50", "RMSprop", direction))
    assert chaotic(*nudged_race("Rosenbrock", "RMSprop", direction))
    assert not chaotic(*nudged_race("Rosenbrock", "Adam", direction))


def test_chaotic_judges_the_shrink_factor_and_divergence():
    outcome = np.ones(6)
    far = 1 + np.array([1e-6, 1e-6, 1e-6, 0.3, np.nan, np.inf])
    near = 1 + np.array([1e-9, 1e-7, 1e-6, 0.2, 1e-9, np.nan])
    assert chaotic(outcome, far, near).tolist() == [False, True, True, True, True, True]  # 1000, 10, 1 times
    assert chaotic(outcome, far, near, min_shrink=5).tolist() == [False, False, True, True, True, True]
    assert not chaotic(1.0, 1.0 + 1e-15, 1.0 + 1e-15, atol=1e-12)  # rounding floor: no chaos
    assert chaotic(1.0, 1.0 + 1e-15, 1.0 + 1e-15)
    assert not chaotic(np.nan, np.inf, np.nan)  # diverged every time: divergence, not chaos
    assert chaotic(1.0, 2.0, 1.5).__class__ is bool


@pytest.mark.parametrize("kwargs", [{"min_shrink": 0.5}, {"min_shrink": np.nan}, {"atol": -1.0}])
def test_chaotic_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        chaotic(1.0, 1.0, 1.0, **kwargs)


def test_race_with_a_cosine_decay():
    f, lr = SURFACES["Beale"], RACE_LR["Beale"]["Adam"]
    decayed = race("Beale", schedule="cosine")["Adam"]
    direct = run(Adam(lr=CosineAnnealingLR(lr, T_max=STEPS)), f, f.x0, STEPS, bound=BOUND)
    assert np.array_equal(decayed.params, direct.params)
    assert not np.array_equal(decayed.params, race("Beale")["Adam"].params)
    assert scheduled(0.1, "constant", 10) == 0.1 and scheduled(0.1, "cosine", 10)(11) == 0.0
    with pytest.raises(ValueError, match="schedule"):
        scheduled(0.1, "linear", 10)
    explorer = playground_explorer()
    explorer.update(surface="Beale", schedule="cosine")
    assert [c.name for c in explorer.controls][:3] == ["surface", "start", "schedule"]
