r"""Small models with analytic gradients, for training with :mod:`optlib` optimizers.

Every model keeps all its parameters in *one flat vector* :math:`\theta` of
length ``n_params``. A ``theta`` of shape ``(..., P)`` is a batch of models: the
leading axes are independent configurations (for example the grid that a
learning-rate array of shape ``(20, 1, 1)`` and a weight-decay array of shape
``(1, 20, 1)`` create in an optimizer), and ``loss``, ``loss_and_grad``,
``predict`` and ``error_rate`` compute all of them at once with ``einsum``.
The data ``X`` ``(n, d)`` and ``y`` ``(n,)`` are shared by the whole batch, or
stacked, ``X`` ``(..., n, d)`` and ``y`` ``(..., n)``: one data set per entry of
the last batch axes of ``theta``, which they broadcast against (a different draw
of the data for each seed of a repeated experiment).

The models hold no regularisation term: weight decay belongs to the optimizer
(see :class:`optlib.AdamW`). Their losses are means over the examples, so a
minibatch loss is an unbiased estimate of the full-batch loss.

Losses of diverging parameters (huge :math:`\theta`) may be ``inf`` or ``nan``
with NumPy's overflow warnings; :func:`optlib.run` silences those and stops the
run. For ordinary parameters nothing overflows: the cross-entropy is computed
from logits with ``np.logaddexp``.

References: Bishop, *Pattern Recognition and Machine Learning* (2006), sections
3.1, 4.3.2 and 5.3 (backpropagation); Goodfellow, Bengio & Courville, *Deep
Learning* (2016), section 6.5.
"""

import numpy as np

from optlib.data import minibatches


def _sigmoid(z):
    r""":math:`\sigma(z) = 1 / (1 + e^{-z}) = \exp(-\log(1 + e^{-z}))`, without overflow for any z."""
    return np.exp(-np.logaddexp(0.0, -z))


def _binary_cross_entropy(z, y):
    r"""Mean of :math:`\log(1 + e^{z}) - y z` over the last axis: the cross-entropy of labels
    :math:`y \in \{0, 1\}` under :math:`p = \sigma(z)`, stable for logits of any size."""
    return np.mean(np.logaddexp(0.0, z) - y * z, axis=-1)


class Model:
    """A model whose parameters are one flat vector; subclasses set ``n_params``."""

    n_params = 0

    def _check(self, theta, X, y=None):
        theta, X = np.asarray(theta, dtype=float), np.asarray(X, dtype=float)
        if theta.ndim == 0 or theta.shape[-1] != self.n_params:
            raise ValueError(f"theta must have shape (..., {self.n_params}), got {theta.shape}")
        if X.ndim < 2 or X.shape[-1] != self.d_in:
            raise ValueError(f"X must have shape (..., n, {self.d_in}), got {X.shape}")
        if y is None:
            return theta, X
        y = np.asarray(y, dtype=float)
        if y.shape != X.shape[:-1]:
            raise ValueError(f"y must have shape {X.shape[:-1]}, got {y.shape}")
        return theta, X, y

    def loss(self, theta, X, y):
        """The mean loss over the examples, shape ``theta.shape[:-1]``."""
        raise NotImplementedError

    def loss_and_grad(self, theta, X, y):
        """``(loss, grad)``: shapes ``theta.shape[:-1]`` and ``theta.shape``."""
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}(n_params={self.n_params})"


