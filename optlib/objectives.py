r"""Test surfaces for optimizers, each with value, gradient, Hessian and its minima.

Every objective takes points ``x`` of shape ``(..., 2)``: a single point, a batch
of points (one per configuration of a hyperparameter grid), or a mesh for a
contour plot. ``value`` returns shape ``(...)``, ``grad`` shape ``(..., 2)`` and
``hessian`` shape ``(..., 2, 2)``.

References: Rosenbrock (1960); Beale (1958); Himmelblau (1972); the saddles are
the classical examples of Dauphin et al. (2014).
"""

import numpy as np


class Objective:
    """A twice differentiable function of two variables with known critical points.

    Attributes:
        minima: array ``(k, 2)`` of the local minima (the global ones first).
        saddles: array ``(k, 2)`` of the saddle points.
        x0: a start point that shows the surface's difficulty.
        xlim, ylim: a plotting window around the interesting region.
    """

    name = "objective"
    minima = np.empty((0, 2))
    saddles = np.empty((0, 2))
    x0 = np.array([1.0, 1.0])
    xlim = ylim = (-2.0, 2.0)
    log_contours = False

    def value(self, x):
        raise NotImplementedError

    def grad(self, x):
        raise NotImplementedError

    def hessian(self, x):
        raise NotImplementedError

    @property
    def minimum_value(self):
        """The lowest value over the known minima."""
        return float(np.min(self.value(self.minima)))

    def mesh(self, n=120):
        """Grid ``X, Y`` over the plotting window and the values ``Z`` on it."""
        X, Y = np.meshgrid(np.linspace(*self.xlim, n), np.linspace(*self.ylim, n))
        return X, Y, self.value(np.stack([X, Y], axis=-1))

    def __repr__(self):
        return f"{type(self).__name__}()"


def _stack(*components):
    return np.stack(np.broadcast_arrays(*components), axis=-1)


def _matrix(a, b, c, d):
    """Batched 2x2 matrices [[a, b], [c, d]]."""
    return np.stack([_stack(a, b), _stack(c, d)], axis=-2)


class Quadratic(Objective):
    r"""The quadratic :math:`f(\theta) = \tfrac12 (\theta - \theta^*)^\top A (\theta - \theta^*)`, :math:`A` symmetric.

    The point :math:`\theta = (x, y)`; ``x_star`` is :math:`\theta^*`. Its Hessian is :math:`A` everywhere; with eigenvalues
    :math:`\lambda_{\min}, \lambda_{\max} > 0` its condition number is
    :math:`\kappa = \lambda_{\max} / \lambda_{\min}`.
    """

    name = "quadratic"

    def __init__(self, A, x_star=(0.0, 0.0)):
        self.A = np.asarray(A, dtype=float)
        if self.A.shape != (2, 2) or not np.allclose(self.A, self.A.T):
            raise ValueError(f"A must be a symmetric 2x2 matrix, got {self.A.tolist()}")
        self.x_star = np.asarray(x_star, dtype=float)
        if self.x_star.shape != (2,) or not np.all(np.isfinite(self.x_star)):
            raise ValueError(f"x_star must be a finite point of shape (2,), got {self.x_star.tolist()}")
        self.eigenvalues = np.linalg.eigvalsh(self.A)
        if self.eigenvalues[0] > 0:
            self.minima = self.x_star[None, :]
        elif self.eigenvalues[1] > 0 > self.eigenvalues[0]:
            self.saddles = self.x_star[None, :]

    @classmethod
    def ill_conditioned(cls, kappa, angle=0.0, lam_max=1.0):
        r"""Eigenvalues ``lam_max / kappa`` and ``lam_max``, eigenvectors rotated by ``angle`` radians.

        At ``angle = 0`` the steep direction is the y axis.
        """
        if not kappa >= 1:
            raise ValueError(f"Invalid condition number kappa: {kappa} (must be >= 1)")
        if not lam_max > 0:
            raise ValueError(f"Invalid lam_max: {lam_max} (must be > 0)")
        c, s = np.cos(angle), np.sin(angle)
        R = np.array([[c, -s], [s, c]])
        A = R @ np.diag([lam_max / kappa, lam_max]) @ R.T
        q = cls((A + A.T) / 2)
        q.x0 = R @ np.array([-1.8, 0.9])
        q.xlim, q.ylim = (-2.0, 2.0), (-1.2, 1.2)
        return q

    @property
    def condition_number(self):
        """Largest over smallest singular value of the Hessian."""
        s = np.linalg.svd(self.A, compute_uv=False)
        return float(s[0] / s[-1])

    # Both sum in one order for any batch of points (a matmul's order, or a three-way einsum's,
    # depends on the batch's shape and on the BLAS): a run in a batch is the run alone, bit for bit.
    def value(self, x):
        d = np.asarray(x) - self.x_star
        return 0.5 * np.einsum("...i,...i->...", d, np.einsum("ij,...j->...i", self.A, d))

    def grad(self, x):
        return np.einsum("ij,...j->...i", self.A, np.asarray(x) - self.x_star)

    def hessian(self, x):
        return np.broadcast_to(self.A, np.shape(x)[:-1] + (2, 2))

    def __repr__(self):
        return f"Quadratic(A={self.A.round(4).tolist()})"


