"""The momentum formulas of :mod:`optlib.theory` against optlib runs (book/momentum.ipynb).

Every prediction is compared with what :class:`optlib.SGD` actually does: one step
of the iteration matrix, measured contraction rates, the stability boundary, the
optimal parameters and the exact error at the optimum (a Jordan block).
"""

import itertools

import numpy as np
import pytest

from optlib import SGD, Quadratic, run
from optlib import theory


def eigen_errors(q, traj):
    """Components of theta_t - theta* along the eigenvectors of q (ascending eigenvalues)."""
    _, V = np.linalg.eigh(q.A)
    return (traj.params - q.x_star) @ V


def envelope_rate(e, start, stop, width=25):
    """Measured contraction per step from the maxima of |e| over windows (robust to spirals)."""
    return (np.max(np.abs(e[stop - width:stop])) / np.max(np.abs(e[start - width:start]))) ** (1 / (stop - start))


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("lr, mu, lam", [(0.3, 0.5, 2.0), (1.0, 0.9, 1.0), (0.05, 0.0, 3.0), (2.9, 0.99, 0.7)])
def test_iteration_matrix_is_one_optlib_step(lr, mu, lam, nesterov):
    if nesterov and mu == 0:
        pytest.skip("Nesterov needs a momentum")
    make = theory.nesterov_iteration_matrix if nesterov else theory.momentum_iteration_matrix
    T = make(lr, mu, lam)
    opt = SGD(lr=lr, momentum=mu, nesterov=nesterov)
    x, state = np.array([0.7]), np.array([0.7, 0.0])
    for _ in range(20):
        x = opt.step(x, lam * x)
        state = T @ state
        assert np.allclose(state[0], x[0], rtol=1e-12, atol=1e-14)
        if mu:
            assert np.allclose(state[1], opt.state["momentum_buffer"][0], rtol=1e-12, atol=1e-14)


def test_iteration_matrices_broadcast():
    T = theory.momentum_iteration_matrix(np.array([[0.1], [0.2]]), 0.5, np.array([1.0, 2.0, 3.0]))
    assert T.shape == (2, 3, 2, 2)
    assert np.allclose(T[1, 2], [[1 - 0.6, -0.1], [3.0, 0.5]])


def test_charpoly_trace_and_determinant():
    T = theory.momentum_iteration_matrix(0.7, 0.6, 1.3)
    assert np.isclose(np.trace(T), 1 + 0.6 - 0.7 * 1.3) and np.isclose(np.linalg.det(T), 0.6)
    N = theory.nesterov_iteration_matrix(0.7, 0.6, 1.3)
    assert np.allclose(np.poly(N), [1, -(1.6) * (1 - 0.91), 0.6 * (1 - 0.91)])


def test_spectral_radius_2x2_matches_eigvals():
    rng = np.random.default_rng(0)
    M = rng.normal(size=(500, 2, 2))
    assert np.allclose(theory.spectral_radius_2x2(M), np.abs(np.linalg.eigvals(M)).max(axis=-1), rtol=1e-10)


def test_spectral_radius_is_exact_at_a_double_root():
    lam_min, lam_max = 0.01, 1.0
    lr, mu, rate = theory.momentum_optimal(lam_min, lam_max)
    T = theory.momentum_iteration_matrix(lr, mu, [lam_min, lam_max])
    assert np.allclose(theory.spectral_radius_2x2(T), rate, rtol=1e-12, atol=0)


def test_rate_at_zero_momentum_is_gradient_descent():
    lr = np.linspace(0.01, 2.5, 50)
    assert np.allclose(theory.momentum_rate(lr, 0.0, [0.1, 1.0]), theory.gd_rate(lr, [0.1, 1.0]))


