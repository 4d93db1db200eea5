"""Explorers of the SGD chapter (``book/sgd.ipynb``).

* :func:`conditioning_explorer` -- gradient descent on an ill-conditioned quadratic.
* :func:`saddle_explorer` -- gradient descent crawling past the saddle :math:`x^2 - y^2`.
* :func:`minibatch_explorer` -- minibatch SGD against full-batch GD on linear regression.
"""

import functools
from dataclasses import replace

import numpy as np

from optlib import SGD, Quadratic, Saddle, run
from optlib.data import make_regression
from optlib.models import LinearRegression, full_batch_objective, minibatch_objective
from optlib.plotting import LossPanel, PathPanel, figure, legend
from optlib.theory import (gd_rate, least_squares_quadratic, least_squares_sgd_floor, least_squares_sgd_max_lr,
                           loss_rate, saddle_escape_steps)
from optlib.widgets import Control, Explorer, batched, lin_values, log_values

GD_COLOR = "#444444"


def conditioning_explorer(steps=60, angle=np.pi / 8):
    """Gradient descent on a quadratic with condition number ``kappa``, step size ``lr``.

    Left: the path on the contour map. Right: the loss gap on a log scale, with the
    predicted rate :math:`\\max_i|1-\\eta\\lambda_i|` against the one measured on the run.
    The path zigzags only for :math:`\\eta > 1/\\lambda_{\\max}` (the steep direction flips sign);
    at the default :math:`\\eta = 1/\\lambda_{\\max}` it slides straight down the valley at any
    :math:`\\kappa`, whose size sets how slowly the flat direction crawls.
    Runs that leave :math:`|\\theta| \\le 100` are stopped and labelled "diverged".
    """
    fig, (ax_path, ax_loss) = figure(2, width=4.0, height=3.2)
    start = Quadratic.ill_conditioned(1.0, angle)
    paths = PathPanel(ax_path, start, ["GD"])
    losses = LossPanel(ax_loss, ["GD"], steps, ylim=(1e-12, 1e4))
    title = ax_loss.text(0.5, 1.02, "", transform=ax_loss.transAxes, ha="center", fontsize=9)
    path_title = ax_path.text(0.5, 1.02, "", transform=ax_path.transAxes, ha="center", fontsize=9)

    kappas, lrs = log_values(1, 100, 9), lin_values(0.1, 2.2, 22)

    def descent(kappa, lr):
        q = Quadratic.ill_conditioned(kappa, angle)
        return run(SGD(lr=lr), q, q.x0, steps, bound=100.0)  # |θ| > 100: plainly diverging

    descent = batched(descent, lr=lrs)  # one run per κ, for every learning rate

    def update(kappa, lr):
        q = Quadratic.ill_conditioned(kappa, angle)
        if paths.objective.condition_number != q.condition_number:
            paths.set_objective(q)
        traj = descent(kappa=kappa, lr=lr)
        paths.set_paths({"GD": traj})
        losses.set_losses({"GD": traj})
        path_title.set_text(f"κ = {kappa:g}, η = {lr:g}   (stable iff η < 2/λ_max = {2 / q.eigenvalues[-1]:g})")
        predicted, measured = float(gd_rate(lr, q.eigenvalues)), loss_rate(traj.loss)
        title.set_text(f"rate per step: predicted {predicted:.3f}, measured {measured:.3f}")

    controls = [
        Control("kappa", "condition number κ", kappas, 10.0, static=(1.0, 3.16, 10.0, 31.6, 100.0)),
        Control("lr", "learning rate η", lrs, 1.0, static=(0.1, 0.5, 1.0, 1.5, 1.9, 2.1)),
    ]
    return Explorer(fig, update, controls, animated=paths.artists + losses.artists + [title, path_title],
                    redraw_on={"kappa"}, alt="Gradient descent on an ill-conditioned quadratic, zigzagging when the learning "
                        "rate exceeds 1/λ_max, with its loss on a log scale, for a chosen condition number and "
                        "learning rate.")


