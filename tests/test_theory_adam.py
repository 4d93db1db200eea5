"""The Adam chapter's closed forms (optlib.theory) against optlib.Adam runs and brute force."""

import numpy as np
import pytest

from optlib import Adam, RMSprop
from optlib.theory import (adam_bias_factor, adam_burst_step, adam_mean_step, adam_sparse_step, adam_step_bound,
                           adam_step_bound_limit, adam_uncorrected_first_step, ema_variance_factor, rms_first_step)
from optlib.widgets.adam import moment_trace, noisy_gradients


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.5, 0.99), (0.0, 0.9), (0.99, 0.9999)])
def test_uncorrected_first_step_is_the_ratio_of_the_raw_moments(betas):
    opt = Adam(betas=betas)
    opt.step(np.array([0.0]), np.array([-3.0]))
    s = opt.state
    assert np.isclose(abs(s["m"][0]) / np.sqrt(s["v"][0]), adam_uncorrected_first_step(*betas))
    assert np.isclose(s["m_hat"][0], -3.0) and np.isclose(s["v_hat"][0], 9.0)


def test_uncorrected_first_step_at_the_defaults_and_for_rmsprop():
    assert np.isclose(adam_uncorrected_first_step(0.9, 0.999), 0.1 / np.sqrt(0.001))
    assert round(float(adam_uncorrected_first_step(0.9, 0.999)), 2) == 3.16
    step = 1.0 - RMSprop(lr=0.01, alpha=0.99).step(np.array([1.0]), np.array([2.0]))[0]
    assert np.isclose(step, 0.01 * adam_uncorrected_first_step(0.0, 0.99), rtol=1e-6)
    assert np.isclose(step, rms_first_step(2.0, 0.01, 0.99, 1e-8))


def test_bias_factor_is_the_weight_of_the_zero_started_average():
    # constant gradient 1: m_t is exactly the total weight 1 - beta1^t, v_t likewise
    trace = moment_trace(Adam(betas=(0.8, 0.95)), np.ones((40, 1)))
    t = np.arange(1, 41)
    assert np.allclose(trace["m"][:, 0], adam_bias_factor(0.8, t))
    assert np.allclose(trace["v"][:, 0], adam_bias_factor(0.95, t))
    assert np.allclose(trace["m_hat"], 1.0) and np.allclose(trace["v_hat"], 1.0)


def test_bias_factor_in_expectation_by_simulation():
    trace = moment_trace(Adam(), noisy_gradients(30, 2.0, 1.0, seed=0, runs=20_000))
    t = np.arange(1, 31)
    se = trace["m"].std(axis=1) / np.sqrt(20_000)
    assert np.all(np.abs(trace["m"].mean(axis=1) - 2.0 * adam_bias_factor(0.9, t)) < 4 * se)


def test_sparse_step_matches_a_lone_spike():
    T = 400
    spike_at = np.array([1, 3, 10, 50, 400])
    g = np.zeros((T, len(spike_at)))
    g[spike_at - 1, np.arange(len(spike_at))] = 5.0
    step = moment_trace(Adam(lr=1.0), g)["step"][spike_at - 1, np.arange(len(spike_at))]
    assert np.allclose(step, adam_sparse_step(0.9, 0.999, spike_at), rtol=1e-6)
    assert np.isclose(adam_sparse_step(0.9, 0.999, 1), 1.0)
    assert np.isclose(adam_sparse_step(0.9, 0.999, 10**7), adam_uncorrected_first_step(0.9, 0.999))


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.5, 0.9), (0.95, 0.99)])
def test_step_bound_is_attained_by_growing_gradients_and_never_exceeded(betas):
    b1, b2 = betas
    t = np.arange(1, 301)
    growing = moment_trace(Adam(lr=1.0, betas=betas), ((b2 / b1) ** t)[:, None])["step"][:, 0]
    bound = adam_step_bound(b1, b2, t)
    assert np.allclose(growing, bound, rtol=1e-6)
    rng = np.random.default_rng(1)
    streams = np.concatenate([rng.standard_normal((300, 200)), rng.standard_cauchy((300, 200)),
                              np.cumprod(1 + 0.1 * rng.random((300, 200)), axis=0)], axis=1)
    steps = np.abs(moment_trace(Adam(lr=1.0, betas=betas), streams)["step"])
    assert np.all(steps <= bound[:, None] * (1 + 1e-9))


def test_step_bound_limit_and_the_equal_betas_case():
    assert np.isclose(adam_step_bound(0.9, 0.999, 10**7), 0.1 / np.sqrt(0.001 * (1 - 0.81 / 0.999)))
    # r = beta1^2 / beta2 = 1: the geometric sum is t
    b1 = 0.9
    assert np.isclose(adam_step_bound(b1, b1**2, 7), adam_sparse_step(b1, b1**2, 7) * np.sqrt(7))