GRID = [(lr, mu) for lr, mu in itertools.product([0.3, 1.0, 1.8, 2.6], [0.0, 0.3, 0.6, 0.85])]


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("lr, mu", GRID)
def test_predicted_rate_matches_optlib_runs(lr, mu, nesterov):
    """Per eigendirection, the measured contraction over a long window is the spectral radius."""
    if nesterov and mu == 0:
        return
    q = Quadratic.ill_conditioned(10.0, np.pi / 5)
    predicted = theory.spectral_radius_2x2(
        (theory.nesterov_iteration_matrix if nesterov else theory.momentum_iteration_matrix)(lr, mu, q.eigenvalues))
    stable = theory.momentum_rate(lr, mu, q.eigenvalues, nesterov=nesterov) < 1
    traj = run(SGD(lr=lr, momentum=mu, nesterov=nesterov), q, q.x0, 400, bound=1e150)
    assert not traj.diverged or not stable
    e = eigen_errors(q, traj)
    # the slowest direction dominates the error: its contraction is momentum_rate
    i = int(np.argmax(predicted))
    rho = float(theory.momentum_rate(lr, mu, q.eigenvalues, nesterov=nesterov))
    assert rho == predicted[i]
    finite = np.flatnonzero(np.all(np.isfinite(e), axis=-1))
    stop = int(min(400, finite.max()))
    start = stop // 2
    assert stop >= 60
    measured = envelope_rate(e[:, i], start, stop)
    # a double root (Jordan block) adds a linear factor: at most 2^(1/(stop-start)) on [n, 2n]
    assert rho * 0.99 <= measured <= rho * 2 ** (1 / (stop - start)) * 1.01, (i, rho, measured)


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("mu", [0.1, 0.4, 0.7, 0.9, 0.97])
def test_convergence_boundary(mu, nesterov):
    q = Quadratic.ill_conditioned(30.0, 0.4)
    limit = float(theory.momentum_max_lr(mu, q.eigenvalues[1], nesterov=nesterov))
    below = run(SGD(lr=0.99 * limit, momentum=mu, nesterov=nesterov), q, q.x0, 6000)
    above = run(SGD(lr=1.01 * limit, momentum=mu, nesterov=nesterov), q, q.x0, 6000)
    assert not below.diverged and np.linalg.norm(below.final) < 1e-2 * np.linalg.norm(q.x0)
    assert above.diverged
    rates = theory.momentum_rate([0.99 * limit, limit, 1.01 * limit], mu, q.eigenvalues, nesterov=nesterov)
    assert rates[0] < 1 < rates[2] and np.isclose(rates[1], 1.0)


def test_boundary_formulas():
    assert np.isclose(theory.momentum_max_lr(0.0, 1.0), 2.0)
    assert np.isclose(theory.momentum_max_lr(0.9, 2.0), 1.9)
    assert np.isclose(theory.momentum_max_lr(0.9, 1.0, nesterov=True), 3.8 / 2.8)


@pytest.mark.parametrize("kappa", [4.0, 25.0, 100.0, 1000.0])
def test_optimal_parameters(kappa):
    lam_min, lam_max = 1.0 / kappa, 1.0
    lr, mu, rate = theory.momentum_optimal(lam_min, lam_max)
    s = np.sqrt(kappa)
    assert np.isclose(rate, (s - 1) / (s + 1)) and np.isclose(mu, rate**2)
    assert np.isclose(lr, (2 / (np.sqrt(lam_min) + np.sqrt(lam_max))) ** 2)
    # the theorem's lower bound holds over a grid, and the optimum attains it
    grid = theory.momentum_rate(np.linspace(0.01, 3.99, 400)[:, None], np.linspace(0, 0.995, 200)[None, :],
                                [lam_min, lam_max])
    assert grid.min() >= rate - 1e-9
    assert np.isclose(theory.momentum_rate(lr, mu, [lam_min, lam_max]), rate, atol=1e-9)
    # every eigenvalue in between has the same modulus sqrt(mu)
    inner = np.linspace(lam_min, lam_max, 50)
    assert np.allclose(theory.spectral_radius_2x2(theory.momentum_iteration_matrix(lr, mu, inner)), rate, atol=1e-6)
    # and better than gradient descent at its best step
    assert rate < theory.gd_optimal(lam_min, lam_max)[1] or kappa == 1


def test_kappa_100_numbers():
    lr, mu, rate = theory.momentum_optimal(0.01, 1.0)
    gd_rate = theory.gd_optimal(0.01, 1.0)[1]
    assert round(rate, 3) == 0.818 and round(gd_rate, 3) == 0.980
    assert theory.gd_iterations(rate, 1e-6) == 69 and theory.gd_iterations(gd_rate, 1e-6) == 691


@pytest.mark.parametrize("kappa, angle", [(100.0, np.pi / 8), (10.0, 0.0), (1000.0, 1.0)])
def test_optimal_error_is_the_jordan_formula(kappa, angle):
    q = Quadratic.ill_conditioned(kappa, angle)
    lr, mu, rate = theory.momentum_optimal(*q.eigenvalues)
    e = eigen_errors(q, run(SGD(lr=lr, momentum=mu), q, q.x0, 200))
    F = theory.momentum_optimal_error(200, *q.eigenvalues)
    assert np.allclose(e, e[0] * F, rtol=1e-8, atol=0)
    k = np.arange(201)
    assert np.allclose(np.abs(F[:, 0]), rate**k * (1 + (1 - rate) * k))
    assert np.allclose(np.abs(F[:, 1]), rate**k * (1 + (1 + rate) * k))


