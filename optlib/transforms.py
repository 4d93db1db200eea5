"""Gradient transformations: the links that optimizers are chained from.

Each link owns a little state and rewrites the update buffer ``u`` *in place*.
An optimizer (see :mod:`optlib.optimizers`) copies the gradient into ``u``
once per step, passes it through its links in order, and finally computes
``params - u``. The order of the links is the mathematics: Adam with L2
regularisation is ``AddDecayedWeights -> ScaleByAdam -> ScaleByLearningRate``
while AdamW is ``ScaleByAdam -> AddDecayedWeights -> ScaleByLearningRate``,
the same three links in another order.

Hyperparameters may be Python scalars or arrays that broadcast against the
parameters, so that a grid of configurations runs as one computation.
Links work in place on ``u`` and their own state. ``TraceMomentum``,
``ScaleByAdam`` and ``ScaleByLearningRate`` allocate nothing, so a plain SGD,
momentum or Adam step costs one scratch buffer (``u``) besides the returned
parameters (``benchmarks/bench_optimizers.py`` measures it). ``AddDecayedWeights``,
``ScaleByRms`` and ``ScaleBySumOfSquares`` make one or two short-lived temporaries of
the parameters' size: simpler code, at a cost the benchmark prints for the first two. The links
of issue 15 (NAdam, RAdam, Lion, Adafactor, Muon) are written plainly too: a step's peak is 2 to 5
parameter arrays (``benchmarks/bench_modern.py``; Adam's is 2).
A learning-rate schedule (:mod:`optlib.schedules`) adds one scalar per step
(``benchmarks/bench_schedules.py``).

The design follows optax's chainable transformations (Babuschkin et al., 2020),
with PyTorch's ``torch.optim`` update rules and conventions.
"""

import numpy as np


def as_dtype(h, dtype):
    """A hyperparameter ready to meet an array of ``dtype``.

    Python floats stay Python floats (NumPy then keeps float32 as float32);
    arrays are cast to ``dtype`` so they do not promote float32 to float64.
    """
    if isinstance(h, np.ndarray):
        return h.astype(dtype, copy=False)
    return float(h)


def power(x, t):
    r"""``x ** t`` for hyperparameters (numbers or small arrays) by the C library's ``pow``.

    Python's ``float ** float`` and torch (whose optimizers compute ``beta ** step`` on Python
    floats) round it correctly to within half an ulp; NumPy's vectorised power may differ in the
    last bit, which RAdam's :math:`\rho_t` amplifies a thousandfold (a difference of two numbers
    near :math:`2/(1-\beta_2)`). Arrays are computed entry by entry, so a grid agrees with the
    loop over its entries.
    """
    if np.ndim(x) == 0 and np.ndim(t) == 0:
        return float(x) ** float(t)
    return np.vectorize(lambda a, b: float(a) ** float(b), otypes=[np.float64])(x, t)


class Link:
    """A transformation of the update buffer with its own state."""

    def init(self, shape, dtype):
        """Allocate the state for parameters of ``shape`` and ``dtype``."""
        self.state = {}

    def update(self, u, params, t):
        """Rewrite ``u`` in place at step ``t`` (counted from 1)."""
        raise NotImplementedError

    def derived(self, t):
        """Quantities computed from the state that the book plots."""
        return {}


class AddDecayedWeights(Link):
    r"""Add :math:`\lambda\theta` to the update: :math:`u \leftarrow u + \lambda\theta`.

    Placed before a rescaling link this is L2 regularisation (the gradient of
    :math:`\tfrac{\lambda}{2}\lVert\theta\rVert^2`); placed after it, it is
    decoupled weight decay.
    """

    def __init__(self, weight_decay):
        self.weight_decay = weight_decay

    def update(self, u, params, t):
        u += as_dtype(self.weight_decay, u.dtype) * params


