"""Static figures of the SGD chapter (``book/sgd.ipynb``).

Each function draws what the chapter computed with :func:`optlib.run` and
:mod:`optlib.theory` and returns the figure; none of them runs an optimizer.
"""

import numpy as np

from optlib.plotting import PALETTE, color, contour, figure, legend

GD_COLOR = "#444444"  # full-batch gradient descent, drawn as the reference against SGD


def minibatch_vs_full(surface, sgd, gd, sgd_minibatch_loss, sgd_full_loss, gd_full_loss, loss_star, batch_size):
    """SGD against GD: paths on the loss contours, the losses a training log shows, and the gap to the minimum.

    ``surface`` is an objective whose contours are the loss (e.g. a
    :class:`optlib.Quadratic` from :func:`optlib.theory.least_squares_quadratic`);
    ``sgd_minibatch_loss`` is the loss SGD saw on its minibatches, ``*_full_loss`` the
    loss on all the data at each iterate, ``loss_star`` its minimum.
    """
    fig, (ax_path, ax_loss, ax_gap) = figure(3, width=3.3, height=3.2)
    contour(ax_path, surface, levels=14)
    ax_path.plot(*gd.params.T, "o-", ms=2, lw=1.2, color=GD_COLOR, label="GD (full batch)")
    ax_path.plot(*sgd.params.T, "-", lw=0.9, color=color("SGD"), label=f"SGD, B = {batch_size}")
    ax_path.plot(*sgd.params[0], "o", color="black", ms=5)
    ax_path.set_xlabel("weight $w$")
    ax_path.set_ylabel("bias $b$")
    legend(ax_path, loc="lower right")
    steps = np.arange(len(sgd_full_loss))
    ax_loss.plot(steps, sgd_minibatch_loss, lw=0.8, color=color("SGD"), label="SGD: on its minibatch")
    ax_loss.plot(steps, gd_full_loss, lw=1.5, color=GD_COLOR, ls="--", label="GD: on all data")
    ax_loss.axhline(loss_star, color="black", lw=0.8, ls=":", label=r"minimum $L^*$")
    ax_loss.set_yscale("log")
    ax_loss.set_ylabel("training loss")
    ax_loss.set_title("the loss a training log shows", fontsize=9)
    ax_gap.plot(steps, sgd_full_loss - loss_star, lw=1.5, color=color("SGD"), label="SGD")
    ax_gap.plot(steps, gd_full_loss - loss_star, lw=1.5, color=GD_COLOR, ls="--", label="GD")
    ax_gap.set_yscale("log")
    ax_gap.set_ylabel(r"$L(\theta_t) - L^*$ on all data")
    ax_gap.set_title("distance to the minimum", fontsize=9)
    for ax in (ax_loss, ax_gap):
        ax.set_xlim(0, steps[-1])
        ax.set_xlabel("step $t$")
        ax.grid(True, alpha=0.3)
        legend(ax, loc="upper right")
    return fig


def rate_against_lr(lrs, eigenvalues, measured_lrs, measured_rates, lr_opt, rate_opt):
    """The predicted rate max_i |1 - lr * lambda_i| against lr, with measured rates as dots."""
    fig, ax = figure(1, width=5.6, height=3.4)
    lam_min, lam_max = np.min(eigenvalues), np.max(eigenvalues)
    ax.plot(lrs, np.abs(1 - lrs * lam_min), ls=":", lw=1.2, color=PALETTE[2],
            label=r"$|1 - \eta\lambda_{\min}|$ (flat direction)")
    ax.plot(lrs, np.abs(1 - lrs * lam_max), ls=":", lw=1.2, color=PALETTE[3],
            label=r"$|1 - \eta\lambda_{\max}|$ (steep direction)")
    ax.plot(lrs, np.maximum(np.abs(1 - lrs * lam_min), np.abs(1 - lrs * lam_max)), lw=2, color=color("GD"),
            label=r"predicted rate $\max_i |1 - \eta\lambda_i|$")
    ax.plot(measured_lrs, measured_rates, "o", ms=5, mfc="white", color="black", label="measured on optlib runs")
    ax.axvspan(2 / lam_max, lrs[-1], color="#B00020", alpha=0.08)
    ax.axhline(1, color="#B00020", lw=0.8)
    ax.text(2 / lam_max + 0.02, 1.25, "diverges\n" r"($\eta > 2/\lambda_{\max}$)", color="#B00020", fontsize=9)
    ax.plot([lr_opt], [rate_opt], "*", ms=13, color=color("Adam"), label=rf"optimum $\eta^*$, rate {rate_opt:.3f}")
    ax.set_xlim(lrs[0], lrs[-1])
    ax.set_ylim(0, 1.5)
    ax.set_xlabel(r"learning rate $\eta$")
    ax.set_ylabel("error factor per step")
    legend(ax, loc="lower left")
    return fig


