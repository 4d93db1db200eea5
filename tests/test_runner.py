"""Tests of optlib.runner: agreement with a hand-written loop, losses, divergence, batching."""

import math
import warnings

import numpy as np
import pytest

from optlib import SGD, Adam, AdamW, RMSprop, run
from optlib.objectives import Quadratic, Rosenbrock

QUADRATIC = Quadratic.ill_conditioned(10.0, angle=np.pi / 6)  # lambda_max = 1: GD is stable for lr < 2


@pytest.mark.parametrize("make", [lambda: SGD(lr=0.3), lambda: SGD(lr=0.1, momentum=0.9, nesterov=True),
                                  lambda: RMSprop(lr=0.05), lambda: Adam(lr=0.1),
                                  lambda: AdamW(lr=0.1, weight_decay=0.1)])
def test_run_matches_a_hand_written_loop(make):
    steps = 25
    trajectory = run(make(), QUADRATIC, QUADRATIC.x0, steps)
    opt, x = make(), QUADRATIC.x0.copy()
    expected = [x]
    for _ in range(steps):
        x = opt.step(x, QUADRATIC.grad(x))
        expected.append(x)
    np.testing.assert_array_equal(trajectory.params, np.array(expected))
    assert trajectory.steps == steps and trajectory.params.shape == (steps + 1, 2)
    np.testing.assert_array_equal(trajectory.final, expected[-1])
    assert trajectory.diverged_at == -1 and not trajectory.diverged


def test_loss_is_recorded_at_every_iterate():
    trajectory = run(SGD(lr=0.5), QUADRATIC, QUADRATIC.x0, 30)
    assert trajectory.loss.shape == (31,)
    np.testing.assert_allclose(trajectory.loss, QUADRATIC.value(trajectory.params), rtol=1e-14)
    assert np.all(np.diff(trajectory.loss) <= 0)  # gradient descent below 1/L decreases a quadratic


def test_optimizer_is_reset_between_runs():
    opt = Adam(lr=0.1)
    first = run(opt, Rosenbrock(), Rosenbrock.x0, 20)
    second = run(opt, Rosenbrock(), Rosenbrock.x0, 20)
    np.testing.assert_array_equal(first.params, second.params)


