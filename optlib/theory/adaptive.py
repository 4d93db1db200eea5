r"""Adaptive steps: AdaGrad's falling rate, RMSprop's effective rate, forgetting and step bounds, Adam's bias corrections and step
bounds, the early variance of the second moment (the RMSprop, Adam and schedules chapters).
"""

import numpy as np


def rms_effective_lr(v, lr, eps):
    r"""RMSprop's per-parameter effective learning rate, :math:`\eta / (\sqrt{v_t} + \epsilon)`.

    With it the RMSprop step is plain gradient descent coordinate by coordinate,
    :math:`\theta_t = \theta_{t-1} - \eta_{\mathrm{eff}, t} \odot g_t`. This is
    torch's placement of :math:`\epsilon` (outside the root), the one of
    :class:`optlib.optimizers.RMSprop`; :func:`rms_step_eps_inside` gives the other.
    """
    return lr / (np.sqrt(v) + eps)



def rms_steady_step(g, t, lr, alpha, eps):
    r"""The RMSprop step at step ``t`` under a constant gradient ``g``, from :math:`v_0 = 0`.

    The average is a geometric sum, :math:`v_t = (1 - \alpha) g^2 \sum_{k<t} \alpha^k
    = (1 - \alpha^t) g^2`, so the step :math:`\theta_{t-1} - \theta_t` is

    .. math::
        \Delta_t = \frac{\eta\, g}{\sqrt{1 - \alpha^t}\,|g| + \epsilon}
        \;\xrightarrow[t \to \infty]{}\; \frac{\eta\, g}{|g| + \epsilon}
        \approx \eta\,\operatorname{sign}(g) \quad (|g| \gg \epsilon).

    At :math:`t = 1` this is the first step, see :func:`rms_first_step`.
    """
    g = np.asarray(g, dtype=float)
    return lr * g / (np.sqrt(1 - np.asarray(alpha, dtype=float) ** t) * np.abs(g) + eps)



def rms_first_step(g, lr, alpha, eps):
    r"""RMSprop's first step, :math:`\eta g / (\sqrt{(1 - \alpha) g^2} + \epsilon)`.

    There is no bias correction: :math:`v_1 = (1 - \alpha) g_1^2` is too small by the factor
    :math:`1 - \alpha`, and the first step is about :math:`\eta / \sqrt{1 - \alpha}
    \cdot \operatorname{sign}(g)`, ten times :math:`\eta` at :math:`\alpha = 0.99`.
    """
    g = np.asarray(g, dtype=float)
    return lr * g / (np.sqrt((1 - np.asarray(alpha, dtype=float)) * g * g) + eps)



def rms_steps_to_settle(alpha, factor):
    r"""Steps until the steady-gradient step of RMSprop is within ``factor`` of :math:`\eta`.

    From :func:`rms_steady_step` with :math:`\epsilon \to 0`, the step is
    :math:`\eta / \sqrt{1 - \alpha^t}`, at most :math:`\eta \cdot \mathrm{factor}` once

    .. math::
        t \ge \frac{\ln(1 - 1/\mathrm{factor}^2)}{\ln \alpha}.

    Returns the smallest such integer :math:`t` (``factor > 1``, :math:`0 < \alpha < 1`).
    """
    bound = np.log(1 - 1 / np.asarray(factor, dtype=float) ** 2) / np.log(alpha)
    steps = np.ceil(bound - 1e-9)
    return steps.astype(int) if steps.ndim else int(steps)



def rms_step_bound(lr, alpha):
    r"""The largest RMSprop step in any coordinate, :math:`\eta / \sqrt{1 - \alpha}`.

    Since :math:`v_t \ge (1 - \alpha) g_t^2`, every step satisfies
    :math:`|\theta_t - \theta_{t-1}| = \eta |g_t| / (\sqrt{v_t} + \epsilon) < \eta / \sqrt{1 - \alpha}`
    per coordinate, whatever the gradients, for non-centered RMSprop without momentum (weight decay
    only changes :math:`g_t` and keeps the bound; ``centered=True`` exceeds it).
    """
    return lr / np.sqrt(1 - np.asarray(alpha, dtype=float))