class Saddle(Objective):
    r"""The saddle :math:`f(x, y) = x^2 - y^2`: a minimum along x, a maximum along y."""

    name = "saddle"
    saddles = np.array([[0.0, 0.0]])
    x0 = np.array([-1.5, 1e-3])
    xlim = ylim = (-2.0, 2.0)

    def value(self, x):
        return x[..., 0] ** 2 - x[..., 1] ** 2

    def grad(self, x):
        return _stack(2 * x[..., 0], -2 * x[..., 1])

    def hessian(self, x):
        z = np.zeros(np.shape(x)[:-1])
        return _matrix(z + 2, z, z, z - 2)


class MonkeySaddle(Objective):
    r"""The monkey saddle :math:`f(x, y) = x^3 - 3 x y^2`: a degenerate saddle (zero Hessian) at 0."""

    name = "monkey saddle"
    saddles = np.array([[0.0, 0.0]])
    x0 = np.array([1.2, 0.1])
    xlim = ylim = (-1.5, 1.5)

    def value(self, x):
        return x[..., 0] ** 3 - 3 * x[..., 0] * x[..., 1] ** 2

    def grad(self, x):
        X, Y = x[..., 0], x[..., 1]
        return _stack(3 * X**2 - 3 * Y**2, -6 * X * Y)

    def hessian(self, x):
        X, Y = x[..., 0], x[..., 1]
        return _matrix(6 * X, -6 * Y, -6 * Y, -6 * X)


class Rosenbrock(Objective):
    r"""Rosenbrock's valley :math:`f = (a - x)^2 + b (y - x^2)^2`, minimum at :math:`(a, a^2)`."""

    name = "Rosenbrock"
    x0 = np.array([-1.5, 2.0])
    xlim, ylim = (-2.0, 2.0), (-1.0, 3.0)
    log_contours = True

    def __init__(self, a=1.0, b=100.0):
        if not (np.isfinite(a) and b > 0 and np.isfinite(b)):  # b <= 0 has no minimum at (a, a^2)
            raise ValueError(f"Invalid Rosenbrock parameters: a={a}, b={b} (a finite, b > 0 expected)")
        self.a, self.b = a, b
        self.minima = np.array([[a, a * a]])

    def value(self, x):
        X, Y = x[..., 0], x[..., 1]
        return (self.a - X) ** 2 + self.b * (Y - X**2) ** 2

    def grad(self, x):
        X, Y = x[..., 0], x[..., 1]
        return _stack(-2 * (self.a - X) - 4 * self.b * X * (Y - X**2), 2 * self.b * (Y - X**2))

    def hessian(self, x):
        X, Y = x[..., 0], x[..., 1]
        dxy = -4 * self.b * X
        return _matrix(2 - 4 * self.b * (Y - X**2) + 8 * self.b * X**2, dxy, dxy, 2 * self.b + 0 * X)