def saddle_escape(objective, trajectories, grad_norms, offsets, measured_steps, predicted_steps, lr):
    """Gradient descent from several offsets next to the saddle's stable manifold.

    Left: paths. Middle: gradient norm against steps (log scale). Right: the escape
    time against log(1/offset), measured (dots) and predicted (line).
    """
    fig, (ax_path, ax_norm, ax_time) = figure(3, width=3.3, height=3.1)
    contour(ax_path, objective, levels=16)
    for i, (offset, traj) in enumerate(zip(offsets, trajectories)):
        ax_path.plot(*traj.params.T, "-", lw=1.2, color=PALETTE[i], label=f"offset {offset:.0e}")
        ax_norm.plot(grad_norms[i], lw=1.4, color=PALETTE[i])
    ax_path.plot(*trajectories[0].params[0], "o", color="black", ms=4)
    ax_path.set_title(r"$f = x^2 - y^2$", fontsize=10)
    legend(ax_path, loc="lower left")
    ax_norm.set_yscale("log")
    ax_norm.set_xlabel("step $t$")
    ax_norm.set_ylabel(r"gradient norm $\|\nabla f(\theta_t)\|$")
    ax_norm.set_xlim(0, len(grad_norms[0]) - 1)
    ax_norm.grid(True, alpha=0.3)
    logs = np.log10(1 / np.asarray(offsets))
    ax_time.plot(logs, predicted_steps, "-", lw=1.5, color=GD_COLOR,
                 label=r"$\log(1/\delta) / \log(1 + 2\eta)$")
    ax_time.plot(logs, measured_steps, "o", color="black", mfc="white", label="measured")
    ax_time.set_xlabel(r"$\log_{10}(1/\delta)$, $\delta$ = start offset")
    ax_time.set_ylabel(r"steps until $|y_t| \geq 1$")
    ax_time.set_title(rf"$\eta = {lr:g}$", fontsize=10)
    ax_time.grid(True, alpha=0.3)
    legend(ax_time, loc="upper left")
    return fig


def basins(objective, paths, caught):
    """Gradient descent paths on a double well, coloured by the minimum they end in.

    ``paths[i]`` is an array ``(steps + 1, 2)`` of iterates (e.g. ``trajectory.params[:, i]``
    of a batched run); ``caught[i]`` is True when it ends in the shallow (local) minimum.
    """
    fig, (ax, ax_cut) = figure(2, width=4.2, height=3.2)
    contour(ax, objective, levels=18)
    for path, shallow in zip(paths, caught):
        c = PALETTE[3] if shallow else PALETTE[2]
        ax.plot(*np.asarray(path).T, "-", lw=1.1, color=c)
        ax.plot(*path[0], "o", ms=3.5, color=c)
    deep, shallow = objective.minima
    ax.annotate("global minimum", deep, xytext=(deep[0] - 0.1, -1.3), fontsize=8, ha="center",
                arrowprops=dict(arrowstyle="-", color="#666666"))
    ax.annotate("local minimum", shallow, xytext=(shallow[0], 1.3), fontsize=8, ha="center",
                arrowprops=dict(arrowstyle="-", color="#666666"))
    x = np.linspace(*objective.xlim, 200)
    ax_cut.plot(x, objective.value(np.stack([x, 0 * x], axis=-1)), color="black", lw=1.4)
    for point, c in ((deep, PALETTE[2]), (shallow, PALETTE[3])):
        ax_cut.plot(point[0], objective.value(point), "*", ms=11, color=c)
    saddle = objective.saddles[0]
    ax_cut.plot(saddle[0], objective.value(saddle), "x", ms=8, mew=2, color="black")
    ax_cut.axvline(saddle[0], color="#888888", lw=0.8, ls="--")
    ax_cut.set_xlabel(r"$x$ (with $y = 0$)")
    ax_cut.set_ylabel(r"$f(x, 0)$")
    ax_cut.set_xlim(*objective.xlim)
    ax_cut.grid(True, alpha=0.3)
    return fig


