r"""Small synthetic data sets, a train/test split and a minibatch sampler.

Everything is seeded through ``np.random.default_rng(seed)``, so the same seed
gives the same data, split and sequence of minibatches on every machine.

* :func:`make_regression`: a linear model plus Gaussian noise,
  :math:`y = X w^* + b^* + \sigma \varepsilon`.
* :func:`make_sparse_regression`: the same with features of very different frequencies
  (most entries of a rare feature are 0), the sparse setting of AdaGrad.
* :func:`make_classification`: two interleaved half moons, a binary problem
  that no straight line separates (at the default noise the best linear
  classifier errs on roughly 12% of the points; a small MLP on almost none).
* :func:`minibatches`: the index stream of minibatch SGD, either reshuffled
  each epoch (sampling without replacement, what ``torch.utils.data.DataLoader``
  with ``shuffle=True`` does) or drawn i.i.d. with replacement (the sampling of
  the textbook SGD analysis, Robbins & Monro 1951; Bottou et al. 2018).

References: the moons follow ``sklearn.datasets.make_moons`` (Pedregosa et al.,
2011); Bottou, Curtis & Nocedal, *Optimization methods for large-scale machine
learning*, SIAM Review (2018), section 4.
"""

import os
from typing import NamedTuple

import numpy as np

SEED_ENV = "OPTLIB_SEED"
STREAMS = 1_000_000  # streams a chapter may derive from one book seed (seed + k, 0 <= k < STREAMS)


def book_seed():
    """The seed every random draw of the book derives from: ``STREAMS * $OPTLIB_SEED`` (0 when unset).

    Each chapter reads it once (``seed = book_seed()``) and passes ``seed``, or
    ``seed + k`` for its k-th independent stream (``seed + 100 + i`` for the i-th of
    many runs), to every function that draws. ``$OPTLIB_SEED`` is scaled by
    ``STREAMS`` (one million) so that the streams of two book seeds never share a
    numpy seed: book seed 1 draws from 1000000, 1000001, ..., not from seed 0's
    streams shifted by one. Unset, it is 0 and the stored notebooks are reproduced
    exactly; set to another integer, every data set, initialisation, minibatch order
    and random matrix of the chapter changes, and its hidden checks must still pass
    (``tests/test_seeds.py``).

    Raises:
        ValueError: if ``OPTLIB_SEED`` is set to anything but an integer >= 0.

    Example:
        >>> import os
        >>> book_seed() == STREAMS * int(os.environ.get("OPTLIB_SEED") or 0)
        True
    """
    text = os.environ.get(SEED_ENV, "").strip()
    if not text:
        return 0
    try:
        seed = int(text)
    except ValueError:
        seed = -1
    if seed < 0:
        raise ValueError(f"Invalid {SEED_ENV}: {text!r} (an integer >= 0 is expected)")
    return STREAMS * seed


class RegressionData(NamedTuple):
    """A regression set and the weights that generated it.

    Attributes:
        X: inputs, shape ``(n, d)``.
        y: targets, shape ``(n,)``.
        w: the true weights :math:`w^*`, shape ``(d,)``.
        b: the true bias :math:`b^*`, a float.
    """

    X: np.ndarray
    y: np.ndarray
    w: np.ndarray
    b: float


class ClassificationData(NamedTuple):
    """A binary classification set: inputs ``X`` ``(n, 2)`` and labels ``y`` ``(n,)`` in {0, 1}."""

    X: np.ndarray
    y: np.ndarray


def _check_count(n, name, minimum=1):
    if isinstance(n, (bool, np.bool_)) or int(n) != n or n < minimum:
        raise ValueError(f"Invalid {name}: {n!r} (an integer >= {minimum} is expected)")
    return int(n)


def _check_noise(noise):
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"Invalid noise: {noise!r} (a finite number >= 0 is expected)")
    return float(noise)