def rms_momentum_steady_step(t, lr, alpha, momentum):
    r"""The step of RMSprop *with momentum* at step ``t`` under a constant gradient (:math:`\epsilon \to 0`).

    torch's ``RMSprop(momentum=mu)`` applies momentum to the rescaled gradient,
    :math:`b_t = \mu b_{t-1} + g_t / (\sqrt{v_t} + \epsilon)`, :math:`\theta_t = \theta_{t-1} - \eta b_t`,
    and :math:`v_t` has no bias correction. Under a constant gradient
    :math:`g_t/\sqrt{v_t} = \operatorname{sign}(g)/\sqrt{1 - \alpha^t}`, so

    .. math::
        |\theta_t - \theta_{t-1}| = \eta \sum_{s=1}^{t} \frac{\mu^{t-s}}{\sqrt{1 - \alpha^s}}
        \;\xrightarrow[t\to\infty]{}\; \frac{\eta}{1 - \mu}.

    With :math:`\eta = \eta_{\text{Adam}}(1 - \beta_1)`, :math:`\mu = \beta_1`, :math:`\alpha = \beta_2`
    its steady step is Adam's :math:`\eta_{\text{Adam}}`, and the excess over it in the first
    steps is the missing bias correction (Kingma & Ba, 2015, section 5). ``t`` is a
    scalar or an array of step numbers (counted from 1).
    """
    t = np.asarray(t)
    s = np.arange(1, int(t.max()) + 1)
    rescaled = 1 / np.sqrt(1 - float(alpha) ** s)               # g_s / sqrt(v_s) for g = 1
    buffer = np.zeros(len(s))
    for i, r in enumerate(rescaled):                             # b_s = mu b_{s-1} + r_s
        buffer[i] = (momentum * buffer[i - 1] if i else 0.0) + r
    return lr * buffer[t - 1]



def rms_step_eps_inside(g, v, lr, eps):
    r"""The RMSprop step with :math:`\epsilon` *inside* the square root, :math:`\eta g / \sqrt{v + \epsilon}`.

    This is the default of optax's ``scale_by_rms``/``rmsprop`` (``eps_in_sqrt=True``)
    and what Keras 3's ``RMSprop`` computes; torch and :class:`optlib.optimizers.RMSprop` divide
    by :math:`\sqrt{v} + \epsilon` instead. With the same :math:`\epsilon` the two
    agree while :math:`v \gg \epsilon`; below, the inside variant's effective
    learning rate saturates at :math:`\eta / \sqrt{\epsilon}` while the outside one
    grows to :math:`\eta / \epsilon`. Since
    :math:`\sqrt{v + \epsilon^2} \le \sqrt{v} + \epsilon \le \sqrt{2}\sqrt{v + \epsilon^2}`,
    the inside variant with :math:`\epsilon^2` is within a factor :math:`\sqrt 2` of the
    outside one with :math:`\epsilon`.
    """
    return lr * np.asarray(g, dtype=float) / np.sqrt(np.asarray(v, dtype=float) + eps)



def rms_sign_cycle_radius(lr, dim=2):
    r"""Distance to the minimum of RMSprop's period-2 cycle on a quadratic, :math:`\eta\sqrt{d}/2`.

    With constant :math:`\eta` this cycle is RMSprop's long-run behaviour, after a phase of
    quasi-convergence while :math:`v_t` still remembers large early gradients: if each coordinate jumps
    between :math:`\pm\eta/2` around the minimum (signs :math:`s` with
    :math:`\operatorname{sign}(A s) = s`), every gradient keeps its magnitude, so
    :math:`v_t \to g^2` and each step is :math:`\eta\,\operatorname{sign}(g)` up to
    :math:`\epsilon`: exactly the jump from :math:`+\eta/2` to :math:`-\eta/2`. The
    cycle's distance to the minimum is :math:`\sqrt{d}\,\eta/2`.
    """
    return lr * np.sqrt(dim) / 2



