"""The SGD chapter's formulas in optlib.theory, held to optlib runs."""

import numpy as np
import pytest

from optlib import SGD, DoubleWell, MonkeySaddle, Quadratic, Saddle, run
from optlib.data import make_regression, minibatches
from optlib.models import LinearRegression, full_batch_objective, minibatch_objective
from optlib.theory import (critical_point_kind, gd_iterations, gd_optimal, gd_rate, goe_positive_bound,
                           goe_positive_fraction, gradient_noise_covariance, least_squares_quadratic,
                           loss_rate, minibatch_gradient_variance, per_example_gradients,
                           saddle_escape_steps, sgd_noise_floor, least_squares_sgd_floor,
                           least_squares_sgd_max_lr, least_squares_sgd_moment_map)


@pytest.mark.parametrize("kappa", [1.0, 10.0, 100.0])
@pytest.mark.parametrize("lr", [0.3, 1.0, 1.7])
def test_error_along_each_eigendirection_is_multiplied_by_one_minus_lr_lambda(kappa, lr):
    q = Quadratic.ill_conditioned(kappa, angle=0.4)
    lam, V = np.linalg.eigh(q.A)
    traj = run(SGD(lr=lr), q, q.x0, 40)
    errors = (traj.params - q.x_star) @ V  # coordinates in the eigenbasis
    t = np.arange(41)[:, None]
    np.testing.assert_allclose(errors, (1 - lr * lam) ** t * errors[0], rtol=1e-9, atol=1e-13)


@pytest.mark.parametrize("kappa", [2.0, 10.0, 100.0])
def test_stable_iff_lr_below_two_over_lambda_max(kappa):
    q = Quadratic.ill_conditioned(kappa, angle=0.3, lam_max=4.0)
    edge = 2 / 4.0
    assert run(SGD(lr=edge * 1.02), q, q.x0, 3000).diverged
    below = run(SGD(lr=edge * 0.98), q, q.x0, 3000)
    assert not below.diverged and q.value(below.final) < 1e-6 * q.value(q.x0)


@pytest.mark.parametrize("kappa", [3.0, 10.0, 100.0])
def test_measured_rate_matches_gd_rate_and_the_optimum(kappa):
    q = Quadratic.ill_conditioned(kappa)
    lr_opt, rate_opt = gd_optimal(*q.eigenvalues)
    assert rate_opt == pytest.approx((kappa - 1) / (kappa + 1))
    for lr in (0.5 * lr_opt, lr_opt, 1.5 * lr_opt):
        traj = run(SGD(lr=lr), q, q.x0, 200)
        assert loss_rate(traj.loss) == pytest.approx(float(gd_rate(lr, q.eigenvalues)), rel=1e-3)
    grid = np.linspace(0.01, 1.99, 397)
    assert float(gd_rate(lr_opt, q.eigenvalues)) <= gd_rate(grid, q.eigenvalues).min() + 1e-12


def test_loss_rate_of_a_diverging_run_is_its_growth_factor():
    q = Quadratic.ill_conditioned(10.0)
    traj = run(SGD(lr=2.2), q, q.x0, 100, bound=100.0)
    assert traj.diverged and loss_rate(traj.loss) == pytest.approx(1.2, rel=1e-3)


@pytest.mark.parametrize("kappa", [10.0, 100.0])
def test_gd_iterations_is_exact_at_the_optimal_step(kappa):
    q = Quadratic.ill_conditioned(kappa)
    lr_opt, rate_opt = gd_optimal(*q.eigenvalues)
    T = gd_iterations(rate_opt, 1e-6)
    traj = run(SGD(lr=lr_opt), q, q.x0, T + 5)
    ratio = np.linalg.norm(traj.params - q.x_star, axis=-1) / np.linalg.norm(q.x0 - q.x_star)
    assert int(np.argmax(ratio <= 1e-6)) == T


def test_gd_iterations_rejects_rates_outside_0_1():
    with pytest.raises(ValueError):
        gd_iterations(1.0, 1e-6)


def test_critical_point_kinds_of_the_objectives():
    well = DoubleWell()
    assert [critical_point_kind(np.linalg.eigvalsh(well.hessian(m))) for m in well.minima] == ["minimum"] * 2
    assert critical_point_kind(np.linalg.eigvalsh(well.hessian(well.saddles[0]))) == "saddle"
    assert critical_point_kind(np.linalg.eigvalsh(Saddle().hessian(np.zeros(2)))) == "saddle"
    assert critical_point_kind(np.linalg.eigvalsh(MonkeySaddle().hessian(np.zeros(2)))) == "degenerate"
    assert critical_point_kind([-1.0, -3.0]) == "maximum"