class LinearRegression(Model):
    r"""Least squares regression :math:`\hat y = w^\top x + b`, with :math:`\theta = (w, b)`.

    .. math::
        L(\theta) = \frac1n \sum_{i=1}^n \tfrac12 (w^\top x_i + b - y_i)^2, \qquad
        \nabla_w L = \frac1n \sum_i r_i x_i, \quad \nabla_b L = \frac1n \sum_i r_i

    with residuals :math:`r_i = w^\top x_i + b - y_i`. The Hessian is the constant
    :math:`\frac1n [X, 1]^\top [X, 1]`, so this is the quadratic of the book's
    conditioning chapter with data.

    Args:
        d: number of input features; ``n_params = d + 1`` (weights, then bias).

    Example:
        >>> from optlib.data import make_regression
        >>> X, y, w, b = make_regression(n=50, d=3, noise=0.0, seed=0)
        >>> model = LinearRegression(3)
        >>> bool(model.loss(np.append(w, b), X, y) < 1e-20)  # zero up to rounding
        True
    """

    def __init__(self, d):
        if int(d) != d or d < 1:
            raise ValueError(f"Invalid d: {d!r} (an integer >= 1 is expected)")
        self.d_in = int(d)
        self.n_params = self.d_in + 1

    def init(self, seed=0, batch_shape=()):
        r"""Weights :math:`w \sim \mathcal N(0, 1/d)`, bias 0; shape ``batch_shape + (n_params,)``."""
        rng = np.random.default_rng(seed)
        w = rng.standard_normal(tuple(batch_shape) + (self.d_in,)) / np.sqrt(self.d_in)
        return np.concatenate([w, np.zeros(tuple(batch_shape) + (1,))], axis=-1)

    def predict(self, theta, X):
        """The predictions :math:`w^\\top x_i + b`, shape ``theta.shape[:-1] + (n,)``."""
        theta, X = self._check(theta, X)
        return np.einsum("...nd,...d->...n", X, theta[..., :-1]) + theta[..., -1:]

    def loss(self, theta, X, y):
        theta, X, y = self._check(theta, X, y)
        r = self.predict(theta, X) - y
        return 0.5 * np.mean(r * r, axis=-1)

    def loss_and_grad(self, theta, X, y):
        theta, X, y = self._check(theta, X, y)
        r = self.predict(theta, X) - y  # residuals (..., n)
        n = X.shape[-2]
        grad_w = np.einsum("...n,...nd->...d", r, X) / n
        grad_b = np.mean(r, axis=-1, keepdims=True)
        return 0.5 * np.mean(r * r, axis=-1), np.concatenate([grad_w, grad_b], axis=-1)


class _BinaryClassifier(Model):
    """Shared by the classifiers: probabilities, cross-entropy and error rate from ``logits``."""

    def logits(self, theta, X):
        raise NotImplementedError

    def predict(self, theta, X):
        r"""The probabilities :math:`p_i = \sigma(z_i)` of class 1, shape ``theta.shape[:-1] + (n,)``."""
        return _sigmoid(self.logits(theta, X))

    def loss(self, theta, X, y):
        theta, X, y = self._check(theta, X, y)
        return _binary_cross_entropy(self.logits(theta, X), y)

    def error_rate(self, theta, X, y):
        """The share of examples on the wrong side of :math:`p = 1/2`, shape ``theta.shape[:-1]``."""
        theta, X, y = self._check(theta, X, y)
        return np.mean((self.logits(theta, X) > 0) != (y > 0.5), axis=-1)


class LogisticRegression(_BinaryClassifier):
    r"""Logistic regression: :math:`p(y = 1 \mid x) = \sigma(w^\top x + b)`, :math:`\theta = (w, b)`.

    With logits :math:`z_i = w^\top x_i + b` the mean binary cross-entropy and its
    gradient are

    .. math::
        L(\theta) = \frac1n \sum_i \bigl[\log(1 + e^{z_i}) - y_i z_i\bigr], \qquad
        \nabla_w L = \frac1n \sum_i (\sigma(z_i) - y_i)\, x_i, \quad
        \nabla_b L = \frac1n \sum_i (\sigma(z_i) - y_i),

    since :math:`\frac{d}{dz}\log(1 + e^z) = \sigma(z)`. The loss is
    :math:`-[y \log p + (1 - y) \log(1 - p)]` written with logits, which
    ``np.logaddexp`` evaluates without overflow.

    Args:
        d: number of input features; ``n_params = d + 1`` (weights, then bias).
    """

    def __init__(self, d):
        if int(d) != d or d < 1:
            raise ValueError(f"Invalid d: {d!r} (an integer >= 1 is expected)")
        self.d_in = int(d)
        self.n_params = self.d_in + 1

    init = LinearRegression.init

    def logits(self, theta, X):
        """:math:`z_i = w^\\top x_i + b`, shape ``theta.shape[:-1] + (n,)``."""
        theta, X = self._check(theta, X)
        return np.einsum("...nd,...d->...n", X, theta[..., :-1]) + theta[..., -1:]

    def loss_and_grad(self, theta, X, y):
        theta, X, y = self._check(theta, X, y)
        z = self.logits(theta, X)
        dz = (_sigmoid(z) - y) / X.shape[-2]  # dL/dz_i
        grad = np.concatenate([np.einsum("...n,...nd->...d", dz, X), dz.sum(-1, keepdims=True)], axis=-1)
        return _binary_cross_entropy(z, y), grad


