r"""Learning-rate schedules, with ``torch.optim.lr_scheduler``'s class names and arguments.

Torch's first argument, the optimizer, is replaced by the base learning rate ``lr``
(torch's ``initial_lr``). A schedule ``s`` is a function of the step: ``s(t)`` is the
learning rate :math:`\eta_t` that step :math:`t = 1, 2, \dots` uses, the rate that
torch's ``scheduler.get_last_lr()[0]`` returns after :math:`t - 1` calls of
``scheduler.step()`` when the scheduler is stepped once per optimizer step.
Torch's formulas count its ``last_epoch`` :math:`e = t - 1` from 0; the docstrings
below write them with :math:`e` so that they read like torch's, and ``LambdaLR``
passes :math:`e` to its function, as torch does.

``s.values(n)`` gives :math:`\eta_1, \dots, \eta_n` as one array (for plots), and
any optimizer of :mod:`optlib.optimizers` takes a schedule as its ``lr``::

    >>> import numpy as np
    >>> from optlib import SGD
    >>> s = CosineAnnealingLR(0.1, T_max=100)
    >>> s(1), s(101)  # step 1 uses the base rate, step T_max + 1 the lowest
    (0.1, 0.0)
    >>> opt = SGD(lr=s, momentum=0.9)
    >>> theta = opt.step(np.array([1.0]), np.array([2.0]))  # step 1: 1 - 0.1 * 2
    >>> theta
    array([0.8])

The base rate and the real-valued arguments (``gamma``, ``eta_min``, the factors)
may be arrays that broadcast: ``s(t)`` then has their broadcast shape and
``s.values(n)`` the shape ``(n, *s.shape)``, so a grid of schedules runs as one
computation, and an optimizer given such a schedule runs the grid.

Where optlib departs from torch:

* Rates are evaluated in closed form, a pure function of :math:`t`. Torch updates
  most of them recursively, each from the previous rate (the "chainable" form),
  and uses the closed form only when ``step(epoch)`` is given an epoch (and for a
  schedule's first rate at a ``SequentialLR`` milestone).
  The two agree to rounding: over the committed fixtures
  (``tests/reference/torch_schedules.npz``, up to 2000 steps) the largest difference
  is 6e-15 of the base rate (``tests/test_schedules.py`` holds it to 1e-13).
  A closed form cannot drift, and ``s(t)`` costs the same at every ``t``.
* There is no ``last_epoch``: torch needs it to resume a run, while a function of
  :math:`t` is simply called at a later :math:`t`.
* Bad arguments raise ``ValueError`` naming the argument and its value, including
  some that torch accepts silently (a negative ``gamma``, unsorted ``milestones`` of
  ``SequentialLR``, ``total_iters=0``).

References: Loshchilov & Hutter (2017), SGDR: stochastic gradient descent with warm
restarts; Goyal et al. (2017), Accurate, large minibatch SGD (gradual warm-up);
Robbins & Monro (1951) for decaying rates.
"""

import math

import numpy as np

from optlib.optimizers import _check, _hyper


