r"""Learning-rate schedules: the excess loss of a scheduled SGD run under noise, the rate sums
and decay factors of a schedule (the schedules chapter).
"""

import numpy as np

from optlib.theory.noise import sgd_noise_floor


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