def test_gd_at_optimum_reaches_tolerance_in_predicted_steps():
    q = Quadratic.ill_conditioned(100.0, np.pi / 8)
    lr, rate = theory.gd_optimal(*q.eigenvalues)
    e = np.linalg.norm(run(SGD(lr=lr), q, q.x0, 800).params, axis=-1)
    assert int(np.argmax(e <= 1e-6 * e[0])) == theory.gd_iterations(rate, 1e-6)


@pytest.mark.parametrize("mu", [0.0, 0.5, 0.9, 0.99])
def test_gain_is_the_buffer_under_constant_and_alternating_gradients(mu):
    g = np.array([2.0])
    for ratio in (1.0, -1.0, 0.5):
        calls = itertools.count()
        traj = run(SGD(lr=0.1, momentum=mu), lambda x: ratio ** next(calls) * g, np.zeros(1), 30)
        t = np.arange(1, 31)
        steps = traj.params[:-1, 0] - traj.params[1:, 0]
        assert np.allclose(steps, 0.1 * theory.momentum_gain(mu, ratio, t) * ratio ** (t - 1) * g[0], rtol=1e-12)
    assert np.isclose(theory.momentum_gain(mu), 1 / (1 - mu))
    assert np.isclose(theory.momentum_gain(mu, -1.0), 1 / (1 + mu))
    assert np.isclose(theory.momentum_gain(0.5, 0.5, 7), 7.0)  # ratio == momentum: no decay


def test_exponential_average_is_the_recursion():
    rng = np.random.default_rng(1)
    g = rng.normal(size=(40, 3))
    m, expected = np.zeros(3), []
    for gt in g:
        m = 0.8 * m + 0.2 * gt
        expected.append(m)
    assert np.allclose(theory.exponential_average(g, 0.8), expected, rtol=1e-13)


def test_ema_form_is_sgd_with_rescaled_lr():
    q = Quadratic.ill_conditioned(20.0, 0.3)
    beta, lr_ema = 0.95, 0.4
    traj = run(SGD(lr=(1 - beta) * lr_ema, momentum=beta), q, q.x0, 80)
    ema = theory.exponential_average(q.grad(traj.params[:-1]), beta)
    assert np.allclose(traj.params[:-1] - traj.params[1:], lr_ema * ema, rtol=0, atol=1e-14)
    damped = run(SGD(lr=lr_ema, momentum=beta, dampening=beta), q, q.x0, 80)
    g = q.grad(damped.params[:-1])
    t = np.arange(1, 81)[:, None]
    assert np.allclose((damped.params[:-1] - damped.params[1:]) / lr_ema,
                       theory.exponential_average(g, beta) + beta**t * g[0], rtol=0, atol=1e-13)


def stationary_excess_loss(lr, mu, H, noise_cov):
    """1/2 tr(H C) for the stationary covariance of (e, m) under additive noise, by a direct linear solve."""
    d = len(H)
    I = np.eye(d)
    A = np.block([[I - lr * H, -lr * mu * I], [H, mu * I]])    # (e_t, m_t) = A (e_{t-1}, m_{t-1}) + b xi_t
    b = np.vstack([-lr * I, I])
    Q = b @ noise_cov @ b.T
    S = np.linalg.solve(np.eye(4 * d * d) - np.kron(A, A), Q.ravel()).reshape(2 * d, 2 * d)
    return 0.5 * np.trace(H @ S[:d, :d])


@pytest.mark.parametrize("lr, mu", [(0.1, 0.0), (0.1, 0.9), (0.01, 0.9), (1.2, 0.5), (0.3, 0.99)])
def test_momentum_noise_floor_is_the_stationary_covariance(lr, mu):
    rng = np.random.default_rng(3)
    R = np.linalg.qr(rng.normal(size=(2, 2)))[0]
    H = R @ np.diag([2.0, 0.3]) @ R.T                            # not diagonal: the eigenbasis matters
    L = rng.normal(size=(2, 2))
    Sigma = L @ L.T
    assert np.isclose(theory.momentum_noise_floor(lr, mu, H, Sigma, 4),
                      stationary_excess_loss(lr, mu, H, Sigma / 4), rtol=1e-9)


