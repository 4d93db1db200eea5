r"""The book's optimizers, with ``torch.optim``'s argument names, defaults and rules.

Each optimizer is a short chain of links from :mod:`optlib.transforms`::

    SGD:     AddDecayedWeights, TraceMomentum, ScaleByLearningRate
    Adagrad: AddDecayedWeights, ScaleBySumOfSquares, ScaleByLearningRate
    RMSprop: AddDecayedWeights, ScaleByRms, TraceMomentum, ScaleByLearningRate
    Adam:    AddDecayedWeights, ScaleByAdam, ScaleByLearningRate
    AdamW:   ScaleByAdam, AddDecayedWeights, ScaleByLearningRate
    NAdam:   AddDecayedWeights, ScaleByNadam, ScaleByLearningRate (decoupled: decay after ScaleByNadam)
    RAdam:   AddDecayedWeights, ScaleByRadam, ScaleByLearningRate (decoupled: decay after ScaleByRadam)
    Lion:    ScaleByLion, AddDecayedWeights, ScaleByLearningRate
    Adafactor: ScaleByFactoredRms, ClipByBlockRms, ScaleByRelativeStepSize
    Muon:    TraceEma, Orthogonalize, ScaleByMatrixShape, AddDecayedWeights, ScaleByLearningRate

and one step is :math:`\theta \leftarrow \theta - u`, where :math:`u` is the
(sign-flipped, if ``maximize``) gradient passed through the chain.

Unlike ``torch.optim``, ``step(params, grads)`` is functional on the caller's
side: it returns new parameters and leaves its arguments untouched, while the
optimizer keeps its own state (step count, moments, buffers) between calls.
Hyperparameters may be arrays that broadcast against ``params``; the returned
parameters and the state then have the broadcast shape, one configuration per
entry.

Every ``lr`` may also be a schedule from :mod:`optlib.schedules` (or any function
of the step ``t`` returning a rate): step ``t`` then uses ``lr(t)``, as torch's
optimizer uses the rate its scheduler set after ``t - 1`` calls of
``scheduler.step()``. A schedule whose base rate is an array runs a grid.

References: Polyak (1964); Sutskever et al. (2013); Duchi et al. (2011);
Tieleman & Hinton (2012); Kingma & Ba (2015); Loshchilov & Hutter (2019); Dozat (2016);
Liu et al. (2020); Chen et al. (2023); Shazeer & Stern (2018); Jordan et al. (2024).
"""

import numpy as np

from optlib.orthogonalize import NS_COEFFICIENTS, NS_STEPS
from optlib.transforms import (
    AddDecayedWeights,
    ClipByBlockRms,
    Orthogonalize,
    ScaleByAdam,
    ScaleByFactoredRms,
    ScaleByLearningRate,
    ScaleByLion,
    ScaleByMatrixShape,
    ScaleByNadam,
    ScaleByRadam,
    ScaleByRelativeStepSize,
    ScaleByRms,
    ScaleBySumOfSquares,
    TraceEma,
    TraceMomentum,
)


def _check(condition, message, value):
    """Raise ``ValueError(message: value)`` unless ``condition`` holds everywhere.

    ``value`` may be an array; the message then names its first bad entry.
    NaN fails every condition, so a NaN hyperparameter is always rejected.
    """
    ok = np.asarray(condition, dtype=bool)
    if not ok.all():
        bad = np.asarray(value)[~np.broadcast_to(ok, np.shape(value))] if np.ndim(value) else value
        raise ValueError(f"{message}: {bad.flat[0] if np.ndim(bad) else bad}")


def _hyper(value, name):
    """A hyperparameter as a Python float or a float64 array; reject anything else."""
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"Invalid {name}: {value!r} (a number is expected)")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"Invalid {name}: {value!r} (a number is expected)") from None
    return float(array) if array.ndim == 0 else array


def _learning_rate(lr):
    """A checked learning rate, or a schedule (a function of the step, checked where it was built)."""
    if callable(lr):
        return lr
    lr = _hyper(lr, "learning rate")
    _check((0 <= np.asarray(lr)) & np.isfinite(lr), "Invalid learning rate", lr)
    return lr


