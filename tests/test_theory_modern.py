"""The formulas of optlib.theory.modern (book/modern.ipynb) against simulations and their defining properties.

RAdam's rectification against the variance of the adaptive rate it is built from, Adafactor's
rank-one estimate against its optimality and its sums, the size of Adam's step against optlib's
Adam, Muon's direction against random competitors, and the quintic against a Newton–Schulz step
on matrices.
"""

import numpy as np
import pytest

from optlib import Adam, run, theory


def test_radam_rectification_is_the_ratio_of_the_approximate_standard_deviations():
    t = np.arange(1, 20001)
    r = theory.radam_rectification(0.999, t)
    rho, rho_inf = theory.radam_rho(0.999, t), 2 / (1 - 0.999) - 1
    on = rho > 5
    assert list(t[~on]) == [1, 2, 3, 4, 5]            # torch adapts from step 6 on at beta2 = 0.999
    assert np.all(np.isnan(r[~on]))
    ratio = np.sqrt(theory.radam_rate_variance_approx(rho_inf) / theory.radam_rate_variance_approx(rho[on]))
    assert np.allclose(r[on], ratio, rtol=1e-12)
    assert np.all(np.diff(r[on]) > 0) and 0.999 < r[-1] < 1     # rises monotonically towards 1


def test_radam_rate_variance_exact_against_monte_carlo_and_approximation():
    rng = np.random.default_rng(0)
    for rho in (6.0, 10.0, 50.0):
        chi2 = rng.chisquare(rho, size=400_000)
        sample = np.sqrt(rho / chi2).var()
        # the sample variance of 400,000 draws: within 3% (heavier tails at small rho)
        assert sample == pytest.approx(float(theory.radam_rate_variance(rho)), rel=0.03)
    # the first-order approximation tends to the exact variance (both ~ 1/(2 rho))
    big = np.array([100.0, 1000.0, 1999.0])
    assert np.allclose(theory.radam_rate_variance_approx(big) / theory.radam_rate_variance(big), 1, atol=0.05)
    assert theory.radam_rate_variance_approx(6.0) > 2 * theory.radam_rate_variance(6.0)   # poor early


def test_adafactor_estimate_keeps_the_sums_and_is_exact_for_rank_one():
    rng = np.random.default_rng(1)
    V = rng.exponential(size=(5, 7))
    W = theory.adafactor_estimate(V)
    R, C = theory.adafactor_factors(V)
    assert np.allclose(W.sum(axis=1), R) and np.allclose(W.sum(axis=0), C)
    assert np.linalg.matrix_rank(W) == 1
    outer = np.outer(rng.random(5) + 0.1, rng.random(7) + 0.1)
    assert np.allclose(theory.adafactor_estimate(outer), outer, rtol=1e-12)
    # a batch of matrices (leading axes) is factored one by one
    Vs = rng.exponential(size=(3, 5, 7))
    assert np.allclose(theory.adafactor_estimate(Vs)[1], theory.adafactor_estimate(Vs[1]))


def test_adafactor_estimate_minimises_the_i_divergence_over_rank_one_matrices():
    rng = np.random.default_rng(2)
    V = rng.exponential(size=(6, 4))
    best = theory.i_divergence(V, theory.adafactor_estimate(V))
    R, C = theory.adafactor_factors(V)
    for _ in range(200):  # perturbed rank-one matrices, including rescalings of r and c
        r = R * np.exp(0.3 * rng.standard_normal(6))
        c = C * np.exp(0.3 * rng.standard_normal(4)) / R.sum()
        assert theory.i_divergence(V, np.outer(r, c)) > best
    # the Frobenius-optimal rank-one matrix (leading SVD term) is not the I-optimal one
    U, s, Vt = np.linalg.svd(V)
    assert theory.i_divergence(V, s[0] * np.outer(U[:, 0], Vt[0])) > best


