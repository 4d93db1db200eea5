r"""Closed-form predictions that the chapters compare with measured optlib runs.

Each function is a formula derived in the book; the chapters' hidden checks and
the tests hold the runs of :mod:`optlib.optimizers` to them. NumPy only.
"""

import numpy as np


def gd_rate(lr, eigenvalues):
    r"""Contraction per step of gradient descent on a quadratic, :math:`\max_i |1 - \eta\lambda_i|`.

    The error along eigendirection :math:`i` is multiplied by :math:`1 - \eta\lambda_i`
    at every step, so it converges iff :math:`0 < \eta < 2/\lambda_{\max}`.
    """
    return np.max(np.abs(1 - np.multiply.outer(np.asarray(lr), np.asarray(eigenvalues))), axis=-1)


def gd_optimal(lam_min, lam_max):
    r"""The best step :math:`\eta^* = 2/(\lambda_{\min} + \lambda_{\max})` and its rate :math:`(\kappa - 1)/(\kappa + 1)`."""
    kappa = lam_max / lam_min
    return 2.0 / (lam_min + lam_max), (kappa - 1) / (kappa + 1)


# --- The RMSprop chapter (book/rmsprop.ipynb) -------------------------------------------


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


# --- Adam chapter (book/adam.ipynb) ------------------------------------------------


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
    it is RMSprop's first step, :math:`1/\sqrt{1-\gamma}`.
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