class Optimizer:
    """A chain of links with the ``step``/``reset``/``state`` interface."""

    def __init__(self, links, maximize=False):
        self.links = links
        self.maximize = bool(maximize)
        self.reset()

    def hyperparameter_shapes(self):
        # a schedule's shape is that of its rates: its own .shape, or that of lr(1) for a plain function
        return [h.shape if isinstance(h, np.ndarray) or hasattr(h, "shape") else np.shape(h(1))
                for link in self.links for h in vars(link).values()
                if isinstance(h, np.ndarray) or callable(h)]

    def reset(self):
        """Forget all state: the next step is step 1 again."""
        self.t = 0
        self.shape = self.dtype = None
        self._checked = None  # the (shape, dtype) of params and of grads that the checks last passed
        for link in self.links:
            link.state = {}

    def _check_arrays(self, params, grads):
        """The checks of the arrays (run again only when their shapes or dtypes change)."""
        if not np.issubdtype(params.dtype, np.floating):
            raise ValueError(f"params must be a real floating-point array, got dtype {params.dtype}")
        if grads.shape != params.shape:
            raise ValueError(f"grads has shape {grads.shape}, but params has shape {params.shape}")
        if not (np.issubdtype(grads.dtype, np.floating) or np.issubdtype(grads.dtype, np.integer)):
            raise ValueError(f"grads must be a real numeric array, got dtype {grads.dtype}")
        self._checked = (params.shape, params.dtype, grads.shape, grads.dtype)

    def step(self, params, grads):
        """Return the parameters after one step; the arguments are not modified."""
        params, grads = np.asarray(params), np.asarray(grads)
        if (params.shape, params.dtype, grads.shape, grads.dtype) != self._checked:
            self._check_arrays(params, grads)
        # read at every step: a hyperparameter changed during a run takes effect, as in torch
        shape = np.broadcast_shapes(params.shape, *self.hyperparameter_shapes())
        if self.t == 0:
            self.shape, self.dtype = shape, params.dtype
            for link in self.links:
                # the parameters' own axes are the last params.ndim: leading grid axes are configurations
                link.param_ndim = params.ndim
                link.init(shape, params.dtype)
        elif (shape, params.dtype) != (self.shape, self.dtype):
            raise ValueError(
                f"params changed from shape {self.shape} and dtype {self.dtype} to shape "
                f"{shape} and dtype {params.dtype}; call reset() to start a new run")
        self.t += 1
        u = np.empty(shape, params.dtype)  # the step's one scratch buffer
        if self.maximize:
            np.negative(grads, out=u, casting="unsafe")
        else:
            u[...] = grads
        for link in self.links:
            link.update(u, params, self.t)
        return params - u

    def state_size(self):
        """The number of floats the optimizer stores between steps.

        The sum of the sizes of the stored buffers (``momentum_buffer``, ``m``, ``v``,
        ``row_var``, ...), which is what ``state`` holds apart from ``step`` and the derived
        quantities (``m_hat``, ``v_hat``), which are computed on demand and never stored.
        Like torch, optlib allocates the state at the first step: before it the size is 0.
        For a grid of hyperparameters the size is that of the whole grid's state. A scalar
        kept per parameter tensor, as NAdam's ``mu_product``, counts as one float, as
        torch stores it.

        Example:
            >>> import numpy as np
            >>> opt = Adam()
            >>> _ = opt.step(np.zeros((3, 4)), np.ones((3, 4)))
            >>> opt.state_size()  # m and v: 2n for n = 12 parameters
            24
        """
        return int(sum(np.size(buffer) for link in self.links for buffer in link.state.values()))

    @property
    def state(self):
        """The state under the book's names (``step``, ``m``, ``v``, ``m_hat``, ...).

        The stored buffers of every link, plus ``step`` and the quantities derived from
        the buffers; :meth:`state_size` counts the stored ones alone.
        """
        state = {"step": self.t}
        for link in self.links:
            state.update(link.state)
            state.update(link.derived(self.t))
        return state

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters.items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    r"""Stochastic gradient descent, with optional momentum, as ``torch.optim.SGD``.

    .. math::
        g_t &\leftarrow \nabla L(\theta_{t-1}) + \lambda \theta_{t-1} \\
        b_1 &= g_1, \qquad b_t = \mu b_{t-1} + (1 - \tau) g_t \\
        \theta_t &= \theta_{t-1} - \eta\, b_t
        \quad\text{(Nesterov: } \theta_{t-1} - \eta (g_t + \mu b_t)\text{)}

    for the steps :math:`t = 1, 2, \ldots` from the start :math:`\theta_0` (the book's
    convention: step :math:`t` uses the gradient at the current parameters).

    Args:
        lr: learning rate :math:`\eta` (torch's default 1e-3).
        momentum: momentum factor :math:`\mu`.
        dampening: dampening :math:`\tau` of the momentum; not applied at step 1.
        weight_decay: L2 penalty :math:`\lambda`, added to the gradient.
        nesterov: Nesterov momentum (Sutskever et al., 2013) in torch's form.
        maximize: ascend instead of descend.

    The momentum form is torch's (and the seed post's),
    :math:`m_t = \mu m_{t-1} + g_t`; optax's ``trace`` is the same, while Keras
    writes :math:`v = \mu v - \eta g`, which differs when :math:`\eta` changes
    during training.

    Example:
        >>> import numpy as np
        >>> opt = SGD(lr=0.1, momentum=0.9)
        >>> opt.step(np.array([1.0]), np.array([2.0]))
        array([0.8])
    """

    def __init__(self, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, maximize=False):
        lr, momentum = _learning_rate(lr), _hyper(momentum, "momentum value")
        dampening, weight_decay = _hyper(dampening, "dampening"), _hyper(weight_decay, "weight_decay value")
        _check((0 <= np.asarray(momentum)) & np.isfinite(momentum), "Invalid momentum value", momentum)
        _check((0 <= np.asarray(dampening)) & (np.asarray(dampening) <= 1), "Invalid dampening value", dampening)
        _check((0 <= np.asarray(weight_decay)) & np.isfinite(weight_decay), "Invalid weight_decay value", weight_decay)
        if nesterov and (np.any(np.asarray(momentum) <= 0) or np.any(np.asarray(dampening) != 0)):
            raise ValueError(f"Nesterov momentum requires a momentum and zero dampening, "
                             f"got momentum={momentum} and dampening={dampening}")
        self.hyperparameters = dict(lr=lr, momentum=momentum, dampening=dampening,
                                    weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)
        links = [AddDecayedWeights(weight_decay)] if np.any(weight_decay) else []
        if np.any(momentum):
            links.append(TraceMomentum(momentum, dampening, nesterov))
        super().__init__(links + [ScaleByLearningRate(lr)], maximize)