def make_regression(n=100, d=2, noise=0.1, seed=0):
    r"""Inputs :math:`x_i \sim \mathcal N(0, I_d)` and targets :math:`y_i = w^{*\top} x_i + b^* + \sigma\varepsilon_i`.

    The true weights :math:`w^* \sim \mathcal N(0, I_d)` and bias
    :math:`b^* \sim \mathcal N(0, 1)` are drawn from the same seed, and
    :math:`\varepsilon_i \sim \mathcal N(0, 1)`. With ``noise = 0`` the least
    squares loss of :class:`optlib.models.LinearRegression` is 0 (up to rounding) at
    :math:`(w^*, b^*)`.

    Args:
        n: number of examples.
        d: number of input features.
        noise: standard deviation :math:`\sigma` of the noise on the targets.
        seed: seed of ``np.random.default_rng``.

    Returns:
        A :class:`RegressionData` ``(X, y, w, b)``.

    Example:
        >>> X, y, w, b = make_regression(n=5, d=3, noise=0.0, seed=0)
        >>> X.shape, y.shape, w.shape
        ((5, 3), (5,), (3,))
        >>> bool(np.allclose(X @ w + b, y))
        True
    """
    n, d, noise = _check_count(n, "n"), _check_count(d, "d"), _check_noise(noise)
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(d)
    b = float(rng.standard_normal())
    X = rng.standard_normal((n, d))
    y = X @ w + b + noise * rng.standard_normal(n)
    return RegressionData(X, y, w, b)


def make_sparse_regression(n=1000, frequencies=(1.0, 0.1, 0.01), noise=0.1, seed=0):
    r"""Regression with features of very different frequencies: :math:`x_{ij} = b_{ij} z_{ij}`.

    Feature :math:`j` is present in an example with probability :math:`p_j`
    (:math:`b_{ij} \sim \mathrm{Bernoulli}(p_j)`) and then has a value
    :math:`z_{ij} \sim \mathcal N(0, 1)`; otherwise it is 0, as a rare word is absent
    from most documents. The targets are :math:`y_i = w^{*\top} x_i + \sigma\varepsilon_i`
    with :math:`w^* \sim \mathcal N(0, I_d)`, no bias (:math:`b^* = 0`). The Hessian of the
    least squares loss is about :math:`\operatorname{diag}(p)`: the rare features are the
    flat directions, the setting AdaGrad was made for (Duchi, Hazan & Singer, 2011).

    Args:
        n: number of examples.
        frequencies: the probabilities :math:`p_j \in (0, 1]`, one per feature (``d`` of them).
        noise: standard deviation :math:`\sigma` of the noise on the targets.
        seed: seed of ``np.random.default_rng``.

    Returns:
        A :class:`RegressionData` ``(X, y, w, b)`` with ``b = 0.0``.

    Example:
        >>> X, y, w, b = make_sparse_regression(n=2000, frequencies=(1.0, 0.05), noise=0.0, seed=0)
        >>> (X != 0).mean(axis=0).round(2).tolist(), bool(np.allclose(X @ w, y))
        ([1.0, 0.05], True)
    """
    n, noise = _check_count(n, "n"), _check_noise(noise)
    p = np.asarray(frequencies, dtype=float)
    if p.ndim != 1 or p.size == 0 or not np.all((p > 0) & (p <= 1)):
        raise ValueError(f"Invalid frequencies: {frequencies!r} (probabilities in (0, 1] are expected)")
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(p.size)
    X = rng.standard_normal((n, p.size)) * (rng.random((n, p.size)) < p)
    y = X @ w + noise * rng.standard_normal(n)
    return RegressionData(X, y, w, 0.0)


def make_classification(n=200, noise=0.1, seed=0):
    r"""Two interleaved half moons in the plane, labels 0 and 1, in random order.

    Class 0 lies on the upper arc :math:`(\cos t, \sin t)`, class 1 on the lower
    arc :math:`(1 - \cos t, \tfrac12 - \sin t)`, with :math:`t` evenly spaced in
    :math:`[0, \pi]`; each arc reaches into the other's hollow, so the classes are
    not linearly separable. Gaussian noise of standard deviation ``noise`` is
    added to both coordinates, and the set is shifted by :math:`(-\tfrac12, -\tfrac14)`
    so that it is centred at the origin (which suits a ``tanh`` hidden layer).
    The classes are balanced: ``n // 2`` points of class 0 and ``n - n // 2`` of
    class 1.

    At ``noise = 0.1`` the best linear classifier errs on roughly 12% of the points
    while an MLP with a dozen hidden units gets below 2%.

    Args:
        n: number of examples (at least 2).
        noise: standard deviation of the Gaussian noise on the points.
        seed: seed of ``np.random.default_rng``.

    Returns:
        A :class:`ClassificationData` ``(X, y)``: ``X`` of shape ``(n, 2)``, ``y`` of
        shape ``(n,)`` with float values 0.0 and 1.0.

    Example:
        >>> X, y = make_classification(n=6, noise=0.1, seed=0)
        >>> X.shape, y.tolist().count(0.0), y.tolist().count(1.0)
        ((6, 2), 3, 3)
    """
    n, noise = _check_count(n, "n", minimum=2), _check_noise(noise)
    rng = np.random.default_rng(seed)
    n0 = n // 2
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n - n0)
    upper = np.stack([np.cos(t0), np.sin(t0)], axis=-1)
    lower = np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)], axis=-1)
    X = np.concatenate([upper, lower]) - np.array([0.5, 0.25])
    X = X + noise * rng.standard_normal(X.shape)
    y = np.concatenate([np.zeros(n0), np.ones(n - n0)])
    order = rng.permutation(n)  # so that no slice of the set is one class only
    return ClassificationData(X[order], y[order])


