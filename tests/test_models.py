"""Tests of optlib.models: analytic gradients against finite differences, batching, training."""

import warnings

import numpy as np
import pytest

from optlib import SGD, Adam, run
from optlib.data import make_classification, make_regression
from optlib.models import (MLP, LinearRegression, LogisticRegression, full_batch_objective,
                           minibatch_objective)


def _regression():
    X, y, _, _ = make_regression(n=20, d=3, noise=0.5, seed=0)
    return LinearRegression(3), X, y


def _logistic():
    X, y = make_classification(n=20, noise=0.2, seed=0)
    return LogisticRegression(2), X, y


def _mlp():
    X, y = make_classification(n=20, noise=0.2, seed=0)
    return MLP(2, 5), X, y


PROBLEMS = {"linear": _regression, "logistic": _logistic, "mlp": _mlp}


def _central_differences(f, theta, h=1e-6):
    grad = np.zeros_like(theta)
    for k in range(theta.size):
        e = np.zeros_like(theta)
        e[k] = h
        grad[k] = (f(theta + e) - f(theta - e)) / (2 * h)
    return grad


@pytest.mark.parametrize("name", PROBLEMS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_matches_finite_differences(name, seed):
    model, X, y = PROBLEMS[name]()
    theta = np.random.default_rng(seed).normal(scale=1.5, size=model.n_params)
    loss, grad = model.loss_and_grad(theta, X, y)
    assert grad.shape == (model.n_params,) and np.shape(loss) == ()
    np.testing.assert_allclose(loss, model.loss(theta, X, y), rtol=1e-12)
    numeric = _central_differences(lambda t: model.loss(t, X, y), theta)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", PROBLEMS)
def test_batched_theta_equals_a_loop(name):
    model, X, y = PROBLEMS[name]()
    thetas = np.random.default_rng(0).normal(size=(3, 4, model.n_params))
    loss, grad = model.loss_and_grad(thetas, X, y)
    assert loss.shape == (3, 4) and grad.shape == (3, 4, model.n_params)
    assert model.loss(thetas, X, y).shape == (3, 4)
    assert model.predict(thetas, X).shape == (3, 4, len(X))
    for i in range(3):
        for j in range(4):
            loss_ij, grad_ij = model.loss_and_grad(thetas[i, j], X, y)
            np.testing.assert_allclose(loss[i, j], loss_ij, rtol=1e-12)
            np.testing.assert_allclose(grad[i, j], grad_ij, rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(model.predict(thetas, X)[i, j], model.predict(thetas[i, j], X))
            if name != "linear":
                np.testing.assert_allclose(model.error_rate(thetas, X, y)[i, j],
                                           model.error_rate(thetas[i, j], X, y))


def test_loss_is_zero_at_the_true_weights():
    X, y, w, b = make_regression(n=40, d=5, noise=0.0, seed=1)
    model = LinearRegression(5)
    loss, grad = model.loss_and_grad(np.append(w, b), X, y)
    assert loss < 1e-25
    np.testing.assert_allclose(grad, 0, atol=1e-12)


def test_linear_regression_formula():
    X, y = np.array([[1.0], [2.0]]), np.array([1.0, 1.0])
    # w = 1, b = 0: residuals 0 and 1, loss (0 + 1/2) / 2, grad (1*2/2, 1/2)
    loss, grad = LinearRegression(1).loss_and_grad(np.array([1.0, 0.0]), X, y)
    assert loss == 0.25
    np.testing.assert_allclose(grad, [1.0, 0.5])


def test_classifiers_at_zero_parameters():
    # all logits 0: p = 1/2, loss log 2
    X, y = make_classification(n=10, seed=0)
    for model in (LogisticRegression(2), MLP(2, 3)):
        theta = np.zeros(model.n_params)
        np.testing.assert_allclose(model.loss(theta, X, y), np.log(2))
        np.testing.assert_allclose(model.predict(theta, X), 0.5)


@pytest.mark.parametrize("name", ["logistic", "mlp"])
def test_classifiers_are_stable_for_large_logits(name):
    model, X, y = PROBLEMS[name]()
    theta = 50.0 * np.random.default_rng(0).normal(size=model.n_params)  # logits of hundreds
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        loss, grad = model.loss_and_grad(theta, X, y)
        p = model.predict(theta, X)
    assert np.isfinite(loss) and np.all(np.isfinite(grad))
    assert np.all((0 <= p) & (p <= 1))
    # a confidently wrong example costs about |z|, not inf
    z = model.logits(theta, X)
    np.testing.assert_allclose(loss, np.mean(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))))


def test_error_rate():
    X = np.array([[-1.0], [1.0], [2.0], [-3.0]])
    y = np.array([0.0, 1.0, 0.0, 0.0])
    assert LogisticRegression(1).error_rate(np.array([1.0, 0.0]), X, y) == 0.25
    assert LogisticRegression(1).error_rate(np.array([-1.0, 0.0]), X, y) == 0.75


