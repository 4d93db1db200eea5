"""The library code of the schedules chapter (book/schedules.ipynb): its noise model, its
schedules, its explorer's facts and its figures.

The explorer is also driven to its extremes by ``tests/test_explorers.py``.
"""

import numpy as np
import pytest

from optlib import SGD, Quadratic, run, theory
from optlib import schedules as S
from optlib.figures import schedules as figures
from optlib.widgets.schedules import additive_noise, book_schedules, schedule_explorer, warmup_explorer


def test_additive_noise_is_the_gradient_plus_independent_unit_gaussians():
    q = Quadratic.ill_conditioned(10.0)
    theta = np.tile(q.x0, (50000, 1))
    loss, grad = additive_noise(q, 0.5, seed=1)(theta)
    assert np.allclose(loss, q.value(q.x0))
    noise = grad - q.grad(q.x0)
    # mean within 5 standard errors of 0, covariance within 5% of 0.25 I (50,000 draws: ~1% s.e.)
    assert np.all(np.abs(noise.mean(axis=0)) < 5 * 0.5 / np.sqrt(len(noise)))
    assert np.allclose(np.cov(noise.T), 0.25 * np.eye(2), atol=0.0125)


def test_additive_noise_is_seeded_and_fresh_at_every_call():
    q = Quadratic.ill_conditioned(10.0)
    f, g = additive_noise(q, 1.0, seed=3), additive_noise(q, 1.0, seed=3)
    first = f(q.x0)[1]
    assert np.array_equal(first, g(q.x0)[1])
    assert not np.array_equal(first, f(q.x0)[1])


def test_book_schedules_names_and_shapes():
    steps = 600
    s = book_schedules(0.1, steps)
    assert set(s) == {"constant", "1/t", "StepLR", "ExponentialLR", "CosineAnnealingLR",
                      "CosineAnnealingWarmRestarts", "warm-up + cosine"}
    rates = {name: schedule.values(steps) for name, schedule in s.items()}
    assert np.all(rates["constant"] == 0.1)
    assert np.allclose(rates["1/t"], 0.1 / (1 + np.arange(steps) / 50))
    assert rates["StepLR"][149] == 0.1 and np.isclose(rates["StepLR"][150], 0.03)
    assert np.isclose(rates["ExponentialLR"][-1] * 0.01 ** (1 / steps), 0.1 * 0.01)   # eta_601 = eta / 100
    assert rates["CosineAnnealingLR"][0] == 0.1 and s["CosineAnnealingLR"](steps + 1) == 0.0
    # warm restarts: four cycles of 40, 80, 160, 320 steps fill the run, the next one starts at step 601
    restarts = np.flatnonzero(s["CosineAnnealingWarmRestarts"].values(steps + 1) == 0.1) + 1
    assert list(restarts) == [1, 41, 121, 281, 601]
    # warm-up from 0.01 * eta over steps/12 = 50 steps, then a cosine from eta over the rest
    warm = rates["warm-up + cosine"]
    assert np.isclose(warm[0], 0.001) and warm[50] == 0.1 and np.all(np.diff(warm[:51]) > 0)
    assert np.all(np.diff(warm[50:]) <= 0)


def test_the_explorer_draws_the_exact_expectation_and_the_floor():
    e = schedule_explorer(steps=120, runs=5)
    e.update(schedule="StepLR", lr=0.4)
    q = Quadratic.ill_conditioned(10.0)
    lines = {line.get_label(): line for line in e.figure.axes[1].get_lines()}
    expected = theory.scheduled_sgd_excess_loss(book_schedules(0.4, 120)["StepLR"].values(120), q.A, np.eye(2), 1, q.x0)
    assert np.allclose(lines["expected (exact)"].get_ydata(), expected)
    floor = theory.sgd_noise_floor(0.4, q.A, np.eye(2), 1)
    assert np.allclose(lines["floor of a constant base rate"].get_ydata(), floor)
    # the schedule panel shows eta_1 ... eta_steps at t = 1 ... steps
    rate_line = e.figure.axes[0].get_lines()[0]
    assert np.allclose(rate_line.get_ydata(), book_schedules(0.4, 120)["StepLR"].values(120))
    assert rate_line.get_xdata()[0] == 1


def test_the_explorer_mean_follows_the_expectation():
    # 20 runs: the mean at the last step is within 5 standard errors of the exact expectation
    e = schedule_explorer(steps=200, runs=20, seed=4)
    e.update(schedule="CosineAnnealingLR", lr=0.2)
    lines = {line.get_label(): line for line in e.figure.axes[1].get_lines()}
    q = Quadratic.ill_conditioned(10.0)
    traj = run(SGD(lr=book_schedules(0.2, 200)["CosineAnnealingLR"]), additive_noise(q, 1.0, 4),
               np.tile(q.x0, (20, 1)), 200)
    assert np.allclose(lines["mean of 20 runs"].get_ydata(), traj.loss.mean(axis=1))
    last = traj.loss[-1]
    assert abs(last.mean() - lines["expected (exact)"].get_ydata()[-1]) < 5 * last.std() / np.sqrt(20)


@pytest.mark.parametrize("draw", ["schedules_and_losses", "adam_warmup", "linear_scaling"])
def test_figures_draw_what_they_are_given(draw):
    steps = 30
    if draw == "schedules_and_losses":
        rates = {"a": S.StepLR(0.1, step_size=10).values(steps), "b": S.ExponentialLR(0.1, gamma=0.9).values(steps)}
        losses = {k: np.ones((steps + 1, 4)) for k in rates}
        fig = figures.schedules_and_losses(rates, losses, {k: np.ones(steps + 1) for k in rates}, 0.5)
        assert len(fig.axes[0].get_lines()) == 2 and np.allclose(fig.axes[0].get_lines()[0].get_ydata(), rates["a"])
    elif draw == "adam_warmup":
        fig = figures.adam_warmup(np.ones(steps), np.ones(steps), {"Adam": np.ones(steps)}, {"Adam": 2.0},
                                  np.linspace(0, 1, steps))
        assert np.allclose(fig.axes[1].get_lines()[0].get_ydata(), 0.5)
    else:
        fig = figures.linear_scaling({(0.1, 8): np.ones(steps)}, {(0.1, 8): 0.3}, {(0.1, 8): 8})
        assert fig.axes[0].get_lines()[0].get_xdata()[0] == 8
    assert fig._repr_mimebundle_()  # renders


def test_the_warmup_explorer_draws_the_schedule_and_sgds_expectation():
    w = warmup_explorer(steps=80, runs=10)
    w.update(warmup=25, beta1=0.0, lr=0.1)
    rate_line = w.figure.axes[0].get_lines()[0]
    assert np.allclose(rate_line.get_ydata(), S.LinearLR(0.1, start_factor=0.01, total_iters=25).values(80))
    lines = {line.get_label(): line for line in w.figure.axes[1].get_lines()}
    sgd = theory.scheduled_sgd_excess_loss(rate_line.get_ydata(), np.eye(2), np.eye(2), 1, np.zeros(2))
    assert np.allclose(lines["SGD (expected)"].get_ydata()[1:], sgd[1:] / sgd[-1])
    w.update(warmup=0)
    assert np.all(w.figure.axes[0].get_lines()[0].get_ydata() == 0.1)