class TraceMomentum(Link):
    r"""Heavy-ball momentum (Polyak, 1964) as ``torch.optim.SGD`` writes it.

    .. math::
        b_1 = u_1, \qquad b_t = \mu b_{t-1} + (1 - \tau) u_t, \qquad
        u_t \leftarrow b_t \ \text{or, with Nesterov,}\ u_t + \mu b_t

    with momentum :math:`\mu` and dampening :math:`\tau`. The first step is not
    dampened, as in torch. Where :math:`\mu = 0` torch keeps no buffer, so the
    dampening is ignored there too. Nesterov momentum follows Sutskever et al.
    (2013) in torch's form.
    """

    def __init__(self, momentum, dampening=0.0, nesterov=False):
        self.momentum = momentum
        self.dampening = np.where(np.asarray(momentum) == 0, 0.0, dampening)
        if self.dampening.ndim == 0:
            self.dampening = float(self.dampening)
        self.nesterov = nesterov

    def init(self, shape, dtype):
        self.state = {"momentum_buffer": np.zeros(shape, dtype)}

    def update(self, u, params, t):
        b = self.state["momentum_buffer"]
        mu = as_dtype(self.momentum, u.dtype)
        if t == 1:
            b[...] = u  # b_1 = g_1, undampened
        else:
            b *= mu
            if np.any(self.dampening):
                b += as_dtype(1 - self.dampening, u.dtype) * u
            else:
                b += u
        if self.nesterov:
            u += mu * b
        else:
            u[...] = b


class ScaleByRms(Link):
    r"""RMSprop's rescaling (Tieleman & Hinton, 2012), as ``torch.optim.RMSprop``.

    .. math::
        v_t = \alpha v_{t-1} + (1 - \alpha) u_t^2, \qquad
        u_t \leftarrow \frac{u_t}{\sqrt{v_t} + \epsilon}

    Centered, :math:`v_t - \bar g_t^2` replaces :math:`v_t` under the root, with
    :math:`\bar g_t = \alpha \bar g_{t-1} + (1 - \alpha) u_t`, clamped at 0 where
    rounding makes it negative (torch returns NaN there).
    There is no bias correction. :math:`\epsilon` is added *outside* the square
    root, as in torch; optax's ``scale_by_rms`` adds it inside by default
    (``eps_in_sqrt=True``), and so does Keras 3's ``RMSprop``.
    """

    def __init__(self, alpha, eps, centered=False):
        self.alpha, self.eps, self.centered = alpha, eps, centered

    def init(self, shape, dtype):
        self.state = {"v": np.zeros(shape, dtype)}
        if self.centered:
            self.state["g_avg"] = np.zeros(shape, dtype)

    def update(self, u, params, t):
        v = self.state["v"]
        # 1 - alpha in float64 and then cast, as torch does and as a scalar alpha gets
        one_minus_alpha = as_dtype(1 - np.asarray(self.alpha), u.dtype)
        v *= as_dtype(self.alpha, u.dtype)
        v += one_minus_alpha * u * u  # v_t = alpha v + (1 - alpha) g^2
        if self.centered:
            g_avg = self.state["g_avg"]
            g_avg += one_minus_alpha * (u - g_avg)  # lerp, as torch
            # v - g_avg^2 >= 0 exactly (Cauchy-Schwarz); rounding can dip below 0,
            # where torch would take the root of a negative number and return NaN
            denom = np.sqrt(np.maximum(v - g_avg * g_avg, 0))
        else:
            denom = np.sqrt(v)
        denom += as_dtype(self.eps, u.dtype)
        u /= denom