class Adagrad(Optimizer):
    r"""AdaGrad (Duchi et al., 2011), as ``torch.optim.Adagrad``.

    .. math::
        g_t &\leftarrow \nabla L(\theta_{t-1}) + \lambda \theta_{t-1} \\
        s_t &= s_{t-1} + g_t^2 \\
        \theta_t &= \theta_{t-1} - \frac{\eta_t}{1 + (t - 1)\delta}\,
                    \frac{g_t}{\sqrt{s_t} + \epsilon}

    with :math:`s_0` the ``initial_accumulator_value`` and :math:`\eta_t` the learning
    rate (``lr``, or ``lr(t)`` for a schedule). The sum :math:`s_t` never forgets, so
    under gradients of steady size the step falls like :math:`1/\sqrt t`:
    :class:`RMSprop` replaces the sum by an exponential average.

    Args:
        lr: learning rate :math:`\eta` (default 1e-2), a number, an array or a schedule
            (a schedule from :mod:`optlib.schedules` is checked where it is built; a plain
            function of ``t`` is not checked).
        lr_decay: :math:`\delta`, torch's extra inverse-time decay of the rate (default 0).
        weight_decay: L2 penalty :math:`\lambda`, added to the gradient.
        initial_accumulator_value: :math:`s_0 \ge 0` (default 0).
        eps: :math:`\epsilon`, added outside the square root (default 1e-10), as torch;
            optax's ``adagrad`` puts it inside, :math:`\sqrt{s_t + \epsilon}`, with
            :math:`\epsilon = 10^{-7}` and :math:`s_0 = 0.1` by default. Torch accepts
            :math:`\epsilon = 0` and so does optlib: a coordinate whose gradients are all
            zero then steps by 0/0, NaN (optax steps by 0 there).
        maximize: ascend instead of descend.

    Torch's ``foreach``, ``fused`` and ``differentiable`` (code paths, not
    mathematics) and its sparse gradients are not taken. The state holds ``step``
    and ``sum`` (torch's name for :math:`s_t`).

    Example:
        >>> import numpy as np
        >>> opt = Adagrad(lr=0.1)
        >>> theta = opt.step(np.array([1.0]), np.array([3.0]))  # 1 - 0.1 * 3 / 3
        >>> opt.step(theta, np.array([4.0])).round(4)  # 0.9 - 0.1 * 4 / 5
        array([0.82])

    References: Duchi, Hazan & Singer (2011), Adaptive subgradient methods for
    online learning and stochastic optimization, JMLR 12.
    """

    def __init__(self, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, maximize=False):
        lr, lr_decay = _learning_rate(lr), _hyper(lr_decay, "lr_decay value")
        weight_decay, eps = _hyper(weight_decay, "weight_decay value"), _hyper(eps, "epsilon value")
        initial_accumulator_value = _hyper(initial_accumulator_value, "initial_accumulator_value value")
        _check((0 <= np.asarray(lr_decay)) & np.isfinite(lr_decay), "Invalid lr_decay value", lr_decay)
        _check((0 <= np.asarray(weight_decay)) & np.isfinite(weight_decay), "Invalid weight_decay value", weight_decay)
        _check((0 <= np.asarray(initial_accumulator_value)) & np.isfinite(initial_accumulator_value),
               "Invalid initial_accumulator_value value", initial_accumulator_value)
        _check((0 <= np.asarray(eps)) & np.isfinite(eps), "Invalid epsilon value", eps)
        self.hyperparameters = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                    initial_accumulator_value=initial_accumulator_value, eps=eps,
                                    maximize=maximize)
        links = [AddDecayedWeights(weight_decay)] if np.any(weight_decay) else []
        links += [ScaleBySumOfSquares(initial_accumulator_value, eps), ScaleByLearningRate(lr, lr_decay)]
        super().__init__(links, maximize)


class RMSprop(Optimizer):
    r"""RMSprop (Tieleman & Hinton, 2012), as ``torch.optim.RMSprop``.

    .. math::
        g_t &\leftarrow \nabla L(\theta_{t-1}) + \lambda \theta_{t-1} \\
        v_t &= \alpha v_{t-1} + (1 - \alpha) g_t^2 \\
        \theta_t &= \theta_{t-1} - \eta \frac{g_t}{\sqrt{v_t} + \epsilon}

    for the steps :math:`t = 1, 2, \ldots` from the start :math:`\theta_0`, with :math:`v_0 = 0`.

    Args:
        lr: learning rate :math:`\eta` (default 1e-2).
        alpha: smoothing constant :math:`\alpha` (the seed's :math:`\gamma`; Keras' ``rho``; optax's ``decay``).
        eps: :math:`\epsilon`, added outside the square root as torch does;
            optax's ``rmsprop`` (``eps_in_sqrt=True``, its default) and Keras 3's
            ``RMSprop`` put it inside, :math:`\sqrt{v_t + \epsilon}`.
        weight_decay: L2 penalty :math:`\lambda`, added to the gradient.
        momentum: momentum :math:`\mu` applied to the rescaled step, buffer starting at 0.
        centered: divide by an estimate of the variance, :math:`v_t - \bar g_t^2`.
        maximize: ascend instead of descend.

    There is no bias correction: at step 1, :math:`v_1 = (1 - \alpha) g_1^2`, so the
    step is about :math:`\eta / \sqrt{1 - \alpha}` (ten times :math:`\eta` at the default).

    Example:
        >>> import numpy as np
        >>> RMSprop(lr=0.01).step(np.array([1.0]), np.array([3.0])).round(4)
        array([0.9])
    """

    def __init__(self, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, maximize=False):
        lr, alpha, eps = _learning_rate(lr), _hyper(alpha, "alpha value"), _hyper(eps, "epsilon value")
        weight_decay, momentum = _hyper(weight_decay, "weight_decay value"), _hyper(momentum, "momentum value")
        _check((0 < np.asarray(eps)) & np.isfinite(eps), "Invalid epsilon value", eps)
        _check((0 <= np.asarray(alpha)) & (np.asarray(alpha) < 1), "Invalid alpha value", alpha)
        _check((0 <= np.asarray(momentum)) & np.isfinite(momentum), "Invalid momentum value", momentum)
        _check((0 <= np.asarray(weight_decay)) & np.isfinite(weight_decay), "Invalid weight_decay value", weight_decay)
        self.hyperparameters = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                    momentum=momentum, centered=centered, maximize=maximize)
        links = [AddDecayedWeights(weight_decay)] if np.any(weight_decay) else []
        links.append(ScaleByRms(alpha, eps, centered))
        if np.any(momentum):
            links.append(TraceMomentum(momentum))
        super().__init__(links + [ScaleByLearningRate(lr)], maximize)


