"""The RMSprop chapter's closed forms (optlib.theory) against optlib's RMSprop and brute force."""

import numpy as np
import pytest

from optlib import Quadratic, RMSprop, run
from optlib.theory import (diagonal_scaling_condition_number, rms_effective_lr, rms_first_step, rms_momentum_steady_step,
                           rms_sign_cycle_radius, rms_steady_step, rms_step_bound, rms_step_eps_inside,
                           rms_steps_to_settle)

SCALES = np.logspace(-9, 9, 19)


def constant_gradient(g):
    return lambda theta: np.asarray(g)[:, None] * np.ones_like(theta)


@pytest.mark.parametrize("alpha", [0.0, 0.5, 0.9, 0.99, 0.999])
@pytest.mark.parametrize("eps", [1e-8, 1e-3])
def test_steady_step_matches_optlib_every_step(alpha, eps):
    g = np.concatenate([SCALES, -SCALES])
    traj = run(RMSprop(lr=0.01, alpha=alpha, eps=eps), constant_gradient(g), np.zeros((len(g), 1)), 300,
               bound=np.inf)
    steps = -np.diff(traj.params[..., 0], axis=0)
    t = np.arange(1, 301)[:, None]
    np.testing.assert_allclose(steps, rms_steady_step(g, t, 0.01, alpha, eps), rtol=1e-12, atol=0)


def test_first_step_matches_optlib_exactly():
    rng = np.random.default_rng(0)
    g = rng.standard_normal(500) * 10.0 ** rng.uniform(-12, 12, 500)
    for alpha in (0.9, 0.99, 0.999):
        step = -RMSprop(lr=0.03, alpha=alpha).step(np.zeros_like(g), g)
        np.testing.assert_allclose(step, rms_first_step(g, 0.03, alpha, 1e-8), rtol=1e-14, atol=0)
        np.testing.assert_allclose(rms_first_step(g, 0.03, alpha, 1e-8), rms_steady_step(g, 1, 0.03, alpha, 1e-8),
                                   rtol=1e-15)
    big = np.abs(g) > 1e-3
    np.testing.assert_allclose(rms_first_step(g[big], 0.01, 0.99, 1e-8), 0.1 * np.sign(g[big]), rtol=1e-3)


def test_effective_lr_is_the_ratio_of_step_to_gradient():
    rng = np.random.default_rng(1)
    opt = RMSprop(lr=0.02, alpha=0.9, eps=1e-6)
    for _ in range(20):  # RMSprop's step does not depend on theta: take it at 0, free of cancellation
        g = rng.standard_normal(50) * 10.0 ** rng.uniform(-5, 5, 50)
        step = -opt.step(np.zeros(50), g)
        np.testing.assert_allclose(step, rms_effective_lr(opt.state["v"], 0.02, 1e-6) * g, rtol=1e-12)


@pytest.mark.parametrize("alpha", [0.9, 0.99, 0.999])
@pytest.mark.parametrize("factor", [1.01, 1.1, 2.0])
def test_steps_to_settle_is_the_first_step_within_factor(alpha, factor):
    t = rms_steps_to_settle(alpha, factor)
    ratio = rms_steady_step(1.0, np.arange(1, 10 * t + 10), 1.0, alpha, 0.0)
    assert np.flatnonzero(ratio <= factor)[0] + 1 == t
    traj = run(RMSprop(lr=0.01, alpha=alpha), lambda x: np.ones_like(x), np.zeros(1), t + 1)
    measured = -np.diff(traj.params[:, 0]) / 0.01
    assert measured[t - 2] > factor >= measured[t - 1]


def test_step_bound_holds_and_is_nearly_reached():
    rng = np.random.default_rng(2)
    for alpha in (0.5, 0.9, 0.99):
        grad = lambda theta: rng.standard_normal(theta.shape) * 10.0 ** rng.uniform(-10, 10, theta.shape)
        traj = run(RMSprop(lr=0.01, alpha=alpha), grad, np.zeros((100, 2)), 200, bound=np.inf)
        jumps = np.abs(np.diff(traj.params, axis=0))
        bound = rms_step_bound(0.01, alpha)
        assert jumps.max() <= bound * (1 + 1e-12) and jumps.max() > 0.9 * bound  # up to rounding