def goe_fraction(ns, fractions, counts, samples, bound, exact, min_hits=10):
    """Probability that a random symmetric matrix has all eigenvalues positive, against dimension.

    ``fractions`` are the estimates of :func:`optlib.theory.goe_positive_fraction` with
    ``positive_diagonal=True`` (``counts`` hits of ``samples`` draws each), drawn with
    error bars of two standard errors. Dimensions with fewer than ``min_hits`` hits are too
    few to estimate: they are drawn as open triangles at the level ``min_hits`` hits would
    mean. ``exact`` maps some dimensions to their exact probability.
    """
    fig, ax = figure(1, width=5.2, height=3.3)
    ns, fractions, counts = np.asarray(ns), np.asarray(fractions), np.asarray(counts)
    scale = 2.0 ** -ns.astype(float)
    q = counts / samples
    se = scale * np.sqrt(q * (1 - q) / samples)
    seen = counts >= min_hits
    ax.plot(ns, bound, "--", color=GD_COLOR, lw=1.2, label=r"bound $2^{-n}$ (all diagonal entries $> 0$)")
    ax.errorbar(ns[seen], fractions[seen], yerr=2 * se[seen], fmt="o-", ms=4, capsize=3, color=color("SGD"),
                label=f"estimate $\\pm$ 2 s.e. ({samples:,} draws per $n$)")
    ax.plot(ns[~seen], scale[~seen] * min_hits / samples, "v", mfc="white", color=color("SGD"),
            label=f"fewer than {min_hits} hits: below this level")
    ax.plot(list(exact), list(exact.values()), "*", ms=11, color=color("Adam"), label="exact value")
    ax.set_yscale("log")
    ax.set_ylim(0.3 * np.min(scale) / samples, 1)
    ax.set_xticks(ns)
    ax.set_xlabel("dimension $n$")
    ax.set_ylabel("probability of a minimum")
    ax.grid(True, alpha=0.3)
    legend(ax, loc="lower left")
    return fig


def gradient_variance(batch_sizes, measured, predicted, n):
    """Measured minibatch-gradient variance against B on log-log axes, with the formulas.

    ``measured`` and ``predicted`` map a sampling name ("with replacement", ...) to arrays.
    """
    fig, ax = figure(1, width=5.2, height=3.4)
    B = np.asarray(batch_sizes)
    for i, name in enumerate(measured):
        ok = np.asarray(measured[name]) > 1e-9 * np.max(predicted[name])
        ax.plot(B[ok], np.asarray(measured[name])[ok], "o", mfc="white", ms=6, color=PALETTE[i],
                label=f"measured, {name}")
        ax.plot(B, predicted[name], "-", lw=1.3, color=PALETTE[i],
                label=r"$\sigma^2/B$" if i == 0 else r"$\frac{\sigma^2}{B}\,\frac{N-B}{N-1}$")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("batch size $B$")
    ax.set_ylabel(r"$\mathbb{E}\,\|g_B - \nabla L\|^2$")
    ax.set_title(f"N = {n} examples", fontsize=10)
    ax.grid(True, alpha=0.3, which="both")
    legend(ax, loc="lower left")
    return fig


def batch_size_curves(gaps, floors, gd_gap, lr, bins=40):
    """Full-data loss gap at the iterates of SGD for several batch sizes, with predicted floors.

    ``gaps`` and ``floors`` map a batch size to an array and to a number. Each curve is
    drawn faintly as it is and, solid, as its mean over ``bins`` log-spaced bins of steps
    (for the eye only: one step per bin at first, hundreds later); the step axis is
    logarithmic so that the first descent stays visible.
    """
    fig, ax = figure(1, width=6.0, height=3.4)
    steps = len(gd_gap) - 1
    edges = np.unique(np.geomspace(1, steps + 1, bins + 1).astype(int))
    for i, B in enumerate(gaps):
        c = PALETTE[i]
        ax.plot(np.arange(1, steps + 1), gaps[B][1:], lw=0.5, color=c, alpha=0.25)
        means = [gaps[B][a:b].mean() for a, b in zip(edges[:-1], edges[1:])]
        centres = np.sqrt(edges[:-1] * (edges[1:] - 1).clip(min=edges[:-1]))
        ax.plot(centres, means, lw=1.8, color=c, label=f"SGD, B = {B} (binned mean)")
        ax.axhline(floors[B], color=c, ls="--", lw=1.2)
    ax.plot(np.arange(1, steps + 1), gd_gap[1:], lw=1.6, color=GD_COLOR, label="GD (full batch)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(1e-6, 10)
    ax.set_xlim(1, steps)
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"$L(\theta_t) - L^*$ on all data")
    ax.set_title(rf"$\eta = {lr:g}$; dashed: predicted noise floor", fontsize=10)
    ax.grid(True, alpha=0.3)
    legend(ax, loc="lower left")
    return fig