def _check_adam(lr, betas, eps, weight_decay, zero_eps=False):
    lr, eps, weight_decay = _learning_rate(lr), _hyper(eps, "epsilon value"), _hyper(weight_decay, "weight_decay value")
    try:  # not np.ndim(betas): a scalar beta1 with an array beta2 is a ragged pair
        if isinstance(betas, str) or len(betas) != 2:
            raise TypeError
    except TypeError:
        raise ValueError(f"Invalid betas: {betas!r} (a pair (beta1, beta2) is expected)") from None
    betas = tuple(_hyper(b, f"beta parameter at index {i}") for i, b in enumerate(betas))
    _check(((0 <= np.asarray(eps)) if zero_eps else (0 < np.asarray(eps))) & np.isfinite(eps),
           "Invalid epsilon value", eps)
    for i, beta in enumerate(betas):
        _check((0 <= np.asarray(beta)) & (np.asarray(beta) < 1), f"Invalid beta parameter at index {i}", beta)
    _check((0 <= np.asarray(weight_decay)) & np.isfinite(weight_decay), "Invalid weight_decay value", weight_decay)
    return lr, betas, eps, weight_decay


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), as ``torch.optim.Adam``.

    .. math::
        g_t &\leftarrow \nabla L(\theta_{t-1}) + \lambda \theta_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        \hat m_t &= \frac{m_t}{1 - \beta_1^t}, \qquad \hat v_t = \frac{v_t}{1 - \beta_2^t} \\
        \theta_t &= \theta_{t-1} - \eta \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    for the steps :math:`t = 1, 2, \ldots` (torch's ``state["step"]``) from the start
    :math:`\theta_0`, with :math:`m_0 = v_0 = 0`.

    Args:
        lr: learning rate :math:`\eta`.
        betas: :math:`(\beta_1, \beta_2)`, the decay rates of the two moments.
        eps: :math:`\epsilon`, added to :math:`\sqrt{\hat v_t}`.
        weight_decay: **L2 regularisation** :math:`\lambda`, added to the gradient
            before the moments, so it is rescaled by :math:`1/(\sqrt{\hat v_t} + \epsilon)`
            like the gradient. This is the coupling that :class:`AdamW` removes.
        amsgrad: use the running maximum of :math:`v_t` (Reddi et al., 2018).
        maximize: ascend instead of descend.

    The state, under ``state``, holds ``step``, ``m``, ``v`` and, derived from them,
    ``m_hat`` and ``v_hat`` (and ``v_max`` with ``amsgrad``).

    Example:
        >>> import numpy as np
        >>> Adam(lr=0.1).step(np.array([1.0]), np.array([-5.0]))  # first step: lr * sign(g)
        array([1.1])
    """

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, maximize=False):
        lr, betas, eps, weight_decay = _check_adam(lr, betas, eps, weight_decay)
        self.hyperparameters = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                    amsgrad=amsgrad, maximize=maximize)
        links = [AddDecayedWeights(weight_decay)] if np.any(weight_decay) else []
        links += [ScaleByAdam(betas, eps, amsgrad), ScaleByLearningRate(lr)]
        super().__init__(links, maximize)


class AdamW(Optimizer):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter, 2019), as ``torch.optim.AdamW``.

    .. math::
        \theta_t = \theta_{t-1} - \eta_t \left( \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}
                                        + \lambda \theta_{t-1} \right)

    with :math:`m_t, v_t, \hat m_t, \hat v_t` as in :class:`Adam`, computed from the
    raw gradient :math:`g_t`, and :math:`\eta_t` the learning rate of step :math:`t`: ``lr``, or
    ``lr(t)`` when ``lr`` is a schedule. The decay is *not* rescaled by :math:`\sqrt{\hat v_t}`.

    Args:
        lr, betas, eps, amsgrad, maximize: as in :class:`Adam`; ``lr`` may be a schedule
            (:mod:`optlib.schedules`).
        weight_decay: decoupled decay :math:`\lambda` (torch's default 1e-2).

    Here, as in torch and optax, the decay is multiplied by the learning rate
    :math:`\eta_t`, so step :math:`t` shrinks :math:`\theta` by the factor
    :math:`1 - \eta_t\lambda`; under a schedule the decay follows the *scheduled*
    rate, as torch's does (it reads the rate its scheduler wrote). This is where torch
    and Loshchilov & Hutter (2019) part: their update is
    :math:`\theta_t = \theta_{t-1} - s_t \left(\alpha\, \hat m_t / (\sqrt{\hat v_t} + \epsilon) + \lambda' \theta_{t-1}\right)`
    with base rate :math:`\alpha` and schedule multiplier :math:`s_t` (the paper's
    :math:`\eta_t`, not the rate :math:`\eta_t` above), so their decay
    :math:`\lambda'` is multiplied by :math:`s_t` alone, not by :math:`\alpha`. With
    ``lr`` = :math:`\alpha s_t` both decays follow the schedule, and their
    :math:`\lambda'` is torch's ``weight_decay * alpha``: changing the base rate
    changes the decay in torch, not in the paper.

    Example:
        >>> import numpy as np
        >>> AdamW(lr=0.1, weight_decay=0.5).step(np.array([2.0]), np.array([3.0]))
        array([1.8])
    """

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, maximize=False):
        lr, betas, eps, weight_decay = _check_adam(lr, betas, eps, weight_decay)
        self.hyperparameters = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                    amsgrad=amsgrad, maximize=maximize)
        links = [ScaleByAdam(betas, eps, amsgrad)]
        if np.any(weight_decay):
            links.append(AddDecayedWeights(weight_decay))
        super().__init__(links + [ScaleByLearningRate(lr)], maximize)


def _adam_family_links(rescaling, weight_decay, decoupled_weight_decay, lr):
    """``rescaling`` between the weight decay and the rate: L2 before it, or decoupled after it."""
    links = [rescaling]
    if np.any(weight_decay):
        links.insert(len(links) if decoupled_weight_decay else 0, AddDecayedWeights(weight_decay))
    return links + [ScaleByLearningRate(lr)]


