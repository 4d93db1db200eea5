r"""Closed forms of the chapter "After AdamW" (book/modern.ipynb): RAdam's rectification,
Adafactor's rank-one second moment, the size of Adam's and Lion's steps, and Muon's
orthogonalisation with its Newton–Schulz polynomial.

References: Dozat (2016), Incorporating Nesterov momentum into Adam; Liu et al. (2020),
On the variance of the adaptive learning rate and beyond (RAdam); Shazeer & Stern (2018),
Adafactor; Chen et al. (2023), Symbolic discovery of optimization algorithms (Lion);
Jordan et al. (2024), Muon; Bernstein & Newhouse (2024), Old optimizer, new norm.
"""

from math import lgamma

import numpy as np

from optlib.theory.adaptive import radam_rho


def radam_rectification(beta2, t):
    r"""RAdam's rectification factor :math:`r_t`, or NaN at the steps where RAdam does not adapt.

    With :math:`\rho_t` from :func:`~optlib.theory.adaptive.radam_rho` and
    :math:`\rho_\infty = 2/(1-\beta_2) - 1`,

    .. math::
        r_t = \sqrt{\frac{(\rho_t - 4)(\rho_t - 2)\,\rho_\infty}{(\rho_\infty - 4)(\rho_\infty - 2)\,\rho_t}},

    the ratio of the standard deviations of the adaptive rate at :math:`t = \infty` and at
    step :math:`t` to first order (:func:`radam_rate_variance_approx`). The variance is
    finite only for :math:`\rho_t > 4`; torch and the paper adapt from :math:`\rho_t > 5` on
    and take the un-adapted momentum step :math:`\eta\hat m_t` before, where this function
    returns NaN. At :math:`\beta_2 = 0.999` that is steps 1 to 5.

    References: Liu et al. (2020), ICLR, Algorithm 2.

    Example:
        >>> r = radam_rectification(0.999, [5, 6, 1000])
        >>> bool(np.isnan(r[0])), round(float(r[1]), 4), round(float(r[2]), 3)
        (True, 0.0258, 0.645)
    """
    rho = radam_rho(beta2, t)
    rho_inf = 2 / (1 - beta2) - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
    return np.where(rho > 5, r, np.nan)


def radam_rate_variance(rho):
    r"""Exact variance of :math:`\sqrt{\rho/\chi^2_\rho}`, the adaptive rate of an average of :math:`\rho` squared unit Gaussians.

    RAdam models :math:`\hat v_t` as :math:`\sigma^2\chi^2_\rho/\rho`; the rate
    :math:`\psi = 1/\sqrt{\hat v_t}` times :math:`\sigma` is then :math:`\sqrt{\rho/\chi^2_\rho}`, with
    :math:`\mathbb E[1/\chi^2_\rho] = 1/(\rho - 2)` and
    :math:`\mathbb E[1/\chi_\rho] = \Gamma(\tfrac{\rho-1}2)/(\sqrt2\,\Gamma(\tfrac\rho2))`, so

    .. math::
        \operatorname{Var}[\psi] = \frac{\rho}{\rho - 2}
            - \frac{\rho}{2}\left(\frac{\Gamma(\frac{\rho - 1}{2})}{\Gamma(\frac{\rho}{2})}\right)^2 ,
        \qquad \rho > 2 .

    Example:
        >>> round(float(radam_rate_variance(1000.0)), 6)
        0.000502
    """
    rho = np.asarray(rho, dtype=float)
    ratio = np.exp(np.vectorize(lgamma)((rho - 1) / 2) - np.vectorize(lgamma)(rho / 2))
    return rho / (rho - 2) - rho / 2 * ratio**2


def radam_rate_variance_approx(rho):
    r"""RAdam's first-order approximation of :func:`radam_rate_variance`, :math:`\rho / (2(\rho - 2)(\rho - 4))`.

    It is finite only for :math:`\rho > 4` and tends to :math:`1/(2\rho)`; the ratio of its
    square roots at :math:`\rho_\infty` and :math:`\rho_t` is :func:`radam_rectification`.

    Example:
        >>> float(radam_rate_variance_approx(6.0))
        0.375
    """
    rho = np.asarray(rho, dtype=float)
    return rho / (2 * (rho - 2) * (rho - 4))