def per_example_gradients(model, theta, X, y):
    r"""The gradients :math:`g_i = \nabla \ell_i(\theta)` of the single examples, shape ``(n, n_params)``.

    Their mean is the full-batch gradient, and their spread is what minibatch sampling
    turns into gradient noise (:func:`minibatch_gradient_variance`, :func:`gradient_noise_covariance`).
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    return np.stack([model.loss_and_grad(theta, X[i:i + 1], y[i:i + 1])[1] for i in range(len(X))])


def gradient_noise_covariance(per_example_grads):
    r"""The covariance :math:`\Sigma = \frac1N \sum_i (g_i - \bar g)(g_i - \bar g)^\top` of one sampled example's gradient.

    A minibatch of :math:`B` examples drawn with replacement has gradient covariance
    :math:`\Sigma / B`; :math:`\operatorname{tr}\Sigma` is the :math:`\sigma^2` of
    :func:`minibatch_gradient_variance`.
    """
    g = np.asarray(per_example_grads, dtype=float)
    d = g - g.mean(axis=0)
    return d.T @ d / len(g)


# --- The AdamW chapter (book/adamw.ipynb) -----------------------------------------------


def sgd_weight_decay_step(theta, grad, lr, decay):
    r"""One step of SGD with decoupled weight decay (no momentum), in Loshchilov & Hutter's form.

    .. math::
        \theta_t = (1 - \lambda')\,\theta_{t-1} - \eta \nabla L(\theta_{t-1})

    (the book's index convention: step :math:`t` uses the gradient at :math:`\theta_{t-1}`) with the decay rate :math:`\lambda'` applied directly, not through the gradient.
    SGD on :math:`L + \tfrac{\lambda}{2}\lVert\theta\rVert^2` takes exactly this step
    with :math:`\lambda' = \eta\lambda`: for plain SGD, L2 regularisation *is* weight decay.
    """
    theta, grad = np.asarray(theta, dtype=float), np.asarray(grad, dtype=float)
    return (1 - np.asarray(decay)) * theta - np.asarray(lr) * grad


def adam_l2_terms(m_prev, v_prev, theta, grad, t, lr, betas=(0.9, 0.999), eps=1e-8,
                  weight_decay=0.0, bias_correction=True):
    r"""The step of Adam with L2 regularisation split into momentum, gradient and decay terms.

    With :math:`g_t = \nabla L(\theta_{t-1}) + \lambda\theta_{t-1}` put into Adam,
    :math:`v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2` and
    :math:`m_t = \beta_1 m_{t-1} + (1 - \beta_1)\nabla L(\theta_{t-1}) + (1 - \beta_1)\lambda\theta_{t-1}`,
    so the step :math:`\theta_{t-1} - \theta_t = \eta\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)` is

    .. math::
        c_t\,\eta\left(\frac{\beta_1 m_{t-1}}{D_t} + \frac{(1 - \beta_1)\nabla L(\theta_{t-1})}{D_t}
        + \frac{(1 - \beta_1)\lambda\theta_{t-1}}{D_t}\right), \qquad
        D_t = \sqrt{v_t / b_t} + \epsilon,

    with bias corrections :math:`c_t = 1/(1 - \beta_1^t)` and :math:`b_t = 1 - \beta_2^t`
    (torch, optax and optlib), or :math:`c_t = b_t = 1` without them (the seed post's form).

    Args:
        m_prev, v_prev: Adam's moments :math:`m_{t-1}, v_{t-1}` before the step (zeros at ``t = 1``).
        theta, grad: the parameters :math:`\theta_{t-1}` and the *loss* gradient :math:`\nabla L(\theta_{t-1})`.
        t: the step number, counted from 1.
        lr, betas, eps, weight_decay: as in :class:`optlib.Adam` (``weight_decay`` is :math:`\lambda`).
        bias_correction: apply :math:`c_t` and :math:`b_t`.

    Returns:
        ``(momentum, gradient, decay)``: the three terms, each the amount subtracted from
        :math:`\theta_{t-1}`; their sum is the step.
    """
    beta1, beta2 = (np.asarray(b, dtype=float) for b in betas)
    theta, grad = np.asarray(theta, dtype=float), np.asarray(grad, dtype=float)
    g = grad + weight_decay * theta
    v = beta2 * np.asarray(v_prev) + (1 - beta2) * g * g  # v_t holds the decay term too
    c, b = ((1 / (1 - beta1 ** t), 1 - beta2 ** t) if bias_correction else (1.0, 1.0))
    scale = lr * c / (np.sqrt(v / b) + eps)
    return (scale * beta1 * np.asarray(m_prev), scale * (1 - beta1) * grad,
            scale * (1 - beta1) * weight_decay * theta)


def adam_l2_effective_decay(weight_decay, v_hat, eps=1e-8):
    r"""The decay rate that Adam with L2 regularisation applies to a parameter, :math:`\lambda / (\sqrt{\hat v} + \epsilon)`.

    Summed over the steps that :math:`\hat m_t` averages, the decay terms of
    :func:`adam_l2_terms` add up to :math:`\eta\,\lambda\theta / (\sqrt{\hat v} + \epsilon)`
    per step (the weights :math:`(1 - \beta_1)\beta_1^k / (1 - \beta_1^t)` sum to 1).
    So the decay is :math:`\lambda / \sqrt{\hat v}` instead of :math:`\lambda`: weaker for
    parameters with large gradients than for parameters with small ones. Its size
    relative to :math:`\lambda` has no meaning of its own (:math:`\sqrt{\hat v}` carries the
    units of the loss: scale the loss by :math:`c` and it scales by :math:`c`); the ratio
    between two parameters does. AdamW applies :math:`\lambda` itself.
    """
    return np.asarray(weight_decay) / (np.sqrt(np.asarray(v_hat, dtype=float)) + eps)


def adamw_pure_decay(theta0, lr, weight_decay, t):
    r"""AdamW with a zero loss gradient: :math:`\theta_t = (1 - \eta\lambda)^t\,\theta_0`.

    With :math:`\nabla L = 0` the moments stay 0, :math:`\hat m_t / (\sqrt{\hat v_t} + \epsilon) = 0`,
    and each step only multiplies :math:`\theta` by :math:`1 - \eta\lambda` (torch's and
    optax's decay, multiplied by the learning rate).
    """
    return np.asarray(theta0, dtype=float) * (1 - np.asarray(lr) * np.asarray(weight_decay)) ** np.asarray(t)


def adam_l2_pure_decay_first_step(lr, weight_decay, theta0, eps=1e-8):
    r"""Adam + L2 with a zero loss gradient, first step: :math:`\eta\,|\lambda\theta_0| / (|\lambda\theta_0| + \epsilon)`.

    At :math:`t = 1`, :math:`\hat m_1 = g_1` and :math:`\sqrt{\hat v_1} = |g_1|` with
    :math:`g_1 = \lambda\theta_0`, so the step is :math:`\eta` in size (up to
    :math:`\epsilon`) whatever :math:`\lambda` is: the rescaling divides :math:`\lambda` away.
    More generally :math:`g_t = \lambda\theta_{t-1}` makes :math:`m_t \propto \lambda` and
    :math:`\sqrt{v_t} \propto \lambda`, so with :math:`\epsilon \to 0` the whole trajectory
    does not depend on :math:`\lambda`.
    """
    g = np.abs(np.asarray(weight_decay) * np.asarray(theta0, dtype=float))
    return np.asarray(lr) * g / (g + eps)


def adamw_equivalent_l2(weight_decay, v_hat, eps=1e-8):
    r"""The per-parameter L2 coefficient that AdamW's decay amounts to, :math:`\lambda(\sqrt{\hat v} + \epsilon)`.

    Loshchilov & Hutter's Proposition 3: for a preconditioned gradient method with a
    fixed diagonal preconditioner :math:`P = \operatorname{diag}(1/(\sqrt{\hat v} + \epsilon))`,
    decoupled decay :math:`\lambda` is L2 regularisation with a coefficient rescaled per
    parameter,

    .. math::
        \eta\left(P\nabla L + \lambda\theta\right)
        = \eta P\left(\nabla L + \lambda(\sqrt{\hat v} + \epsilon)\odot\theta\right),

    the step on :math:`L + \tfrac12\sum_i \lambda(\sqrt{\hat v_i} + \epsilon)\,\theta_i^2`. Parameters with
    large gradients are regularised *more* in L2 terms; Adam + L2 does the opposite
    (:func:`adam_l2_effective_decay`). With :math:`\hat m_t` in place of :math:`\nabla L` this is
    AdamW's step exactly, for the :math:`\hat v_t` of that step.

    Reference: Loshchilov & Hutter, *Decoupled weight decay regularization*, ICLR 2019, Proposition 3.
    """
    return np.asarray(weight_decay) * (np.sqrt(np.asarray(v_hat, dtype=float)) + eps)


def weight_decay_half_life(lr, weight_decay):
    r"""Steps for decoupled decay alone to halve a parameter, :math:`\lceil \ln 2 / -\ln(1 - \eta\lambda) \rceil`.

    The smallest :math:`n` with :math:`(1 - \eta\lambda)^n \le 1/2`; about
    :math:`0.693 / (\eta\lambda)` for small :math:`\eta\lambda`.
    """
    rate = 1 - np.asarray(lr, dtype=float) * np.asarray(weight_decay, dtype=float)
    steps = np.ceil(np.log(0.5) / np.log(rate) - 1e-9)
    return steps.astype(int) if steps.ndim else int(steps)


# --- The SGD chapter (book/sgd.ipynb) ---------------------------------------------------


def gd_iterations(rate, tol):
    r"""Steps until an error that shrinks by ``rate`` per step falls to ``tol`` times its start.

    .. math::
        T = \left\lceil \frac{\log \mathrm{tol}}{\log \mathrm{rate}} \right\rceil,
        \qquad \mathrm{rate}^T \le \mathrm{tol} < \mathrm{rate}^{T-1},

    for :math:`0 < \mathrm{rate} < 1` and :math:`0 < \mathrm{tol} < 1`. At the optimal step
    :func:`gd_optimal` every eigendirection of a 2-D quadratic contracts by exactly
    ``rate``, so the relative error of gradient descent is ``rate**t`` and this is exact.
    """
    rate, tol = np.asarray(rate, dtype=float), np.asarray(tol, dtype=float)
    if np.any((rate <= 0) | (rate >= 1)) or np.any((tol <= 0) | (tol >= 1)):
        raise ValueError(f"rate and tol must lie in (0, 1), got rate={rate}, tol={tol}")
    steps = np.ceil(np.log(tol) / np.log(rate) - 1e-9)  # -1e-9: rate**T == tol exactly counts
    return steps.astype(int) if steps.ndim else int(steps)


def loss_rate(loss_gap, window=10, floor=1e-200):
    r"""The measured contraction per step of a linearly converging run, from its loss gap.

    Near a minimum the loss gap is quadratic in the error, so a run whose error shrinks
    by :math:`\rho` per step has :math:`L_t - L^* \propto \rho^{2t}` and

    .. math::
        \hat\rho = \left(\frac{L_T - L^*}{L_{T-k} - L^*}\right)^{1/(2k)}

    over the last ``k = window`` steps whose gap is finite and above ``floor`` (so a run
    that reached the optimum exactly, or diverged and was stopped, is measured on what
    came before). A diverging run gives its growth factor, :math:`\hat\rho > 1`. Returns
    ``nan`` when fewer than two usable steps remain (and 0 when the gap became exactly 0
    after the first step, as gradient descent with :math:`\eta = 1/\lambda` on
    :math:`\kappa = 1` does).
    """
    gap = np.asarray(loss_gap, dtype=float)
    usable = np.flatnonzero(np.isfinite(gap) & (gap > floor))
    if len(usable) < 2:
        return 0.0 if len(gap) > 1 and np.isfinite(gap[1]) and gap[1] == 0.0 else float("nan")
    last = usable[-1]
    first = max(usable[0], last - window)
    if first == last:
        return float("nan")
    return float((gap[last] / gap[first]) ** (1.0 / (2 * (last - first))))


def critical_point_kind(eigenvalues, tol=1e-9):
    r"""Classify a critical point by the eigenvalues of its Hessian (the second-order test).

    All eigenvalues :math:`> 0`: ``"minimum"``; all :math:`< 0`: ``"maximum"``; some of
    each sign: ``"saddle"``; otherwise (an eigenvalue within ``tol`` of zero and no sign
    change) ``"degenerate"``: the Hessian does not decide, as at the monkey saddle.
    """
    lam = np.asarray(eigenvalues, dtype=float)
    if np.any(lam > tol) and np.any(lam < -tol):
        return "saddle"
    if np.any(np.abs(lam) <= tol):
        return "degenerate"
    return "minimum" if np.all(lam > 0) else "maximum"


def saddle_escape_steps(lr, lam, offset, radius=1.0):
    r"""Steps for gradient descent to carry a start ``offset`` off the stable manifold out to ``radius``.

    Along an eigendirection of negative curvature :math:`\lambda < 0` the error is
    multiplied by :math:`1 - \eta\lambda = 1 + \eta|\lambda| > 1` each step, so it
    first reaches ``radius`` after

    .. math::
        T = \left\lceil \frac{\log(\mathrm{radius}/\mathrm{offset})}{\log(1 + \eta|\lambda|)} \right\rceil

    steps: the escape time grows like :math:`\log(1/\mathrm{offset})`. For
    :math:`f = x^2 - y^2` (:class:`optlib.objectives.Saddle`), :math:`\lambda = -2`.
    """
    if not lam < 0:
        raise ValueError(f"lam must be a negative eigenvalue, got {lam}")
    growth = 1.0 - np.asarray(lr, dtype=float) * lam
    steps = np.ceil(np.log(radius / np.asarray(offset, dtype=float)) / np.log(growth) - 1e-9)
    return steps.astype(int) if steps.ndim else int(steps)


def minibatch_gradient_variance(per_example_grads, batch_size, replace=True):
    r"""Expected squared error of a minibatch gradient, :math:`\mathbb E\|g_B - \bar g\|^2`.

    With per-example gradients :math:`g_1, \dots, g_N` (rows of ``per_example_grads``),
    full gradient :math:`\bar g` and :math:`\sigma^2 = \frac1N \sum_i \|g_i - \bar g\|^2`,
    the mean :math:`g_B` of a batch of :math:`B` examples has

    .. math::
        \mathbb E\|g_B - \bar g\|^2 = \frac{\sigma^2}{B} \quad\text{(with replacement)},
        \qquad
        \frac{\sigma^2}{B}\,\frac{N - B}{N - 1} \quad\text{(without replacement)},

    the second with the finite-population correction, which is 0 at :math:`B = N`.
    """
    g = np.asarray(per_example_grads, dtype=float)
    n = len(g)
    sigma2 = np.mean(np.sum((g - g.mean(axis=0)) ** 2, axis=-1))
    B = np.asarray(batch_size, dtype=float)
    if np.any(B < 1) or (not replace and np.any(B > n)):
        raise ValueError(f"Invalid batch_size {batch_size} for N = {n}")
    factor = 1.0 if replace else (n - B) / (n - 1) if n > 1 else 0.0 * B
    return sigma2 / B * factor


def sgd_noise_floor(lr, hessian, noise_cov, batch_size):
    r"""Stationary expected excess loss of constant-step SGD on a quadratic with additive gradient noise.

    For :math:`L(\theta) = L^* + \tfrac12 e^\top H e` with :math:`e = \theta - \theta^*`,
    minibatch gradients :math:`H e + \xi` with :math:`\mathbb E\xi = 0`,
    :math:`\operatorname{Cov}\xi = \Sigma / B`, and steps :math:`e \leftarrow (I - \eta H) e - \eta\xi`,
    the covariance :math:`C` of :math:`e` settles where :math:`C = (I - \eta H) C (I - \eta H) + \eta^2\Sigma/B`.
    In the eigenbasis of :math:`H` the diagonal is
    :math:`C_{ii} = \eta\Sigma_{ii} / (B \lambda_i (2 - \eta\lambda_i))`, so

    .. math::
        \mathbb E[L - L^*] = \tfrac12 \operatorname{tr}(H C)
        = \frac{\eta}{2B} \sum_i \frac{\Sigma_{ii}}{2 - \eta\lambda_i}
        \approx \frac{\eta}{4B}\operatorname{tr}\Sigma \quad (\eta\lambda_i \ll 1).

    It is proportional to :math:`\eta / B`: a smaller step or a larger batch lowers the floor.
    (For least squares the noise also depends on :math:`e`; that adds terms of higher
    order in :math:`\eta`.) Requires :math:`0 < \eta\lambda_i < 2`.
    """
    lam, V = np.linalg.eigh(np.asarray(hessian, dtype=float))
    if not (np.all(lam > 0) and np.all(lr * lam < 2)):
        raise ValueError(f"needs 0 < lr * lambda_i < 2, got lr={lr}, eigenvalues={lam}")
    sigma_ii = np.einsum("ji,jk,ki->i", V, np.asarray(noise_cov, dtype=float), V)
    return float(lr / (2 * batch_size) * np.sum(sigma_ii / (2 - lr * lam)))


def _design(X):
    """Rows :math:`\\tilde x_i = (x_i, 1)` of :class:`optlib.models.LinearRegression`'s design matrix."""
    X = np.asarray(X, dtype=float)
    return np.concatenate([X, np.ones((len(X), 1))], axis=1)


def least_squares_sgd_moment_map(lr, X, batch_size):
    r"""The linear map :math:`C \mapsto \mathbb E[(I - \eta H_B)\, C\, (I - \eta H_B)]` of SGD's error second moment.

    For :class:`optlib.models.LinearRegression` the example gradient is
    :math:`\nabla\ell_i(\theta) = A_i e + \tilde x_i r_i` with :math:`A_i = \tilde x_i \tilde x_i^\top`,
    :math:`e = \theta - \theta^*` and :math:`r_i` the residual at :math:`\theta^*`: the noise
    depends on :math:`e`. A batch of :math:`B` examples drawn i.i.d. with replacement has
    :math:`H_B = \frac1B\sum_k A_{i_k}`, and step :math:`t` gives
    :math:`e_t = (I - \eta H_{B_t}) e_{t-1} - \eta\,\xi_t`. With
    :math:`H = \frac1N\sum_i A_i` and :math:`\mathcal M(C) = \frac1N \sum_i A_i C A_i`,

    .. math::
        \mathcal T(C) = C - \eta (HC + CH)
        + \eta^2\Bigl[\bigl(1 - \tfrac1B\bigr) H C H + \tfrac1B\,\mathcal M(C)\Bigr].

    Returned as a :math:`d^2 \times d^2` matrix acting on ``C.ravel()`` (``d`` parameters).
    """
    Xt = _design(X)
    d = Xt.shape[1]
    H = Xt.T @ Xt / len(Xt)
    A = np.einsum("ni,nj->nij", Xt, Xt)
    eye = np.eye(d)
    # row-major vec: vec(P C Q) = kron(P, Q^T) vec(C); all matrices here are symmetric
    first = np.kron(H, eye) + np.kron(eye, H)
    second = (1 - 1 / batch_size) * np.kron(H, H) + np.einsum("nij,nkl->ikjl", A, A).reshape(d * d, d * d) / (
        len(Xt) * batch_size)
    return np.eye(d * d) - lr * first + lr**2 * second


def least_squares_sgd_max_lr(X, batch_size):
    r"""The largest learning rate at which SGD's error second moment stays bounded on least squares.

    The second moment evolves as :math:`C_t = \mathcal T(C_{t-1}) + \eta^2 \Sigma / B`
    (:func:`least_squares_sgd_moment_map`). It stays bounded iff the spectral radius of
    :math:`\mathcal T` is below 1. :math:`\mathcal T` maps positive semidefinite matrices to
    positive semidefinite ones, so its spectral radius is an eigenvalue with a PSD eigenvector,
    and it is below 1 iff some :math:`C \succ 0` has :math:`\mathcal T(C) \prec C`, i.e.

    .. math::
        HC + CH \succ \eta\Bigl[\bigl(1 - \tfrac1B\bigr) HCH + \tfrac1B\,\mathcal M(C)\Bigr].

    If that holds for :math:`\eta` it holds for every smaller :math:`\eta`, so the stable rates
    are an interval :math:`(0, \eta_{\max})`, and :math:`\eta_{\max}` is the smallest
    :math:`\eta > 0` where :math:`\mathcal T` has the eigenvalue 1 (found here by bisection).
    As :math:`B \to \infty` the bracket becomes :math:`HCH` and :math:`\eta_{\max} \to 2/\lambda_{\max}`,
    gradient descent's limit; at small :math:`B` the fourth moments of the inputs
    (:math:`\mathcal M`) make it smaller.
    """
    def stable(lr):
        return np.max(np.abs(np.linalg.eigvals(least_squares_sgd_moment_map(lr, X, batch_size)))) < 1

    Xt = _design(X)
    lo, hi = 0.0, 2.0 / np.linalg.eigvalsh(Xt.T @ Xt / len(Xt))[-1]  # never beyond GD's limit
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if stable(mid) else (lo, mid)
    return lo


def least_squares_sgd_floor(lr, X, y, batch_size):
    r"""The exact stationary excess loss :math:`\lim_t \mathbb E[L(\theta_t) - L^*]` of constant-step SGD on least squares.

    Batches of :math:`B` examples drawn i.i.d. with replacement. With :math:`\xi_t` the
    minibatch gradient at :math:`\theta^*` (mean 0, covariance :math:`\Sigma/B`,
    :math:`\Sigma = \frac1N\sum_i r_i^2 \tilde x_i \tilde x_i^\top`) and :math:`e_{t-1}`
    independent of batch :math:`t`, the mean error tends to 0 and the second moment to the
    solution of :math:`C = \mathcal T(C) + \eta^2\Sigma/B` (:func:`least_squares_sgd_moment_map`),
    a :math:`d^2 \times d^2` linear solve; the floor is :math:`\tfrac12\operatorname{tr}(HC)`.
    Unlike :func:`sgd_noise_floor` (additive noise, independent of :math:`\theta`), this keeps
    the part :math:`(H_B - H)e` of the noise that grows with the error. Requires
    ``lr < least_squares_sgd_max_lr(X, batch_size)``.
    """
    Xt, y = _design(X), np.asarray(y, dtype=float)
    d = Xt.shape[1]
    T = least_squares_sgd_moment_map(lr, X, batch_size)
    if np.max(np.abs(np.linalg.eigvals(T))) >= 1:
        raise ValueError(f"lr={lr} leaves the second moment unbounded at batch size {batch_size}")
    theta_star = np.linalg.lstsq(Xt, y, rcond=None)[0]
    r = Xt @ theta_star - y
    Sigma = np.einsum("n,ni,nj->ij", r**2, Xt, Xt) / len(Xt)
    C = np.linalg.solve(np.eye(d * d) - T, lr**2 * Sigma.ravel() / batch_size).reshape(d, d)
    return float(0.5 * np.trace(Xt.T @ Xt / len(Xt) @ C))


def goe_positive_bound(n):
    r"""An upper bound :math:`2^{-n}` on the chance that a random symmetric matrix is positive definite.

    For a GOE matrix (independent Gaussian entries on and above the diagonal) positive
    definiteness needs every diagonal entry positive, :math:`n` independent events of
    probability :math:`\tfrac12` each. At :math:`n = 1` it is exact, at :math:`n = 2`
    the probability is :math:`(2 - \sqrt2)/4 \approx 0.146` (:func:`goe_positive_fraction`'s
    test derives it), and it falls like :math:`e^{-c n^2}` for large :math:`n`.
    """
    return 2.0 ** -np.asarray(n, dtype=float)


def goe_positive_fraction(n, samples, seed=0, positive_diagonal=False):
    r"""Monte Carlo: the fraction of ``samples`` random symmetric :math:`n \times n` matrices whose
    eigenvalues are all positive.

    Each matrix is :math:`A = (G + G^\top)/2` with :math:`G_{ij} \sim \mathcal N(0, 1)` i.i.d.
    (the Gaussian orthogonal ensemble): diagonal variance 1, off-diagonal variance
    :math:`\tfrac12`. Read as the Hessian at a random critical point, all positive means a
    minimum, all negative (equally likely) a maximum, and the rest are saddles
    (Dauphin et al., 2014). Returns ``(fraction, count)``: ``count`` of the ``samples``
    matrices were positive definite.

    With ``positive_diagonal=True`` the diagonal entries are drawn conditioned on being
    positive (:math:`|G_{ii}|`), which a positive definite matrix needs anyway, and the
    returned ``fraction`` is :math:`2^{-n}\,\mathrm{count}/\mathrm{samples}`: the same
    probability (the diagonal is positive with probability :math:`2^{-n}`, independently of
    the off-diagonal entries), estimated from :math:`2^n` times more hits, with standard error
    :math:`2^{-n}\sqrt{q(1-q)/\mathrm{samples}}`, :math:`q = \mathrm{count}/\mathrm{samples}`.
    """
    rng = np.random.default_rng(seed)
    G = rng.standard_normal((int(samples), int(n), int(n)))
    if positive_diagonal:
        diagonal = np.einsum("sii->si", G)  # a writeable view of every matrix's diagonal
        diagonal[:] = np.abs(diagonal)
    lowest = np.linalg.eigvalsh((G + np.swapaxes(G, -1, -2)) / 2)[:, 0]
    count = int(np.sum(lowest > 0))
    scale = 2.0 ** -int(n) if positive_diagonal else 1.0
    return scale * count / int(samples), count


def least_squares_quadratic(X, y):
    r"""The loss of :class:`optlib.models.LinearRegression` on ``(X, y)`` written as a quadratic.

    With :math:`\tilde X = [X, 1]`, the mean squared-error loss is exactly

    .. math::
        L(\theta) = L^* + \tfrac12 (\theta - \theta^*)^\top H (\theta - \theta^*), \qquad
        H = \tfrac1n \tilde X^\top \tilde X, \quad
        \theta^* = \arg\min_\theta \|\tilde X\theta - y\|^2 \text{ (normal equations)},

    and :math:`L^* = \frac1{2n}\|\tilde X\theta^* - y\|^2`. Returns ``(H, theta_star, L_star)``.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    Xt = np.concatenate([X, np.ones((len(X), 1))], axis=1)
    H = Xt.T @ Xt / len(X)
    theta_star = np.linalg.solve(Xt.T @ Xt, Xt.T @ y)
    residual = Xt @ theta_star - y
    return H, theta_star, float(0.5 * np.mean(residual**2))


# --- The momentum chapter (book/momentum.ipynb) -----------------------------------------

def momentum_iteration_matrix(lr, momentum, eigenvalue):
    r"""The heavy-ball step along one eigendirection of a quadratic, as a 2 x 2 matrix.

    With :math:`x_t` the error :math:`\theta_t - \theta^*` along an eigenvector of
    eigenvalue :math:`\lambda` and :math:`m_t` the momentum buffer after step :math:`t`
    (torch's ``momentum_buffer``, :math:`m_0 = 0`), step :math:`t` of
    :math:`m_t = \mu m_{t-1} + \lambda x_{t-1},\ x_t = x_{t-1} - \eta m_t` is

    .. math::
        \begin{pmatrix} x_t \\ m_t \end{pmatrix}
        = \begin{pmatrix} 1 - \eta\lambda & -\eta\mu \\ \lambda & \mu \end{pmatrix}
          \begin{pmatrix} x_{t-1} \\ m_{t-1} \end{pmatrix},

    whose characteristic polynomial is :math:`z^2 - (1 + \mu - \eta\lambda) z + \mu`.
    Arguments broadcast; the result has shape ``broadcast + (2, 2)``.
    """
    lr, mu, lam = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (lr, momentum, eigenvalue)))
    return np.stack([np.stack([1 - lr * lam, -lr * mu], -1), np.stack([lam, mu], -1)], -2)


def nesterov_iteration_matrix(lr, momentum, eigenvalue):
    r"""Torch's Nesterov step along one eigendirection of a quadratic, as a 2 x 2 matrix.

    With :math:`m_t = \mu m_{t-1} + \lambda x_{t-1}` and
    :math:`x_t = x_{t-1} - \eta(\lambda x_{t-1} + \mu m_t)`:

    .. math::
        \begin{pmatrix} x_t \\ m_t \end{pmatrix}
        = \begin{pmatrix} 1 - \eta\lambda(1 + \mu) & -\eta\mu^2 \\ \lambda & \mu \end{pmatrix}
          \begin{pmatrix} x_{t-1} \\ m_{t-1} \end{pmatrix},

    with characteristic polynomial :math:`z^2 - (1 + \mu)(1 - \eta\lambda) z + \mu(1 - \eta\lambda)`.
    """
    lr, mu, lam = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (lr, momentum, eigenvalue)))
    return np.stack([np.stack([1 - lr * lam * (1 + mu), -lr * mu * mu], -1), np.stack([lam, mu], -1)], -2)


def spectral_radius_2x2(matrix):
    r"""The largest modulus of an eigenvalue of 2 x 2 matrices (the last two axes), in closed form.

    With :math:`\tau = \operatorname{tr} T` and :math:`\delta = \det T` the eigenvalues are the roots of
    :math:`z^2 - \tau z + \delta`, so

    .. math::
        \rho(T) = \begin{cases} \sqrt{\delta} & \tau^2 < 4\delta \text{ (complex pair)} \\
        \tfrac12\big(|\tau| + \sqrt{\tau^2 - 4\delta}\big) & \text{otherwise.} \end{cases}

    The closed form is exact at a double root, where a numerical eigensolver loses
    half the digits (a Jordan block is ill-conditioned).
    """
    T = np.asarray(matrix, dtype=float)
    tau, delta = T[..., 0, 0] + T[..., 1, 1], T[..., 0, 0] * T[..., 1, 1] - T[..., 0, 1] * T[..., 1, 0]
    disc = tau * tau - 4 * delta
    return np.where(disc < 0, np.sqrt(np.abs(delta)), 0.5 * (np.abs(tau) + np.sqrt(np.maximum(disc, 0))))


def momentum_rate(lr, momentum, eigenvalues, nesterov=False):
    r"""Asymptotic contraction per step of heavy-ball (or Nesterov) momentum on a quadratic.

    .. math::
        \rho = \max_i \rho(T(\eta, \mu, \lambda_i)),

    the largest spectral radius of :func:`momentum_iteration_matrix` (or
    :func:`nesterov_iteration_matrix`) over the eigenvalues. For heavy ball, with
    :math:`h = \eta\lambda`: :math:`\sqrt{\mu}` when :math:`(1 + \mu - h)^2 \le 4\mu`
    (complex roots), else :math:`\tfrac12(|1 + \mu - h| + \sqrt{(1 + \mu - h)^2 - 4\mu})`.
    ``lr`` and ``momentum`` broadcast together; the eigenvalues are the last axis.
    At ``momentum = 0`` this is :func:`gd_rate`.
    """
    make = nesterov_iteration_matrix if nesterov else momentum_iteration_matrix
    lr, mu = np.broadcast_arrays(np.asarray(lr, dtype=float), np.asarray(momentum, dtype=float))
    lam = np.asarray(eigenvalues, dtype=float)
    T = make(lr[..., None], mu[..., None], lam)
    return np.max(spectral_radius_2x2(T), axis=-1)


def momentum_regime(h, momentum):
    r"""How heavy ball moves along one eigendirection, from :math:`h = \eta\lambda` and :math:`\mu`.

    The roots of :math:`z^2 - (1 + \mu - h) z + \mu` are

    - 0, *over-damped*: real and positive, :math:`h < (1 - \sqrt\mu)^2`; the error keeps
      its sign after at most one change, like a ball in syrup;
    - 1, *under-damped*: complex, :math:`(1 - \sqrt\mu)^2 < h < (1 + \sqrt\mu)^2`, of modulus
      :math:`\sqrt\mu`; the error spirals, changing sign every :math:`\pi/\arg z` steps;
    - 2, *over-stepped*: real and negative, :math:`(1 + \sqrt\mu)^2 < h < 2 + 2\mu`; the error
      changes sign at every step (gradient descent's zigzag);
    - 3, *unstable*: :math:`h \ge 2 + 2\mu` (or :math:`h \le 0`).

    *Critical damping* is the double root :math:`h = (1 - \sqrt\mu)^2`, between 0 and 1.
    Arguments broadcast; returns integer codes.
    """
    h, mu = np.broadcast_arrays(np.asarray(h, dtype=float), np.asarray(momentum, dtype=float))
    s = np.sqrt(mu)
    return np.select([(h <= 0) | (h >= 2 + 2 * mu), h < (1 - s) ** 2, h <= (1 + s) ** 2], [3, 0, 1], default=2)


def momentum_max_lr(momentum, lam_max, nesterov=False):
    r"""The largest stable learning rate of momentum on a quadratic: it converges iff :math:`0 < \eta < \eta_{\max}`.

    .. math::
        \text{heavy ball: } \eta_{\max} = \frac{2 + 2\mu}{\lambda_{\max}}, \qquad
        \text{Nesterov: } \eta_{\max} = \frac{2 + 2\mu}{(1 + 2\mu)\lambda_{\max}},
        \qquad 0 \le \mu < 1

    (the Schur-Cohn/Jury conditions on the characteristic polynomials). At
    :math:`\eta = \eta_{\max}` the root :math:`z = -1` makes the error oscillate forever.
    """
    mu = np.asarray(momentum, dtype=float)
    return (2 + 2 * mu) / ((1 + 2 * mu) if nesterov else 1.0) / lam_max


def momentum_optimal(lam_min, lam_max):
    r"""Polyak's optimal heavy-ball parameters on a quadratic and the rate they give.

    .. math::
        \eta^* = \Big(\frac{2}{\sqrt{\lambda_{\min}} + \sqrt{\lambda_{\max}}}\Big)^2, \qquad
        \mu^* = \Big(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\Big)^2, \qquad
        \rho^* = \sqrt{\mu^*} = \frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}

    with :math:`\kappa = \lambda_{\max}/\lambda_{\min}` (Polyak, 1964; Goh, 2017).
    Returns ``(lr, momentum, rate)``.
    """
    s = np.sqrt(lam_max / lam_min)
    rate = (s - 1) / (s + 1)
    return (2 / (np.sqrt(lam_min) + np.sqrt(lam_max))) ** 2, rate**2, rate


def momentum_optimal_error(steps, lam_min, lam_max):
    r"""The exact error factors of heavy ball at :func:`momentum_optimal`, per eigendirection.

    There both iteration matrices have a double eigenvalue (a Jordan block), so the
    error is a geometric sequence times a polynomial: with :math:`\rho = \rho^*` and
    the buffer starting at 0,

    .. math::
        \frac{x_k}{x_0} = \rho^k\,\big(1 + (1 - \rho)\,k\big) \ \ (\lambda_{\min}), \qquad
        \frac{x_k}{x_0} = (-\rho)^k\,\big(1 + (1 + \rho)\,k\big) \ \ (\lambda_{\max}).

    Returns an array ``(steps + 1, 2)``: column 0 for :math:`\lambda_{\min}`, 1 for :math:`\lambda_{\max}`.
    """
    rate = momentum_optimal(lam_min, lam_max)[2]
    k = np.arange(steps + 1.0)
    return np.stack([rate**k * (1 + (1 - rate) * k), (-rate) ** k * (1 + (1 + rate) * k)], axis=-1)


def momentum_gain(momentum, ratio=1.0, t=None):
    r"""How much the momentum buffer amplifies a gradient that changes by ``ratio`` each step.

    For gradients :math:`g_s = r^{s-1} g` (``ratio`` :math:`r`; 1 constant, -1 alternating),
    the buffer :math:`m_t = \sum_{s=1}^t \mu^{t-s} g_s` is :math:`G_t\, g_t` with

    .. math::
        G_t = \sum_{j=0}^{t-1} \Big(\frac{\mu}{r}\Big)^j
            = \frac{1 - (\mu/r)^t}{1 - \mu/r} \;\longrightarrow\; \frac{1}{1 - \mu/r}
            \quad (|\mu/r| < 1,\ t \to \infty):

    :math:`1/(1 - \mu)` for a constant gradient, :math:`1/(1 + \mu)` for an alternating one.
    With ``t=None`` the limit is returned.
    """
    q = np.asarray(momentum, dtype=float) / ratio
    if t is None:  # the limit t -> infinity
        return 1 / (1 - q)
    t = np.asarray(t, dtype=float)
    return np.where(q == 1, t, (1 - q**t) / np.where(q == 1, 2.0, 1 - q))


def exponential_average(values, beta):
    r"""The zero-started exponential moving average of a sequence, in closed form.

    .. math::
        \tilde m_t = (1 - \beta) \sum_{s=1}^{t} \beta^{t-s} g_s,

    the unrolled recursion :math:`\tilde m_t = \beta \tilde m_{t-1} + (1 - \beta) g_t`,
    :math:`\tilde m_0 = 0`. ``values`` has shape ``(T, ...)`` with ``values[0]`` = :math:`g_1`;
    the result has the same shape.
    """
    g = np.asarray(values, dtype=float)
    t = np.arange(len(g))
    lag = t[:, None] - t[None, :]
    weights = np.where(lag >= 0, (1 - beta) * float(beta) ** np.maximum(lag, 0), 0.0)
    return np.tensordot(weights, g, axes=(1, 0))


def momentum_noise_floor(lr, momentum, hessian, noise_cov, batch_size):
    r"""Stationary expected excess loss of heavy-ball momentum on a quadratic with additive gradient noise.

    With :math:`L(\theta) = L^* + \tfrac12 e^\top H e`, :math:`e = \theta - \theta^*`, and step
    :math:`t` using the minibatch gradient :math:`g_t = H e_{t-1} + \xi_t`, with :math:`\xi_t`
    independent of the past, mean 0 and covariance :math:`\Sigma / B`, the error along an
    eigenvector of eigenvalue :math:`\lambda` follows
    :math:`x_t = (1 + \mu - \eta\lambda) x_{t-1} - \mu x_{t-2} - \eta\xi_t`, an AR(2) process
    whose stationary variance (Yule-Walker) is
    :math:`\eta s^2 (1 + \mu) / \big((1 - \mu)\lambda(2 + 2\mu - \eta\lambda)\big)`,
    :math:`s^2 = \Sigma_{ii}/B`. Hence

    .. math::
        \mathbb E[L - L^*] \to \frac{\eta}{2B} \sum_i
        \frac{(1 + \mu)\, \Sigma_{ii}}{(1 - \mu)(2 + 2\mu - \eta\lambda_i)}
        \approx \frac{\eta}{1 - \mu} \frac{\operatorname{tr}\Sigma}{4B}
        \quad (\eta\lambda_i \ll 1),

    with :math:`\Sigma_{ii}` in the eigenbasis of :math:`H`. At ``momentum = 0`` this is
    :func:`sgd_noise_floor`. To first order in :math:`\eta` it is SGD's floor at the
    effective learning rate :math:`\eta/(1 - \mu)`: the buffer averages about
    :math:`1/(1-\mu)` gradients, but each noise sample still moves :math:`\theta` by
    :math:`\eta\xi_t/(1 - \mu)` in all. For least squares the noise also depends on
    :math:`\theta`, which this additive model leaves out. Requires
    :math:`0 < \eta\lambda_i < 2 + 2\mu` and :math:`0 \le \mu < 1`.

    Example:
        >>> H, Sigma = np.diag([1.0, 0.1]), np.eye(2)
        >>> round(momentum_noise_floor(0.01, 0.9, H, Sigma, 8) / sgd_noise_floor(0.1, H, Sigma, 8), 3)
        0.973
    """
    lam, V = np.linalg.eigh(np.asarray(hessian, dtype=float))
    mu = float(momentum)
    if not (0 <= mu < 1 and np.all(lam > 0) and np.all(lr * lam < 2 + 2 * mu)):
        raise ValueError(f"needs 0 <= momentum < 1 and 0 < lr * lambda_i < 2 + 2 momentum, "
                         f"got lr={lr}, momentum={momentum}, eigenvalues={lam}")
    sigma_ii = np.einsum("ji,jk,ki->i", V, np.asarray(noise_cov, dtype=float), V)
    return float(lr / (2 * batch_size) * np.sum((1 + mu) * sigma_ii / ((1 - mu) * (2 + 2 * mu - lr * lam))))


def nesterov_optimal(lam_min, lam_max):
    r"""Nesterov's best parameters and rate on a quadratic with eigenvalues in :math:`[\lambda_{\min}, \lambda_{\max}]`.

    With :math:`\kappa = \lambda_{\max}/\lambda_{\min}` (Lessard, Recht & Packard, 2016, section 3.2),

    .. math::
        \eta^* = \frac{4}{3\lambda_{\max} + \lambda_{\min}}, \qquad
        \mu^* = \frac{\sqrt{3\kappa + 1} - 2}{\sqrt{3\kappa + 1} + 2}, \qquad
        \rho^* = 1 - \frac{2}{\sqrt{3\kappa + 1}},

    the rate of :func:`nesterov_iteration_matrix` (torch's form) at :math:`\eta^*, \mu^*`:
    slower than heavy ball's :math:`(\sqrt\kappa - 1)/(\sqrt\kappa + 1)`
    (:func:`momentum_optimal`) but, unlike it, with a guarantee beyond quadratics.
    Returns ``(lr, momentum, rate)``.
    """
    kappa = lam_max / lam_min
    s = np.sqrt(3 * kappa + 1)
    return 4 / (3 * lam_max + lam_min), (s - 2) / (s + 2), 1 - 2 / s


def lessard_counterexample(x):
    r"""Value and gradient of a strongly convex function on which heavy ball's optimal parameters fail.

    Lessard, Recht & Packard (2016, section 4.6): with :math:`m = 1`, :math:`L = 25`,

    .. math::
        f(x) = \begin{cases} \tfrac{25}{2} x^2 & x < 1 \\
        \tfrac12 x^2 + 24 x - 12 & 1 \le x < 2 \\
        \tfrac{25}{2} x^2 - 24 x + 36 & x \ge 2 \end{cases}
        \qquad f'(x) \in \{25x,\ x + 24,\ 25x - 24\},

    continuously differentiable, with :math:`1 \le f'' \le 25` and minimum :math:`f(0) = 0`. Heavy
    ball at :func:`momentum_optimal` for :math:`[1, 25]` (:math:`\eta = 1/9`, :math:`\mu = 4/9`)
    ends on a cycle of period 3 from starts such as :math:`x_0 = 3.3`, while Nesterov's
    method converges on it as on every such function. For parameters of shape ``(..., d)``
    (``d = 1``: the function itself) returns ``(value, grad)`` of :math:`\sum_i f(x_i)`, shapes
    ``(...)`` and ``(..., d)``, as :func:`optlib.run` expects.
    """
    x = np.asarray(x, dtype=float)
    value = np.where(x < 1, 12.5 * x**2, np.where(x < 2, 0.5 * x**2 + 24 * x - 12, 12.5 * x**2 - 24 * x + 36))
    grad = np.where(x < 1, 25 * x, np.where(x < 2, x + 24, 25 * x - 24))
    return value.sum(axis=-1), grad


def first_order_lower_bound(k, kappa):
    r"""The least worst-case error factor after ``k`` steps of any first-order method on quadratics.

    On a quadratic with eigenvalues in :math:`[\lambda_{\min}, \lambda_{\max}]`, a method whose
    iterates lie in :math:`\theta_0 + \operatorname{span}(g_1, \dots, g_k)` has error
    :math:`p_k(A)(\theta_0 - \theta^*)` with :math:`\deg p_k \le k`, :math:`p_k(0) = 1`. By Chebyshev's
    minimax property the smallest possible :math:`\max_{\lambda} |p_k(\lambda)|` is

    .. math::
        \frac{1}{T_k\big(\frac{\kappa + 1}{\kappa - 1}\big)} = \frac{2\rho^k}{1 + \rho^{2k}} \ \ge\ \rho^k,
        \qquad \rho = \frac{\sqrt\kappa - 1}{\sqrt\kappa + 1},

    attained by the rescaled Chebyshev polynomial (:func:`chebyshev_error_factor`). Heavy ball at
    :func:`momentum_optimal` contracts at :math:`\rho` per step: no first-order method has a better
    rate (Nesterov, 2004, Theorem 2.1.13; Goh, 2017).
    """
    rho = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    k = np.asarray(k, dtype=float)
    return 2 * rho**k / (1 + rho ** (2 * k))


def chebyshev_error_factor(k, lam, lam_min, lam_max):
    r"""The optimal degree-``k`` error polynomial :math:`T_k\big(\frac{\lambda_{\max} + \lambda_{\min} - 2\lambda}{\lambda_{\max} - \lambda_{\min}}\big) / T_k\big(\frac{\kappa + 1}{\kappa - 1}\big)`.

    It is 1 at :math:`\lambda = 0` and equioscillates between :math:`\pm`
    :func:`first_order_lower_bound` at :math:`k + 1` points of :math:`[\lambda_{\min}, \lambda_{\max}]`.
    """
    cheb = lambda x, k: np.polynomial.chebyshev.chebval(x, np.eye(k + 1)[k])
    lam = np.asarray(lam, dtype=float)
    return cheb((lam_max + lam_min - 2 * lam) / (lam_max - lam_min), k) / cheb((lam_max + lam_min) / (lam_max - lam_min), k)


# --- The playground chapter (book/playground.ipynb) -------------------------------------

def preconditioned_gd_rate(effective_lrs, hessian):
    r"""Contraction per step of diagonally preconditioned gradient descent near a minimum.

    With a per-coordinate learning rate :math:`D = \operatorname{diag}(d)` (RMSprop's
    :math:`\eta / (\sqrt{v_t} + \epsilon)`, :func:`rms_effective_lr`) held fixed, the error
    :math:`e_t = \theta_t - \theta^*` on the quadratic model with Hessian :math:`H` obeys
    :math:`e_t = (I - D H)\, e_{t-1}`. :math:`DH` is similar to the symmetric
    :math:`D^{1/2} H D^{1/2}`, so its eigenvalues :math:`\mu_i` are real and

    .. math::
        \rho = \max_i |1 - \mu_i|, \qquad \mu_i \in \operatorname{eig}(D^{1/2} H D^{1/2}).

    The iteration contracts iff :math:`\rho < 1`, i.e. every :math:`\mu_i < 2` (for
    :math:`H \succ 0`); with :math:`D = \eta I` this is :func:`gd_rate`.

    Args:
        effective_lrs: the diagonal :math:`d`, shape ``(..., n)`` (leading axes: several steps).
        hessian: :math:`H`, shape ``(n, n)``, symmetric.

    Returns:
        :math:`\rho`, shape ``(...)``.
    """
    root = np.sqrt(np.asarray(effective_lrs, dtype=float))
    scaled = root[..., :, None] * np.asarray(hessian, dtype=float) * root[..., None, :]
    return np.max(np.abs(1 - np.linalg.eigvalsh(scaled)), axis=-1)


# --- The schedules chapter (book/schedules.ipynb) ---------------------------------------

def scheduled_sgd_excess_loss(lrs, hessian, noise_cov, batch_size, e0):
    r"""Expected excess loss of SGD under a learning-rate schedule, on a quadratic with additive gradient noise.

    The model of :func:`sgd_noise_floor`: :math:`L(\theta) = L^* + \tfrac12 e^\top H e` with
    :math:`e = \theta - \theta^*`, and step :math:`t` uses the gradient :math:`H e_{t-1} + \xi_t`
    with :math:`\xi_t` independent, mean 0, covariance :math:`\Sigma/B`, and the rate
    :math:`\eta_t`: :math:`e_t = (I - \eta_t H) e_{t-1} - \eta_t \xi_t`. The second moment
    :math:`C_t = \mathbb E[e_t e_t^\top]` then obeys, exactly,

    .. math::
        C_t = (I - \eta_t H)\, C_{t-1} (I - \eta_t H) + \eta_t^2\, \Sigma / B, \qquad C_0 = e_0 e_0^\top,

    and :math:`\mathbb E[L(\theta_t) - L^*] = \tfrac12 \operatorname{tr}(H C_t)`. With a
    constant rate it tends to :func:`sgd_noise_floor`.

    Args:
        lrs: the rates :math:`\eta_1, \dots, \eta_n` (e.g. ``schedule.values(n)``).
        hessian: :math:`H`, shape ``(d, d)``, symmetric.
        noise_cov: :math:`\Sigma`, the covariance of one example's gradient, ``(d, d)``.
        batch_size: :math:`B` (the noise covariance is :math:`\Sigma / B`).
        e0: the start's error :math:`e_0 = \theta_0 - \theta^*`, shape ``(d,)``.

    Returns:
        :math:`\mathbb E[L(\theta_t) - L^*]` for :math:`t = 0, \dots, n`, shape ``(n + 1,)``.

    Example:
        >>> H, Sigma = np.diag([1.0, 0.1]), np.eye(2)
        >>> loss = scheduled_sgd_excess_loss(np.full(3000, 0.1), H, Sigma, 1, np.zeros(2))
        >>> bool(np.isclose(loss[-1], sgd_noise_floor(0.1, H, Sigma, 1)))
        True
    """
    H = np.asarray(hessian, dtype=float)
    noise = np.asarray(noise_cov, dtype=float) / batch_size
    e0 = np.asarray(e0, dtype=float)
    C = np.outer(e0, e0)
    out = [0.5 * np.trace(H @ C)]
    eye = np.eye(len(H))
    for lr in np.asarray(lrs, dtype=float).ravel():
        A = eye - lr * H
        C = A @ C @ A + lr**2 * noise
        out.append(0.5 * np.trace(H @ C))
    return np.array(out)


def cosine_rate_sum(lr, T_max, eta_min=0.0):
    r"""The sum of the rates of one cosine cycle, :math:`\sum_{t=1}^{T_{\max}} \eta_t`.

    For :class:`optlib.schedules.CosineAnnealingLR`,
    :math:`\eta_t = \eta_{\min} + \tfrac12(\eta - \eta_{\min})(1 + \cos(\pi (t-1)/T_{\max}))`, and
    :math:`\sum_{e=0}^{T-1} \cos(\pi e/T) = \operatorname{Re} \frac{1 - e^{i\pi}}{1 - e^{i\pi/T}} = 1`
    (for :math:`T \ge 2`; the real part of :math:`2/(1 - e^{i x})` is 1 for every
    :math:`0 < x < 2\pi`; at :math:`T = 1` the sum is :math:`\cos 0 = 1` too), so

    .. math::
        \sum_{t=1}^{T_{\max}} \eta_t = T_{\max}\,\frac{\eta + \eta_{\min}}{2} + \frac{\eta - \eta_{\min}}{2} .

    A cycle moves about as far as a constant rate at the mean of its two ends.

    Example:
        >>> cosine_rate_sum(1.0, 4)  # 1 + 0.8536 + 0.5 + 0.1464
        2.5
    """
    return T_max * (lr + eta_min) / 2 + (lr - eta_min) / 2


def scheduled_decay_factor(lrs, weight_decay):
    r"""How much AdamW's decoupled decay alone has shrunk a parameter after each step of a schedule.

    Torch's AdamW (and :class:`optlib.AdamW`) multiplies the parameter by
    :math:`1 - \eta_t\lambda` at step :math:`t`, with :math:`\eta_t` the scheduled rate; where
    the gradient term is zero this is all that happens, and

    .. math::
        \frac{\theta_t}{\theta_0} = \prod_{k=1}^{t} (1 - \eta_k\lambda)
        \approx \exp\Bigl(-\lambda \sum_{k=1}^{t} \eta_k\Bigr) .

    The decay follows the *area* under the schedule. (Loshchilov & Hutter's multiplier
    :math:`s_t` scales their :math:`\lambda'` alone: the factor is :math:`\prod (1 - s_k\lambda')`.)
    With a constant rate this is :func:`adamw_pure_decay`'s :math:`(1 - \eta\lambda)^t`.

    Args:
        lrs: :math:`\eta_1, \dots, \eta_n`.
        weight_decay: :math:`\lambda`.

    Returns:
        the factors for :math:`t = 0, \dots, n` (1 at :math:`t = 0`), shape ``(n + 1,)``.

    Example:
        >>> scheduled_decay_factor([0.1, 0.05], 2.0)
        array([1.  , 0.8 , 0.72])
    """
    lrs = np.asarray(lrs, dtype=float).ravel()
    return np.concatenate([[1.0], np.cumprod(1 - lrs * weight_decay)])


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