class NAdam(Optimizer):
    r"""NAdam: Adam with Nesterov momentum (Dozat, 2016), as ``torch.optim.NAdam``.

    .. math::
        g_t &\leftarrow \nabla L(\theta_{t-1}) + \lambda \theta_{t-1}
              \quad\text{(L2; not with decoupled decay)} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        \mu_t &= \beta_1 \bigl(1 - \tfrac12\, 0.96^{t\psi}\bigr), \qquad
        \Pi_t = \mu_1 \mu_2 \cdots \mu_t \\
        \theta_t &= \theta_{t-1} - \eta \left( \frac{1 - \mu_t}{1 - \Pi_t} g_t
                 + \frac{\mu_{t+1}}{1 - \Pi_{t+1}} m_t \right)
                 \Big/ \left(\sqrt{v_t / (1 - \beta_2^t)} + \epsilon\right)

    for the steps :math:`t = 1, 2, \ldots` (torch's ``state["step"]``) from the start
    :math:`\theta_0`, with :math:`m_0 = v_0 = 0`; with ``decoupled_weight_decay`` the
    decay is AdamW's, :math:`\theta_t = \theta_{t-1} - \eta\lambda\theta_{t-1} - \ldots`
    (torch's "NAdamW"). Where Adam steps along :math:`\hat m_t`, NAdam steps along the
    momentum it will have *after* the next step, :math:`\mu_{t+1}\hat m_t`, plus the
    fresh gradient's share: Nesterov's look-ahead, applied to Adam's first moment.

    Args:
        lr: learning rate :math:`\eta` (torch's default 2e-3), a number, an array or a schedule.
        betas: :math:`(\beta_1, \beta_2)` (default (0.9, 0.999)).
        eps: :math:`\epsilon` (default 1e-8), added to :math:`\sqrt{\hat v_t}`; 0 is allowed, as in torch.
        weight_decay: :math:`\lambda` (default 0), L2 unless ``decoupled_weight_decay``.
        momentum_decay: :math:`\psi` (default 4e-3), the warm-up of :math:`\mu_t`, from
            :math:`\mu_1 \approx 0.50008\beta_1` towards :math:`\beta_1`, half-way (at
            :math:`\tfrac34\beta_1`) after :math:`\ln 2 / (\psi \ln(1/0.96)) \approx 4245` steps.
        decoupled_weight_decay: AdamW's decay, :math:`\theta \leftarrow \theta(1 - \eta\lambda)`.
        maximize: ascend instead of descend.

    Where they differ: the paper (Dozat, 2016, Algorithm 2) writes the same rule with the
    schedule :math:`\mu_t` and the products :math:`\Pi_t`, :math:`\Pi_{t+1}`, and
    :math:`\epsilon` added to the corrected root :math:`\sqrt{v_t/(1-\beta_2^t)}`, as torch;
    Keras' ``Nadam`` follows it too. optax's ``nadam`` (``adam(..., nesterov=True)``) has no
    :math:`\mu_t` schedule: it uses the constant :math:`\beta_1` in place of :math:`\mu_t, \mu_{t+1}`
    and the plain corrections :math:`1 - \beta_1^t, 1 - \beta_1^{t+1}`, so its steps differ
    from torch's (by a factor about 2 on the momentum term early on, where
    :math:`\mu_t \approx \beta_1/2`). Torch keeps :math:`\Pi_t` (``mu_product``) in its default
    dtype, float32 unless ``torch.set_default_dtype(torch.float64)``; optlib keeps it in the
    parameters' dtype. The state holds ``step``, ``m``, ``v``, ``mu_product`` and, derived,
    ``m_hat``, ``v_hat``.

    Example:
        >>> import numpy as np
        >>> opt = NAdam(lr=0.1)
        >>> # step 1: m_1 = (1 - beta1) g, so the step is lr sign(g) (1 + (1 - beta1) mu_2 / (1 - mu_1 mu_2))
        >>> opt.step(np.array([1.0]), np.array([2.0])).round(4)  # 1 - 0.1 * 1.0565: 5.6 % more than Adam
        array([0.8944])

    References: Dozat (2016), Incorporating Nesterov momentum into Adam, ICLR workshop.
    """

    def __init__(self, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, maximize=False):
        lr, betas, eps, weight_decay = _check_adam(lr, betas, eps, weight_decay, zero_eps=True)
        momentum_decay = _hyper(momentum_decay, "momentum_decay value")
        _check((0 <= np.asarray(momentum_decay)) & np.isfinite(momentum_decay), "Invalid momentum_decay value",
               momentum_decay)
        self.hyperparameters = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                    momentum_decay=momentum_decay,
                                    decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        super().__init__(_adam_family_links(ScaleByNadam(betas, eps, momentum_decay), weight_decay,
                                            decoupled_weight_decay, lr), maximize)


class RAdam(Optimizer):
    r"""Rectified Adam (Liu et al., 2020), as ``torch.optim.RAdam``.

    .. math::
        g_t &\leftarrow \nabla L(\theta_{t-1}) + \lambda \theta_{t-1}
              \quad\text{(L2; not with decoupled decay)} \\
        m_t, v_t, \hat m_t &\ \text{as in Adam}, \qquad
        \rho_\infty = \frac{2}{1 - \beta_2} - 1, \qquad
        \rho_t = \rho_\infty - \frac{2t\beta_2^t}{1 - \beta_2^t} \\
        \theta_t &= \theta_{t-1} - \eta\, \hat m_t \cdot
            \begin{cases}
                r_t \sqrt{1 - \beta_2^t} / (\sqrt{v_t} + \epsilon) & \rho_t > 5 \\
                1 & \rho_t \le 5
            \end{cases}, \qquad
        r_t = \sqrt{\frac{(\rho_t - 4)(\rho_t - 2)\rho_\infty}{(\rho_\infty - 4)(\rho_\infty - 2)\rho_t}}

    for the steps :math:`t = 1, 2, \ldots` (torch's ``state["step"]``) from the start
    :math:`\theta_0`, with :math:`m_0 = v_0 = 0`. :math:`\rho_t` estimates how many
    gradients the average :math:`v_t` is worth; until it exceeds 5 (steps 1 to 5 at
    :math:`\beta_2 = 0.999`: :math:`\rho_5 \approx 4.99`, :math:`\rho_6 \approx 5.99`) the
    step is bias-corrected momentum SGD, :math:`\eta\hat m_t`, not divided by anything; after,
    Adam's step scaled by :math:`r_t`, which grows from about 0.02 (:math:`t = 6`) towards 1.

    Args:
        lr: learning rate :math:`\eta` (default 1e-3), a number, an array or a schedule.
        betas: :math:`(\beta_1, \beta_2)` (default (0.9, 0.999)).
        eps: :math:`\epsilon` (default 1e-8); 0 is allowed, as in torch.
        weight_decay: :math:`\lambda` (default 0), L2 unless ``decoupled_weight_decay``.
        decoupled_weight_decay: AdamW's decay, :math:`\theta \leftarrow \theta(1 - \eta\lambda)`.
        maximize: ascend instead of descend.

    Where they differ: torch adds :math:`\epsilon` to the uncorrected :math:`\sqrt{v_t}`
    (the paper's Algorithm 2 has no :math:`\epsilon`; Adam's :math:`\sqrt{\hat v_t} + \epsilon`
    would be :math:`\epsilon\sqrt{1-\beta_2^t}` here). The paper switches at
    :math:`\rho_t > 4`, torch at :math:`\rho_t > 5`, optax (``radam``, ``threshold=5.0``) and the
    authors' code at :math:`\rho_t \ge 5`. optax adds :math:`\epsilon` to :math:`\sqrt{\hat v_t}`,
    as Adam does. The
    state holds ``step``, ``m``, ``v`` and, derived, ``m_hat``, ``v_hat``, ``rho_t`` and
    ``rectification`` (:math:`r_t`, or 0 while :math:`\rho_t \le 5`).

    Example:
        >>> import numpy as np
        >>> opt = RAdam(lr=0.1)
        >>> opt.step(np.array([1.0]), np.array([2.0]))  # rho_1 = 1 <= 5: theta - lr m_hat = 1 - 0.1 * 2
        array([0.8])

    References: Liu, Jiang, He, Chen, Liu, Gao & Han (2020), On the variance of the adaptive
    learning rate and beyond, ICLR.
    """

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 maximize=False):
        lr, betas, eps, weight_decay = _check_adam(lr, betas, eps, weight_decay, zero_eps=True)
        self.hyperparameters = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                    decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        super().__init__(_adam_family_links(ScaleByRadam(betas, eps), weight_decay, decoupled_weight_decay, lr),
                         maximize)