class ScaleBySumOfSquares(Link):
    r"""AdaGrad's rescaling (Duchi et al., 2011), as ``torch.optim.Adagrad``.

    .. math::
        s_t = s_{t-1} + u_t^2, \qquad
        u_t \leftarrow \frac{u_t}{\sqrt{s_t} + \epsilon}

    with :math:`s_0` the ``initial_accumulator_value`` (0 by default). The *sum* of
    squared gradients where :class:`ScaleByRms` keeps their exponential *average*:
    :math:`s_t` only grows, so the step of a coordinate with gradients of steady size
    shrinks like :math:`1/\sqrt t`. :math:`\epsilon` is added outside the root, as in
    torch; optax's ``scale_by_rss`` adds it inside, :math:`1/\sqrt{s_t + \epsilon}`.
    """

    def __init__(self, initial_accumulator_value, eps):
        self.initial_accumulator_value, self.eps = initial_accumulator_value, eps

    def init(self, shape, dtype):
        s0 = as_dtype(self.initial_accumulator_value, dtype)  # torch: full_like(param, value)
        self.state = {"sum": np.array(np.broadcast_to(s0, shape), dtype)}

    def update(self, u, params, t):
        s = self.state["sum"]
        s += u * u  # s_t = s_{t-1} + g_t^2
        denom = np.sqrt(s)
        denom += as_dtype(self.eps, u.dtype)
        u /= denom


class ScaleByAdam(Link):
    r"""Adam's rescaling (Kingma & Ba, 2015), as ``torch.optim.Adam``.

    .. math::
        m_t = \beta_1 m_{t-1} + (1 - \beta_1) u_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2) u_t^2,

        \hat m_t = \frac{m_t}{1 - \beta_1^t}, \qquad
        \hat v_t = \frac{v_t}{1 - \beta_2^t}, \qquad
        u_t \leftarrow \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    With ``amsgrad`` the running maximum of :math:`v_t` replaces :math:`v_t`
    (Reddi et al., 2018). :math:`\epsilon` is added outside the square root of
    the *bias-corrected* :math:`\hat v_t`, as torch, optax and the paper do;
    Keras adds an :math:`\hat\epsilon` to the uncorrected root instead.
    Everything happens in place: ``u`` is the only scratch buffer.
    """

    def __init__(self, betas, eps, amsgrad=False):
        (self.beta1, self.beta2), self.eps, self.amsgrad = betas, eps, amsgrad

    def init(self, shape, dtype):
        self.state = {"m": np.zeros(shape, dtype), "v": np.zeros(shape, dtype)}
        if self.amsgrad:
            self.state["v_max"] = np.zeros(shape, dtype)

    def bias_corrections(self, t):
        return 1 - np.asarray(self.beta1) ** t, 1 - np.asarray(self.beta2) ** t

    def update(self, u, params, t):
        m, v = self.state["m"], self.state["v"]
        # constants in float64, then cast: float32 runs round like torch and like scalars
        one_minus_beta1 = 1 - np.asarray(self.beta1)
        u *= as_dtype(one_minus_beta1, u.dtype)
        m *= as_dtype(self.beta1, u.dtype)
        m += u  # m_t = beta1 m + (1 - beta1) g, without the cancellation of g + beta1 (m - g)
        u *= as_dtype(np.sqrt(1 - np.asarray(self.beta2)) / one_minus_beta1, u.dtype)
        u *= u
        v *= as_dtype(self.beta2, u.dtype)
        v += u  # v_t = beta2 v + (1 - beta2) g^2; u is free from here on
        if self.amsgrad:
            np.maximum(self.state["v_max"], v, out=self.state["v_max"])
            v = self.state["v_max"]
        bc1, bc2 = self.bias_corrections(t)
        np.sqrt(v, out=u)
        u *= as_dtype(1 / np.sqrt(bc2), u.dtype)
        u += as_dtype(self.eps, u.dtype)  # sqrt(v_hat) + eps
        np.divide(m, u, out=u)
        u *= as_dtype(1 / bc1, u.dtype)  # m_hat / (sqrt(v_hat) + eps)

    def derived(self, t):
        if t == 0:
            return {}
        bc1, bc2 = self.bias_corrections(t)
        return {"m_hat": self.state["m"] / bc1, "v_hat": self.state["v"] / bc2}