def adafactor_factors(V):
    r"""Row and column sums :math:`R = V\mathbf 1`, :math:`C = \mathbf 1^\top V` of a non-negative matrix (last two axes).

    Adafactor keeps only these, :math:`n + m` numbers for an :math:`n \times m` matrix, and
    estimates :math:`V` by :func:`adafactor_estimate`. Sums of exponential averages are
    exponential averages of sums, so keeping the averages of the row and column sums of
    :math:`g_t^2` is the same as taking the sums of the full average :math:`v_t`.

    Example:
        >>> R, C = adafactor_factors(np.array([[1.0, 2.0], [3.0, 4.0]]))
        >>> R.tolist(), C.tolist()
        ([3.0, 7.0], [4.0, 6.0])
    """
    V = np.asarray(V, dtype=float)
    return V.sum(axis=-1), V.sum(axis=-2)


def adafactor_estimate(V):
    r"""Adafactor's rank-one estimate :math:`\hat V = R\,C^\top / (\mathbf 1^\top R)` of a positive matrix.

    Among all rank-one non-negative matrices :math:`W = r c^\top` it minimises the
    generalised Kullback–Leibler (I-) divergence
    :math:`\sum_{ij} V_{ij}\log(V_{ij}/W_{ij}) - V_{ij} + W_{ij}` (Shazeer & Stern, 2018,
    section 3); it keeps every row and column sum of :math:`V` and is exact when
    :math:`V` has rank one. The Frobenius-optimal rank-one matrix is instead the leading
    term of the SVD, which needs an iteration.

    Example:
        >>> adafactor_estimate(np.outer([1.0, 2.0], [3.0, 4.0, 5.0])).tolist()
        [[3.0, 4.0, 5.0], [6.0, 8.0, 10.0]]
    """
    R, C = adafactor_factors(V)
    return R[..., :, None] * C[..., None, :] / R.sum(axis=-1)[..., None, None]


def i_divergence(V, W):
    r"""The generalised KL divergence :math:`\sum_{ij} V_{ij}\log(V_{ij}/W_{ij}) - V_{ij} + W_{ij}` of positive matrices (last two axes).

    Zero iff :math:`V = W`, positive otherwise.

    Example:
        >>> float(i_divergence(np.ones((2, 2)), np.ones((2, 2))))
        0.0
    """
    V, W = np.asarray(V, dtype=float), np.asarray(W, dtype=float)
    return np.sum(V * np.log(V / W) - V + W, axis=(-2, -1))


def adam_update_rms(snr, beta1=0.9):
    r"""The root-mean-square size of Adam's step per unit :math:`\eta` in the long run, in expectation: :math:`\sqrt{\mathbb E[m_t^2]/\mathbb E[v_t]}`.

    For independent gradients of mean :math:`\mu` and variance :math:`\sigma^2`, with
    :math:`t \gg 1/(1-\beta)`, :math:`\mathbb E[m_t^2] = \mu^2 + \frac{1-\beta_1}{1+\beta_1}\sigma^2`
    and :math:`\mathbb E[v_t] = \mu^2 + \sigma^2`, so with :math:`s = \mu/\sigma`

    .. math::
        \sqrt{\frac{s^2 + (1-\beta_1)/(1+\beta_1)}{s^2 + 1}} \;\le\; 1,

    with equality only without noise. Pure noise gives :math:`\sqrt{(1-\beta_1)/(1+\beta_1)}`,
    0.23 at :math:`\beta_1 = 0.9`. A sign update (Lion, signSGD) has RMS exactly 1.

    Example:
        >>> round(float(adam_update_rms(0.0)), 3), float(adam_update_rms(np.inf))
        (0.229, 1.0)
    """
    s2 = np.asarray(snr, dtype=float) ** 2
    k = (1 - beta1) / (1 + beta1)
    with np.errstate(invalid="ignore"):
        return np.where(np.isinf(s2), 1.0, np.sqrt((s2 + k) / (s2 + 1)))


