r"""The Newton–Schulz iteration that Muon uses to orthogonalise its update.

For a matrix :math:`G = U \Sigma V^\top` (its singular value decomposition), the polynomial

.. math::
    X \mapsto aX + b(XX^\top)X + c(XX^\top)^2 X = U\, p(\Sigma)\, V^\top, \qquad
    p(\sigma) = a\sigma + b\sigma^3 + c\sigma^5,

acts on the singular values alone: iterating it from :math:`X_0 = G / \lVert G\rVert_F` (all
singular values in :math:`(0, 1]`) pushes every singular value towards the fixed region of
:math:`p`, so :math:`X_k \approx U V^\top`, the orthogonal factor of :math:`G`, without an SVD and
with matrix products only. The classical cubic :math:`(a, b, c) = (3/2, -1/2, 0)` converges to
exactly 1 but slowly near 0; Keller Jordan's quintic :math:`(3.4445, -4.7750, 2.0315)` (torch's
default) has slope :math:`a = 3.4445` at 0, so five steps lift a singular value of 1e-3 (of the
Frobenius norm) to 0.47, and it does *not* converge to 1: the singular values end in an interval around 1
(:func:`optlib.theory.newton_schulz_interval`, exact from the polynomial's critical points;
:func:`optlib.theory.quintic` iterates it), which Muon's authors found does not hurt training.

References: Jordan et al. (2024), Muon: an optimizer for hidden layers in neural networks
(kellerjordan.github.io/posts/muon); Bernstein & Newhouse (2024), Old optimizer, new norm.
"""

import numpy as np

NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)  # torch.optim.Muon's default (a, b, c)
NS_STEPS = 5


def round_to_bfloat16(x):
    """``x`` rounded to bfloat16 (to nearest, ties to even), returned as float32.

    bfloat16 keeps float32's exponent and 8 significant bits (7 stored), a relative spacing of
    2**-8 = 0.0039. With ``newton_schulz(..., rounding=round_to_bfloat16)`` the iteration is
    torch's bfloat16 one, operation for operation (the products accumulate in float32 and are
    rounded once, as torch's CPU kernels do).

    Example:
        >>> float(round_to_bfloat16(1.0 + 2.0**-8)), float(round_to_bfloat16(1.0 + 3 * 2.0**-8))
        (1.0, 1.015625)
    """
    bits = np.asarray(x, np.float32).view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000  # round the low 16 bits away, ties to even
    return bits.astype(np.uint32).view(np.float32)


def newton_schulz(G, coefficients=NS_COEFFICIENTS, steps=NS_STEPS, eps=1e-7, rounding=None):
    r"""Orthogonalise ``G`` approximately by ``steps`` Newton–Schulz steps, as torch's Muon does.

    .. math::
        X_0 = \frac{G}{\max(\lVert G\rVert_F, \epsilon)}, \qquad
        A_k = X_k X_k^\top, \qquad
        X_{k+1} = a X_k + (b A_k + c A_k^2) X_k

    on the last two axes of ``G`` (leading axes are a batch of matrices, each normalised by its
    own Frobenius norm), with a tall matrix transposed first so that :math:`A_k` is the smaller
    Gram matrix, as in torch's ``_zeropower_via_newtonschulz``. Unlike torch, which runs the
    iteration in bfloat16 (8 significant bits), it runs in ``G``'s own dtype (float32 or float64):
    the same algorithm, operation for operation, in the parameters' precision.

    Args:
        G: an array of two or more axes.
        coefficients: :math:`(a, b, c)`, the quintic :math:`p(\sigma) = a\sigma + b\sigma^3 + c\sigma^5`
            applied to every singular value per step (default Keller Jordan's, torch's).
        steps: the number of steps (default 5; torch requires fewer than 100).
        eps: the floor of the Frobenius norm (default 1e-7, torch's), so that :math:`G = 0` gives 0.
        rounding: ``None``, or a function applied to the input and to the result of each of torch's
            operations (the norm, the division, each product), its values kept in ``G``'s dtype:
            :func:`round_to_bfloat16` reproduces torch's bfloat16 iteration. On a float64 ``G`` the
            products are summed in float64 before the rounding, where torch sums in float32: the
            same bfloat16 result unless a float32 sum lies within its rounding error of a bfloat16
            tie, and, unlike float32 sums, the same on every CPU.

    Returns:
        An array of ``G``'s shape and dtype whose singular values are
        :math:`p^{\circ k}(\sigma_i / \lVert G\rVert_F)` and whose singular vectors are ``G``'s.

    Example:
        >>> import numpy as np
        >>> G = np.array([[3.0, 0.0], [0.0, 0.1]])  # singular values 3 and 0.1
        >>> np.linalg.svd(newton_schulz(G), compute_uv=False).round(3)  # 0.033 -> 1.129, 0.9994 -> 0.697
        array([1.129, 0.697])
    """
    a, b, c = coefficients
    X = np.asarray(G)
    if X.ndim < 2:
        raise ValueError(f"newton_schulz needs an array of two or more axes, got shape {X.shape}")
    if not np.issubdtype(X.dtype, np.floating):
        X = X.astype(np.float64)
    dtype = X.dtype
    a, b, c = (np.asarray(v, dtype) for v in (a, b, c))
    r = (lambda x: x) if rounding is None else (lambda x: np.asarray(rounding(x), dtype))  # stays in G's dtype
    X = r(X)
    tall = X.shape[-2] > X.shape[-1]
    if tall:
        X = np.swapaxes(X, -1, -2)
    square = np.ascontiguousarray(np.square(X))  # summed row by row in one order, in a batch or alone
    norm = r(np.sqrt(np.sum(square.reshape(X.shape[:-2] + (-1,)), axis=-1)))[..., None, None]
    X = r(X / np.maximum(norm, np.asarray(eps, dtype)))
    for _ in range(steps):
        A = r(X @ np.swapaxes(X, -1, -2))
        B = r(b * A + c * (A @ A))  # torch.addmm(A, A, A, beta=b, alpha=c)
        X = r(a * X + B @ X)  # torch.addmm(X, B, X, beta=a)
    if tall:
        X = np.swapaxes(X, -1, -2)
    return np.ascontiguousarray(X)