class ScaleByNadam(ScaleByAdam):
    r"""NAdam's rescaling (Dozat, 2016), as ``torch.optim.NAdam``: Adam with Nesterov's look-ahead.

    .. math::
        \mu_t = \beta_1 \bigl(1 - \tfrac12\, 0.96^{t\psi}\bigr), \qquad
        \Pi_t = \prod_{i=1}^{t} \mu_i, \qquad
        m_t, v_t \ \text{as in Adam},

        u_t \leftarrow \frac{1}{\sqrt{v_t / (1 - \beta_2^t)} + \epsilon}
            \left( \frac{1 - \mu_t}{1 - \Pi_t}\, u_t
                  + \frac{\mu_{t+1}}{1 - \Pi_t \mu_{t+1}}\, m_t \right)

    with the momentum decay :math:`\psi` (torch's ``momentum_decay``, 4e-3). The
    look-ahead: the step uses :math:`m_t` bias-corrected as if it were already
    :math:`m_{t+1}`'s share, plus the fresh gradient's share :math:`(1-\mu_t) g_t`.
    The state keeps ``m``, ``v`` and ``mu_product`` (:math:`\Pi_t`, one number, in the
    parameters' dtype as torch keeps it in its default dtype).
    """

    def __init__(self, betas, eps, momentum_decay):
        super().__init__(betas, eps)
        self.momentum_decay = momentum_decay

    def init(self, shape, dtype):
        super().init(shape, dtype)
        scalar_shape = np.broadcast_shapes(np.shape(self.beta1), np.shape(self.momentum_decay))
        self.state["mu_product"] = np.ones(scalar_shape, dtype)

    def mu(self, t):
        r"""The momentum coefficient :math:`\mu_t` of step ``t``."""
        return np.asarray(self.beta1) * (1.0 - 0.5 * power(0.96, t * np.asarray(self.momentum_decay)))

    def update(self, u, params, t):
        m, v, mu_product = self.state["m"], self.state["v"], self.state["mu_product"]
        mu, mu_next = self.mu(t), self.mu(t + 1)
        mu_product *= as_dtype(mu, mu_product.dtype)  # rounded in its dtype, as torch's state
        product = np.asarray(mu_product, np.float64)  # torch reads it as a Python float
        m *= as_dtype(self.beta1, u.dtype)
        m += as_dtype(1 - np.asarray(self.beta1), u.dtype) * u
        v *= as_dtype(self.beta2, u.dtype)
        v += as_dtype(1 - np.asarray(self.beta2), u.dtype) * u * u
        denom = np.sqrt(v * as_dtype(1 / (1 - np.asarray(self.beta2) ** t), u.dtype))
        denom += as_dtype(self.eps, u.dtype)
        u *= as_dtype((1.0 - mu) / (1.0 - product), u.dtype)
        u += as_dtype(mu_next / (1.0 - product * mu_next), u.dtype) * m
        u /= denom


