"""Run an optimizer for a number of steps and keep the trajectory.

The last axis of the parameters is the parameter vector; any leading axes are a
batch of independent runs (one per hyperparameter configuration). A run that
diverges -- a non-finite value, or a parameter beyond ``bound`` in magnitude --
is stopped there: its later entries are NaN and ``diverged_at`` records the
step. Overflow inside a diverging run raises no warning and no exception.
"""

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Trajectory:
    """What a run produced.

    Attributes:
        params: array ``(steps + 1, ..., d)``; ``params[0]`` is the start point.
        loss: array ``(steps + 1, ...)`` of the loss at each ``params[t]``, or
            ``None`` when only a gradient was given.
        diverged_at: integer array ``(...)``: the first step whose parameters were
            non-finite or out of bounds, or -1 where the run did not diverge.
        state: the optimizer's state entries named in ``run(record=...)``, each an
            array ``(steps, ...)`` whose row ``t - 1`` is the entry after step ``t``
            (NaN after the whole batch diverged).
    """

    params: np.ndarray
    loss: np.ndarray | None
    diverged_at: np.ndarray
    state: dict = field(default_factory=dict)

    @property
    def diverged(self):
        """Which runs diverged, as a boolean array."""
        return self.diverged_at >= 0

    @property
    def final(self):
        """The last parameters of each run (NaN for the runs that diverged)."""
        return self.params[-1]

    @property
    def steps(self):
        return len(self.params) - 1

    def run_at(self, index):
        """The run of the configuration at ``index`` of the leading batch axes, as a run of it alone gives it.

        ``index`` picks one entry of the first ``len(index)`` batch axes; the axes after it stay
        (several runs of one configuration, from several starts, say). A lone run stops when all
        its runs have diverged; in a larger batch the others go on, and the state of the diverged
        ones keeps being updated (with the gradient set to 0). The recorded state is therefore
        NaN from the step after the configuration's runs have all diverged, as a lone run's is
        (and recorded nothing where they all diverged at the start). A state entry is indexed on
        the batch axes it has (``step`` has none). The arrays are copies.

        Example:
            >>> import numpy as np
            >>> from optlib import SGD, Quadratic
            >>> q = Quadratic(np.eye(2))
            >>> batch = run(SGD(lr=np.array([0.5, 3.0])[:, None]), q, np.ones(2), 3, bound=5.0)
            >>> batch.run_at(0).final, batch.run_at(1).diverged_at  # 1, -2, 4, -8: out of bounds at step 3
            (array([0.125, 0.125]), array(3))
        """
        index = index if isinstance(index, tuple) else (index,)
        if len(index) > self.diverged_at.ndim:
            raise ValueError(f"index {index} has more axes than the batch, of shape {self.diverged_at.shape}")
        at = (slice(None),) + index
        diverged_at = np.array(self.diverged_at[index])
        state = {}
        if not (diverged_at.size and np.all(diverged_at == 0)):
            for name, rows in self.state.items():
                rows = np.array(_at_batch(rows, index, self.params.ndim - 1), dtype=float)
                if diverged_at.size and np.all(diverged_at >= 0):
                    rows[diverged_at.max():] = np.nan
                state[name] = rows
        return Trajectory(np.array(self.params[at]), None if self.loss is None else np.array(self.loss[at]),
                          diverged_at, state)


def _at_batch(rows, index, ndim):
    """``rows[:, *index]`` for a recorded state entry (rows of the shape of one step's entry), indexed on
    the batch axes it has: its own axes line up with the last of the parameters' ``ndim``, as NumPy
    broadcasts, and an axis of length 1 is shared by every configuration."""
    offset = ndim - (rows.ndim - 1)
    at = [slice(None)] * rows.ndim
    for axis, i in enumerate(index):
        if axis >= offset:
            at[1 + axis - offset] = i if rows.shape[1 + axis - offset] > 1 else 0
    return rows[tuple(at)]