def test_init_is_seeded_and_batched():
    for model in (LinearRegression(3), LogisticRegression(3), MLP(3, 4)):
        theta = model.init(seed=0)
        assert theta.shape == (model.n_params,)
        np.testing.assert_array_equal(theta, model.init(seed=0))
        assert not np.array_equal(theta, model.init(seed=1))
        assert model.init(seed=0, batch_shape=(2, 5)).shape == (2, 5, model.n_params)
    assert MLP(2, 8).n_params == 8 * 2 + 8 + 8 + 1


def test_mlp_unpack_layout():
    model = MLP(2, 3)
    W1, b1, w2, b2 = model.unpack(np.arange(float(model.n_params)))
    np.testing.assert_array_equal(W1, [[0, 1], [2, 3], [4, 5]])
    np.testing.assert_array_equal(b1, [6, 7, 8])
    np.testing.assert_array_equal(w2, [9, 10, 11])
    assert b2 == 12


@pytest.mark.parametrize("name", PROBLEMS)
def test_minibatch_sgd_reduces_the_loss(name):
    model, _, _ = PROBLEMS[name]()
    if name == "linear":
        X, y, _, _ = make_regression(n=200, d=3, noise=0.1, seed=0)
    else:
        X, y = make_classification(n=200, noise=0.1, seed=0)
    theta0 = model.init(seed=0)
    objective = minibatch_objective(model, X, y, batch_size=16, seed=0)
    trajectory = run(SGD(lr=0.1, momentum=0.9), objective, theta0, steps=300)
    assert not trajectory.diverged
    assert trajectory.loss.shape == (301,)
    assert model.loss(trajectory.final, X, y) < 0.5 * model.loss(theta0, X, y)


def test_batched_hyperparameters_train_a_grid():
    # lr (4, 1, 1) x weight_decay (1, 3, 1) against theta (P,): a (4, 3) grid in one computation
    X, y = make_classification(n=100, noise=0.1, seed=0)
    model = MLP(2, 6)
    lr = np.array([0.003, 0.01, 0.03, 0.1])[:, None, None]
    weight_decay = np.array([0.0, 0.01, 0.1])[None, :, None]
    trajectory = run(Adam(lr=lr, weight_decay=weight_decay), full_batch_objective(model, X, y),
                     model.init(0), steps=100)
    assert trajectory.params.shape == (101, 4, 3, model.n_params)
    assert trajectory.loss.shape == (101, 4, 3)
    single = run(Adam(lr=0.03, weight_decay=0.01), full_batch_objective(model, X, y), model.init(0), steps=100)
    np.testing.assert_allclose(trajectory.params[:, 2, 1], single.params, rtol=1e-10, atol=1e-12)


def test_minibatch_objective_draws_a_new_batch_per_call():
    X, y, _, _ = make_regression(n=30, d=2, noise=1.0, seed=0)
    model = LinearRegression(2)
    objective = minibatch_objective(model, X, y, batch_size=10, seed=0)
    theta = model.init(0)
    losses = [objective(theta)[0] for _ in range(3)]
    assert len(set(losses)) == 3
    # one epoch of equal batches averages to the full-batch loss and gradient
    np.testing.assert_allclose(np.mean(losses), model.loss(theta, X, y))
    objective = minibatch_objective(model, X, y, batch_size=10, seed=0)
    grads = [objective(theta)[1] for _ in range(3)]
    np.testing.assert_allclose(np.mean(grads, axis=0), full_batch_objective(model, X, y)(theta)[1])


def test_invalid_arguments():
    with pytest.raises(ValueError):
        LinearRegression(0)
    with pytest.raises(ValueError):
        MLP(2, 0)
    model, X, y = _mlp()
    with pytest.raises(ValueError):
        model.loss(np.zeros(model.n_params + 1), X, y)
    with pytest.raises(ValueError):
        model.loss(np.zeros(model.n_params), X[:, :1], y)
    with pytest.raises(ValueError):
        model.loss(np.zeros(model.n_params), X, y[:-1])


@pytest.mark.parametrize("name", ["linear", "logistic", "mlp"])
def test_stacked_data_sets_are_independent_experiments(name):
    # one data set and one batch stream per seed, as a batch axis: the same numbers as separate runs
    model = {"linear": LinearRegression(2), "logistic": LogisticRegression(2), "mlp": MLP(2, 4)}[name]
    draw = (lambda s: make_regression(n=30, d=2, seed=s)[:2]) if name == "linear" else \
        (lambda s: make_classification(n=30, seed=s))
    seeds = [3, 5, 8]
    X, y = (np.stack(a) for a in zip(*(draw(s) for s in seeds)))
    theta0 = model.init(seed=1, batch_shape=(2, len(seeds)))       # 2 configurations x 3 seeds
    lrs = np.array([0.01, 0.1])[:, None, None]
    stacked = run(Adam(lr=lrs), minibatch_objective(model, X, y, batch_size=7, seed=seeds), theta0, 20)
    for k, s in enumerate(seeds):
        alone = run(Adam(lr=lrs[:, 0]), minibatch_objective(model, X[k], y[k], batch_size=7, seed=s),
                    theta0[:, k], 20)
        np.testing.assert_allclose(stacked.params[:, :, k], alone.params, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(stacked.loss[:, :, k], alone.loss, rtol=1e-12)
    np.testing.assert_allclose(model.loss(theta0, X, y)[:, 0], model.loss(theta0[:, 0], X[0], y[0]))