class MLP(_BinaryClassifier):
    r"""A one-hidden-layer perceptron with ``tanh`` units and one logit output.

    .. math::
        h_i = \tanh(W_1 x_i + b_1), \qquad z_i = w_2^\top h_i + b_2, \qquad
        L = \frac1n \sum_i \bigl[\log(1 + e^{z_i}) - y_i z_i\bigr]

    Backpropagation, with :math:`\delta_i = \partial L / \partial z_i = (\sigma(z_i) - y_i)/n`
    and :math:`\tanh' = 1 - \tanh^2`:

    .. math::
        \nabla_{w_2} L = \sum_i \delta_i h_i, \quad \nabla_{b_2} L = \sum_i \delta_i, \quad
        a_i = \delta_i\, w_2 \odot (1 - h_i \odot h_i), \quad
        \nabla_{W_1} L = \sum_i a_i x_i^\top, \quad \nabla_{b_1} L = \sum_i a_i.

    :math:`\theta` is the concatenation of :math:`W_1` (``hidden x d_in``, row by
    row), :math:`b_1` (``hidden``), :math:`w_2` (``hidden``) and :math:`b_2` (1), so
    ``n_params = hidden * (d_in + 2) + 1``.

    Args:
        d_in: number of input features.
        hidden: number of hidden units.

    Example:
        >>> model = MLP(2, 8)
        >>> theta = model.init(seed=0, batch_shape=(3,))
        >>> theta.shape, model.loss(theta, np.zeros((5, 2)), np.ones(5)).shape
        ((3, 33), (3,))
    """

    def __init__(self, d_in, hidden):
        for name, value in (("d_in", d_in), ("hidden", hidden)):
            if int(value) != value or value < 1:
                raise ValueError(f"Invalid {name}: {value!r} (an integer >= 1 is expected)")
        self.d_in, self.hidden = int(d_in), int(hidden)
        self.n_params = self.hidden * (self.d_in + 2) + 1

    def init(self, seed=0, batch_shape=()):
        r"""LeCun's normal init for ``tanh`` (LeCun et al., 1998): :math:`W_1 \sim \mathcal N(0, 1/d_{in})`,
        :math:`w_2 \sim \mathcal N(0, 1/\text{hidden})`, biases 0; shape ``batch_shape + (n_params,)``."""
        rng = np.random.default_rng(seed)
        batch_shape = tuple(batch_shape)
        h, d = self.hidden, self.d_in
        W1 = rng.standard_normal(batch_shape + (h * d,)) / np.sqrt(d)
        w2 = rng.standard_normal(batch_shape + (h,)) / np.sqrt(h)
        zeros = np.zeros(batch_shape + (h,))
        return np.concatenate([W1, zeros, w2, zeros[..., :1]], axis=-1)

    def unpack(self, theta):
        """``(W1, b1, w2, b2)`` as views of ``theta``, shapes ``(..., hidden, d_in)``, ``(..., hidden)``
        twice and ``(...)``."""
        h, d = self.hidden, self.d_in
        W1 = theta[..., :h * d].reshape(theta.shape[:-1] + (h, d))
        b1, w2, b2 = theta[..., h * d:h * d + h], theta[..., h * d + h:h * d + 2 * h], theta[..., -1]
        return W1, b1, w2, b2

    def _forward(self, theta, X):
        W1, b1, w2, b2 = self.unpack(theta)
        H = np.tanh(np.einsum("...nd,...hd->...nh", X, W1) + b1[..., None, :])  # (..., n, hidden)
        z = np.einsum("...nh,...h->...n", H, w2) + b2[..., None]
        return H, z

    def logits(self, theta, X):
        """:math:`z_i = w_2^\\top \\tanh(W_1 x_i + b_1) + b_2`, shape ``theta.shape[:-1] + (n,)``."""
        theta, X = self._check(theta, X)
        return self._forward(theta, X)[1]

    def loss_and_grad(self, theta, X, y):
        theta, X, y = self._check(theta, X, y)
        H, z = self._forward(theta, X)
        w2 = self.unpack(theta)[2]
        delta = (_sigmoid(z) - y) / X.shape[-2]  # dL/dz_i
        grad_w2 = np.einsum("...n,...nh->...h", delta, H)
        grad_b2 = delta.sum(-1, keepdims=True)
        A = delta[..., :, None] * w2[..., None, :] * (1 - H * H)  # dL/d(pre-activation), (..., n, h)
        grad_W1 = np.einsum("...nh,...nd->...hd", A, X)
        grad_b1 = A.sum(-2)
        grad = np.concatenate([grad_W1.reshape(theta.shape[:-1] + (-1,)), grad_b1, grad_w2, grad_b2],
                              axis=-1)
        return _binary_cross_entropy(z, y), grad