def train_test_split(X, y, test_fraction=0.25, seed=0):
    """Split ``X`` and ``y`` at random into a training and a test set.

    ``round(test_fraction * n)`` examples, at least one, go to the test set and
    at least one stays in the training set. The split is not stratified.

    Args:
        X: inputs, shape ``(n, ...)``.
        y: targets, shape ``(n, ...)``.
        test_fraction: the share of examples held out, in ``(0, 1)``.
        seed: seed of ``np.random.default_rng``.

    Returns:
        ``(X_train, X_test, y_train, y_test)``, in the order of scikit-learn.

    Example:
        >>> X, y = make_classification(n=100, seed=0)
        >>> X_train, X_test, y_train, y_test = train_test_split(X, y, 0.2, seed=1)
        >>> X_train.shape, X_test.shape, y_train.shape, y_test.shape
        ((80, 2), (20, 2), (80,), (20,))
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError(f"X and y must have the same number of examples, got shapes "
                         f"{X.shape} and {y.shape}")
    if not 0 < test_fraction < 1:
        raise ValueError(f"Invalid test_fraction: {test_fraction!r} (must be in (0, 1))")
    n = len(X)
    if n < 2:
        raise ValueError(f"Cannot split {n} example(s) into two non-empty sets")
    n_test = min(max(int(round(test_fraction * n)), 1), n - 1)
    order = np.random.default_rng(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def minibatches(n, batch_size, seed=0, replace=False, drop_last=False):
    r"""An endless stream of index arrays, one per minibatch of a set of ``n`` examples.

    Without replacement (``replace=False``) the examples are reshuffled at the
    start of every epoch and the epoch is cut into consecutive batches, so each
    epoch visits every example exactly once. When ``batch_size`` does not divide
    ``n``, the last batch of an epoch is *kept* and is smaller (``n % batch_size``
    indices), as in ``torch.utils.data.DataLoader``'s default; with
    ``drop_last=True`` it is dropped instead, so every batch has ``batch_size``
    indices but each epoch skips ``n % batch_size`` (different) examples.

    With replacement (``replace=True``) every batch is ``batch_size`` indices drawn
    independently and uniformly from ``0, ..., n-1``: the minibatch gradient is
    then an unbiased estimate of the full gradient whose variance is exactly
    :math:`1/B` times that of one example's gradient, the textbook SGD setting.
    There are no epochs and repeats occur, even within one batch.

    Args:
        n: number of examples.
        batch_size: :math:`B`, at most ``n`` without replacement.
        seed: seed of ``np.random.default_rng``.
        replace: sample with replacement (i.i.d.) instead of reshuffling per epoch.
        drop_last: without replacement, drop each epoch's last, smaller batch.

    Yields:
        Integer arrays of indices into the data set.

    Example:
        >>> from itertools import islice
        >>> [b.tolist() for b in islice(minibatches(5, 2, seed=0), 3)]  # epoch 1: 2 + 2 + 1
        [[2, 4], [3, 0], [1]]
    """
    n, batch_size = _check_count(n, "n"), _check_count(batch_size, "batch_size")
    if not replace and batch_size > n:
        raise ValueError(f"Invalid batch_size: {batch_size} (at most n = {n} without replacement)")
    return _minibatches(n, batch_size, np.random.default_rng(seed), replace, drop_last)


def _minibatches(n, batch_size, rng, replace, drop_last):
    # A separate generator function so that invalid arguments raise at the call,
    # not at the first next().
    while True:
        if replace:
            yield rng.integers(0, n, size=batch_size)
            continue
        order = rng.permutation(n)
        stop = n - n % batch_size if drop_last else n
        for start in range(0, stop, batch_size):
            yield order[start:start + batch_size]
