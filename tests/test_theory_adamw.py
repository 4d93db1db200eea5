"""The AdamW chapter's formulas (optlib.theory) against optlib's optimizers."""

import numpy as np
import pytest

from optlib import SGD, Adam, AdamW, run
from optlib.theory import (adam_l2_effective_decay, adam_l2_pure_decay_first_step, adam_l2_terms,
                           adamw_pure_decay, sgd_weight_decay_step, weight_decay_half_life)

RNG = np.random.default_rng(0)
THETA0 = np.array([1.5, -0.7, 0.02, 3.0])
SCALES = np.array([10.0, 1.0, 0.1, 0.01])  # very different gradient scales per parameter


def noisy_grad(seed=0):
    rng = np.random.default_rng(seed)
    return lambda theta: SCALES * (theta + rng.standard_normal(theta.shape))


@pytest.mark.parametrize("t_before", [0, 1, 7, 300])
@pytest.mark.parametrize("weight_decay", [0.0, 1e-2, 0.5])
def test_three_terms_add_up_to_the_adam_l2_step(t_before, weight_decay):
    opt, grad, theta = Adam(lr=0.05, weight_decay=weight_decay), noisy_grad(1), THETA0.copy()
    for _ in range(t_before):
        theta = opt.step(theta, grad(theta))
    state = opt.state
    m, v = (state["m"], state["v"]) if t_before else (np.zeros(4), np.zeros(4))
    g = grad(theta)
    terms = adam_l2_terms(m, v, theta, g, t_before + 1, 0.05, weight_decay=weight_decay)
    np.testing.assert_allclose(sum(terms), theta - opt.step(theta, g), rtol=1e-12, atol=1e-15)
    if weight_decay == 0:
        assert np.all(terms[2] == 0)


def test_uncorrected_terms_are_the_seed_form_and_the_limit_of_the_corrected_ones():
    m, v, theta, g = RNG.standard_normal(4), RNG.random(4), THETA0, RNG.standard_normal(4)
    lr, (b1, b2), eps, lam = 0.1, (0.9, 0.999), 1e-8, 0.3
    terms = adam_l2_terms(m, v, theta, g, 5, lr, (b1, b2), eps, lam, bias_correction=False)
    m_t = b1 * m + (1 - b1) * (g + lam * theta)
    v_t = b2 * v + (1 - b2) * (g + lam * theta) ** 2
    np.testing.assert_allclose(sum(terms), lr * m_t / (np.sqrt(v_t) + eps), rtol=1e-12)
    late = adam_l2_terms(m, v, theta, g, 10**6, lr, (b1, b2), eps, lam)
    np.testing.assert_allclose(late, terms, rtol=1e-12)
    early = adam_l2_terms(m, v, theta, g, 5, lr, (b1, b2), eps, lam)
    assert not np.allclose(early, terms)


def test_decay_term_is_weaker_for_large_gradients():
    theta = np.ones(4)
    terms = adam_l2_terms(np.zeros(4), SCALES ** 2, theta, SCALES, 2, 0.1, weight_decay=0.1)
    assert np.all(np.diff(terms[2]) > 0)  # scales decrease along the vector, decay grows


def test_sgd_l2_is_weight_decay_with_decay_lr_times_lambda():
    lr, lam = 0.1, 0.3
    opt, grad, theta = SGD(lr=lr, weight_decay=lam), noisy_grad(3), THETA0
    for _ in range(20):  # step by step, on the same gradients
        g = grad(theta)
        new = opt.step(theta, g)
        np.testing.assert_allclose(new, sgd_weight_decay_step(theta, g, lr, lr * lam), rtol=1e-13)
        theta = new
    g = grad(theta)
    assert not np.allclose(opt.step(theta, g), sgd_weight_decay_step(theta, g, lr, lam))


def test_adamw_pure_decay_is_geometric():
    lr, lam = 0.01, np.array([0.1, 1.0, 5.0])
    traj = run(AdamW(lr=lr, weight_decay=lam[:, None]), lambda th: np.zeros_like(th), np.ones(2), 300)
    expected = adamw_pure_decay(1.0, lr, lam[:, None], np.arange(301)[:, None, None])
    np.testing.assert_allclose(traj.params, np.broadcast_to(expected, traj.params.shape), rtol=1e-12)


def test_adam_l2_pure_decay_does_not_depend_on_lambda():
    lams = np.array([1e-2, 1.0, 100.0])
    traj = run(Adam(lr=0.01, weight_decay=lams[:, None]), lambda th: np.zeros_like(th),
               np.array([1.0, -2.0]), 500)
    np.testing.assert_allclose(traj.params, np.broadcast_to(traj.params[:, -1:], traj.params.shape),
                               rtol=1e-5, atol=1e-5)
    first = theta0 = np.array([1.0, -2.0])
    step = np.abs(traj.params[1] - theta0)
    np.testing.assert_allclose(step, adam_l2_pure_decay_first_step(0.01, lams[:, None], first), rtol=1e-12)
    np.testing.assert_allclose(step, 0.01, rtol=1e-5)


def test_effective_decay():
    np.testing.assert_allclose(adam_l2_effective_decay(0.1, np.array([100.0, 1.0, 1e-4]), eps=0.0),
                               [0.01, 0.1, 10.0])


def test_half_life():
    n = weight_decay_half_life(1e-3, 1e-2)
    assert (1 - 1e-5) ** n <= 0.5 < (1 - 1e-5) ** (n - 1)
    assert weight_decay_half_life(0.5, 1.0) == 1
    n = weight_decay_half_life(np.array([1e-3, 1e-3]), np.array([1e-2, 1e-4]))
    np.testing.assert_allclose(n, np.log(2) / np.array([1e-5, 1e-7]), rtol=1e-4)
    traj = run(AdamW(lr=0.1, weight_decay=0.5), lambda th: np.zeros_like(th), np.ones(1), 20)
    n = weight_decay_half_life(0.1, 0.5)
    assert traj.params[n, 0] <= 0.5 < traj.params[n - 1, 0]


def test_adamw_is_l2_rescaled_by_sqrt_v_hat_for_the_current_preconditioner():
    # L&H Proposition 3: AdamW's step = η (m̂ + λ(√v̂ + ε)θ) / (√v̂ + ε), the preconditioned step on
    # L + ½ Σ λ(√v̂_i + ε) θ_i², with v̂ the one of that step
    from optlib.theory import adamw_equivalent_l2
    lr, lam = 0.05, 0.3
    opt, grad, theta = AdamW(lr=lr, weight_decay=lam), noisy_grad(5), THETA0.copy()
    for _ in range(40):
        new = opt.step(theta, grad(theta))
        state = opt.state
        denom = np.sqrt(state["v_hat"]) + 1e-8
        coefficient = adamw_equivalent_l2(lam, state["v_hat"])
        np.testing.assert_allclose(theta - new, lr * (state["m_hat"] + coefficient * theta) / denom,
                                   rtol=1e-10, atol=1e-15)
        theta = new
    # the larger a parameter's gradients, the larger its L2 coefficient (SCALES decrease)
    assert np.all(np.diff(adamw_equivalent_l2(lam, state["v_hat"])) < 0)