def test_eps_inside_formula():
    g, v = np.logspace(-12, 2, 50), np.logspace(-20, 4, 50)
    np.testing.assert_allclose(rms_step_eps_inside(g, v, 0.1, 1e-8), 0.1 * g / np.sqrt(v + 1e-8), rtol=1e-15)
    # equal to optlib's (outside) step where v >> eps, and inside-with-eps^2 within sqrt(2) of outside-with-eps
    opt = RMSprop(lr=0.1, alpha=0.9, eps=1e-8)
    gg = np.logspace(-12, 2, 200)
    traj = run(opt, constant_gradient(gg), np.zeros((200, 1)), 400)
    outside = (traj.params[-2] - traj.params[-1])[:, 0]
    v_t = opt.state["v"][:, 0]
    large = v_t > 1e-2
    np.testing.assert_allclose(rms_step_eps_inside(gg, v_t, 0.1, 1e-8)[large], outside[large], rtol=1e-5)
    factor = rms_step_eps_inside(gg, v_t, 0.1, 1e-16) / outside
    assert np.all(factor >= 1 - 1e-12) and np.all(factor <= np.sqrt(2) + 1e-12)


@pytest.mark.parametrize("kappa", [2.0, 10.0, 100.0, 1000.0])
def test_diagonal_scaling_condition_number_against_brute_force(kappa):
    ratios = np.geomspace(1e-4, 1e4, 20001)
    for angle in np.linspace(0, np.pi / 2, 7):
        A = Quadratic.ill_conditioned(kappa, angle).A
        s = np.sqrt(np.stack([ratios, np.ones_like(ratios)], -1))      # D^{1/2} = diag(sqrt(d), 1)
        M = A[None] * s[:, :, None] * s[:, None, :]
        lam = np.linalg.eigvalsh(M)
        brute = (lam[:, 1] / lam[:, 0]).min()
        formula = diagonal_scaling_condition_number(A)
        assert formula <= brute * (1 + 1e-9) and brute <= formula * (1 + 1e-3)
    assert np.isclose(diagonal_scaling_condition_number(Quadratic.ill_conditioned(kappa, 0.0).A), 1.0)
    assert np.isclose(diagonal_scaling_condition_number(Quadratic.ill_conditioned(kappa, np.pi / 4).A), kappa)


@pytest.mark.parametrize("angle", [0.0, np.pi / 8, np.pi / 4])
@pytest.mark.parametrize("lr", [0.003, 0.01, 0.03])
def test_rmsprop_settles_on_the_sign_cycle(angle, lr):
    q = Quadratic.ill_conditioned(100.0, angle)
    traj = run(RMSprop(lr=lr), q, q.x0, 4000)
    distance = np.linalg.norm(traj.params[-500:] - q.x_star, axis=-1)
    np.testing.assert_allclose(distance, rms_sign_cycle_radius(lr), rtol=0.05)


@pytest.mark.parametrize("alpha, momentum", [(0.999, 0.9), (0.99, 0.5), (0.9, 0.0)])
def test_momentum_steady_step_matches_optlib(alpha, momentum):
    t = np.arange(1, 401)
    traj = run(RMSprop(lr=0.01, alpha=alpha, momentum=momentum), lambda x: np.ones_like(x), np.zeros(1), 400)
    steps = -np.diff(traj.params[:, 0])
    np.testing.assert_allclose(steps, rms_momentum_steady_step(t, 0.01, alpha, momentum), rtol=1e-6)
    assert np.isclose(rms_momentum_steady_step(1, 0.01, alpha, momentum), rms_first_step(1.0, 0.01, alpha, 0.0))
    # the limit eta / (1 - mu)
    assert np.isclose(rms_momentum_steady_step(20_000, 0.01, alpha, momentum), 0.01 / (1 - momentum), rtol=1e-3)


# ---------------------------------------------------------------------------
# AdaGrad, the chapter's first section, and RMSprop after a change of gradient scale

@pytest.mark.parametrize("s0", [0.0, 0.1, 1e4])
@pytest.mark.parametrize("eps", [1e-10, 1e-3])
def test_adagrad_steady_step_matches_optlib_every_step(s0, eps):
    from optlib import Adagrad
    from optlib.theory import adagrad_steady_step
    g = np.concatenate([SCALES, -SCALES])
    traj = run(Adagrad(lr=0.1, eps=eps, initial_accumulator_value=s0), constant_gradient(g),
               np.zeros((len(g), 1)), 400, bound=np.inf)
    steps = -np.diff(traj.params[..., 0], axis=0)
    t = np.arange(1, 401)[:, None]
    np.testing.assert_allclose(steps, adagrad_steady_step(g, t, 0.1, eps, s0), rtol=1e-12, atol=0)