def adagrad_steady_step(g, t, lr, eps=1e-10, s0=0.0):
    r"""AdaGrad's step at step ``t`` under a constant gradient ``g``, from the sum :math:`s_0`.

    The sum of squares grows linearly, :math:`s_t = s_0 + t g^2`, so the step
    :math:`\theta_{t-1} - \theta_t` is

    .. math::
        \Delta_t = \frac{\eta\, g}{\sqrt{s_0 + t g^2} + \epsilon}
        \;=\; \frac{\eta}{\sqrt t}\operatorname{sign}(g) \quad (s_0 = 0,\ \epsilon \to 0):

    the effective rate :math:`\eta/(\sqrt{s_t} + \epsilon)` falls like :math:`1/\sqrt t` and
    never recovers. With :math:`s_0 > 0` (the sum left by earlier, larger gradients, or
    torch's ``initial_accumulator_value``) the step is at most :math:`\eta |g| / \sqrt{s_0}`.
    :func:`rms_step_after_change` is RMSprop's counterpart. Duchi, Hazan & Singer (2011).
    """
    g = np.asarray(g, dtype=float)
    return lr * g / (np.sqrt(s0 + np.asarray(t, dtype=float) * g * g) + eps)



def rms_step_after_change(g, t, lr, alpha, eps, v0):
    r"""RMSprop's step ``t`` steps into a constant gradient ``g``, from the average :math:`v_0`.

    Unrolling :math:`v_t = \alpha v_{t-1} + (1 - \alpha) g^2` gives
    :math:`v_t = \alpha^t v_0 + (1 - \alpha^t) g^2`: the old average fades geometrically,
    and the step :math:`\eta g / (\sqrt{v_t} + \epsilon)` returns to
    :math:`\approx \eta \operatorname{sign}(g)` whatever :math:`v_0` was (see
    :func:`rms_forget_steps`). With :math:`v_0 = 0` this is :func:`rms_steady_step`.
    """
    g = np.asarray(g, dtype=float)
    decay = np.asarray(alpha, dtype=float) ** np.asarray(t, dtype=float)
    return lr * g / (np.sqrt(decay * v0 + (1 - decay) * g * g) + eps)



def rms_forget_steps(alpha, ratio):
    r"""Steps until RMSprop's step is back to :math:`\eta/\sqrt 2` after a change of gradient scale.

    If the average is :math:`v_0 = r\, g^2` when the gradient becomes the constant :math:`g`
    (:math:`r > 1`: the earlier gradients were larger), then by :func:`rms_step_after_change`
    (:math:`\epsilon \to 0`) the step is at least :math:`\eta/\sqrt 2` once
    :math:`\alpha^t (r - 1) \le 1`, that is

    .. math::
        t \ge \frac{\ln(r - 1)}{\ln(1/\alpha)} \approx \frac{\ln r}{1 - \alpha}:

    the memory :math:`1/(1 - \alpha)` times the logarithm of the change. Returns the
    smallest such integer :math:`t` (0 when :math:`r \le 2`).
    """
    r = np.asarray(ratio, dtype=float)
    bound = np.log(np.maximum(r - 1, 1.0)) / -np.log(alpha)
    steps = np.ceil(bound - 1e-9)
    return steps.astype(int) if steps.ndim else int(steps)



def diagonal_scaling_condition_number(A):
    r"""The smallest condition number of :math:`D^{1/2} A D^{1/2}` over positive diagonal :math:`D` (2x2 :math:`A`).

    Diagonal scaling leaves the correlation :math:`\rho = A_{12} / \sqrt{A_{11} A_{22}}`
    unchanged, and among 2x2 symmetric positive definite matrices with that
    :math:`\rho` the condition number is smallest for equal diagonal entries:

    .. math::
        \min_{D} \kappa(D^{1/2} A D^{1/2}) = \frac{1 + |\rho|}{1 - |\rho|}.

    For the quadratic of :meth:`optlib.objectives.Quadratic.ill_conditioned` this is 1 when the
    axes are aligned (angle 0) and the full :math:`\kappa` at angle :math:`\pi/4`:
    no per-parameter rescaling, RMSprop's included, can remove a rotated ill-conditioning.
    """
    A = np.asarray(A, dtype=float)
    rho = np.abs(A[..., 0, 1]) / np.sqrt(A[..., 0, 0] * A[..., 1, 1])
    return (1 + rho) / (1 - rho)



