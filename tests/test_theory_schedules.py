"""The schedule formulas of :mod:`optlib.theory` against optlib runs (book/schedules.ipynb).

Each prediction is compared with what the optimizers of :mod:`optlib` do under a
schedule of :mod:`optlib.schedules`: the exact second-moment recursion of scheduled SGD
against many noisy runs, the sum of a cosine cycle against the schedule's own rates,
AdamW's decay under a schedule against a run with zero gradient, and RAdam's variance
approximation against the exact value at t = 1 and a simulation of Adam's v_hat.
"""

import numpy as np
import pytest

from optlib import SGD, Adam, AdamW, Quadratic, run, theory
from optlib import schedules as S


def noisy_gradient(q, sigma, seed):
    """(loss, gradient + sigma * N(0, I)) of the quadratic q: the additive-noise model."""
    rng = np.random.default_rng(seed)
    return lambda theta: (q.value(theta), q.grad(theta) + sigma * rng.standard_normal(theta.shape))


def test_scheduled_sgd_excess_loss_without_noise_is_gradient_descent():
    q = Quadratic.ill_conditioned(10.0, angle=0.3)
    s = S.StepLR(0.5, step_size=7, gamma=0.5)
    traj = run(SGD(lr=s), q, q.x0, 40)
    predicted = theory.scheduled_sgd_excess_loss(s.values(40), q.A, np.zeros((2, 2)), 1, q.x0 - q.x_star)
    assert np.allclose(predicted, traj.loss - q.value(q.x_star), rtol=1e-10, atol=1e-15)


def test_scheduled_sgd_excess_loss_tends_to_the_constant_rate_floor():
    H, Sigma = np.array([[1.0, 0.3], [0.3, 0.5]]), np.array([[2.0, 0.5], [0.5, 1.0]])
    for lr, B in ((0.1, 1), (0.5, 8), (1.5, 4)):
        loss = theory.scheduled_sgd_excess_loss(np.full(4000, lr), H, Sigma, B, np.array([1.0, -1.0]))
        assert loss[-1] == pytest.approx(theory.sgd_noise_floor(lr, H, Sigma, B), rel=1e-9)


def test_scheduled_sgd_excess_loss_matches_noisy_runs():
    # 4000 independent runs; the mean loss at a step has a standard error of about 2.5% of
    # itself (a chi-square-like spread), so 5 standard errors, from the sample, is the margin
    q = Quadratic.ill_conditioned(10.0)
    sigma, steps, runs = 0.7, 300, 4000
    for s in (S.CosineAnnealingLR(0.3, T_max=steps), S.ExponentialLR(0.5, gamma=0.99),
              S.SequentialLR(0.4, [S.LinearLR(0.4, start_factor=0.1, total_iters=20),
                                   S.StepLR(0.4, step_size=100, gamma=0.2)], milestones=[20])):
        loss = run(SGD(lr=s), noisy_gradient(q, sigma, 3), np.tile(q.x0, (runs, 1)), steps).loss
        predicted = theory.scheduled_sgd_excess_loss(s.values(steps), q.A, sigma**2 * np.eye(2), 1, q.x0)
        for t in (10, 100, steps):
            se = loss[t].std() / np.sqrt(runs)
            assert abs(loss[t].mean() - predicted[t]) < 5 * se


@pytest.mark.parametrize("lr, T_max, eta_min", [(1.0, 1, 0.0), (0.1, 2, 0.0), (0.3, 17, 0.01), (2.0, 1000, 0.5)])
def test_cosine_rate_sum_is_the_sum_of_the_schedule(lr, T_max, eta_min):
    rates = S.CosineAnnealingLR(lr, T_max=T_max, eta_min=eta_min).values(T_max)
    assert theory.cosine_rate_sum(lr, T_max, eta_min) == pytest.approx(rates.sum(), rel=1e-12)


def test_scheduled_decay_factor_is_adamw_with_zero_gradient():
    s = S.CosineAnnealingWarmRestarts(0.05, T_0=30, T_mult=2)
    traj = run(AdamW(lr=s, weight_decay=0.4), lambda theta: np.zeros_like(theta), np.array([3.0, -1.0]), 200)
    factor = theory.scheduled_decay_factor(s.values(200), 0.4)
    assert np.allclose(traj.params, factor[:, None] * np.array([3.0, -1.0]), rtol=1e-12)
    # with a constant rate it is the constant-rate formula
    assert np.allclose(theory.scheduled_decay_factor(np.full(50, 0.01), 0.3),
                       theory.adamw_pure_decay(1.0, 0.01, 0.3, np.arange(51)))


def test_radam_rho_matches_the_simple_average_of_the_same_centre_of_mass():
    beta2 = 0.99
    t = np.arange(1, 400)
    rho = theory.radam_rho(beta2, t)
    assert rho[0] == pytest.approx(1.0)
    # the centre of mass (age) of the EMA's weights, beta2^(t-i)(1-beta2)/(1-beta2^t) over i = 1..t,
    # equals that of a simple average of the rho_t newest values, (rho_t - 1)/2
    for k in (1, 2, 10, 100, 399):
        i = np.arange(1, k + 1)
        w = beta2 ** (k - i) * (1 - beta2) / (1 - beta2**k)
        assert np.sum(w * (k - i)) == pytest.approx((rho[k - 1] - 1) / 2, rel=1e-9, abs=1e-12)
    assert np.all(np.diff(rho) > 0) and rho[-1] < 2 / (1 - beta2) - 1


def test_trigamma_known_values():
    assert theory.adaptive._trigamma(np.array([0.5, 1.0, 2.0, 30.0])) == pytest.approx(
        [np.pi**2 / 2, np.pi**2 / 6, np.pi**2 / 6 - 1, 1 / 30 + 1 / 1800 + 1 / 162000], rel=1e-7)


def test_adam_log_rate_variance_against_adam_runs():
    # 20000 independent pure-noise gradient streams fed to optlib.Adam; the sample variance of
    # log(1/sqrt(v_hat_t)) has a relative standard error of ~1.5% at t = 1 (heavier tail) and
    # less later, and the chi-square approximation is exact at t = 1: hold it to 8%
    rng = np.random.default_rng(5)
    grads = rng.standard_normal((61, 20000, 1))  # row t is g_{t+1}; run evaluates once more after step 60
    opt = Adam(lr=1e-3)
    traj = run(opt, lambda theta: grads[opt.t], np.zeros((20000, 1)), 60, bound=np.inf, record=("v_hat",))
    measured = np.log(1 / np.sqrt(traj.state["v_hat"][..., 0])).var(axis=1)
    predicted = theory.adam_log_rate_variance(0.999, np.arange(1, 61))
    assert predicted[0] == pytest.approx(np.pi**2 / 8)
    assert np.allclose(measured, predicted, rtol=0.08)
    assert np.all(np.diff(predicted) < 0)