class ScaleByRadam(ScaleByAdam):
    r"""RAdam's rectified rescaling (Liu et al., 2020), as ``torch.optim.RAdam``.

    .. math::
        \rho_\infty = \frac{2}{1 - \beta_2} - 1, \qquad
        \rho_t = \rho_\infty - \frac{2 t \beta_2^t}{1 - \beta_2^t}, \qquad
        r_t = \sqrt{\frac{(\rho_t - 4)(\rho_t - 2)\rho_\infty}
                         {(\rho_\infty - 4)(\rho_\infty - 2)\rho_t}},

        u_t \leftarrow \hat m_t \cdot \begin{cases}
            r_t \dfrac{\sqrt{1 - \beta_2^t}}{\sqrt{v_t} + \epsilon} & \rho_t > 5 \\
            1 & \text{otherwise}
        \end{cases}

    with :math:`m_t, v_t, \hat m_t` as in Adam: while the variance estimate is too
    young (:math:`\rho_t \le 5`, the first five steps at :math:`\beta_2 = 0.999`) the
    step is SGD with (bias-corrected) momentum; after, Adam's step times the
    rectification :math:`r_t < 1`, which tends to 1. :math:`\epsilon` is added to the
    *uncorrected* :math:`\sqrt{v_t}`, as torch does, i.e. :math:`\epsilon / \sqrt{1 - \beta_2^t}`
    to :math:`\sqrt{\hat v_t}`, unlike :class:`ScaleByAdam`.
    """

    def rho(self, t):
        r""":math:`\rho_\infty` and :math:`\rho_t` of step ``t`` (float64)."""
        rho_inf = 2 / (1 - np.asarray(self.beta2, np.float64)) - 1
        beta2_t = power(self.beta2, t)
        return rho_inf, rho_inf - 2 * t * beta2_t / (1 - beta2_t)

    def bias_corrections(self, t):
        return 1 - power(self.beta1, t), 1 - power(self.beta2, t)

    def rectification(self, t):
        r""":math:`r_t` where :math:`\rho_t > 5`, else 0 (the unrectified SGD-like step)."""
        rho_inf, rho_t = self.rho(t)
        on = rho_t > 5
        rho_t, rho_inf = np.where(on, rho_t, 6.0), np.where(on, rho_inf, 6.0)  # no 0/0 where off
        r = np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
        return np.where(on, r, 0.0)

    def update(self, u, params, t):
        m, v = self.state["m"], self.state["v"]
        m *= as_dtype(self.beta1, u.dtype)
        m += as_dtype(1 - np.asarray(self.beta1), u.dtype) * u
        v *= as_dtype(self.beta2, u.dtype)
        v += as_dtype(1 - np.asarray(self.beta2), u.dtype) * u * u
        bc1, bc2 = self.bias_corrections(t)
        rect = self.rectification(t)
        on = as_dtype(self.rho(t)[1] > 5, u.dtype) if np.ndim(rect) else bool(rect > 0)
        np.sqrt(v, out=u)
        u += as_dtype(self.eps, u.dtype)
        np.divide(as_dtype(rect * np.sqrt(bc2), u.dtype), u, out=u)  # r_t sqrt(1 - beta2^t) / (sqrt(v) + eps)
        if np.ndim(rect):
            u *= on
            u += 1 - on
        elif not on:
            u[...] = 1
        u *= m
        u *= as_dtype(1 / bc1, u.dtype)

    def derived(self, t):
        if t == 0:
            return {}
        return {**super().derived(t), "rho_t": self.rho(t)[1], "rectification": self.rectification(t)}


class ScaleByLion(Link):
    r"""Lion's sign of an interpolated momentum (Chen et al., 2023), as optax's ``scale_by_lion``.

    .. math::
        c_t = \beta_1 m_{t-1} + (1 - \beta_1) u_t, \qquad
        m_t = \beta_2 m_{t-1} + (1 - \beta_2) u_t, \qquad
        u_t \leftarrow \operatorname{sign}(c_t)

    with :math:`m_0 = 0` (``b1`` :math:`= \beta_1`, ``b2`` :math:`= \beta_2`). Every coordinate
    then moves by exactly the learning rate (0 where :math:`c_t = 0`, as ``np.sign`` and
    ``jnp.sign`` give). The state keeps ``m`` (optax's ``mu``).
    """

    def __init__(self, b1, b2):
        self.b1, self.b2 = b1, b2

    def init(self, shape, dtype):
        self.state = {"m": np.zeros(shape, dtype)}

    def update(self, u, params, t):
        m = self.state["m"]
        c = as_dtype(1 - np.asarray(self.b1), u.dtype) * u
        c += as_dtype(self.b1, u.dtype) * m  # c_t = (1 - b1) g + b1 m, in optax's order
        m *= as_dtype(self.b2, u.dtype)
        m += as_dtype(1 - np.asarray(self.b2), u.dtype) * u  # m_t = (1 - b2) g + b2 m
        np.sign(c, out=u)