class Beale(Objective):
    r"""Beale's function :math:`\sum_i (c_i - x + x y^i)^2`, :math:`c = (1.5, 2.25, 2.625)`; minimum at (3, 0.5)."""

    name = "Beale"
    minima = np.array([[3.0, 0.5]])
    x0 = np.array([1.0, 1.4])
    xlim, ylim = (-4.5, 4.5), (-4.5, 4.5)
    log_contours = True
    c = (1.5, 2.25, 2.625)

    def _terms(self, x):
        X, Y = x[..., 0], x[..., 1]
        for i, c in enumerate(self.c, start=1):
            r = c - X + X * Y**i  # residual
            yield r, Y**i - 1, i * X * Y ** (i - 1), X, Y, i

    def value(self, x):
        return sum(r**2 for r, *_ in self._terms(x))

    def grad(self, x):
        return sum(_stack(2 * r * rx, 2 * r * ry) for r, rx, ry, *_ in self._terms(x))

    def hessian(self, x):
        total = 0
        for r, rx, ry, X, Y, i in self._terms(x):
            rxy = i * Y ** (i - 1)
            ryy = i * (i - 1) * X * Y ** (i - 2) if i > 1 else 0 * X
            total = total + _matrix(2 * rx * rx, 2 * (rx * ry + r * rxy),
                                    2 * (rx * ry + r * rxy), 2 * (ry * ry + r * ryy))
        return total


class Himmelblau(Objective):
    r"""Himmelblau's function :math:`(x^2 + y - 11)^2 + (x + y^2 - 7)^2`: four minima of value 0."""

    name = "Himmelblau"
    minima = np.array([[3.0, 2.0], [-2.805118086952745, 3.131312518250573],
                       [-3.779310253377747, -3.283185991286170], [3.584428340330492, -1.848126526964404]])
    x0 = np.array([0.0, 0.0])
    xlim = ylim = (-5.0, 5.0)
    log_contours = True

    def value(self, x):
        X, Y = x[..., 0], x[..., 1]
        return (X**2 + Y - 11) ** 2 + (X + Y**2 - 7) ** 2

    def grad(self, x):
        X, Y = x[..., 0], x[..., 1]
        a, b = X**2 + Y - 11, X + Y**2 - 7
        return _stack(4 * X * a + 2 * b, 2 * a + 4 * Y * b)

    def hessian(self, x):
        X, Y = x[..., 0], x[..., 1]
        a, b = X**2 + Y - 11, X + Y**2 - 7
        dxy = 4 * X + 4 * Y
        return _matrix(4 * a + 8 * X**2 + 2, dxy, dxy, 2 + 4 * b + 8 * Y**2)


class DoubleWell(Objective):
    r"""A tilted double well :math:`f(x, y) = x^4 - 3x^2 + s\,x + y^2`.

    For tilt :math:`s > 0` there is a deep minimum at negative :math:`x`, a shallow
    one at positive :math:`x`, and a saddle between them: the book's picture of
    a local minimum that traps gradient descent. Along :math:`y = 0` it is the
    1-D function :math:`x^4 - 3x^2 + s x`.
    """

    name = "double well"
    xlim, ylim = (-2.0, 2.0), (-1.5, 1.5)

    def __init__(self, tilt=1.0):
        self.tilt = tilt
        if not abs(tilt) < 2 * np.sqrt(2):  # also rejects NaN, before np.roots fails on it
            raise ValueError(f"Invalid tilt: {tilt} (|tilt| < 2*sqrt(2) keeps two wells)")
        roots = np.sort(np.roots([4.0, 0.0, -6.0, tilt]).real)  # f'(x) = 4x^3 - 6x + s
        deep, shallow = (roots[0], roots[2]) if tilt >= 0 else (roots[2], roots[0])
        self.minima = np.array([[deep, 0.0], [shallow, 0.0]])
        self.saddles = np.array([[roots[1], 0.0]])
        self.x0 = np.array([1.9, 0.8])

    def value(self, x):
        X, Y = x[..., 0], x[..., 1]
        return X**4 - 3 * X**2 + self.tilt * X + Y**2

    def grad(self, x):
        X, Y = x[..., 0], x[..., 1]
        return _stack(4 * X**3 - 6 * X + self.tilt, 2 * Y)

    def hessian(self, x):
        X = x[..., 0]
        z = np.zeros(np.shape(X))
        return _matrix(12 * X**2 - 6, z, z, z + 2)


SURFACES = {
    "quadratic": lambda: Quadratic.ill_conditioned(10.0, angle=np.pi / 6),
    "Rosenbrock": Rosenbrock,
    "Beale": Beale,
    "saddle": Saddle,
    "monkey saddle": MonkeySaddle,
    "Himmelblau": Himmelblau,
    "double well": DoubleWell,
}