def test_momentum_noise_floor_reduces_to_sgd_and_matches_it_at_the_effective_lr():
    H, Sigma = np.diag([1.0, 0.05]), np.array([[1.0, 0.3], [0.3, 0.5]])
    assert np.isclose(theory.momentum_noise_floor(0.2, 0.0, H, Sigma, 8), theory.sgd_noise_floor(0.2, H, Sigma, 8))
    for lr in (1e-2, 1e-3, 1e-4):                              # same floor to first order in lr
        ratio = theory.momentum_noise_floor(lr * 0.1, 0.9, H, Sigma, 8) / theory.sgd_noise_floor(lr, H, Sigma, 8)
        assert abs(ratio - 1) < lr
    # at the same lr the floor is (1 + mu)/(1 - mu) * (2 - lr lam)/(2 + 2 mu - lr lam) ~ 1/(1 - mu) times SGD's
    assert np.isclose(theory.momentum_noise_floor(1e-6, 0.9, H, Sigma, 8) / theory.sgd_noise_floor(1e-6, H, Sigma, 8), 10)
    with pytest.raises(ValueError):
        theory.momentum_noise_floor(3.9, 0.9, H, Sigma, 8)       # beyond 2 + 2 mu


def test_momentum_noise_floor_against_noisy_optlib_runs():
    """Optlib's SGD(momentum) fed H e + Gaussian noise settles at the predicted floor (4000 runs)."""
    H, Sigma = np.diag([1.0, 0.2]), np.diag([1.0, 2.0])
    rng = np.random.default_rng(0)
    runs, steps = 4000, 1500
    grad = lambda theta: theta @ H + rng.normal(size=theta.shape) * np.sqrt(np.diag(Sigma))
    traj = run(SGD(lr=0.05, momentum=0.8), grad, np.zeros((runs, 2)), steps)
    e = traj.params[500:]
    measured = 0.5 * np.mean(np.einsum("tri,ij,trj->tr", e, H, e))
    # 4000 runs x 1000 correlated steps: the relative standard error is ~1%
    assert measured == pytest.approx(theory.momentum_noise_floor(0.05, 0.8, H, Sigma, 1), rel=0.05)