def test_adagrad_step_is_lr_over_sqrt_t():
    from optlib.theory import adagrad_steady_step
    t = np.arange(1, 10001)
    for g in (1e-3, 1.0, -1e3):
        np.testing.assert_allclose(adagrad_steady_step(g, t, 0.5), 0.5 * np.sign(g) / np.sqrt(t), rtol=1e-6)
    # it only falls, even from a large s0
    assert np.all(np.diff(adagrad_steady_step(1.0, t, 0.5, s0=100.0)) < 0)


@pytest.mark.parametrize("alpha", [0.9, 0.99])
def test_rms_step_after_change_matches_optlib(alpha):
    from optlib.theory import rms_step_after_change
    big, small, switch = 1.0, 1e-3, 50
    opt, steps, v0 = RMSprop(lr=0.01, alpha=alpha), [], None
    for t in range(1, switch + 600):   # the state does not depend on theta: step from 0 each time, no cancellation
        g = big if t <= switch else small
        steps.append(-opt.step(np.zeros(1), np.array([g]))[0])
        if t == switch:
            v0 = float(opt.state["v"][0])
    predicted = rms_step_after_change(small, np.arange(1, 600), 0.01, alpha, 1e-8, v0)
    np.testing.assert_allclose(steps[switch:], predicted, rtol=1e-12)
    np.testing.assert_allclose(rms_step_after_change(2.0, np.arange(1, 9), 0.01, alpha, 1e-8, 0.0),
                               rms_steady_step(2.0, np.arange(1, 9), 0.01, alpha, 1e-8), rtol=1e-15)


@pytest.mark.parametrize("alpha", [0.9, 0.99, 0.999])
@pytest.mark.parametrize("ratio", [1.5, 3.0, 1e2, 1e6])
def test_rms_forget_steps_is_the_first_step_back_above_lr_over_sqrt2(alpha, ratio):
    from optlib.theory import rms_forget_steps, rms_step_after_change
    t = np.arange(0, 20000)
    step = rms_step_after_change(1.0, t, 1.0, alpha, 0.0, ratio)   # t = 0: the average as it was
    expected = int(np.flatnonzero(step >= 1 / np.sqrt(2) * (1 - 1e-12))[0])
    assert rms_forget_steps(alpha, ratio) == expected
    if ratio >= 100:   # the docstring's approximation ln(r)/(1 - alpha): ln(1/alpha) = (1 - alpha)(1 + O(1 - alpha))
        assert abs(rms_forget_steps(alpha, ratio) / (np.log(ratio) / (1 - alpha)) - 1) < 0.06


def test_make_sparse_regression():
    from optlib.data import make_sparse_regression
    freq = (1.0, 0.3, 0.03)
    X, y, w, b = make_sparse_regression(n=20000, frequencies=freq, noise=0.0, seed=3)
    assert X.shape == (20000, 3) and y.shape == (20000,) and w.shape == (3,) and b == 0.0
    present = (X != 0).mean(axis=0)
    assert np.all(np.abs(present - freq) < 4 * np.sqrt(np.array(freq) * (1 - np.array(freq)) / 20000) + 1e-12)
    np.testing.assert_allclose(X @ w, y, rtol=0, atol=1e-12)
    noisy = make_sparse_regression(n=20000, frequencies=freq, noise=0.5, seed=3)
    np.testing.assert_array_equal(noisy.X, X)                          # same seed, same inputs
    assert abs(np.std(noisy.y - X @ w) - 0.5) < 0.02
    assert not np.array_equal(make_sparse_regression(n=50, seed=4).X, make_sparse_regression(n=50, seed=5).X)
    for bad in ((), (0.5, 0.0), (1.2,), ((0.5, 0.5),)):
        with pytest.raises(ValueError, match="frequencies"):
            make_sparse_regression(n=10, frequencies=bad)
    with pytest.raises(ValueError, match="n"):
        make_sparse_regression(n=0)