def _integer(value, name, minimum):
    """``value`` as an int at least ``minimum``; anything else is a ``ValueError`` naming it."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"Invalid {name}: {value!r} (an integer >= {minimum} is expected)")
    return int(value)


def _rate(value, name, low=0.0, high=math.inf, low_open=False):
    """A real argument (float or float64 array) in ``[low, high]`` (``(low, high]`` if ``low_open``)."""
    value = _hyper(value, name)
    x = np.asarray(value)
    _check(((low < x) if low_open else (low <= x)) & (x <= high) & np.isfinite(x), f"Invalid {name}", value)
    return value


class Schedule:
    """A learning rate per step: ``s(t)`` for ``t = 1, 2, ...``; ``s.values(n)`` for the first ``n``.

    Subclasses set ``self.lr`` and the other arguments, list the array-valued ones in
    ``_broadcast`` (by attribute name), and implement :meth:`rate`.
    """

    _broadcast = ("lr",)

    def rate(self, e):
        """The rate at torch's epoch ``e = t - 1``, an integer array broadcasting against the arguments."""
        raise NotImplementedError

    @property
    def shape(self):
        """The shape of ``s(t)``, which is the broadcast shape of the array-valued arguments."""
        if "_shape" not in vars(self):  # the arguments never change: computed once
            self._shape = self.broadcast_shape()
        return self._shape

    def broadcast_shape(self):
        return np.broadcast_shapes(*(np.shape(getattr(self, name)) for name in self._broadcast))

    def __call__(self, t):
        """The learning rate :math:`\\eta_t` of step ``t`` (a float, or an array for a grid)."""
        if isinstance(t, (bool, np.bool_)) or not isinstance(t, (int, np.integer)) or t < 1:
            raise ValueError(f"Invalid step t: {t!r} (steps are counted from 1)")
        value = self.rate(np.asarray(int(t) - 1))
        return float(value) if self.shape == () else np.broadcast_to(value, self.shape).copy()

    def values(self, n):
        """:math:`\\eta_1, \\dots, \\eta_n` as an array of shape ``(n, *self.shape)``, in one call."""
        n = _integer(n, "n", 0)
        e = np.arange(n).reshape((n,) + (1,) * len(self.shape))
        return np.array(np.broadcast_to(self.rate(e), (n,) + self.shape), dtype=np.float64)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({args})"


class LambdaLR(Schedule):
    r"""The base rate times a function of the step, as ``torch.optim.lr_scheduler.LambdaLR``.

    .. math::
        \eta_t = \eta\, f(e), \qquad e = t - 1

    Args:
        lr: base learning rate :math:`\eta` (a float or an array).
        lr_lambda: the function :math:`f`, called with torch's epoch :math:`e = t - 1`
            (an ``int``, from 0) and returning a factor, so that torch's lambdas carry
            over unchanged. Torch's list of lambdas (one per parameter group) is not
            taken: use an array ``lr`` for a grid.

    Example:
        >>> s = LambdaLR(0.1, lr_lambda=lambda e: 1 / (e + 1))
        >>> s.values(4).round(4)
        array([0.1   , 0.05  , 0.0333, 0.025 ])
    """

    def __init__(self, lr, lr_lambda):
        self.lr = _rate(lr, "learning rate")
        if not callable(lr_lambda):
            raise ValueError(f"Invalid lr_lambda: {lr_lambda!r} (a function of the epoch is expected)")
        self.lr_lambda = lr_lambda

    def rate(self, e):
        factors = np.array([self.lr_lambda(int(k)) for k in np.ravel(e)], dtype=np.float64)
        return np.asarray(self.lr) * factors.reshape(np.shape(e))


