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