def _loss_and_grad(objective_or_grad):
    """The function ``x -> (loss, grad)`` of an objective, a ``(loss, grad)`` function, or a gradient
    function (whose loss is ``None``)."""
    if hasattr(objective_or_grad, "grad"):
        return lambda x: (objective_or_grad.value(x), objective_or_grad.grad(x))

    def loss_and_grad(x):
        out = objective_or_grad(x)
        return out if isinstance(out, tuple) else (None, out)

    return loss_and_grad


def run(optimizer, objective_or_grad, x0, steps, bound=1e6, record=()):
    """Run ``optimizer`` for ``steps`` steps from ``x0``.

    Args:
        optimizer: an :mod:`optlib.optimizers` optimizer; it is ``reset()`` first.
        objective_or_grad: an :class:`~optlib.objectives.Objective`, or a function of
            the parameters returning the gradient or a ``(loss, gradient)`` pair
            (a minibatch closure may return a different sample at each call).
        x0: start parameters, shape ``(..., d)``; hyperparameter arrays of the
            optimizer broadcast against it and add leading batch axes.
        steps: number of optimizer steps.
        bound: a parameter whose magnitude exceeds it counts as divergence.
        record: names of ``optimizer.state`` entries (``"m"``, ``"v"``, ``"v_hat"``, ...)
            to keep after every step, in ``Trajectory.state``.

    Returns:
        A :class:`Trajectory`.
    """
    if int(steps) != steps or steps < 0:
        raise ValueError(f"Invalid steps: {steps} (a non-negative integer is expected)")
    if not bound > 0:
        raise ValueError(f"Invalid bound: {bound} (must be > 0)")
    x = np.asarray(x0)
    if x.ndim == 0:
        raise ValueError(f"x0 must have at least one axis (the parameter vector), got {x0!r}")
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(float)
    optimizer.reset()
    loss_and_grad = _loss_and_grad(objective_or_grad)
    params, losses, recorded = [], [], {name: [] for name in record}
    with np.errstate(all="ignore"):
        loss, grad = loss_and_grad(x)
        diverged_at, stopped = np.full(np.shape(x)[:-1], -1), None  # stopped: the runs that diverged, once any has
        for t in range(int(steps) + 1):
            if t > 0:
                x = optimizer.step(x, grad)
                if diverged_at.shape != x.shape[:-1]:  # hyperparameter arrays added batch axes
                    diverged_at = np.broadcast_to(diverged_at, x.shape[:-1]).copy()
                    params = [np.broadcast_to(p, x.shape) for p in params]
                    losses = [None if l is None else np.broadcast_to(l, x.shape[:-1]) for l in losses]
                state = optimizer.state if record else {}
                for name in record:
                    if name not in state:
                        raise ValueError(f"Invalid record name: {name!r}; the state holds {sorted(state)}")
                    recorded[name].append(np.array(state[name], dtype=float))
                loss, grad = loss_and_grad(x)
            # |x| <= bound is False for NaN, and for infinities where the bound is finite in x's dtype
            in_bounds = np.abs(x) <= bound
            if not bound < np.finfo(x.dtype).max:  # inf, or cast to inf (1e6 in float16)
                in_bounds &= np.isfinite(x)
            bad = ~in_bounds.all(axis=-1)
            if loss is not None:
                bad |= ~np.isfinite(loss)
            if bad.any():
                newly = bad & (diverged_at < 0)
                diverged_at[newly] = t
                stopped = diverged_at >= 0
            if stopped is not None:
                x = np.where(stopped[..., None], np.nan, x)
                grad = np.where(stopped[..., None], 0.0, grad)
                loss = None if loss is None else np.where(stopped, np.nan, loss)
            params.append(x)
            losses.append(loss)
            if not diverged_at.size or (stopped is not None and stopped.all()):
                break
    if len(params) == 1:  # no step (steps = 0, or every run diverged at the start): the batch axes
        shape = np.broadcast_shapes(x.shape, *optimizer.hyperparameter_shapes())  # a step would add
        if shape != x.shape:
            x = np.broadcast_to(x, shape)
            params, diverged_at = [x], np.broadcast_to(diverged_at, shape[:-1]).copy()
            losses = [None if losses[0] is None else np.broadcast_to(losses[0], shape[:-1])]
    n = len(params)
    params = np.stack(params + [np.full_like(x, np.nan)] * (int(steps) + 1 - n))
    if losses[0] is None:
        loss_array = None
    else:
        fill = [np.full(np.shape(losses[0]), np.nan)] * (int(steps) + 1 - n)
        loss_array = np.stack([np.asarray(l, dtype=float) for l in losses] + fill)
    state = {name: np.stack(rows + [np.full_like(rows[0], np.nan)] * (int(steps) - len(rows)))
             for name, rows in recorded.items() if rows}
    return Trajectory(params=params, loss=loss_array, diverged_at=diverged_at, state=state)


