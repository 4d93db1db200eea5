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
    :math:`\theta_{t+1} = \theta_t - \eta_{\mathrm{eff}, t} \odot g_t`. This is
    torch's placement of :math:`\epsilon` (outside the root), the one of
    :class:`optlib.RMSprop`; :func:`rms_step_eps_inside` gives the other.
    """
    return lr / (np.sqrt(v) + eps)


def rms_steady_step(g, t, lr, alpha, eps):
    r"""The RMSprop step at step ``t`` under a constant gradient ``g``, from :math:`v_0 = 0`.

    The average is a geometric sum, :math:`v_t = (1 - \alpha) g^2 \sum_{k<t} \alpha^k
    = (1 - \alpha^t) g^2`, so the step :math:`\theta_t - \theta_{t+1}` is

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
    :math:`|\theta_{t+1} - \theta_t| = \eta |g_t| / (\sqrt{v_t} + \epsilon) < \eta / \sqrt{1 - \alpha}`
    per coordinate, whatever the gradients (without momentum and weight decay).
    """
    return lr / np.sqrt(1 - np.asarray(alpha, dtype=float))


def rms_step_eps_inside(g, v, lr, eps):
    r"""The RMSprop step with :math:`\epsilon` *inside* the square root, :math:`\eta g / \sqrt{v + \epsilon}`.

    This is the default of optax's ``scale_by_rms``/``rmsprop`` (``eps_in_sqrt=True``)
    and what Keras 3's ``RMSprop`` computes; torch and :class:`optlib.RMSprop` divide
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

    With constant :math:`\eta`, RMSprop does not converge: if each coordinate jumps
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

    For the quadratic of :meth:`optlib.Quadratic.ill_conditioned` this is 1 when the
    axes are aligned (angle 0) and the full :math:`\kappa` at angle :math:`\pi/4`:
    no per-parameter rescaling, RMSprop's included, can remove a rotated ill-conditioning.
    """
    A = np.asarray(A, dtype=float)
    rho = np.abs(A[..., 0, 1]) / np.sqrt(A[..., 0, 0] * A[..., 1, 1])
    return (1 + rho) / (1 - rho)