def lerp_(start, end, weight):
    """``start += weight * (end - start)`` in place, rounded as ``torch.lerp_`` rounds it on the CPU.

    Torch computes ``start + weight * (end - start)`` for ``weight < 0.5`` and
    ``end - (end - start) * (1 - weight)`` otherwise, so that ``weight = 1`` gives ``end`` exactly.
    """
    weight = np.asarray(weight, start.dtype)  # torch casts the weight, then takes 1 - weight in the dtype
    low = start + weight * (end - start)
    high = end - (end - start) * (1 - weight)
    start[...] = np.where(weight < 0.5, low, high)


def mean_over(x, axes):
    """The mean of ``x`` over ``axes`` (kept), summed in the same order whatever the leading axes.

    NumPy's summation order depends on the array's layout, so the mean of one matrix and the mean
    of the same matrix inside a grid could differ in the last bit: the axes are moved to the end
    and flattened, and each row is summed alone, as a single matrix is.
    """
    axes = tuple(sorted(a % x.ndim for a in axes))
    kept = tuple(1 if a in axes else n for a, n in enumerate(x.shape))
    rows = np.moveaxis(x, axes, tuple(range(x.ndim - len(axes), x.ndim)))
    rows = np.ascontiguousarray(rows).reshape(rows.shape[:x.ndim - len(axes)] + (-1,))
    return np.mean(rows, axis=-1).reshape(kept)


def block_rms(x, ndim):
    """The root mean square of ``x`` over its last ``ndim`` axes (kept), one per configuration of a grid."""
    return np.sqrt(mean_over(np.square(x), range(-ndim, 0)))


class ScaleByFactoredRms(Link):
    r"""Adafactor's factored second moment (Shazeer & Stern, 2018), as ``torch.optim.Adafactor``.

    With :math:`1 - \hat\beta_{2,t} = t^{c}` (``beta2_decay`` :math:`c`, -0.8), for a parameter
    of two or more axes, of shape :math:`(\ldots, n, m)`:

    .. math::
        R_t = \hat\beta_{2,t} R_{t-1} + (1 - \hat\beta_{2,t})\, \mathrm{mean}_j\, u_{t,ij}^2, \qquad
        C_t = \hat\beta_{2,t} C_{t-1} + (1 - \hat\beta_{2,t})\, \mathrm{mean}_i\, u_{t,ij}^2,

        \hat V_t = \frac{R_t C_t}{\max(\mathrm{mean}_i R_{t,i},\ \epsilon_1)}, \qquad
        u_t \leftarrow \frac{u_t}{\sqrt{\max(\hat V_t, \epsilon_1^2)}}

    (:math:`R_t` of shape :math:`(\ldots, n, 1)` and :math:`C_t` of shape :math:`(\ldots, 1, m)`:
    :math:`n + m` numbers per matrix instead of :math:`nm`, the rank-one fit of the squared
    gradients' average; leading axes are a batch of matrices). A vector keeps the full
    :math:`\hat V_t = \hat\beta_{2,t} \hat V_{t-1} + (1 - \hat\beta_{2,t}) u_t^2`. At :math:`t = 1`,
    :math:`1 - \hat\beta_{2,1} = 1`: no bias correction is needed. :math:`\epsilon_1` ``None``
    is the machine epsilon of the parameters' dtype, as in torch. The state keeps ``row_var``
    and ``col_var`` (or ``variance``); ``variance_estimate`` (:math:`\hat V_t`) is derived.
    """

    def __init__(self, beta2_decay, eps1):
        self.beta2_decay, self.eps1 = beta2_decay, eps1

    def factored(self):
        return getattr(self, "param_ndim", len(self.shape)) >= 2

    def init(self, shape, dtype):
        self.shape, self.dtype = shape, dtype
        if self.factored():
            self.state = {"row_var": np.zeros(shape[:-1] + (1,), dtype),
                          "col_var": np.zeros(shape[:-2] + (1,) + shape[-1:], dtype)}
        else:
            self.state = {"variance": np.zeros(shape, dtype)}

    def epsilon1(self, dtype):
        return np.finfo(dtype).eps if self.eps1 is None else self.eps1

    def estimate(self, dtype):
        if not self.factored():
            return self.state["variance"].copy()
        row, col = self.state["row_var"], self.state["col_var"]
        return row * col / np.maximum(mean_over(row, [-2]), as_dtype(self.epsilon1(dtype), dtype))

    def update(self, u, params, t):
        weight = power(t, self.beta2_decay)  # 1 - beta2_hat_t = t^c
        square = u * u
        if self.factored():
            lerp_(self.state["row_var"], mean_over(square, [-1]), weight)
            lerp_(self.state["col_var"], mean_over(square, [-2]), weight)
        else:
            lerp_(self.state["variance"], square, weight)
        eps1 = as_dtype(self.epsilon1(u.dtype), u.dtype)
        u /= np.sqrt(np.maximum(self.estimate(u.dtype), eps1 * eps1))

    def derived(self, t):
        return {"variance_estimate": self.estimate(self.dtype)} if t else {}


