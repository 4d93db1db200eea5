"""Closed forms of the playground chapter (book/playground.ipynb)."""

import numpy as np
import pytest

from optlib import RMSprop, Quadratic, run
from optlib.theory import gd_rate, preconditioned_gd_rate, rms_effective_lr


def test_uniform_preconditioner_is_gradient_descent():
    A = Quadratic.ill_conditioned(50.0, angle=np.pi / 6).A
    for lr in (0.1, 1.0, 2.5):
        assert preconditioned_gd_rate(np.full(2, lr), A) == pytest.approx(gd_rate(lr, np.linalg.eigvalsh(A)))


def test_diagonal_hessian_is_coordinatewise():
    d, h = np.array([0.5, 3.0]), np.array([1.0, 0.8])
    assert preconditioned_gd_rate(d, np.diag(h)) == pytest.approx(np.max(np.abs(1 - d * h)))


def test_rate_is_the_growth_of_the_frozen_iteration():
    # e_t = (I - D H) e_{t-1} grows like rho^t: compare with the matrix power
    rng = np.random.default_rng(0)
    B = rng.standard_normal((3, 3))
    H, d = B @ B.T + np.eye(3), rng.uniform(0.1, 1.0, 3)
    M = np.eye(3) - np.diag(d) @ H
    rho = preconditioned_gd_rate(d, H)
    assert np.linalg.norm(np.linalg.matrix_power(M, 200), 2) ** (1 / 200) == pytest.approx(rho, rel=0.05)


def test_batched_over_steps():
    A = np.diag([1.0, 0.02])
    d = np.array([[1.0, 1.0], [2.5, 1.0], [0.5, 120.0]])
    assert np.allclose(preconditioned_gd_rate(d, A), [0.98, 1.5, 1.4])


def test_rmsprop_loss_rises_only_after_its_rate_passes_one():
    # RMSprop from near the minimum of a quadratic: v forgets the shrinking gradients, the
    # frozen-preconditioner rate rho passes 1, and only then does the loss rise (then v catches up)
    q = Quadratic.ill_conditioned(50.0, angle=np.pi / 6)
    traj = run(RMSprop(lr=0.02), q, np.array([0.3, -0.2]), 400, record=("v",))
    rho = preconditioned_gd_rate(rms_effective_lr(traj.state["v"], 0.02, 1e-8), q.A)  # rho[t - 1]: step t
    first_unstable = int(np.argmax(rho >= 1)) + 1
    first_rise = int(np.argmax(np.diff(traj.loss) > 0)) + 1
    assert rho[0] < 1 and 1 < first_unstable < first_rise
    assert rho[first_rise:].min() < 1