def polar_factor(G):
    r"""The orthogonal factor :math:`U V^\top` of :math:`G = U \Sigma V^\top` (reduced SVD, last two axes): Muon's direction.

    It is the steepest-descent direction under the spectral norm:
    :math:`\max_{\lVert\Delta\rVert_2 \le 1} \langle G, \Delta\rangle = \sum_i \sigma_i`
    (the nuclear norm) is attained at :math:`\Delta = U V^\top`. Computed here by an SVD;
    Muon approximates it by a few Newton–Schulz steps (:func:`quintic`).

    Example:
        >>> polar_factor(np.diag([3.0, 0.5])).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    U, _, Vt = np.linalg.svd(np.asarray(G, dtype=float), full_matrices=False)
    return U @ Vt


def quintic(s, coefficients=(3.4445, -4.7750, 2.0315), steps=1):
    r"""``steps`` iterations of :math:`p(s) = a s + b s^3 + c s^5` on singular values ``s``.

    One Newton–Schulz step :math:`X \leftarrow aX + b(XX^\top)X + c(XX^\top)^2X` keeps the
    singular vectors of :math:`X` and maps each singular value :math:`s` to :math:`p(s)`.
    The default coefficients are Muon's (Jordan et al., 2024; torch's ``ns_coefficients``).

    Example:
        >>> round(float(quintic(1.0)), 3)
        0.701
    """
    a, b, c = coefficients
    s = np.asarray(s, dtype=float)
    for _ in range(steps):
        s2 = s * s
        s = s * (a + s2 * (b + c * s2))
    return s


def _image(lo, hi, coefficients):
    """The interval p([lo, hi]) of the odd quintic p: its values at the ends and at its critical points inside."""
    a, b, c = coefficients
    roots = np.roots([5 * c, 0, 3 * b, 0, a])      # p'(s) = a + 3b s^2 + 5c s^4
    inside = [r.real for r in roots if abs(r.imag) < 1e-12 and lo < r.real < hi]
    values = quintic(np.array([lo, hi] + inside), coefficients)
    return float(values.min()), float(values.max())


def newton_schulz_interval(coefficients=(3.4445, -4.7750, 2.0315), steps=5, s_min=1e-3):
    r"""The interval that ``steps`` iterations of :func:`quintic` map :math:`[s_\min, 1]` into.

    Muon divides the gradient by its Frobenius norm first, so every singular value lies in
    :math:`(0, 1]`; those at least :math:`s_\min` end in the returned interval (exactly its
    image, computed from the ends and the polynomial's critical points). With many steps it
    shrinks to the polynomial's attracting interval (:func:`newton_schulz_attractor`), which
    for Muon's coefficients is about :math:`[0.68, 1.13]`: not the point 1, a deliberate trade
    of accuracy for speed from small singular values.

    Example:
        >>> lo, hi = newton_schulz_interval(steps=5, s_min=0.01)
        >>> round(lo, 3), round(hi, 3)
        (0.682, 1.134)
    """
    lo, hi = float(s_min), 1.0
    for _ in range(steps):
        lo, hi = _image(lo, hi, coefficients)
    return lo, hi


def newton_schulz_threshold(coefficients=(3.4445, -4.7750, 2.0315), steps=5):
    r"""The least :math:`s_\min` whose ``steps`` iterations land :math:`[s_\min, 1]` in the attractor.

    Below it, :math:`p^{k}(s)` either falls short of the attracting interval
    :math:`[\ell, h]` (:func:`newton_schulz_attractor`) or overshoots it: for Muon's
    coefficients and five steps a singular value of :math:`G/\lVert G\rVert_F` of 0.0041
    ends at 1.20, above :math:`h \approx 1.134`. Found by bisection on :math:`\log s_\min`
    (the image of :math:`[s_\min, 1]` shrinks as :math:`s_\min` grows, so the test is monotone),
    to a relative tolerance of :math:`10^{-12}`.

    Example:
        >>> round(newton_schulz_threshold(), 5)
        0.00518
    """
    lo, hi = newton_schulz_attractor(coefficients)
    below, above = 1e-12, 1.0
    while above / below > 1 + 1e-12:
        middle = np.sqrt(below * above)
        a, b = newton_schulz_interval(coefficients, steps, middle)
        if a >= lo - 1e-12 and b <= hi + 1e-12:
            above = middle
        else:
            below = middle
    return float(above)


def newton_schulz_attractor(coefficients=(3.4445, -4.7750, 2.0315)):
    r"""The smallest interval :math:`[\ell, h]` with :math:`p([\ell, h]) = [\ell, h]` that every :math:`s \in (0, 1]` enters.

    Iterates the image of :math:`[s, 1]` for small :math:`s` until it stops changing.
    For Muon's coefficients :math:`\ell` is the value of :math:`p` at its local minimum
    (at :math:`s \approx 1.05`) and :math:`h = p(\ell)`.

    Example:
        >>> [round(x, 4) for x in newton_schulz_attractor()]
        [0.6818, 1.1344]
    """
    lo, hi = 1e-6, 1.0
    for _ in range(200):
        new = _image(lo, hi, coefficients)
        if np.allclose(new, (lo, hi), rtol=0, atol=1e-15):
            break
        lo, hi = new
    return lo, hi
