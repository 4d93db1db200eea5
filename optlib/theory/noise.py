r"""Gradient noise: per-example gradients, minibatch variance and the stationary noise floors of
SGD and momentum, exact for least squares (the SGD, momentum and schedules chapters).
"""

import numpy as np


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