class Lion(Optimizer):
    r"""Lion, EvoLved Sign Momentum (Chen et al., 2023), with optax's names and defaults (``optax.lion``).

    .. math::
        c_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        \theta_t &= \theta_{t-1} - \eta \left( \operatorname{sign}(c_t) + \lambda \theta_{t-1} \right) \\
        m_t &= \beta_2 m_{t-1} + (1 - \beta_2) g_t

    for the steps :math:`t = 1, 2, \ldots` from the start :math:`\theta_0`, with
    :math:`g_t = \nabla L(\theta_{t-1})` and :math:`m_0 = 0`. The step interpolates *towards
    the fresh gradient* with :math:`\beta_1` but remembers with the slower :math:`\beta_2`, and
    moves every coordinate by exactly :math:`\eta` (plus the decay): its size does not depend
    on the gradient's, so Lion needs a rate 3 to 10 times smaller than AdamW's (the paper's
    advice) and a decay :math:`\lambda` as many times larger, keeping :math:`\eta\lambda`. Its
    state is one buffer, ``m``, where Adam keeps two.

    Args:
        lr: learning rate :math:`\eta` (optax's ``learning_rate``, which has no default; here
            1e-4, the default of the lion-pytorch package), a number, an array or a
            schedule.
        b1: :math:`\beta_1` (default 0.9), the interpolation of the step's direction.
        b2: :math:`\beta_2` (default 0.99), the decay of the momentum :math:`m_t`.
        weight_decay: decoupled decay :math:`\lambda` (default 1e-3, optax's), multiplied by
            :math:`\eta` as in AdamW.
        maximize: ascend instead of descend (optax has no such flag).

    Where they differ: the paper's Algorithm 2 is this rule (with a schedule multiplier on
    :math:`\eta`); optax's ``lion`` chains ``scale_by_lion``, ``add_decayed_weights`` and
    ``scale_by_learning_rate``, the same three links as here, but a schedule there is called
    with the count of *previous* steps (0 at the first step) where optlib calls ``lr(t)`` with
    :math:`t = 1` at the first step, as torch's schedulers do: optax's ``schedule`` is optlib's
    ``lambda t: schedule(t - 1)``. Torch has no Lion in ``torch.optim``. ``sign(0) = 0``, as in
    NumPy and JAX.

    Example:
        >>> import numpy as np
        >>> opt = Lion(lr=0.1, weight_decay=0.0)
        >>> theta = opt.step(np.array([1.0, 1.0, 1.0]), np.array([3.0, -1e-6, 0.0]))
        >>> theta  # every coordinate with a gradient moves by lr, whatever its size
        array([0.9, 1.1, 1. ])

    References: Chen, Liang, Huang, Real, Wang, Pham, Dong, Luong, Hsieh, Lu & Le (2023),
    Symbolic discovery of optimization algorithms, NeurIPS.
    """

    def __init__(self, lr=1e-4, b1=0.9, b2=0.99, weight_decay=1e-3, maximize=False):
        lr, b1, b2 = _learning_rate(lr), _hyper(b1, "b1 value"), _hyper(b2, "b2 value")
        weight_decay = _hyper(weight_decay, "weight_decay value")
        _check((0 <= np.asarray(b1)) & (np.asarray(b1) <= 1), "Invalid b1 value", b1)
        _check((0 <= np.asarray(b2)) & (np.asarray(b2) <= 1), "Invalid b2 value", b2)
        _check((0 <= np.asarray(weight_decay)) & np.isfinite(weight_decay), "Invalid weight_decay value", weight_decay)
        self.hyperparameters = dict(lr=lr, b1=b1, b2=b2, weight_decay=weight_decay, maximize=maximize)
        links = [ScaleByLion(b1, b2)]
        if np.any(weight_decay):
            links.append(AddDecayedWeights(weight_decay))
        super().__init__(links + [ScaleByLearningRate(lr)], maximize)