def saddle_explorer(steps=200):
    """Gradient descent on :math:`f = x^2 - y^2` from :math:`(-1.5, \\delta)`.

    Left: the path (it runs towards the saddle along x, then leaves along y).
    Right: the gradient norm on a log scale, with the predicted escape step
    (:func:`optlib.theory.saddle_escape_steps`) as a dashed line.
    """
    saddle = Saddle()
    fig, (ax_path, ax_norm) = figure(2, width=4.0, height=3.2)
    paths = PathPanel(ax_path, saddle, ["GD"], levels=16)
    (norm_line,) = ax_norm.plot([], [], lw=1.6, color="#0072B2")
    escape_line = ax_norm.axvline(0, color="#B00020", lw=1.0, ls="--")
    ax_norm.set_yscale("log")
    ax_norm.set_xlim(0, steps)
    ax_norm.set_ylim(1e-6, 1e3)
    ax_norm.set_xlabel("step $t$")
    ax_norm.set_ylabel(r"gradient norm $\|\nabla f(\theta_t)\|$")
    ax_norm.grid(True, alpha=0.3)
    note = ax_norm.text(0.98, 0.03, "", transform=ax_norm.transAxes, ha="right", va="bottom", fontsize=9,
                        bbox=dict(facecolor="white", alpha=0.85, edgecolor="none"))

    offsets, lrs = log_values(1e-8, 1e-1, 8), lin_values(0.05, 0.45, 9)

    def descent(offset, lr):  # a batch of start points (-1.5, offset)
        x0 = np.concatenate([np.full(np.shape(offset), -1.5), offset], axis=-1)
        return run(SGD(lr=lr), saddle, x0, steps, bound=1e300)  # f is unbounded below: no bound

    descent = batched(descent, offset=offsets, lr=lrs)  # one run for every offset and learning rate

    def update(offset, lr):
        x0 = np.array([-1.5, offset])
        traj = descent(offset=offset, lr=lr)
        paths.set_paths({"GD": traj})
        norms = np.hypot(*np.moveaxis(saddle.grad(traj.params), -1, 0))  # hypot: no underflow
        norm_line.set_data(np.arange(steps + 1), norms)
        predicted = saddle_escape_steps(lr, saddle.hessian(x0)[1, 1], offset)
        out = np.flatnonzero(np.abs(traj.params[:, 1]) >= 1.0)
        measured = f"step {out[0]}" if len(out) else f"not within {steps} steps"
        escape_line.set_xdata([predicted, predicted])
        paths.status.set_text(f"escapes (|y| ≥ 1) at {measured}")
        paths.status.set_color("#222222")
        note.set_text(f"predicted escape: step {predicted}\nsmallest gradient norm {norms.min():.1e}")

    controls = [
        Control("offset", "start offset δ", offsets, 1e-4, static=(1e-8, 1e-6, 1e-4, 1e-2), fmt="{:.0e}"),
        Control("lr", "learning rate η", lrs, 0.1, static=(0.05, 0.1, 0.2, 0.45)),
    ]
    return Explorer(fig, update, controls, animated=paths.artists + [norm_line, escape_line, note],
                    alt="Gradient descent slowing down next to a saddle point and escaping from it, "
                        "with its gradient norm on a log scale, for a chosen start offset and learning rate.")