class StepLR(Schedule):
    r"""Multiply the rate by :math:`\gamma` every ``step_size`` steps, as ``torch.optim.lr_scheduler.StepLR``.

    .. math::
        \eta_t = \eta\, \gamma^{\lfloor (t - 1) / s \rfloor}

    Args:
        lr: base learning rate :math:`\eta`.
        step_size: the period :math:`s`: steps :math:`1..s` use :math:`\eta`, the next
            :math:`s` use :math:`\gamma\eta`, and so on.
        gamma: the factor :math:`\gamma` (default 0.1).

    Example:
        >>> StepLR(1.0, step_size=2, gamma=0.5).values(5)
        array([1.  , 1.  , 0.5 , 0.5 , 0.25])
    """

    _broadcast = ("lr", "gamma")

    def __init__(self, lr, step_size, gamma=0.1):
        self.lr = _rate(lr, "learning rate")
        self.step_size = _integer(step_size, "step_size", 1)
        self.gamma = _rate(gamma, "gamma")

    def rate(self, e):
        return np.asarray(self.lr) * np.asarray(self.gamma) ** (e // self.step_size)


class MultiStepLR(Schedule):
    r"""Multiply the rate by :math:`\gamma` at each milestone, as ``torch.optim.lr_scheduler.MultiStepLR``.

    .. math::
        \eta_t = \eta\, \gamma^{\#\{i :\, m_i \le t - 1\}}

    Args:
        lr: base learning rate :math:`\eta`.
        milestones: torch's epochs :math:`m_i` (non-negative integers, in any order).
            The step :math:`t = m_i + 1` is the first to use the lower rate. A milestone
            listed :math:`k` times multiplies by :math:`\gamma^k`, as in torch.
        gamma: the factor :math:`\gamma` (default 0.1).

    Example:
        >>> MultiStepLR(1.0, milestones=[1, 3, 3], gamma=0.5).values(5)
        array([1.   , 0.5  , 0.5  , 0.125, 0.125])
    """

    _broadcast = ("lr", "gamma")

    def __init__(self, lr, milestones, gamma=0.1):
        self.lr = _rate(lr, "learning rate")
        try:
            self.milestones = sorted(_integer(m, "milestone", 0) for m in milestones)
        except TypeError:
            raise ValueError(f"Invalid milestones: {milestones!r} (a list of epochs is expected)") from None
        self.gamma = _rate(gamma, "gamma")

    def rate(self, e):
        passed = np.searchsorted(self.milestones, e, side="right")  # with multiplicity
        return np.asarray(self.lr) * np.asarray(self.gamma) ** passed


class ConstantLR(Schedule):
    r"""A constant factor for the first steps, as ``torch.optim.lr_scheduler.ConstantLR``.

    .. math::
        \eta_t = \eta\, f \ \text{ for } t \le T, \qquad \eta_t = \eta \ \text{ after}

    Args:
        lr: base learning rate :math:`\eta`.
        factor: the factor :math:`f \in [0, 1]` (default 1/3).
        total_iters: the number :math:`T \ge 1` of steps that use it (default 5).

    Example:
        >>> ConstantLR(1.0, factor=0.5, total_iters=2).values(4)
        array([0.5, 0.5, 1. , 1. ])
    """

    _broadcast = ("lr", "factor")

    def __init__(self, lr, factor=1.0 / 3, total_iters=5):
        self.lr = _rate(lr, "learning rate")
        self.factor = _rate(factor, "factor", 0.0, 1.0)
        self.total_iters = _integer(total_iters, "total_iters", 1)

    def rate(self, e):
        return np.asarray(self.lr) * np.where(e < self.total_iters, self.factor, 1.0)


class LinearLR(Schedule):
    r"""Linear warm-up (or decay) of the factor, as ``torch.optim.lr_scheduler.LinearLR``.

    .. math::
        \eta_t = \eta \left( f_0 + (f_1 - f_0) \frac{\min(t - 1, T)}{T} \right)

    The factor goes from :math:`f_0` at step 1 to :math:`f_1` at step :math:`T + 1`
    and stays there. With :math:`f_0 < f_1 = 1` this is the gradual warm-up of
    Goyal et al. (2017).

    Args:
        lr: base learning rate :math:`\eta`.
        start_factor: :math:`f_0 \in (0, 1]` (default 1/3).
        end_factor: :math:`f_1 \in [0, 1]` (default 1).
        total_iters: :math:`T \ge 1` (default 5). Torch accepts 0 and then keeps
            :math:`f_0` for ever (its closed form divides by zero); optlib rejects it.

    References: Goyal et al. (2017), Accurate, large minibatch SGD: training ImageNet
    in 1 hour (gradual warm-up, from :math:`\eta/k` to :math:`\eta` over 5 epochs).

    Example:
        >>> LinearLR(1.0, start_factor=0.25, total_iters=3).values(5)
        array([0.25, 0.5 , 0.75, 1.  , 1.  ])
    """

    _broadcast = ("lr", "start_factor", "end_factor")

    def __init__(self, lr, start_factor=1.0 / 3, end_factor=1.0, total_iters=5):
        self.lr = _rate(lr, "learning rate")
        self.start_factor = _rate(start_factor, "start_factor", 0.0, 1.0, low_open=True)
        self.end_factor = _rate(end_factor, "end_factor", 0.0, 1.0)
        self.total_iters = _integer(total_iters, "total_iters", 1)

    def rate(self, e):
        # torch's closed form f0 + (f1 - f0) * w, written as the weighted mean of f0 and f1: equal
        # in exact arithmetic, and in floating point it ends exactly at f1 (f1 = 0 gave -1e-16)
        f0, f1 = np.asarray(self.start_factor), np.asarray(self.end_factor)
        w = np.minimum(e, self.total_iters) / self.total_iters
        return np.asarray(self.lr) * (f0 * (1 - w) + f1 * w)


class ExponentialLR(Schedule):
    r"""Multiply the rate by :math:`\gamma` every step, as ``torch.optim.lr_scheduler.ExponentialLR``.

    .. math::
        \eta_t = \eta\, \gamma^{t - 1}

    Args:
        lr: base learning rate :math:`\eta`.
        gamma: the factor :math:`\gamma \ge 0` (no default, as in torch).

    Example:
        >>> ExponentialLR(1.0, gamma=0.5).values(4)
        array([1.   , 0.5  , 0.25 , 0.125])
    """

    _broadcast = ("lr", "gamma")

    def __init__(self, lr, gamma):
        self.lr = _rate(lr, "learning rate")
        self.gamma = _rate(gamma, "gamma")

    def rate(self, e):
        return np.asarray(self.lr) * np.asarray(self.gamma) ** e


class PolynomialLR(Schedule):
    r"""Polynomial decay to zero in :math:`T` steps, as ``torch.optim.lr_scheduler.PolynomialLR``.

    .. math::
        \eta_t = \eta \left(1 - \frac{\min(t - 1, T)}{T}\right)^{p}

    Args:
        lr: base learning rate :math:`\eta`.
        total_iters: :math:`T \ge 1` (default 5); the rate is 0 from step :math:`T + 1` on.
        power: :math:`p \ge 0` (default 1, a linear decay).

    Example:
        >>> PolynomialLR(1.0, total_iters=4, power=2.0).values(6)
        array([1.    , 0.5625, 0.25  , 0.0625, 0.    , 0.    ])
    """

    _broadcast = ("lr", "power")

    def __init__(self, lr, total_iters=5, power=1.0):
        self.lr = _rate(lr, "learning rate")
        self.total_iters = _integer(total_iters, "total_iters", 1)
        self.power = _rate(power, "power")

    def rate(self, e):
        return np.asarray(self.lr) * (1 - np.minimum(e, self.total_iters) / self.total_iters) ** np.asarray(self.power)


def _cosine(lr, eta_min, fraction):
    r""":math:`\eta_{\min} + \tfrac12 (\eta - \eta_{\min})(1 + \cos \pi x)`: the SGDR curve at ``fraction`` :math:`x`."""
    eta_min = np.asarray(eta_min)
    return eta_min + (np.asarray(lr) - eta_min) * (1 + np.cos(np.pi * fraction)) / 2


class CosineAnnealingLR(Schedule):
    r"""Cosine annealing, as ``torch.optim.lr_scheduler.CosineAnnealingLR``.

    .. math::
        \eta_t = \eta_{\min} + \tfrac12 (\eta - \eta_{\min})
                 \left(1 + \cos \frac{\pi (t - 1)}{T_{\max}}\right)

    The rate falls from :math:`\eta` at step 1 to :math:`\eta_{\min}` at step
    :math:`T_{\max} + 1`. Past it the cosine goes on, back up to :math:`\eta` at
    :math:`t - 1 = 2T_{\max}`, as torch's does (torch has no restart here; see
    :class:`CosineAnnealingWarmRestarts`). Torch computes it recursively,
    :math:`\eta_{t+1} - \eta_{\min} = (\eta_t - \eta_{\min})\,\frac{1 + \cos(\pi e / T_{\max})}{1 + \cos(\pi (e - 1) / T_{\max})}`;
    optlib evaluates the closed form above, which is the same to rounding.

    Args:
        lr: base (largest) learning rate :math:`\eta`.
        T_max: half-period :math:`T_{\max} \ge 1`, in steps.
        eta_min: the lowest rate :math:`\eta_{\min} \ge 0` (default 0).

    References: Loshchilov & Hutter (2017), SGDR: stochastic gradient descent with warm
    restarts, ICLR (one cycle of their schedule).

    Example:
        >>> CosineAnnealingLR(1.0, T_max=4, eta_min=0.2).values(6).round(4)
        array([1.    , 0.8828, 0.6   , 0.3172, 0.2   , 0.3172])
    """

    _broadcast = ("lr", "eta_min")

    def __init__(self, lr, T_max, eta_min=0.0):
        self.lr = _rate(lr, "learning rate")
        self.T_max = _integer(T_max, "T_max", 1)
        self.eta_min = _rate(eta_min, "eta_min")

    def rate(self, e):
        return _cosine(self.lr, self.eta_min, e / self.T_max)


class CosineAnnealingWarmRestarts(Schedule):
    r"""Cosine annealing with warm restarts (SGDR), as ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts``.

    .. math::
        \eta_t = \eta_{\min} + \tfrac12 (\eta - \eta_{\min})
                 \left(1 + \cos \frac{\pi T_{\mathrm{cur}}}{T_i}\right)

    where the :math:`i`-th cycle (from 0) lasts :math:`T_i = T_0 T_{\mathrm{mult}}^i`
    steps and :math:`T_{\mathrm{cur}}` counts the steps since it began: step 1 starts
    cycle 0 at :math:`\eta`, step :math:`T_0 + 1` restarts at :math:`\eta`, and so on
    (Loshchilov & Hutter, 2017). The rate never reaches :math:`\eta_{\min}` exactly:
    the restart comes one step before.

    Args:
        lr: base (largest) learning rate :math:`\eta`.
        T_0: length of the first cycle, an integer :math:`\ge 1`.
        T_mult: growth factor of the cycles, an integer :math:`\ge 1` (default 1).
        eta_min: the lowest rate :math:`\eta_{\min} \ge 0` (default 0).

    References: Loshchilov & Hutter (2017), SGDR: stochastic gradient descent with warm
    restarts, ICLR.

    Example:
        >>> CosineAnnealingWarmRestarts(1.0, T_0=2, T_mult=2).values(7).round(4)  # cycles of 2, 4, ...
        array([1.    , 0.5   , 1.    , 0.8536, 0.5   , 0.1464, 1.    ])
    """

    _broadcast = ("lr", "eta_min")

    def __init__(self, lr, T_0, T_mult=1, eta_min=0.0):
        self.lr = _rate(lr, "learning rate")
        self.T_0 = _integer(T_0, "T_0", 1)
        self.T_mult = _integer(T_mult, "T_mult", 1)
        self.eta_min = _rate(eta_min, "eta_min")

    def cycles(self, e):
        """``(T_cur, T_i)`` at epochs ``e``: the steps since the last restart, and that cycle's length."""
        e = np.asarray(e)
        if self.T_mult == 1:
            return e % self.T_0, self.T_0
        starts, length, last = [0], self.T_0, int(e.max(initial=0))
        while starts[-1] + length <= last:  # a few cycles: their lengths grow geometrically
            starts.append(starts[-1] + length)
            length *= self.T_mult
        i = np.searchsorted(starts, e, side="right") - 1
        return e - np.asarray(starts)[i], self.T_0 * self.T_mult ** i

    def rate(self, e):
        T_cur, T_i = self.cycles(e)
        return _cosine(self.lr, self.eta_min, T_cur / T_i)


class SequentialLR(Schedule):
    r"""Schedules one after another, as ``torch.optim.lr_scheduler.SequentialLR``.

    .. math::
        \eta_t = s_k(t - m_k), \qquad m_k \le t - 1 < m_{k+1}

    with :math:`m_0 = 0`: schedule :math:`s_k` takes over at step :math:`m_k + 1`
    and starts there from its own step 1 (torch's epoch 0). Warm-up then decay is
    ``SequentialLR(lr, [LinearLR(lr, ...), CosineAnnealingLR(lr, ...)], milestones=[w])``.

    Args:
        lr: base learning rate :math:`\eta`; every schedule must have this base rate,
            as torch requires all of them to act on the same optimizer.
        schedulers: the schedules :math:`s_0, s_1, \dots` (torch's argument name).
        milestones: :math:`m_1 \le m_2 \le \dots`, one fewer than the schedules,
            non-negative and sorted (torch does not check the order). Where two
            coincide, the schedule between them is skipped, as in torch.

    Example:
        >>> warmup = LinearLR(1.0, start_factor=0.5, total_iters=2)
        >>> decay = ExponentialLR(1.0, gamma=0.5)
        >>> SequentialLR(1.0, [warmup, decay], milestones=[2]).values(5)
        array([0.5 , 0.75, 1.  , 0.5 , 0.25])
    """

    _broadcast = ("lr",)

    def __init__(self, lr, schedulers, milestones):
        self.lr = _rate(lr, "learning rate")
        schedulers, milestones = list(schedulers), list(milestones)
        if not schedulers:
            raise ValueError("SequentialLR expects at least one scheduler, but got no scheduler.")
        for i, s in enumerate(schedulers):
            if not isinstance(s, Schedule):
                raise ValueError(f"Invalid schedulers: {s!r} at index {i} is not a schedule")
            if np.shape(s.lr) != np.shape(self.lr) or np.any(np.asarray(s.lr) != np.asarray(self.lr)):
                raise ValueError(f"SequentialLR expects every scheduler to have its base rate lr={lr!r}, "
                                 f"but the one at index {i} ({type(s).__name__}) has lr={s.lr!r}")
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"Invalid milestones: {milestones!r} (one fewer than the {len(schedulers)} "
                             f"schedulers is expected)")
        milestones = [_integer(m, "milestone", 0) for m in milestones]
        if milestones != sorted(milestones):
            raise ValueError(f"Invalid milestones: {milestones!r} (a non-decreasing list is expected)")
        self.schedulers, self.milestones = schedulers, milestones

    def broadcast_shape(self):
        return np.broadcast_shapes(*(s.shape for s in self.schedulers))

    def rate(self, e):
        """The rate at epochs ``e``: a scalar, or epochs along the first axis as :meth:`values` passes them.

        Each schedule is evaluated on its own stretch only, as in torch, so a ``LambdaLR``
        is never called at an epoch it does not serve.
        """
        k = np.searchsorted(self.milestones, e, side="right")  # the schedule in charge at epoch e
        local = e - np.asarray([0] + self.milestones)[k]  # its own epoch, from 0 at its milestone
        if np.ndim(e) == 0:
            return self.schedulers[int(k)].rate(local)
        out = np.empty(np.broadcast_shapes(np.shape(e), self.shape))
        in_charge = k[(slice(None),) + (0,) * (k.ndim - 1)]  # epochs vary along the first axis only
        for i, schedule in enumerate(self.schedulers):
            rows = np.flatnonzero(in_charge == i)
            if rows.size:
                out[rows] = schedule.rate(local[rows])
        return out