@pytest.mark.parametrize("lr", [0.05, 0.1, 0.3])
def test_saddle_escape_time_on_runs(lr):
    s = Saddle()
    for offset in 10.0 ** -np.arange(1, 9):
        traj = run(SGD(lr=lr), s, np.array([-1.5, offset]), 600, bound=1e300)
        measured = int(np.argmax(np.abs(traj.params[:, 1]) >= 1.0))
        assert measured == saddle_escape_steps(lr, s.hessian(s.x0)[1, 1], offset)


def test_saddle_escape_needs_negative_curvature():
    with pytest.raises(ValueError):
        saddle_escape_steps(0.1, 2.0, 1e-3)


def _regression():
    X, y, _, _ = make_regression(n=64, d=2, noise=0.5, seed=3)
    return X, y, LinearRegression(2)


def test_least_squares_quadratic_is_the_model_loss():
    X, y, model = _regression()
    H, theta_star, loss_star = least_squares_quadratic(X, y)
    thetas = np.random.default_rng(0).standard_normal((5, 3))
    d = thetas - theta_star
    np.testing.assert_allclose(model.loss(thetas, X, y), loss_star + 0.5 * np.einsum("ki,ij,kj->k", d, H, d))
    gd = run(SGD(lr=0.5), full_batch_objective(model, X, y), model.init(0), 500)
    np.testing.assert_allclose(gd.final, theta_star, atol=1e-8)


def test_per_example_gradients_average_to_the_full_gradient():
    X, y, model = _regression()
    theta = model.init(1)
    g = per_example_gradients(model, theta, X, y)
    np.testing.assert_allclose(g.mean(axis=0), model.loss_and_grad(theta, X, y)[1], rtol=1e-12, atol=1e-14)
    Sigma = gradient_noise_covariance(g)
    assert np.trace(Sigma) == pytest.approx(minibatch_gradient_variance(g, 1))


@pytest.mark.parametrize("replace", [True, False])
def test_minibatch_gradient_variance_against_sampled_batches(replace):
    X, y, model = _regression()
    theta = model.init(1)
    full = model.loss_and_grad(theta, X, y)[1]
    g = per_example_gradients(model, theta, X, y)
    for B in (1, 4, 16, 32):
        batches = minibatches(len(X), B, seed=B, replace=replace, drop_last=True)
        errors = [np.sum((model.loss_and_grad(theta, X[i], y[i])[1] - full) ** 2)
                  for _, i in zip(range(4000), batches)]
        assert np.mean(errors) == pytest.approx(minibatch_gradient_variance(g, B, replace), rel=0.12)
    assert minibatch_gradient_variance(g, len(X), replace=False) == 0.0


@pytest.mark.parametrize("batch_size", [4, 16])
def test_sgd_noise_floor_against_a_long_run(batch_size):
    X, y, _, _ = make_regression(n=256, d=1, noise=0.5, seed=0)
    model = LinearRegression(1)
    H, theta_star, loss_star = least_squares_quadratic(X, y)
    Sigma = gradient_noise_covariance(per_example_gradients(model, theta_star, X, y))
    lr = 0.1
    traj = run(SGD(lr=lr), minibatch_objective(model, X, y, batch_size, seed=5, replace=True), theta_star, 12000)
    measured = np.mean(model.loss(traj.params[2000:], X, y) - loss_star)
    assert measured == pytest.approx(sgd_noise_floor(lr, H, Sigma, batch_size), rel=0.2)


def test_goe_fraction_against_exact_values_and_the_bound():
    samples = 40000
    p1, _ = goe_positive_fraction(1, samples, seed=0)
    p2, _ = goe_positive_fraction(2, samples, seed=1)
    se = lambda p: np.sqrt(p * (1 - p) / samples)  # noqa: E731
    assert abs(p1 - 0.5) < 4 * se(0.5)
    exact2 = (2 - np.sqrt(2)) / 4  # P(u > r), u ~ N(0, 1), r ~ chi_2: 1/2 - 1/(2 sqrt 2)
    assert abs(p2 - exact2) < 4 * se(exact2)
    for n in range(3, 7):
        p, _ = goe_positive_fraction(n, samples, seed=n)
        assert p < goe_positive_bound(n)


def test_goe_fraction_with_positive_diagonal_estimates_the_same_probability():
    samples = 40000
    p2, count = goe_positive_fraction(2, samples, seed=3, positive_diagonal=True)
    exact2 = (2 - np.sqrt(2)) / 4
    q = 4 * exact2  # P(positive definite | positive diagonal) at n = 2
    assert p2 == count / samples / 4
    assert abs(p2 - exact2) < 4 * np.sqrt(q * (1 - q) / samples) / 4
    # the same probability as plain sampling, within both standard errors, at n = 3
    plain, k_plain = goe_positive_fraction(3, samples, seed=4)
    cond, k_cond = goe_positive_fraction(3, samples, seed=5, positive_diagonal=True)
    se = np.hypot(np.sqrt(plain * (1 - plain) / samples), np.sqrt(8 * cond * (1 - 8 * cond) / samples) / 8)
    assert abs(plain - cond) < 4 * se and k_cond > 4 * k_plain  # ~8 times the hits


