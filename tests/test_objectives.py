"""Tests of optlib.objectives: derivatives against finite differences, batching, critical points."""

import numpy as np
import pytest

from optlib.objectives import (SURFACES, Beale, DoubleWell, Himmelblau, MonkeySaddle, Quadratic,
                               Rosenbrock, Saddle)

OBJECTIVES = {
    "saddle": Saddle(),
    "monkey saddle": MonkeySaddle(),
    "Rosenbrock": Rosenbrock(),
    "Rosenbrock(a=2, b=10)": Rosenbrock(a=2.0, b=10.0),
    "Beale": Beale(),
    "Himmelblau": Himmelblau(),
    "double well": DoubleWell(),
    "double well, tilt -0.5": DoubleWell(tilt=-0.5),
    "double well, no tilt": DoubleWell(tilt=0.0),
    "quadratic, shifted": Quadratic([[3.0, 1.0], [1.0, 2.0]], x_star=(1.0, -0.5)),
    "quadratic saddle": Quadratic([[1.0, 0.0], [0.0, -2.0]]),
}
for kappa in (1.0, 10.0, 100.0):
    for angle in (0.0, np.pi / 6, np.pi / 4, -1.0):
        OBJECTIVES[f"quadratic kappa={kappa} angle={angle:.3f}"] = Quadratic.ill_conditioned(kappa, angle)
OBJECTIVES["quadratic lam_max=4"] = Quadratic.ill_conditioned(5.0, 0.3, lam_max=4.0)
for name, make in SURFACES.items():
    OBJECTIVES[f"SURFACES[{name}]"] = make()


def _points(objective, k=7, seed=0):
    """Random points in the objective's plotting window."""
    rng = np.random.default_rng(seed)
    return np.stack([rng.uniform(*objective.xlim, k), rng.uniform(*objective.ylim, k)], axis=-1)


def _central_differences(f, x, h):
    """d f / d x_j at points x (k, 2) by central differences; shape (k, ..., 2)."""
    columns = []
    for j in range(2):
        e = np.zeros(2)
        e[j] = h
        columns.append((f(x + e) - f(x - e)) / (2 * h))
    return np.stack(columns, axis=-1)


@pytest.mark.parametrize("name", OBJECTIVES)
def test_grad_matches_finite_differences(name):
    f = OBJECTIVES[name]
    x = _points(f)
    numeric = _central_differences(f.value, x, h=1e-6)
    scale = 1 + np.abs(f.grad(x)).max()
    np.testing.assert_allclose(f.grad(x), numeric, rtol=1e-6, atol=1e-6 * scale)


@pytest.mark.parametrize("name", OBJECTIVES)
def test_hessian_matches_finite_differences_of_grad(name):
    f = OBJECTIVES[name]
    x = _points(f)
    # column j of the numeric result is d grad / d x_j, i.e. H[..., :, j]
    numeric = _central_differences(f.grad, x, h=1e-6)
    H = f.hessian(x)
    assert H.shape == (len(x), 2, 2)
    scale = 1 + np.abs(H).max()
    np.testing.assert_allclose(H, numeric, rtol=1e-6, atol=1e-6 * scale)
    np.testing.assert_allclose(H, np.swapaxes(H, -1, -2), rtol=1e-12, atol=1e-12)  # symmetric


