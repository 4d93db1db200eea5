r"""Gradient descent and momentum on quadratics: rates, optimal parameters, lower bounds,
critical points (the SGD and momentum chapters, and the playground's preconditioned rates).
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