def chaotic(outcome, far, near, min_shrink=np.sqrt(1e3), atol=0.0):
    r"""Which runs are chaotic, judged by their response to two nudges of the start.

    Run the same experiment from the start :math:`\theta_0`, from
    :math:`\theta_0 + \delta\,d` (``far``) and from :math:`\theta_0 + \delta\,d/r`
    (``near``), and compare an outcome (a final loss, say). A run that responds
    *linearly*, however strongly it amplifies, changes by :math:`A\delta` and
    :math:`A\delta/r`: the change shrinks :math:`r` times with the nudge, and a
    rounding error of :math:`10^{-16}` moves the outcome by a negligible
    :math:`A \cdot 10^{-16}`. A *chaotic* run amplifies any perturbation until it
    saturates at the scale of the outcome's own variation, so the change hardly
    shrinks, and rounding alone decides the outcome. A run counts as chaotic where

    .. math::
        |y_{\text{near}} - y| > \max\bigl(|y_{\text{far}} - y| / s,\ \text{atol}\bigr),

    i.e. the change shrinks less than ``min_shrink`` :math:`= s` times, or where the
    nudges decide whether the run diverges (some of the three outcomes non-finite,
    not all). The default :math:`s = \sqrt{1000} \approx 31.6` is meant for
    :math:`r = 1000` (nudges of :math:`10^{-9}` and :math:`10^{-12}`): halfway, on a log
    scale, between a linear response (shrinks :math:`r` times) and a saturated one
    (shrinks about once), so a run is chaotic where the change grows more slowly
    than the square root of the nudge. ``atol`` ignores changes at the rounding floor,
    where the ratio of two tiny differences means nothing.

    Args:
        outcome, far, near: the outcome of the run and of its two nudged twins
            (arrays of the same shape; NaN or inf for a run that diverged).
        min_shrink: the least shrink factor of a run that is not chaotic.
        atol: changes of ``near`` at most this large never count as chaos.

    Returns:
        A boolean array (or bool) of the broadcast shape.

    Example:
        >>> chaotic(1.0, 1.0 + 1e-6, 1.0 + 1e-9)  # shrinks 1000 times: linear
        False
        >>> chaotic(1.0, 1.3, 0.8)  # does not shrink: chaotic
        True
    """
    if not min_shrink >= 1:
        raise ValueError(f"Invalid min_shrink: {min_shrink} (must be >= 1)")
    if not atol >= 0:
        raise ValueError(f"Invalid atol: {atol} (must be >= 0)")
    outcome, far, near = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (outcome, far, near)))
    finite = np.isfinite(outcome) & np.isfinite(far) & np.isfinite(near)
    none = ~np.isfinite(outcome) & ~np.isfinite(far) & ~np.isfinite(near)
    with np.errstate(invalid="ignore"):
        change_far, change_near = np.abs(far - outcome), np.abs(near - outcome)
        saturated = change_near > np.maximum(change_far / min_shrink, atol)
    result = np.where(finite, saturated, ~none)
    return bool(result) if result.ndim == 0 else result
