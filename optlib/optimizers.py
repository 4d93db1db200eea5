r"""The book's optimizers, with ``torch.optim``'s argument names, defaults and rules.

Each optimizer is a short chain of links from :mod:`optlib.transforms`::

    SGD:     AddDecayedWeights, TraceMomentum, ScaleByLearningRate
    RMSprop: AddDecayedWeights, ScaleByRms, TraceMomentum, ScaleByLearningRate
    Adam:    AddDecayedWeights, ScaleByAdam, ScaleByLearningRate
    AdamW:   ScaleByAdam, AddDecayedWeights, ScaleByLearningRate

and one step is :math:`\theta \leftarrow \theta - u`, where :math:`u` is the
(sign-flipped, if ``maximize``) gradient passed through the chain.

Unlike ``torch.optim``, ``step(params, grads)`` is functional on the caller's
side: it returns new parameters and leaves its arguments untouched, while the
optimizer keeps its own state (step count, moments, buffers) between calls.
Hyperparameters may be arrays that broadcast against ``params``; the returned
parameters and the state then have the broadcast shape, one configuration per
entry.

References: Polyak (1964); Sutskever et al. (2013); Tieleman & Hinton (2012);
Kingma & Ba (2015); Loshchilov & Hutter (2019).
"""

import numpy as np

from optlib.transforms import (
    AddDecayedWeights,
    ScaleByAdam,
    ScaleByLearningRate,
    ScaleByRms,
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


class Optimizer:
    """A chain of links with the ``step``/``reset``/``state`` interface."""

    def __init__(self, links, maximize=False):
        self.links = links
        self.maximize = bool(maximize)
        self.reset()

    def hyperparameter_shapes(self):
        return [np.shape(h) for link in self.links for h in vars(link).values()
                if isinstance(h, np.ndarray)]

    def reset(self):
        """Forget all state: the next step is step 1 again."""
        self.t = 0
        self.shape = self.dtype = None
        for link in self.links:
            link.state = {}

    def step(self, params, grads):
        """Return the parameters after one step; the arguments are not modified."""
        params, grads = np.asarray(params), np.asarray(grads)
        if not np.issubdtype(params.dtype, np.floating):
            raise ValueError(f"params must be a real floating-point array, got dtype {params.dtype}")
        if grads.shape != params.shape:
            raise ValueError(f"grads has shape {grads.shape}, but params has shape {params.shape}")
        if not (np.issubdtype(grads.dtype, np.floating) or np.issubdtype(grads.dtype, np.integer)):
            raise ValueError(f"grads must be a real numeric array, got dtype {grads.dtype}")
        shape = np.broadcast_shapes(params.shape, *self.hyperparameter_shapes())
        if self.t == 0:
            self.shape, self.dtype = shape, params.dtype
            for link in self.links:
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

    @property
    def state(self):
        """The state under the book's names (``step``, ``m``, ``v``, ``m_hat``, ...)."""
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
        g_t &\leftarrow \nabla L(\theta_t) + \lambda \theta_t \\
        b_1 &= g_1, \qquad b_t = \mu b_{t-1} + (1 - \tau) g_t \\
        \theta_{t+1} &= \theta_t - \eta\, b_t
        \quad\text{(Nesterov: } \theta_t - \eta (g_t + \mu b_t)\text{)}

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
        lr, momentum = _hyper(lr, "learning rate"), _hyper(momentum, "momentum value")
        dampening, weight_decay = _hyper(dampening, "dampening"), _hyper(weight_decay, "weight_decay value")
        _check((0 <= np.asarray(lr)) & np.isfinite(lr), "Invalid learning rate", lr)
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


class RMSprop(Optimizer):
    r"""RMSprop (Tieleman & Hinton, 2012), as ``torch.optim.RMSprop``.

    .. math::
        g_t &\leftarrow \nabla L(\theta_t) + \lambda \theta_t \\
        v_t &= \alpha v_{t-1} + (1 - \alpha) g_t^2 \\
        \theta_{t+1} &= \theta_t - \eta \frac{g_t}{\sqrt{v_t} + \epsilon}

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
        lr, alpha, eps = _hyper(lr, "learning rate"), _hyper(alpha, "alpha value"), _hyper(eps, "epsilon value")
        weight_decay, momentum = _hyper(weight_decay, "weight_decay value"), _hyper(momentum, "momentum value")
        _check((0 <= np.asarray(lr)) & np.isfinite(lr), "Invalid learning rate", lr)
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


def _check_adam(lr, betas, eps, weight_decay):
    lr, eps, weight_decay = _hyper(lr, "learning rate"), _hyper(eps, "epsilon value"), _hyper(weight_decay, "weight_decay value")
    try:  # not np.ndim(betas): a scalar beta1 with an array beta2 is a ragged pair
        if isinstance(betas, str) or len(betas) != 2:
            raise TypeError
    except TypeError:
        raise ValueError(f"Invalid betas: {betas!r} (a pair (beta1, beta2) is expected)") from None
    betas = tuple(_hyper(b, f"beta parameter at index {i}") for i, b in enumerate(betas))
    _check((0 <= np.asarray(lr)) & np.isfinite(lr), "Invalid learning rate", lr)
    _check((0 < np.asarray(eps)) & np.isfinite(eps), "Invalid epsilon value", eps)
    for i, beta in enumerate(betas):
        _check((0 <= np.asarray(beta)) & (np.asarray(beta) < 1), f"Invalid beta parameter at index {i}", beta)
    _check((0 <= np.asarray(weight_decay)) & np.isfinite(weight_decay), "Invalid weight_decay value", weight_decay)
    return lr, betas, eps, weight_decay


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), as ``torch.optim.Adam``.

    .. math::
        g_t &\leftarrow \nabla L(\theta_t) + \lambda \theta_t \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        \hat m_t &= \frac{m_t}{1 - \beta_1^t}, \qquad \hat v_t = \frac{v_t}{1 - \beta_2^t} \\
        \theta_{t+1} &= \theta_t - \eta \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    with :math:`m_0 = v_0 = 0` and the step count starting at :math:`t = 1`.

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
        \theta_{t+1} = \theta_t - \eta \left( \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}
                                        + \lambda \theta_t \right)

    with :math:`m_t, v_t, \hat m_t, \hat v_t` as in :class:`Adam`, computed from the
    raw gradient. The decay is *not* rescaled by :math:`\sqrt{\hat v_t}`.

    Args:
        lr, betas, eps, amsgrad, maximize: as in :class:`Adam`.
        weight_decay: decoupled decay :math:`\lambda` (torch's default 1e-2).

    Here, as in torch and optax, the decay is multiplied by the learning rate
    :math:`\eta`, so each step shrinks :math:`\theta` by the factor :math:`1 - \eta\lambda`.
    Loshchilov & Hutter multiply :math:`\lambda` by the schedule multiplier
    :math:`\eta_t` only, not by the base learning rate: their :math:`\lambda`
    corresponds to torch's ``weight_decay * lr``.

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