@pytest.mark.parametrize("name", OBJECTIVES)
def test_vectorized_over_batches_and_meshes(name):
    f = OBJECTIVES[name]
    x = _points(f, k=12).reshape(3, 4, 2)
    value, grad, H = f.value(x), f.grad(x), f.hessian(x)
    assert value.shape == (3, 4) and grad.shape == (3, 4, 2) and H.shape == (3, 4, 2, 2)
    for i in range(3):
        for j in range(4):
            np.testing.assert_allclose(value[i, j], f.value(x[i, j]), rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(grad[i, j], f.grad(x[i, j]), rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(H[i, j], f.hessian(x[i, j]), rtol=1e-12, atol=1e-12)
    # a single point gives scalars
    assert np.shape(f.value(x[0, 0])) == () and f.grad(x[0, 0]).shape == (2,)
    assert f.hessian(x[0, 0]).shape == (2, 2)
    X, Y, Z = f.mesh(n=9)
    assert X.shape == Y.shape == Z.shape == (9, 9)
    np.testing.assert_allclose(Z[2, 5], f.value(np.array([X[2, 5], Y[2, 5]])), rtol=1e-12)


def _gradient_tolerance(f, point):
    # critical points are known to about 15 digits: a gradient of |H| * 1e-13 at most
    return 1e-13 * (1 + np.abs(f.hessian(point)).max())


@pytest.mark.parametrize("name", OBJECTIVES)
def test_gradient_vanishes_at_critical_points(name):
    f = OBJECTIVES[name]
    for point in np.concatenate([f.minima, f.saddles]):
        assert np.linalg.norm(f.grad(point)) < _gradient_tolerance(f, point), point


@pytest.mark.parametrize("name", OBJECTIVES)
def test_hessian_definiteness_at_critical_points(name):
    f = OBJECTIVES[name]
    for point in f.minima:
        assert np.all(np.linalg.eigvalsh(f.hessian(point)) > 0), point
    for point in f.saddles:
        eigenvalues = np.linalg.eigvalsh(f.hessian(point))
        if isinstance(f, MonkeySaddle):
            np.testing.assert_allclose(eigenvalues, 0, atol=1e-12)  # degenerate: a cubic saddle
        else:
            assert eigenvalues[0] < 0 < eigenvalues[1], point


@pytest.mark.parametrize("name", OBJECTIVES)
def test_minimum_value_is_the_lowest_known(name):
    f = OBJECTIVES[name]
    if len(f.minima):
        assert f.minimum_value == np.min(f.value(f.minima))
        # no point of the plotting window is lower (up to the minima's rounding)
        assert np.min(f.mesh(n=60)[2]) >= f.minimum_value - 1e-6


def test_known_critical_points():
    assert len(Saddle().minima) == 0 and len(Saddle().saddles) == 1
    assert len(Himmelblau().minima) == 4
    np.testing.assert_allclose(Himmelblau().value(Himmelblau().minima), 0, atol=1e-9)
    np.testing.assert_allclose(Rosenbrock(a=2.0).minima, [[2.0, 4.0]])
    np.testing.assert_allclose(Beale().value(Beale().minima), 0)
    well = DoubleWell(tilt=1.0)
    assert well.minima[0, 0] < 0 < well.minima[1, 0]  # tilt > 0: deep well on the left
    assert well.value(well.minima[0]) < well.value(well.minima[1])
    assert well.minima[0, 0] < well.saddles[0, 0] < well.minima[1, 0]
    mirrored = DoubleWell(tilt=-1.0)
    np.testing.assert_allclose(mirrored.minima, -well.minima, atol=1e-12)  # f(x) with -s is f(-x) with s
    q = Quadratic([[1.0, 0.0], [0.0, -2.0]])
    assert len(q.minima) == 0 and len(q.saddles) == 1


@pytest.mark.parametrize("kappa", [1.0, 2.0, 10.0, 100.0, 1e4])
@pytest.mark.parametrize("angle", [0.0, 0.3, np.pi / 4, np.pi / 2, -2.0])
@pytest.mark.parametrize("lam_max", [1.0, 0.1, 7.0])
def test_ill_conditioned_quadratic(kappa, angle, lam_max):
    q = Quadratic.ill_conditioned(kappa, angle, lam_max=lam_max)
    assert q.condition_number == pytest.approx(kappa, rel=1e-10)
    np.testing.assert_allclose(q.eigenvalues, [lam_max / kappa, lam_max], rtol=1e-10)
    np.testing.assert_allclose(q.A, q.A.T, rtol=0, atol=0)
    # the steep direction is the y axis rotated by angle
    steep = np.array([-np.sin(angle), np.cos(angle)])
    np.testing.assert_allclose(q.A @ steep, lam_max * steep, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(q.minima, [[0.0, 0.0]])


def test_quadratic_value_formula():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    q = Quadratic(A, x_star=(1.0, -0.5))
    x = np.array([2.0, 0.5])
    d = x - q.x_star
    assert q.value(x) == pytest.approx(0.5 * d @ A @ d)
    assert q.value(q.x_star) == 0


@pytest.mark.parametrize("make", [
    lambda: Quadratic([[1.0, 2.0], [0.0, 1.0]]),  # not symmetric
    lambda: Quadratic(np.eye(3)),  # not 2x2
    lambda: Quadratic([[np.nan, 0.0], [0.0, 1.0]]),
    lambda: Quadratic.ill_conditioned(0.5),  # kappa < 1
    lambda: Quadratic.ill_conditioned(float("nan")),
    lambda: Quadratic.ill_conditioned(10.0, lam_max=0.0),
    lambda: Quadratic.ill_conditioned(10.0, lam_max=-1.0),
    lambda: DoubleWell(tilt=3.0),  # one well only
    lambda: DoubleWell(tilt=-2 * np.sqrt(2)),
    lambda: DoubleWell(tilt=float("nan")),
    lambda: Quadratic(np.eye(2), x_star=(1.0, 2.0, 3.0)),
    lambda: Quadratic(np.eye(2), x_star=(np.inf, 0.0)),
    lambda: Rosenbrock(b=0.0),  # no isolated minimum
    lambda: Rosenbrock(b=-1.0),  # (a, a^2) is a saddle
    lambda: Rosenbrock(a=float("nan")),
])
def test_invalid_constructor_arguments_raise(make):
    with pytest.raises(ValueError):
        make()