def _quiet_run(*args, **kwargs):
    """Run with every floating-point error raising and every warning recorded; return both."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="raise"):
        warnings.simplefilter("always")
        trajectory = run(*args, **kwargs)
    return trajectory, caught


@pytest.mark.parametrize("bound", [1e6, np.inf])  # inf: the iterates overflow to inf, then NaN
def test_gradient_descent_above_two_over_lambda_max_diverges_quietly(bound, capsys):
    lam_max = QUADRATIC.eigenvalues.max()
    lr = 2.5 / lam_max
    trajectory, caught = _quiet_run(SGD(lr=lr), QUADRATIC, QUADRATIC.x0, 3000, bound=bound)
    assert caught == []
    assert capsys.readouterr() == ("", "")
    t = int(trajectory.diverged_at)
    assert trajectory.diverged and 0 < t < 3000
    assert np.all(np.isfinite(trajectory.params[:t])) and np.all(np.isfinite(trajectory.loss[:t]))
    assert np.all(np.isnan(trajectory.params[t:])) and np.all(np.isnan(trajectory.loss[t:]))
    assert np.all(np.isnan(trajectory.final))
    if bound == 1e6:
        # the steep component grows by |1 - lr lambda_max| = 1.5 per step until it leaves the box
        assert np.abs(trajectory.params[t - 1]).max() <= 1e6 < 1.5 * np.abs(trajectory.params[t - 1]).max()
    assert trajectory.params.shape == (3001, 2) and trajectory.loss.shape == (3001,)


def test_gradient_descent_below_two_over_lambda_max_converges():
    lr = 1.9 / QUADRATIC.eigenvalues.max()
    trajectory, caught = _quiet_run(SGD(lr=lr), QUADRATIC, QUADRATIC.x0, 300)
    assert caught == [] and not trajectory.diverged
    np.testing.assert_allclose(trajectory.final, QUADRATIC.minima[0], atol=1e-10)


def test_batched_learning_rates_some_diverge():
    lr = np.array([0.5, 1.5, 1.9, 2.1, 3.0])[:, None]  # lambda_max = 1
    trajectory, caught = _quiet_run(SGD(lr=lr), QUADRATIC, QUADRATIC.x0, 400)
    assert caught == []
    assert trajectory.params.shape == (401, 5, 2) and trajectory.loss.shape == (401, 5)
    assert trajectory.diverged.tolist() == [False, False, False, True, True]
    assert trajectory.diverged_at[4] < trajectory.diverged_at[3]  # faster growth, earlier stop
    for k in range(5):
        single = run(SGD(lr=float(lr[k, 0])), QUADRATIC, QUADRATIC.x0, 400)
        # equal up to rounding (a batched matmul may sum in another order); NaN where NaN
        np.testing.assert_allclose(trajectory.params[:, k], single.params, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(trajectory.loss[:, k], single.loss, rtol=1e-12, atol=1e-14)
        assert trajectory.diverged_at[k] == single.diverged_at
        if not trajectory.diverged[k]:
            np.testing.assert_allclose(trajectory.final[k], 0, atol=1e-8)
        else:
            assert np.all(np.isnan(trajectory.params[trajectory.diverged_at[k]:, k]))


def test_grid_of_hyperparameters_and_batched_start_points():
    lr = np.array([0.01, 0.1, 1.0])[:, None, None]
    weight_decay = np.array([0.0, 0.5])[None, :, None]
    trajectory = run(AdamW(lr=lr, weight_decay=weight_decay), QUADRATIC, QUADRATIC.x0, 10)
    assert trajectory.params.shape == (11, 3, 2, 2) and trajectory.diverged_at.shape == (3, 2)
    np.testing.assert_array_equal(trajectory.params[0], np.broadcast_to(QUADRATIC.x0, (3, 2, 2)))
    starts = np.array([[1.0, 1.0], [-1.0, 2.0], [0.5, -0.3]])
    batch = run(SGD(lr=0.5), QUADRATIC, starts, 10)
    assert batch.params.shape == (11, 3, 2) and batch.loss.shape == (11, 3)
    np.testing.assert_allclose(batch.params[:, 1], run(SGD(lr=0.5), QUADRATIC, starts[1], 10).params,
                               rtol=1e-12, atol=1e-14)


def test_gradient_function_gives_no_loss():
    trajectory = run(SGD(lr=0.5), QUADRATIC.grad, QUADRATIC.x0, 10)
    assert trajectory.loss is None
    np.testing.assert_array_equal(trajectory.params, run(SGD(lr=0.5), QUADRATIC, QUADRATIC.x0, 10).params)


def test_loss_and_grad_function():
    calls = []

    def loss_and_grad(x):
        calls.append(x)
        return QUADRATIC.value(x), QUADRATIC.grad(x)

    trajectory = run(SGD(lr=0.5), loss_and_grad, QUADRATIC.x0, 10)
    reference = run(SGD(lr=0.5), QUADRATIC, QUADRATIC.x0, 10)
    np.testing.assert_array_equal(trajectory.params, reference.params)
    np.testing.assert_array_equal(trajectory.loss, reference.loss)
    assert len(calls) == 11  # once at the start, once after each step


def test_non_finite_loss_counts_as_divergence():
    def loss_and_grad(x):
        loss = QUADRATIC.value(x)
        return np.where(loss < 1.0, loss, np.inf), QUADRATIC.grad(x)

    trajectory, caught = _quiet_run(SGD(lr=3.0), loss_and_grad, QUADRATIC.x0, 50)
    assert caught == [] and trajectory.diverged
    t = int(trajectory.diverged_at)
    assert np.all(np.isfinite(trajectory.loss[:t])) and np.all(np.isnan(trajectory.loss[t:]))


def test_zero_steps_and_integer_start():
    trajectory = run(SGD(lr=0.1), QUADRATIC, [1, 2], 0)
    assert trajectory.params.shape == (1, 2) and trajectory.params.dtype == float
    np.testing.assert_array_equal(trajectory.params[0], [1.0, 2.0])


@pytest.mark.parametrize("kwargs", [dict(steps=-1), dict(steps=2.5), dict(steps=10, bound=0),
                                    dict(steps=10, bound=-1.0), dict(steps=10, bound=float("nan"))])
def test_invalid_steps_and_bound_raise(kwargs):
    with pytest.raises(ValueError):
        run(SGD(lr=0.1), QUADRATIC, QUADRATIC.x0, **kwargs)


def test_scalar_start_raises():
    with pytest.raises(ValueError):
        run(SGD(lr=0.1), QUADRATIC, 1.0, 10)


def test_record_keeps_the_optimizer_state_after_every_step():
    from optlib import RMSprop

    q = Quadratic.ill_conditioned(10.0, 0.5)
    traj = run(RMSprop(lr=0.02, alpha=0.95), q, q.x0, 50, record=("v",))
    opt, theta = RMSprop(lr=0.02, alpha=0.95), q.x0
    for t in range(50):
        theta = opt.step(theta, q.grad(theta))
        np.testing.assert_array_equal(traj.state["v"][t], opt.state["v"])
        np.testing.assert_array_equal(traj.params[t + 1], theta)
    np.testing.assert_array_equal(traj.params, run(RMSprop(lr=0.02, alpha=0.95), q, q.x0, 50).params)
    assert run(RMSprop(), q, q.x0, 5).state == {}


def test_record_of_a_diverged_run_is_padded_with_nan():
    q = Quadratic.ill_conditioned(10.0)
    traj = run(SGD(lr=5.0, momentum=0.5), q, q.x0, 100, record=("momentum_buffer",))  # 5 > 2 + 2 mu
    assert traj.diverged and traj.state["momentum_buffer"].shape == (100, 2)
    assert np.isnan(traj.state["momentum_buffer"][-1]).all()


def test_record_of_an_unknown_state_entry_is_an_error():
    q = Quadratic.ill_conditioned(10.0)
    with pytest.raises(ValueError, match="Invalid record name: 'm'"):
        run(SGD(lr=0.1), q, q.x0, 3, record=("m",))


def test_run_at_is_a_lone_run_of_one_configuration():
    q = Quadratic.ill_conditioned(10.0, 0.5)
    lr, alpha = np.array([0.01, 0.3, 3.0])[:, None, None], np.array([0.9, 0.99])[None, :, None]
    batch = run(RMSprop(lr=lr, alpha=alpha), q, q.x0, 200, bound=5.0, record=("v",))
    assert batch.diverged.any() and not batch.diverged.all()  # the padding of a diverged run is checked
    for i, j in np.ndindex(3, 2):
        one, alone = batch.run_at((i, j)), run(RMSprop(lr=lr[i, 0, 0], alpha=alpha[0, j, 0]), q, q.x0, 200,
                                               bound=5.0, record=("v",))
        assert one.diverged_at == alone.diverged_at
        # bit for bit: the quadratic's gradient sums in one order for any batch (RMSprop's steps
        # at lr = 0.3 flip with the gradient's sign, and a last-bit difference grows to 1e-2)
        for got, want in ((one.params, alone.params), (one.loss, alone.loss), (one.state["v"], alone.state["v"])):
            np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match=r"index \(1, 0, 0\) has more axes than the batch, of shape \(3, 2\)"):
        batch.run_at((1, 0, 0))


def test_run_at_keeps_the_axes_after_the_index():
    q = Quadratic.ill_conditioned(10.0, 0.5)
    starts = np.array([[1.0, 1.0], [-1.0, 2.0], [30.0, 0.0]])
    lr = np.array([0.5, 3.5])[:, None, None]  # stable below (2 + 2 mu) / lambda_max = 3: every start diverges at 3.5
    batch = run(SGD(lr=lr, momentum=0.5), q, starts, 60, bound=40.0, record=("momentum_buffer",))
    for i in range(2):
        one, alone = batch.run_at(i), run(SGD(lr=lr[i, 0, 0], momentum=0.5), q, starts, 60, bound=40.0,
                                          record=("momentum_buffer",))
        np.testing.assert_array_equal(one.diverged_at, alone.diverged_at)
        for got, want in ((one.params, alone.params), (one.loss, alone.loss),
                          (one.state["momentum_buffer"], alone.state["momentum_buffer"])):
            np.testing.assert_array_equal(got, want)
    assert batch.run_at(1).diverged.all() and not batch.run_at(0).diverged.any()


@pytest.mark.parametrize(("dtype", "bound"), [(np.float16, 1e6), (np.float32, 1e39), (np.float64, np.inf)])
def test_a_parameter_that_overflows_diverges_at_that_step_whatever_the_dtype_and_bound(dtype, bound):
    # a bound beyond the dtype's largest number is inf in it: |inf| <= inf, so finiteness is checked too
    traj = run(SGD(lr=100.0), lambda th: 1e4 * th, np.ones(1, dtype), 60, bound=bound)  # θ_t = (-999999)^t
    overflow = math.floor(math.log(float(np.finfo(dtype).max)) / math.log(999999.0)) + 1  # 1, 7 and 52
    assert traj.diverged_at == overflow
    assert np.isnan(traj.params[overflow:]).all() and np.isfinite(traj.params[:overflow]).all()


def test_a_grid_keeps_its_axes_when_no_step_is_taken():
    lr = np.array([0.1, 0.2, 0.3])[:, None, None]
    starts = np.array([[1.0, 1.0], [200.0, 0.0]])
    assert run(SGD(lr=lr), QUADRATIC, starts, 0).params.shape == (1, 3, 2, 2)
    out = run(SGD(lr=lr), QUADRATIC, starts[1:], 5, bound=100.0)  # every run out of bounds at the start
    assert out.params.shape == (6, 3, 1, 2) and out.diverged_at.tolist() == [[0], [0], [0]]
    assert np.isnan(out.params[1:]).all()


def test_run_at_state_entries_without_batch_axes_and_configurations_out_of_bounds_at_the_start():
    from optlib import NAdam

    lr = np.array([0.1, 0.2])[:, None]
    batch = run(NAdam(lr=lr), QUADRATIC, QUADRATIC.x0, 4, record=("step", "mu_product", "m"))
    for i in range(2):
        one, alone = batch.run_at(i), run(NAdam(lr=lr[i, 0]), QUADRATIC, QUADRATIC.x0, 4,
                                          record=("step", "mu_product", "m"))
        for name in ("step", "mu_product", "m"):
            np.testing.assert_array_equal(one.state[name], alone.state[name])
    starts = np.array([[1.0, 1.0], [200.0, 0.0]])  # the second is out of |θ| <= 100 at the start
    grid = run(SGD(lr=lr[:, :, None], momentum=0.5), QUADRATIC, starts, 4, bound=100.0, record=("momentum_buffer",))
    assert grid.diverged_at.tolist() == [[-1, 0], [-1, 0]]
    assert grid.run_at((0, 1)).state == run(SGD(lr=0.1, momentum=0.5), QUADRATIC, starts[1], 4, bound=100.0,
                                             record=("momentum_buffer",)).state == {}
    one = grid.run_at(0)
    one.params[:] = 0  # a copy: the batch is untouched
    assert np.isnan(grid.params[1:, 0, 1]).all() and grid.params[0, 0, 0].tolist() == [1.0, 1.0]


def test_run_at_pads_the_state_once_every_run_of_the_configuration_has_diverged():
    q = Quadratic(np.eye(2))
    starts = np.array([[1.0, 0.0], [50.0, 0.0]])
    lr = np.array([0.5, 2.02, 2.5])[:, None, None]  # a step multiplies θ by about 1 - lr: 0.5, -1.02, -1.5
    batch = run(SGD(lr=lr, momentum=1e-3), q, starts, 100, bound=80.0, record=("momentum_buffer",))
    # at 2.02 only the far start leaves |θ| <= 80; at 2.5 both do: the state of the first stays, of the last not
    assert batch.diverged_at[0].tolist() == [-1, -1] and batch.diverged_at[1, 0] == -1 <= batch.diverged_at[1, 1]
    assert (batch.diverged_at[2] >= 0).all()
    for i in range(3):
        one, alone = batch.run_at(i), run(SGD(lr=lr[i, 0, 0], momentum=1e-3), q, starts, 100, bound=80.0,
                                          record=("momentum_buffer",))
        np.testing.assert_array_equal(one.diverged_at, alone.diverged_at)
        np.testing.assert_array_equal(one.params, alone.params)
        np.testing.assert_array_equal(one.state["momentum_buffer"], alone.state["momentum_buffer"])