class Adafactor(Optimizer):
    r"""Adafactor (Shazeer & Stern, 2018), as ``torch.optim.Adafactor``.

    .. math::
        1 - \hat\beta_{2,t} &= t^{c}, \qquad
        \hat V_t = \frac{R_t C_t}{\max(\mathrm{mean}(R_t), \epsilon_1)} \\
        U_t &= \frac{g_t}{\sqrt{\max(\hat V_t, \epsilon_1^2)}}, \qquad
        \hat U_t = \frac{U_t}{\max(1, \mathrm{RMS}(U_t)/d)} \\
        \theta_t &= \theta_{t-1} - \eta\lambda\theta_{t-1}
                   - \max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))\, \min(\eta, t^{-1/2})\, \hat U_t

    for the steps :math:`t = 1, 2, \ldots` (torch's ``state["step"]``) from the start
    :math:`\theta_0`, with :math:`g_t = \nabla L(\theta_{t-1})` and zero initial factors.
    Parameters of two or more axes keep the row means :math:`R_t` and column means :math:`C_t`
    of the squared gradients over their last two axes (:math:`n + m` numbers per
    :math:`n \times m` matrix, where Adam keeps :math:`2nm`), and :math:`\hat V_t` is their
    factored estimate (see :class:`~optlib.transforms.ScaleByFactoredRms`); vectors keep the
    full average.
    There is no first moment. The step is *relative*: a fraction :math:`\min(\eta, t^{-1/2})`
    of the parameters' root mean square, and every step's RMS is at most :math:`d` times that.

    Args:
        lr: :math:`\eta` (default 1e-2): the cap of the relative step and the decay's rate; a
            number, an array or a schedule.
        beta2_decay: :math:`c \le 0` (default -0.8): :math:`\hat\beta_{2,t} = 1 - t^{c}`, so the
            average forgets less and less (0.43 at :math:`t = 2`, 0.84 at 10, 0.975 at 100).
        eps: :math:`(\epsilon_1, \epsilon_2)` (default (None, 1e-3)); :math:`\epsilon_1` ``None``
            is the machine epsilon of the parameters' dtype (float32: 1.2e-7), :math:`\epsilon_2`
            the floor of the parameters' RMS, so that parameters at 0 can move.
        d: clipping threshold :math:`d \ge 1` (default 1).
        weight_decay: decoupled decay :math:`\lambda` (default 0), multiplied by :math:`\eta`.
        maximize: ascend instead of descend.

    Where they differ: the paper's relative step uses the constant 0.01 for torch's :math:`\eta`
    (torch's default reproduces it), adds :math:`\epsilon_1` (1e-30) to the squared gradients
    inside :math:`R_t, C_t` where torch clamps :math:`\hat V_t` and its normaliser instead, and
    uses row and column sums where torch uses means (the same :math:`\hat V_t`); the paper has
    no weight decay. optax's ``adafactor`` (``decay_rate=0.8``, ``clipping_threshold=1.0``,
    ``multiply_by_parameter_scale=True``, ``eps=1e-30``) follows the paper's :math:`\epsilon_1`
    placement, factors the two *largest* axes and only where both have at least 128 entries
    (``min_dim_size_to_factor``), has no relative step :math:`\min(\eta, t^{-1/2})` (its
    ``learning_rate`` is None by default: no rate at all, or a given rate or schedule), adds its
    ``weight_decay_rate`` without multiplying it by a rate, and offers a first moment
    (``momentum``). The RMS of the parameters and of the update run
    over the whole tensor (all its axes, one per configuration of a grid); the factoring is
    over the last two axes, leading axes a batch of matrices. The state holds ``step``,
    ``row_var`` and ``col_var`` (a vector: ``variance``), and, derived, ``variance_estimate``.

    Example:
        >>> import numpy as np
        >>> opt = Adafactor()
        >>> theta = np.array([[1.0, -1.0], [2.0, -2.0]])  # RMS 1.58
        >>> opt.step(theta, np.array([[0.1, 0.1], [4.0, 4.0]])).round(4)  # rank one: U = sign(g)
        array([[ 0.9842, -1.0158],
               [ 1.9842, -2.0158]])

    References: Shazeer & Stern (2018), Adafactor: adaptive learning rates with sublinear memory
    cost, ICML.
    """

    def __init__(self, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, maximize=False):
        if not callable(lr):
            lr = _hyper(lr, "learning rate")
            _check((0 <= np.asarray(lr)) & np.isfinite(lr), "Learning rate should be >= 0 but is", lr)
        beta2_decay, d = _hyper(beta2_decay, "beta2_decay"), _hyper(d, "d")
        weight_decay = _hyper(weight_decay, "weight_decay")
        try:
            if isinstance(eps, str) or len(eps) != 2:
                raise TypeError
        except TypeError:
            raise ValueError(f"Invalid eps: {eps!r} (a pair (epsilon1 or None, epsilon2) is expected)") from None
        eps1 = None if eps[0] is None else _hyper(eps[0], "epsilon1")
        eps2 = _hyper(eps[1], "epsilon2")
        _check((np.asarray(beta2_decay) <= 0) & np.isfinite(beta2_decay), "beta2_decay should be <= 0 but is",
               beta2_decay)
        if eps1 is not None:
            _check((0 <= np.asarray(eps1)) & np.isfinite(eps1), "epsilon1 should be >= 0 but is", eps1)
        _check((0 <= np.asarray(eps2)) & np.isfinite(eps2), "epsilon2 should be >= 0 but is", eps2)
        _check((1 <= np.asarray(d)) & np.isfinite(d), "Clipping threshold d should be >= 1 but is", d)
        _check((0 <= np.asarray(weight_decay)) & np.isfinite(weight_decay), "weight_decay should be >= 0 but is",
               weight_decay)
        self.hyperparameters = dict(lr=lr, beta2_decay=beta2_decay, eps=(eps1, eps2), d=d,
                                    weight_decay=weight_decay, maximize=maximize)
        super().__init__([ScaleByFactoredRms(beta2_decay, eps1), ClipByBlockRms(d),
                          ScaleByRelativeStepSize(lr, eps2, weight_decay)], maximize)