def adam_bias_factor(beta, t):
    r"""The bias of an exponential average started at zero, :math:`1 - \beta^t`.

    For gradients with a stationary mean, :math:`m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t`
    with :math:`m_0 = 0` has :math:`\mathbb E[m_t] = (1 - \beta_1^t)\,\mathbb E[g]`, and
    likewise :math:`\mathbb E[v_t] = (1 - \beta_2^t)\,\mathbb E[g^2]`. Adam divides by
    this factor (its bias correction).
    """
    return 1 - np.asarray(beta, dtype=float) ** t



def adam_uncorrected_first_step(beta1, beta2):
    r"""The first step of Adam *without* bias correction, in units of :math:`\eta`: :math:`(1-\beta_1)/\sqrt{1-\beta_2}`.

    At :math:`t = 1`, :math:`m_1 = (1-\beta_1) g_1` and :math:`v_1 = (1-\beta_2) g_1^2`, so
    :math:`|m_1| / \sqrt{v_1} = (1-\beta_1)/\sqrt{1-\beta_2}` for any :math:`g_1 \ne 0`
    (ignoring :math:`\epsilon`); the corrected step is exactly 1. At the defaults
    (0.9, 0.999) it is about 3.16 (Kingma & Ba, 2015, sections 2.1, 5 and 6.4). With :math:`\beta_1 = 0`
    it is RMSprop's first step, :math:`1/\sqrt{1-\alpha}`, with RMSprop's :math:`\alpha` (the seed's
    :math:`\gamma`) in the place of :math:`\beta_2`.
    """
    return (1 - np.asarray(beta1, dtype=float)) / np.sqrt(1 - np.asarray(beta2, dtype=float))



def adam_sparse_step(beta1, beta2, t):
    r"""Adam's step (in units of :math:`\eta`) when the only nonzero gradient is the current one, :math:`g_t`.

    .. math::
        \frac{|\hat m_t|}{\sqrt{\hat v_t}} = \frac{1-\beta_1}{1-\beta_1^t}\sqrt{\frac{1-\beta_2^t}{1-\beta_2}}

    ignoring :math:`\epsilon`. It is 1 at :math:`t = 1` and tends to
    :func:`adam_uncorrected_first_step` as :math:`t \to \infty`: the "most severe case of
    sparsity" of Kingma & Ba (2015, section 2.1).
    """
    beta1, beta2 = np.asarray(beta1, dtype=float), np.asarray(beta2, dtype=float)
    return (1 - beta1) / (1 - beta1**t) * np.sqrt((1 - beta2**t) / (1 - beta2))



def adam_step_bound(beta1, beta2, t):
    r"""The largest possible Adam step at step :math:`t`, in units of :math:`\eta`, over all gradient streams.

    With :math:`r = \beta_1^2/\beta_2`, Cauchy-Schwarz on
    :math:`m_t = (1-\beta_1)\sum_i \beta_1^{t-i} g_i` against
    :math:`v_t = (1-\beta_2)\sum_i \beta_2^{t-i} g_i^2` gives

    .. math::
        \frac{|\hat m_t|}{\sqrt{\hat v_t}} \le
        \frac{1-\beta_1}{1-\beta_1^t}\sqrt{\frac{1-\beta_2^t}{1-\beta_2}}
        \sqrt{\sum_{k=0}^{t-1} r^k},

    with equality for :math:`g_i \propto (\beta_1/\beta_2)^{t-i}` (gradients growing
    geometrically); :math:`\epsilon > 0` only makes the step smaller. For :math:`r < 1`
    it tends to :math:`(1-\beta_1)/\sqrt{(1-\beta_2)(1-r)}`, about 7.27 at the defaults.
    """
    return adam_burst_step(beta1, beta2, t, t)  # every gradient may be nonzero