def full_batch_objective(model, X, y):
    """The function ``theta -> model.loss_and_grad(theta, X, y)`` on the whole set, for :func:`optlib.run`.

    Example:
        >>> from optlib import Adam, run
        >>> from optlib.data import make_classification
        >>> X, y = make_classification(n=100, seed=0)
        >>> model = LogisticRegression(2)
        >>> trajectory = run(Adam(lr=0.1), full_batch_objective(model, X, y), model.init(0), steps=50)
        >>> bool(trajectory.loss[-1] < trajectory.loss[0])
        True
    """
    return lambda theta: model.loss_and_grad(theta, X, y)


def minibatch_objective(model, X, y, batch_size, seed=0, replace=False, drop_last=False):
    """A function ``theta -> (loss, grad)`` that evaluates the model on the *next* minibatch.

    Each call draws the next batch of :func:`optlib.data.minibatches` (reshuffled
    every epoch, or i.i.d. with ``replace=True``), so with :func:`optlib.run` every
    step sees a new batch and the recorded loss is the (noisy) minibatch loss at
    each iterate. All configurations of a batched ``theta`` see the same batch.
    ``run`` evaluates once before the first step, so a run of ``steps`` steps
    consumes ``steps + 1`` batches.

    Stacked data sets, ``X`` ``(..., n, d)`` and ``y`` ``(..., n)``, each get their
    own stream of batches, seeded by the matching entry of ``seed`` (an array that
    broadcasts to ``X.shape[:-2]``): a repeated experiment with its own data draw
    and minibatch order per seed runs as one batched computation.

    Args:
        model: a model of this module.
        X, y: the training set, or stacked training sets.
        batch_size, seed, replace, drop_last: as in :func:`optlib.data.minibatches`.

    Example:
        >>> from optlib.data import make_classification
        >>> seeds = [0, 1, 2]
        >>> X, y = (np.stack(a) for a in zip(*(make_classification(n=40, seed=s) for s in seeds)))
        >>> model = MLP(2, 8)
        >>> objective = minibatch_objective(model, X, y, batch_size=10, seed=seeds)
        >>> loss, grad = objective(model.init(seed=0, batch_shape=(5, 3)))  # 5 configurations x 3 seeds
        >>> loss.shape, grad.shape
        ((5, 3), (5, 3, 33))
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.ndim == 2:
        batches = minibatches(len(X), batch_size, seed, replace=replace, drop_last=drop_last)

        def objective(theta):
            i = next(batches)
            return model.loss_and_grad(theta, X[i], y[i])

        return objective
    sets = X.shape[:-2]
    streams = [minibatches(X.shape[-2], batch_size, int(s), replace=replace, drop_last=drop_last)
               for s in np.broadcast_to(seed, sets).ravel()]

    def stacked_objective(theta):
        i = np.stack([next(batches) for batches in streams]).reshape(sets + (-1,))
        Xb, yb = np.take_along_axis(X, i[..., None], axis=-2), np.take_along_axis(y, i, axis=-1)
        return model.loss_and_grad(theta, Xb, yb)

    return stacked_objective