class ClipByBlockRms(Link):
    r"""Adafactor's update clipping: :math:`u \leftarrow u / \max(1, \mathrm{RMS}(u) / d)`.

    The root mean square is over the whole parameter tensor (its own axes: one per
    configuration of a grid), as in torch and the paper.
    """

    def __init__(self, d):
        self.d = d

    def update(self, u, params, t):
        u /= np.maximum(1.0, block_rms(u, self.param_ndim) / as_dtype(self.d, u.dtype))


class ScaleByRelativeStepSize(Link):
    r"""Adafactor's relative step, as ``torch.optim.Adafactor``.

    .. math::
        u \leftarrow \max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))\, \min(\eta_t, 1/\sqrt t)\, u
                     + \eta_t \lambda \theta_{t-1}

    The step is relative to the parameters' size (their root mean square over the tensor,
    floored at :math:`\epsilon_2`), the rate :math:`\min(\eta_t, 1/\sqrt t)` with torch's
    cap :math:`\eta_t` (``lr``, or ``lr(t)`` for a schedule; the paper's constant 0.01), and the
    decoupled decay :math:`\lambda` is multiplied by :math:`\eta_t`, not by the relative step.
    """

    def __init__(self, lr, eps2, weight_decay):
        self.lr, self.eps2, self.weight_decay = lr, eps2, weight_decay

    def update(self, u, params, t):
        lr = self.lr(t) if callable(self.lr) else self.lr
        scale = np.maximum(as_dtype(self.eps2, u.dtype), block_rms(params, self.param_ndim).astype(u.dtype))
        u *= scale * as_dtype(np.minimum(lr, 1 / np.sqrt(t)), u.dtype)
        if np.any(self.weight_decay):
            u += as_dtype(lr * np.asarray(self.weight_decay), u.dtype) * params


class TraceEma(Link):
    r"""An exponential moving average of the updates, as torch's Muon keeps its momentum buffer.

    .. math::
        B_t = \mu B_{t-1} + (1 - \mu) u_t, \qquad
        u_t \leftarrow B_t \ \text{or, with Nesterov,}\ (1 - \mu) u_t + \mu B_t

    with :math:`B_0 = 0` and no bias correction (optax's ``ema(debias=False)``), computed with
    torch's ``lerp`` roundings. Unlike :class:`TraceMomentum` (torch's SGD), the gradient enters
    with weight :math:`1 - \mu`; an orthogonalisation after it does not see the scale. The state
    keeps ``momentum_buffer``.
    """

    def __init__(self, momentum, nesterov=True):
        self.momentum, self.nesterov = momentum, nesterov

    def init(self, shape, dtype):
        self.state = {"momentum_buffer": np.zeros(shape, dtype)}

    def update(self, u, params, t):
        buffer = self.state["momentum_buffer"]
        lerp_(buffer, u, 1 - np.asarray(self.momentum, np.float64))  # torch: buf.lerp_(grad, 1 - momentum)
        if self.nesterov:
            lerp_(u, buffer, self.momentum)  # torch: grad.lerp(buf, momentum)
        else:
            u[...] = buffer