@pytest.mark.parametrize("kappa", [10.0, 100.0, 1000.0])
def test_nesterov_optimal_is_the_best_nesterov_rate(kappa):
    eigs = (1.0 / kappa, 1.0)
    lr, mu, rate = theory.nesterov_optimal(*eigs)
    assert np.isclose(float(theory.momentum_rate(lr, mu, eigs, nesterov=True)), rate, rtol=1e-9)
    assert np.isclose(rate, 1 - 2 / np.sqrt(3 * kappa + 1))
    # nothing on a global grid, nor on a fine grid around the optimum, does better
    coarse = theory.momentum_rate(np.linspace(0.01, 1.99, 300)[:, None], np.linspace(0, 0.999, 300)[None, :],
                                  eigs, nesterov=True)
    fine = theory.momentum_rate(lr * np.linspace(0.95, 1.05, 401)[:, None], mu * np.linspace(0.95, 1.05, 401)[None, :],
                                eigs, nesterov=True)
    assert coarse.min() >= rate - 1e-12 and fine.min() >= rate - 1e-12
    assert rate > theory.momentum_optimal(*eigs)[2]           # slower than heavy ball at its optimum
    # an optlib run contracts at that rate (up to a polynomial prefactor: measured over a long window)
    q = Quadratic.ill_conditioned(kappa, 0.4)
    traj = run(SGD(lr=lr, momentum=mu, nesterov=True), q, q.x0, 40 * int(np.sqrt(kappa)) + 400)
    e = np.linalg.norm(traj.params - q.x_star, axis=-1)
    n = len(e) - 1
    assert (e[n] / e[n // 2]) ** (1 / (n - n // 2)) == pytest.approx(rate, abs=5e-3)


@pytest.mark.parametrize("kappa", [10.0, 100.0])
def test_first_order_lower_bound_holds_for_optlib_methods_and_is_attained(kappa):
    lam = np.linspace(1 / kappa, 1.0, 2001)                        # eigenvalues filling [lam_min, lam_max]
    rho = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    methods = {"GD": SGD(lr=theory.gd_optimal(1 / kappa, 1.0)[0])}
    lr, mu, _ = theory.momentum_optimal(1 / kappa, 1.0)
    methods["heavy ball"] = SGD(lr=lr, momentum=mu)
    lr, mu, _ = theory.nesterov_optimal(1 / kappa, 1.0)
    methods["Nesterov"] = SGD(lr=lr, momentum=mu, nesterov=True)
    for k in (5, 20, 60):
        bound = theory.first_order_lower_bound(k, kappa)
        assert bound >= rho**k and np.isclose(bound, 1 / np.cosh(k * np.arccosh((kappa + 1) / (kappa - 1))))
        cheb = theory.chebyshev_error_factor(k, lam, 1 / kappa, 1.0)
        assert np.isclose(theory.chebyshev_error_factor(k, 0.0, 1 / kappa, 1.0), 1.0)
        assert np.isclose(np.max(np.abs(cheb)), bound, rtol=1e-6)       # attained
        for name, opt in methods.items():
            opt.reset()
            factors = run(opt, lambda x: lam * x, np.ones_like(lam), k).final    # p_k(lambda) per eigenvalue
            assert np.max(np.abs(factors)) >= bound * (1 - 1e-9), name


@pytest.mark.parametrize("mu", [0.0, 0.3, 0.81])
def test_momentum_regime_matches_the_roots_and_the_runs(mu):
    h = np.linspace(-0.5, 4.2, 941)
    regime = theory.momentum_regime(h, mu)
    roots = [np.roots([1, -(1 + mu - hi), mu]) for hi in h]
    for hi, r, z in zip(h, regime, roots):
        if r == 3:
            assert hi <= 0 or np.max(np.abs(z)) >= 1 - 1e-12
        elif abs(hi - (1 - np.sqrt(mu)) ** 2) > 1e-6 and abs(hi - (1 + np.sqrt(mu)) ** 2) > 1e-6:
            real = np.all(np.abs(z.imag) < 1e-12)
            assert {0: real and np.all(z.real >= 0), 1: not real, 2: real and np.all(z.real <= 0)}[r], (hi, z)
    # optlib runs along one direction (lambda = 1): sign changes of the error in steps 20..220
    for hi, r in zip(h[::20], regime[::20]):
        if r == 3:
            continue
        x = run(SGD(lr=hi, momentum=mu), lambda x: x, np.ones(1), 220, bound=1e12).params[20:, 0]
        flips = int(np.sum(np.sign(x[1:]) * np.sign(x[:-1]) < 0))
        if r == 0:
            assert flips <= 1
        elif r == 2 and np.max(np.abs(np.roots([1, -(1 + mu - hi), mu]))) ** 200 > 1e-250:
            assert flips == 200
        elif r == 1 and mu ** 100 > 1e-250:
            z = np.roots([1, -(1 + mu - hi), mu])[0]
            assert abs(flips - 200 * abs(np.angle(z)) / np.pi) <= 2


def test_lessard_counterexample_heavy_ball_cycles_nesterov_converges():
    f = theory.lessard_counterexample
    x = np.linspace(-3, 4, 7001)
    value, grad = f(x[:, None])
    grad = grad[:, 0]
    assert np.allclose(np.gradient(value, x)[1:-1], grad[1:-1], atol=0.03)  # grad is the derivative (kinks of f'': 24 h)
    curvature = np.diff(grad) / np.diff(x)
    assert curvature.min() > 1 - 1e-6 and curvature.max() < 25 + 1e-6          # m = 1, L = 25
    assert np.all(value >= 0) and f(np.zeros(1))[0] == 0
    lr, mu, _ = theory.momentum_optimal(1.0, 25.0)
    assert np.isclose(lr, 1 / 9) and np.isclose(mu, 4 / 9)
    hb = run(SGD(lr=lr, momentum=mu), f, np.array([3.3]), 600).params[:, 0]
    assert np.allclose(hb[-3:], hb[-6:-3], atol=1e-9) and np.min(np.abs(hb[-3:])) > 0.5   # a 3-cycle, not 0
    kappa = 25.0
    nag = run(SGD(lr=1 / 25, momentum=(np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1), nesterov=True), f, np.array([3.3]), 300)
    phi = nag.params[:, 0]
    theta = phi[:-1] - f(phi[:-1, None])[1][:, 0] / 25                                      # Nesterov's x_k from the look-ahead points
    k = np.arange(1, len(theta) + 1)
    assert np.all(f(theta[:, None])[0] <= (1 - 1 / np.sqrt(kappa)) ** k * (f(np.array([3.3]))[0] + 0.5 * 3.3**2) + 1e-300)