def adam_burst_step(beta1, beta2, t, k):
    r"""The largest Adam step at step :math:`t` (units of :math:`\eta`) when only the last ``k`` gradients are nonzero.

    The Cauchy-Schwarz argument of :func:`adam_step_bound`, restricted to the ``k`` terms
    :math:`g_{t-k+1}, \dots, g_t`, gives

    .. math::
        \frac{|\hat m_t|}{\sqrt{\hat v_t}} \le
        \frac{1-\beta_1}{1-\beta_1^t}\sqrt{\frac{1-\beta_2^t}{1-\beta_2}}
        \sqrt{\sum_{j=0}^{k-1} r^j}, \qquad r = \frac{\beta_1^2}{\beta_2},

    with equality for :math:`g_i \propto (\beta_2/\beta_1)^i` inside the burst (ignoring
    :math:`\epsilon`). ``k = 1`` is :func:`adam_sparse_step` (a lone gradient, Kingma & Ba's
    "most severe sparsity"), ``k = t`` is :func:`adam_step_bound`. Already ``k = 2`` beats
    Kingma & Ba's :math:`(1-\beta_1)/\sqrt{1-\beta_2}`: for large :math:`t` the step tends to
    that value times :math:`\sqrt{1 + r}`, about 4.26 at the defaults.
    """
    beta1, beta2 = np.asarray(beta1, dtype=float), np.asarray(beta2, dtype=float)
    r, k = beta1**2 / beta2, np.asarray(k, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        geometric = np.where(r == 1, k, (1 - r**k) / np.where(r == 1, 2.0, 1 - r))
    return adam_sparse_step(beta1, beta2, t) * np.sqrt(geometric)



def adam_step_bound_limit(beta1, beta2):
    r"""The limit :math:`C_\infty = \lim_{t\to\infty}` :func:`adam_step_bound`, in units of :math:`\eta`.

    .. math::
        C_\infty = \frac{1-\beta_1}{\sqrt{(1-\beta_2)(1-r)}} \quad (r = \beta_1^2/\beta_2 < 1),
        \qquad C_\infty = \infty \quad (\beta_1^2 \ge \beta_2).

    About 7.27 at the defaults (0.9, 0.999), 2.35 at (0.9, 0.99), 1.68 at (0.95, 0.99).
    With :math:`\beta_1 = \beta_2` every :math:`C_t` is exactly 1. For
    :math:`\beta_1^2 \ge \beta_2` the sum :math:`\sum_k r^k` diverges and no bound on the
    step holds: geometrically growing gradients make it as large as one likes.
    """
    beta1, beta2 = np.asarray(beta1, dtype=float), np.asarray(beta2, dtype=float)
    r = beta1**2 / beta2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(r < 1, (1 - beta1) / np.sqrt((1 - beta2) * np.abs(1 - r)), np.inf)



def adam_mean_step(mean, std):
    r"""Adam's average step (in units of :math:`\eta`) for i.i.d. gradients, after the transient: :math:`\mu/\sqrt{\mu^2+\sigma^2}`.

    An approximation, not a bound: once :math:`\beta_2^t \approx 0`, :math:`\hat v_t` averages
    so many gradients that it is close to :math:`\mathbb E[g^2] = \mu^2 + \sigma^2`, while
    :math:`\hat m_t` has mean :math:`\mu`. The step is then the gradient's signal-to-noise
    ratio times :math:`\eta`: the full :math:`\eta` for a clean gradient, less for a noisy one.
    """
    mean, std = np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
    return mean / np.sqrt(mean**2 + std**2)



def gaussian_rms_mean(t):
    r"""The mean root-mean-square of ``t`` i.i.d. standard normal numbers, :math:`\mathbb E\sqrt{\chi^2_t / t}`.

    .. math::
        \mathbb E \sqrt{\tfrac1t \textstyle\sum_{s=1}^t z_s^2}
        = \sqrt{\frac{2}{t}}\;\frac{\Gamma\big(\frac{t+1}{2}\big)}{\Gamma\big(\frac t2\big)}
        = 1 - \frac{1}{4t} + O(t^{-2}),

    :math:`\sqrt{2/\pi} \approx 0.80` at :math:`t = 1`. By Jensen's inequality it is below 1,
    although the mean square is exactly 1. For Adam fed pure noise of standard deviation
    :math:`\sigma`, :math:`\hat v_t` weights its ``t`` squares almost equally while
    :math:`t \ll 1/(1 - \beta_2)`, so :math:`\mathbb E\sqrt{\hat v_t} \approx \sigma` times this:
    the denominator is too small in the first steps (the motivation for warm-up and RAdam).
    """
    from math import lgamma as scalar_lgamma  # the standard library's; numpy has no gamma function

    t = np.asarray(t, dtype=float)
    lgamma = np.vectorize(scalar_lgamma, otypes=[float])
    return np.sqrt(2 / t) * np.exp(lgamma((t + 1) / 2) - lgamma(t / 2))



def ema_variance_factor(beta, t):
    r"""The variance of :math:`m_t` over that of i.i.d. gradients, :math:`\frac{1-\beta}{1+\beta}(1-\beta^{2t})`.

    From :math:`m_t = (1-\beta)\sum_{i=1}^t \beta^{t-i} g_i` with independent :math:`g_i`:
    :math:`\operatorname{Var}[m_t] = (1-\beta)^2 \sum_{k<t} \beta^{2k}\,\sigma^2`.
    """
    beta = np.asarray(beta, dtype=float)
    return (1 - beta) / (1 + beta) * (1 - beta ** (2 * t))



def radam_rho(beta2, t):
    r"""RAdam's length :math:`\rho_t` of the simple moving average that Adam's :math:`\hat v_t` resembles.

    Liu et al. (2020) match the exponential average :math:`\hat v_t` of :math:`t` squared
    gradients to a simple average of :math:`\rho_t` of them (the one with the same centre of mass):

    .. math::
        \rho_t = \rho_\infty - \frac{2 t \beta_2^t}{1 - \beta_2^t}, \qquad
        \rho_\infty = \frac{2}{1 - \beta_2} - 1 .

    :math:`\rho_1 = 1`, :math:`\rho_t \approx t` while :math:`t \ll 1/(1-\beta_2)`, and
    :math:`\rho_t \to \rho_\infty` (1999 at :math:`\beta_2 = 0.999`).

    References: Liu, Jiang, He, Chen, Liu, Gao & Han (2020), On the variance of the adaptive
    learning rate and beyond, ICLR, eq. (5)-(6).

    Example:
        >>> float(radam_rho(0.999, 1)), round(float(radam_rho(0.999, 10)), 2)
        (1.0, 9.98)
    """
    t = np.asarray(t, dtype=float)
    return 2 / (1 - beta2) - 1 - 2 * t * beta2**t / (1 - beta2**t)



def _trigamma(x):
    r""":math:`\psi_1(x) = \sum_{k \ge 0} (x + k)^{-2}`, by recurrence up to :math:`x \ge 8` and the asymptotic series."""
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    while np.any(x < 8):
        small = x < 8
        out = out + np.where(small, 1 / x**2, 0.0)
        x = np.where(small, x + 1, x)
    z = 1 / x
    return out + z + z**2 / 2 + z**3 / 6 - z**5 / 30 + z**7 / 42 - z**9 / 30



def adam_log_rate_variance(beta2, t):
    r"""Variance of :math:`\log(1/\sqrt{\hat v_t})`, the log of Adam's adaptive rate, under pure-noise gradients (RAdam's approximation).

    With Gaussian gradients of mean 0 and variance :math:`\sigma^2`, RAdam treats
    :math:`\hat v_t` as a simple average of :math:`\rho_t` squared gradients
    (:func:`radam_rho`), :math:`\hat v_t \approx \sigma^2\chi^2_{\rho_t}/\rho_t`. Since
    :math:`\operatorname{Var}[\log\chi^2_k] = \psi_1(k/2)` (:math:`\psi_1` the trigamma function),

    .. math::
        \operatorname{Var}\bigl[\log(1/\sqrt{\hat v_t})\bigr] \approx \tfrac14\, \psi_1(\rho_t/2),

    exact at :math:`t = 1`, where :math:`\hat v_1 = g_1^2` and the variance is
    :math:`\psi_1(1/2)/4 = \pi^2/8`. It falls like :math:`1/(2\rho_t) \approx 1/(2t)` early
    on: the rate's spread is largest in the first steps. The logarithm keeps it finite:
    :math:`1/\sqrt{\hat v_t}` itself has infinite variance while :math:`\rho_t \le 2`.

    Example:
        >>> bool(np.isclose(adam_log_rate_variance(0.999, 1), np.pi**2 / 8))
        True
    """
    return _trigamma(radam_rho(beta2, t) / 2) / 4