def test_adam_update_rms_against_optlib_adam_on_stationary_noise():
    rng = np.random.default_rng(3)
    for snr in (0.0, 0.5, 2.0):
        g = snr + rng.standard_normal((1001, 4000, 1))
        adam = Adam(lr=1.0, eps=1e-12)
        traj = run(adam, lambda theta: g[adam.t], np.zeros((4000, 1)), 1000, bound=np.inf, record=("m_hat", "v_hat"))
        m_hat, v_hat = traj.state["m_hat"][-1, :, 0], traj.state["v_hat"][-1, :, 0]
        # E[m^2] / E[v] over 4000 streams at step 1000 (corrected moments are unbiased): within 5%
        assert np.sqrt(np.mean(m_hat**2) / np.mean(v_hat)) == pytest.approx(float(theory.adam_update_rms(snr)), rel=0.05)
    assert np.all(theory.adam_update_rms(np.linspace(0, 10, 50)) < 1)


def test_polar_factor_is_steepest_descent_under_the_spectral_norm():
    rng = np.random.default_rng(4)
    G = rng.standard_normal((6, 4))
    O = theory.polar_factor(G)
    nuclear = np.linalg.svd(G, compute_uv=False).sum()
    assert np.isclose(np.sum(G * O), nuclear) and np.isclose(np.linalg.norm(O, 2), 1)
    assert np.allclose(O.T @ O, np.eye(4))
    for _ in range(500):  # no direction of spectral norm 1 does better
        D = rng.standard_normal((6, 4))
        assert np.sum(G * D / np.linalg.norm(D, 2)) < nuclear


def test_quintic_is_a_newton_schulz_step_on_the_singular_values():
    rng = np.random.default_rng(5)
    a, b, c = 3.4445, -4.7750, 2.0315
    X = rng.standard_normal((8, 5))
    X /= np.linalg.norm(X)
    s0 = np.linalg.svd(X, compute_uv=False)
    for _ in range(5):
        A = X @ X.T
        X = a * X + (b * A + c * A @ A) @ X
    assert np.allclose(np.linalg.svd(X, compute_uv=False), np.sort(theory.quintic(s0, steps=5))[::-1], rtol=1e-10)


def test_newton_schulz_interval_contains_every_iterate_and_shrinks_to_the_attractor():
    s = np.linspace(1e-3, 1, 100_001)
    for steps in (1, 3, 5, 8):
        lo, hi = theory.newton_schulz_interval(steps=steps, s_min=1e-3)
        out = theory.quintic(s, steps=steps)
        assert lo <= out.min() + 1e-12 and out.max() <= hi + 1e-12
        assert out.min() < lo + 1e-5 and out.max() > hi - 1e-5       # and it is the image, not a bound
    lo, hi = theory.newton_schulz_attractor()
    assert theory.newton_schulz_interval(steps=30, s_min=1e-3) == pytest.approx((lo, hi), abs=1e-12)
    assert 0.6 < lo < 0.7 and 1.1 < hi < 1.2 and lo < 1 < hi      # around 1, not at 1
    inside = theory.quintic(np.linspace(lo, hi, 1001))
    assert inside.min() >= lo - 1e-12 and inside.max() <= hi + 1e-12   # invariant


def test_newton_schulz_threshold_separates_the_singular_values_five_steps_bring_into_the_attractor():
    lo, hi = theory.newton_schulz_attractor()
    threshold = theory.newton_schulz_threshold()
    assert 0.0051 < threshold < 0.0053
    above = theory.quintic(np.geomspace(threshold * (1 + 1e-9), 1, 100_001), steps=5)
    assert lo - 1e-9 <= above.min() and above.max() <= hi + 1e-9           # all of [threshold, 1] lands inside
    assert theory.quintic(0.0041, steps=5) > 1.2                             # the referee's overshoot below it
    below = theory.quintic(np.geomspace(threshold * 0.999, threshold * 0.9, 101), steps=5)
    assert np.any((below < lo - 1e-6) | (below > hi + 1e-6))                 # and just below, not all of it
    assert theory.newton_schulz_threshold(steps=6) < threshold < theory.newton_schulz_threshold(steps=4)