class Orthogonalize(Link):
    r"""Muon's orthogonalisation: :math:`u \leftarrow \mathrm{NS}^{(a,b,c)}_k(u)`.

    :func:`optlib.orthogonalize.newton_schulz` on the last two axes (leading axes are a batch
    of matrices), in the parameters' dtype (or, with ``rounding``, torch's bfloat16 emulated
    in float32). Parameters of fewer than two axes are refused, with
    their shape, as torch refuses every parameter that is not a matrix.
    """

    def __init__(self, ns_coefficients, ns_steps, eps, rounding=None):
        self.ns_coefficients, self.ns_steps, self.eps = ns_coefficients, ns_steps, eps
        self.rounding = rounding  # e.g. orthogonalize.round_to_bfloat16: torch's own bfloat16 iteration

    def init(self, shape, dtype):
        ndim = getattr(self, "param_ndim", len(shape))
        if ndim < 2:
            own = tuple(shape[len(shape) - ndim:]) if ndim else ()
            raise ValueError(f"Muon only supports parameters of two or more axes (matrices; torch: exactly two), "
                             f"got a parameter of shape {own}")
        self.state = {}

    def update(self, u, params, t):
        from optlib.orthogonalize import newton_schulz

        # with a rounding, sum in float64 before each rounding: the same on every CPU (newton_schulz)
        G = u if self.rounding is None else u.astype(np.float64)
        u[...] = newton_schulz(G, self.ns_coefficients, self.ns_steps, self.eps, self.rounding)


class ScaleByMatrixShape(Link):
    r"""Muon's learning-rate adjustment for an :math:`A \times B` matrix: :math:`u \leftarrow s\,u`.

    ``adjust_lr_fn`` ``None`` or ``"original"`` (Keller Jordan's): :math:`s = \sqrt{\max(1, A/B)}`;
    ``"match_rms_adamw"`` (Moonshot's, Liu et al. 2025): :math:`s = 0.2\sqrt{\max(A, B)}`, which
    gives the orthogonalised update about the RMS of AdamW's (0.2 to 0.4). :math:`A, B` are the
    last two axes (torch: the parameter's two axes).
    """

    def __init__(self, adjust_lr_fn=None):
        self.adjust_lr_fn = adjust_lr_fn

    def ratio(self, shape):
        rows, cols = shape[-2:]
        if self.adjust_lr_fn in (None, "original"):
            return float(np.sqrt(max(1, rows / cols)))
        if self.adjust_lr_fn == "match_rms_adamw":
            return 0.2 * float(np.sqrt(max(rows, cols)))
        return 1.0

    def update(self, u, params, t):
        ratio = self.ratio(u.shape)
        if ratio != 1.0:
            u *= as_dtype(ratio, u.dtype)


class ScaleByLearningRate(Link):
    r"""Multiply by the learning rate: :math:`u \leftarrow \eta_t u`.

    The optimizer then returns :math:`\theta - u`. ``lr`` is a number, an array, or a
    schedule (a function of the step, see :mod:`optlib.schedules`), called once per
    step for :math:`\eta_t`. With ``decay`` :math:`\delta` (``torch.optim.Adagrad``'s
    ``lr_decay``), the rate is :math:`\eta_t / (1 + (t - 1)\delta)`, computed before it
    meets ``u`` as torch does.
    """

    def __init__(self, lr, decay=0.0):
        self.lr, self.decay = lr, decay

    def update(self, u, params, t):
        lr = self.lr(t) if callable(self.lr) else self.lr  # one scalar (or grid) per step
        if np.any(self.decay):
            lr = lr / (1 + (t - 1) * np.asarray(self.decay))
        u *= as_dtype(lr, u.dtype)
