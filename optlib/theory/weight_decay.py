r"""Weight decay: L2 inside SGD and Adam against AdamW's decoupled decay (the AdamW chapter).
"""

import numpy as np


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