class Muon(Optimizer):
    r"""Muon, momentum orthogonalised by Newton–Schulz (Jordan et al., 2024), as ``torch.optim.Muon``.

    .. math::
        B_t &= \mu B_{t-1} + (1 - \mu) g_t, \qquad
        \tilde B_t = (1 - \mu) g_t + \mu B_t \ \text{(Nesterov; else } B_t\text{)} \\
        O_t &= \mathrm{NS}^{(a,b,c)}_k(\tilde B_t) \approx U V^\top
              \quad\text{for } \tilde B_t = U \Sigma V^\top \\
        \theta_t &= \theta_{t-1} - \eta \lambda \theta_{t-1} - \eta\, s(A, B)\, O_t

    for the steps :math:`t = 1, 2, \ldots` from the start :math:`\theta_0`, with
    :math:`g_t = \nabla L(\theta_{t-1})`, :math:`B_0 = 0`, and :math:`s` the shape factor of an
    :math:`A \times B` matrix (``adjust_lr_fn``, :class:`~optlib.transforms.ScaleByMatrixShape`).
    The update keeps the momentum's singular *vectors* and sets its singular *values* to about
    1 (:func:`optlib.orthogonalize.newton_schulz`): a step of the same size in every direction
    of the matrix, however ill-conditioned the gradients. Only for matrices: torch refuses any
    parameter that is not two-dimensional; optlib takes two or more axes (the last two a matrix,
    leading axes a batch of them) and refuses fewer, naming the shape.

    Args:
        lr: learning rate :math:`\eta` (default 1e-3), a number, an array or a schedule.
        weight_decay: decoupled decay :math:`\lambda` (default 0.1), multiplied by :math:`\eta`
            (not by the adjusted rate).
        momentum: :math:`\mu` (default 0.95).
        nesterov: Nesterov's look-ahead (default True).
        ns_coefficients: :math:`(a, b, c)` (default (3.4445, -4.7750, 2.0315)).
        eps: floor of the Frobenius norm in the normalisation (default 1e-7).
        ns_steps: :math:`k`, the Newton–Schulz steps (default 5; fewer than 100, as torch).
        adjust_lr_fn: ``None`` or ``"original"`` (:math:`s = \sqrt{\max(1, A/B)}`) or
            ``"match_rms_adamw"`` (:math:`s = 0.2\sqrt{\max(A, B)}`).
        maximize: ascend instead of descend (torch's Muon has no such flag).

    Where they differ: torch runs the Newton–Schulz iteration in bfloat16 and returns a bfloat16
    update; optlib runs the same operations in the parameters' dtype, so it cannot equal torch.
    Over the 26 runs of ``tests/reference/torch_modern.npz`` optlib's step differs from torch's by
    up to 6 % of the step, in float32 and float64 alike: torch's rounding to 8 significant bits,
    which the quintic's slope (3.4445 at 0, :math:`3.4445^5 \approx 487` over five steps) amplifies in
    the directions of small singular values. With the iteration rounded to bfloat16 as torch rounds
    it (``Orthogonalize(..., rounding=optlib.orthogonalize.round_to_bfloat16)``, the link
    ``links[1]``) optlib reproduces torch's steps to the last bit of the parameters;
    ``tests/test_modern_optimizers.py`` states both measurements. torch's documentation writes :math:`B_t = \mu B_{t-1} + g_t`
    and :math:`g_t + \mu B_t`; its code (followed here) uses the averages above, which differ by
    the factor :math:`1 - \mu` that the normalisation removes (except against ``eps``). Keller
    Jordan's reference code is the same average with Nesterov. optax's ``contrib.muon`` has the
    same coefficients and the same average, but bias-corrects it as Adam does (its Nesterov form
    is NAdam's with a constant :math:`\mu`), iterates in the parameters' dtype, and defaults to
    ``beta=0.95``, ``eps=1e-8``, no weight decay, and the scaling :math:`\sqrt{\max(1,
    \text{fan\_out}/\text{fan\_in})}` (or ``consistent_rms`` :math:`\cdot\sqrt{\max(\text{fan\_in},
    \text{fan\_out})}`); it sends parameters that are not matrices to Adam. The paper (Jordan
    et al., 2024, a blog post) gives the same iteration. The state holds ``step`` and
    ``momentum_buffer``.

    Example:
        >>> import numpy as np
        >>> opt = Muon(lr=0.1, weight_decay=0.0)
        >>> step = np.zeros((2, 2)) - opt.step(np.zeros((2, 2)), np.diag([100.0, 1.0]))
        >>> (step / 0.1).round(3)  # singular values 100 and 1 both come out at about 0.7
        array([[0.696, 0.   ],
               [0.   , 0.699]])

    References: Jordan, Jin, Boza, You, Cesista, Newhouse & Bernstein (2024), Muon: an optimizer
    for hidden layers in neural networks (kellerjordan.github.io/posts/muon); Liu et al. (2025),
    Muon is scalable for LLM training, arXiv:2502.16982.
    """

    def __init__(self, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True, ns_coefficients=NS_COEFFICIENTS,
                 eps=1e-7, ns_steps=NS_STEPS, adjust_lr_fn=None, maximize=False):
        if not callable(lr):
            lr = _hyper(lr, "learning rate")
            _check((0 <= np.asarray(lr)) & np.isfinite(lr), "Learning rate should be >= 0 but is", lr)
        momentum, weight_decay = _hyper(momentum, "momentum"), _hyper(weight_decay, "weight decay")
        eps = _hyper(eps, "eps")
        _check((0 <= np.asarray(momentum)) & np.isfinite(momentum), "momentum should be >= 0 but is", momentum)
        _check((0 <= np.asarray(weight_decay)) & np.isfinite(weight_decay), "weight decay should be >= 0 but is",
               weight_decay)
        _check((0 <= np.asarray(eps)) & np.isfinite(eps), "eps should be >= 0 but is", eps)
        if adjust_lr_fn is not None and adjust_lr_fn not in ("original", "match_rms_adamw"):
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        try:
            if isinstance(ns_coefficients, str) or len(ns_coefficients) != 3:
                raise TypeError
        except TypeError:
            raise ValueError(f"Coefficients must be a tuple of exactly 3 values, got {ns_coefficients!r}") from None
        ns_coefficients = tuple(_hyper(v, "ns_coefficients") for v in ns_coefficients)
        if any(np.ndim(v) for v in ns_coefficients):
            raise ValueError(f"Invalid ns_coefficients: {ns_coefficients!r} (three numbers are expected)")
        if isinstance(ns_steps, (bool, np.bool_)) or not isinstance(ns_steps, (int, np.integer)) or ns_steps < 0:
            raise ValueError(f"Invalid ns_steps: {ns_steps!r} (a whole number >= 0 is expected)")
        if ns_steps >= 100:
            raise ValueError(f"Number of steps must be less than 100 for computational efficiency, got {ns_steps}")
        self.hyperparameters = dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                                    ns_coefficients=ns_coefficients, eps=eps, ns_steps=int(ns_steps),
                                    adjust_lr_fn=adjust_lr_fn, maximize=maximize)
        links = [TraceEma(momentum, nesterov), Orthogonalize(ns_coefficients, int(ns_steps), eps),
                 ScaleByMatrixShape(adjust_lr_fn)]
        if np.any(weight_decay):
            links.append(AddDecayedWeights(weight_decay))
        super().__init__(links + [ScaleByLearningRate(lr)], maximize)