def test_mean_step_is_the_signal_to_noise_ratio():
    for mu, sd in ((1.0, 0.5), (0.2, 1.0)):
        st = moment_trace(Adam(lr=1.0), noisy_gradients(2000, mu, sd, seed=3, runs=200))["step"]
        assert np.isclose(st[800:].mean(), adam_mean_step(mu, sd), rtol=0.03)
    assert adam_mean_step(1.0, 0.0) == 1.0


def test_ema_variance_factor_by_brute_force_and_simulation():
    for beta, t in ((0.9, 1), (0.9, 7), (0.5, 20)):
        weights = (1 - beta) * beta ** np.arange(t)
        assert np.isclose(ema_variance_factor(beta, t), np.sum(weights**2))
    sim = moment_trace(Adam(), noisy_gradients(20, 0.0, 1.0, seed=4, runs=20_000))["m"]
    assert np.isclose(sim[-1].var(), ema_variance_factor(0.9, 20), rtol=0.05)


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.5, 0.9), (0.95, 0.99)])
def test_burst_step_is_attained_by_a_growing_burst_after_zeros(betas):
    b1, b2 = betas
    T = 200
    for k in (1, 2, 5):
        g = np.zeros((T, 1))
        g[T - k:, 0] = (b2 / b1) ** np.arange(k)                 # only the last k gradients are nonzero
        step = moment_trace(Adam(lr=1.0, betas=betas, eps=1e-30), g)["step"][-1, 0]
        assert np.isclose(step, adam_burst_step(b1, b2, T, k), rtol=1e-9)
        # a random burst of the same length never does better
        rng = np.random.default_rng(k)
        G = np.zeros((T, 500))
        G[T - k:] = rng.standard_normal((k, 500))
        assert np.abs(moment_trace(Adam(lr=1.0, betas=betas), G)["step"][-1]).max() <= step * (1 + 1e-9)
    assert np.isclose(adam_burst_step(b1, b2, 7, 1), adam_sparse_step(b1, b2, 7))
    assert np.isclose(adam_burst_step(b1, b2, 7, 7), adam_step_bound(b1, b2, 7))


def test_burst_of_two_beats_kingma_and_ba():
    limit = adam_burst_step(0.9, 0.999, 10**7, 2)
    assert np.isclose(limit, adam_uncorrected_first_step(0.9, 0.999) * np.sqrt(1 + 0.81 / 0.999))
    assert round(float(limit), 2) == 4.26


def test_step_bound_limit_and_its_special_cases():
    for betas in ((0.9, 0.999), (0.9, 0.99), (0.95, 0.99), (0.5, 0.9)):
        assert np.isclose(adam_step_bound_limit(*betas), adam_step_bound(*betas, 10**6), rtol=1e-9)
    assert [round(float(adam_step_bound_limit(*b)), 2) for b in ((0.9, 0.999), (0.9, 0.99), (0.95, 0.99))] \
        == [7.27, 2.35, 1.68]
    t = np.arange(1, 500)
    for beta in (0.5, 0.9, 0.999):                                 # beta1 = beta2: C_t = 1 exactly
        assert np.allclose(adam_step_bound(beta, beta, t), 1.0, rtol=1e-12)
        rng = np.random.default_rng(0)                              # any stream: |step| <= 1
        g = np.concatenate([rng.standard_normal((499, 100)), (1 / beta) ** t[:, None]], axis=1)
        assert np.abs(moment_trace(Adam(lr=1.0, betas=(beta, beta), eps=1e-30), g)["step"]).max() <= 1 + 1e-12
    for betas in ((0.9, 0.81), (0.95, 0.9)):                       # beta1^2 >= beta2: unbounded
        assert np.isinf(adam_step_bound_limit(*betas))
        c = adam_step_bound(*betas, np.array([10, 100, 10_000]))
        assert np.all(np.diff(c) > 0) and c[-1] > 10


def test_gaussian_rms_mean_closed_form_and_simulation():
    from optlib.theory import gaussian_rms_mean
    assert np.isclose(gaussian_rms_mean(1), np.sqrt(2 / np.pi)) and np.isclose(gaussian_rms_mean(2), np.sqrt(np.pi) / 2)
    t = np.array([50.0, 500.0])
    assert np.allclose(gaussian_rms_mean(t), 1 - 1 / (4 * t), atol=1 / t**2)
    z = np.random.default_rng(3).standard_normal((40_000, 5))
    sims = [np.sqrt(np.mean(z[:, :k] ** 2, axis=1)) for k in (1, 2, 5)]
    for k, s in zip((1, 2, 5), sims):
        assert abs(s.mean() - gaussian_rms_mean(k)) < 5 * s.std() / np.sqrt(len(s))
    # Adam on pure noise: sqrt(v_hat_t) while t << 1 / (1 - beta2)
    trace = moment_trace(Adam(), noisy_gradients(10, 0.0, 1.0, seed=5, runs=40_000))
    root = np.sqrt(trace["v_hat"])
    for k in (1, 3, 10):
        assert abs(root[k - 1].mean() - gaussian_rms_mean(k)) < 5 * root[k - 1].std() / np.sqrt(40_000) + 1e-3