def _line_fit(seed=0, n=256):
    X, y, _, _ = make_regression(n=n, d=1, noise=0.5, seed=seed)
    return X, y, LinearRegression(1)


@pytest.mark.parametrize("batch_size", [1, 2])
def test_moment_map_is_the_average_over_all_batches(batch_size):
    # enumerate every batch of a small data set (with replacement: all N**B index tuples)
    X, y, _ = _line_fit(n=6)
    Xt = np.concatenate([X, np.ones((len(X), 1))], axis=1)
    lr, C = 0.3, np.array([[2.0, 0.5], [0.5, 1.0]])
    total = np.zeros((2, 2))
    batches = np.array(np.meshgrid(*[np.arange(len(X))] * batch_size)).reshape(batch_size, -1).T
    for batch in batches:
        M = np.eye(2) - lr * Xt[batch].T @ Xt[batch] / batch_size
        total += M @ C @ M
    expected = total / len(batches)
    got = (least_squares_sgd_moment_map(lr, X, batch_size) @ C.ravel()).reshape(2, 2)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_max_lr_tends_to_the_gd_limit_and_shrinks_with_small_batches():
    X, y, _ = _line_fit()
    H, _, _ = least_squares_quadratic(X, y)
    edge = 2 / np.linalg.eigvalsh(H)[-1]
    limits = [least_squares_sgd_max_lr(X, B) for B in (1, 8, 64, 10**6)]
    assert limits[0] < limits[1] < limits[2] < limits[3] <= edge
    assert limits[3] == pytest.approx(edge, rel=1e-4)
    # the values the chapter quotes for its data (issue 13: 0.59, 1.52, 1.89)
    assert [round(v, 2) for v in limits[:3]] == [0.59, 1.52, 1.89]
    # at the limit the moment map has the eigenvalue 1 (a PSD eigenvector), just below it all are < 1
    for B, lim in zip((1, 8, 64), limits):
        radius = lambda lr: np.max(np.abs(np.linalg.eigvals(least_squares_sgd_moment_map(lr, X, B))))  # noqa: E731
        assert radius(0.999 * lim) < 1 < radius(1.001 * lim)


def test_max_lr_on_runs():
    # B = 1: below the limit the runs stay near the minimum; well above it they blow up. (Just above
    # it only the mean square diverges, through rare huge excursions: a typical run grows at the
    # slower rate of the random product, so the test goes to twice the limit.)
    X, y, model = _line_fit()
    lim = least_squares_sgd_max_lr(X, 1)
    H, theta_star, loss_star = least_squares_quadratic(X, y)
    for lr, grows in ((0.8 * lim, False), (2 * lim, True)):
        for seed in (2, 3):
            traj = run(SGD(lr=lr), minibatch_objective(model, X, y, 1, seed=seed, replace=True), theta_star, 3000,
                       bound=1e6)
            assert bool(traj.diverged) == grows


@pytest.mark.parametrize("batch_size", [1, 8])
def test_exact_floor_against_repeated_runs(batch_size):
    X, y, model = _line_fit()
    H, theta_star, loss_star = least_squares_quadratic(X, y)
    Sigma = gradient_noise_covariance(per_example_gradients(model, theta_star, X, y))
    repeats, lr = 20, 0.1
    Xs, ys = (np.broadcast_to(a, (repeats,) + a.shape) for a in (X, y))
    f = minibatch_objective(model, Xs, ys, batch_size, seed=np.arange(repeats) + 7, replace=True)
    traj = run(SGD(lr=lr), f, np.tile(theta_star, (repeats, 1)), 3000)
    measured = np.mean(model.loss(traj.params[300:], X, y) - loss_star)
    exact = least_squares_sgd_floor(lr, X, y, batch_size)
    assert measured == pytest.approx(exact, rel=0.06)  # 20 x 2,700 steps: standard error ~1.5%
    # the additive formula is the limit without the error-dependent noise: close at B = 8, low at B = 1
    additive = sgd_noise_floor(lr, H, Sigma, batch_size)
    assert additive < exact
    assert (exact / additive - 1 > 0.08) if batch_size == 1 else (exact / additive - 1 < 0.03)


def test_exact_floor_rejects_unstable_lr():
    X, y, _ = _line_fit()
    with pytest.raises(ValueError):
        least_squares_sgd_floor(1.0, X, y, 1)
