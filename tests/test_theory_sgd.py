"""The SGD chapter's formulas in optlib.theory, held to optlib runs."""

import numpy as np
import pytest

from optlib import SGD, DoubleWell, MonkeySaddle, Quadratic, Saddle, run
from optlib.data import make_regression, minibatches
from optlib.models import LinearRegression, full_batch_objective, minibatch_objective
from optlib.theory import (critical_point_kind, gd_iterations, gd_optimal, gd_rate, goe_positive_bound,
                           goe_positive_fraction, gradient_noise_covariance, least_squares_quadratic,
                           loss_rate, minibatch_gradient_variance, per_example_gradients,
                           saddle_escape_steps, sgd_noise_floor)


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