def minibatch_explorer(steps=150, n=256, seed=0):
    """Minibatch SGD (batch size ``B``, sampled with replacement) against full-batch GD.

    The model is a 2-parameter linear regression (weight and bias). Left: both paths
    on the loss contours. Right: the loss on *all* the data at each iterate (minus
    its minimum), with SGD's exact stationary floor for least squares
    (:func:`optlib.theory.least_squares_sgd_floor`) as a dashed line. The floor exists only
    below the largest learning rate at which SGD's mean square error stays bounded,
    :func:`optlib.theory.least_squares_sgd_max_lr` (below gradient descent's 2/λ_max and
    lower for smaller batches: 0.59 at B = 1, 1.52 at B = 8, 1.89 at B = 64 against 1.95
    for ``seed=0``; the limits depend on the data, hence on ``seed``); above it the note
    says so instead.
    """
    X, y, _, _ = make_regression(n=n, d=1, noise=0.5, seed=seed)
    model = LinearRegression(1)
    H, theta_star, loss_star = least_squares_quadratic(X, y)
    surface = Quadratic(H, theta_star)
    surface.xlim, surface.ylim = (theta_star[0] - 2.5, theta_star[0] + 2.5), (theta_star[1] - 2.5, theta_star[1] + 2.5)
    theta0 = theta_star + np.array([-2.0, 2.0])
    batch_sizes = (1, 2, 4, 8, 16, 32, 64, 128, 256)
    max_lr = {B: least_squares_sgd_max_lr(X, B) for B in batch_sizes}  # SGD's mean square stays bounded below

    fig, (ax_path, ax_loss) = figure(2, width=4.0, height=3.2)
    paths = PathPanel(ax_path, surface, ["SGD", "GD"], levels=14)
    paths.lines["GD"].set_color(GD_COLOR)
    paths.lines["SGD"].set_marker("")
    ax_path.set_xlabel("weight $w$")
    ax_path.set_ylabel("bias $b$")
    legend(ax_path, loc="lower right")
    losses = LossPanel(ax_loss, ["SGD", "GD"], steps, ylim=(1e-6, 1e2), ylabel=r"$L(\theta_t) - L^*$ on all data")
    losses.lines["GD"].set_color(GD_COLOR)
    (floor_line,) = ax_loss.plot([0, steps], [np.nan, np.nan], ls="--", lw=1.2, color="#0072B2")
    note = ax_loss.text(0.02, 0.03, "", transform=ax_loss.transAxes, fontsize=9,
                        bbox=dict(facecolor="white", alpha=0.85, edgecolor="none"))

    # gradient descent does not depend on the batch size: one run per learning rate, kept (a lone
    # run, not a batch: the model's matrix product rounds differently in a batch)
    @functools.lru_cache(maxsize=None)
    def descent(lr):
        return run(SGD(lr=lr), full_batch_objective(model, X, y), theta0, steps, bound=1e3)

    def update(batch_size, lr):
        sgd = run(SGD(lr=lr), minibatch_objective(model, X, y, batch_size, seed=seed + 1, replace=True),
                  theta0, steps, bound=1e3)
        gd = descent(lr)
        paths.set_paths({"SGD": sgd, "GD": gd})
        full = {name: replace(t, loss=model.loss(t.params, X, y)) for name, t in (("SGD", sgd), ("GD", gd))}
        losses.set_losses(full, minimum=loss_star)
        if lr < max_lr[batch_size]:
            floor = least_squares_sgd_floor(lr, X, y, batch_size)
            floor_line.set_ydata([floor, floor])
            note.set_text(f"B = {batch_size}: predicted SGD floor {floor:.1e}")
        else:
            floor_line.set_ydata([np.nan, np.nan])
            note.set_text(f"η ≥ {max_lr[batch_size]:.2f}, SGD's limit at B = {batch_size}:\nits mean square grows, no floor")

    controls = [
        Control("batch_size", "batch size B", batch_sizes, 8, static=(1, 8, 64, 256), fmt="{:d}"),
        Control("lr", "learning rate η", (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 1.4, 1.5, 2.0, 2.5), 0.1,
                static=(0.02, 0.1, 0.5, 1.0, 1.4, 2.5)),  # 1.4: the chapter's B = 1 vs B = 64 comparison
    ]
    return Explorer(fig, update, controls, animated=paths.artists + losses.artists + [floor_line, note],
                    groups=[(("lr",), [paths.lines["GD"], losses.lines["GD"]]), ((), [paths.start])],
                    alt="Minibatch SGD and full-batch gradient descent on a two-parameter linear regression: "
                        "paths on the loss contours and losses against steps, for a chosen batch size and "
                        "learning rate.")
