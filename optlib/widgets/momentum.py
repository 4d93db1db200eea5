"""Explorers of the momentum chapter (``book/momentum.ipynb``)."""

import numpy as np

from optlib import SGD, DoubleWell, Quadratic, run
from optlib.plotting import LossPanel, PathPanel, figure, legend
from optlib.theory import gd_rate, loss_rate, momentum_max_lr, momentum_optimal, momentum_rate
from optlib.widgets import Control, Explorer, batched


def stability_text(rate):
    """The explorer's verdict on a predicted rate (1 within rounding is the boundary)."""
    if rate > 1 + 1e-9:
        return "diverges"
    if rate > 1 - 1e-9:
        return "does not converge (on the boundary)"
    return ""


def quadratic_explorer(kappa=100.0, angle=np.pi / 8, steps=120):
    """Heavy-ball momentum and plain gradient descent, same ``lr``, on an ill-conditioned quadratic.

    Left: both paths on the contours. Right: the loss gaps on a log scale, with the
    predicted rates (:func:`optlib.theory.momentum_rate`, :func:`optlib.theory.gd_rate`)
    and the rates measured on the runs (:func:`optlib.theory.loss_rate`, last 60 steps).
    A run the theory predicts to diverge (:math:`\\eta\\lambda_{\\max} \\ge 2 + 2\\mu`) is labelled.
    """
    q = Quadratic.ill_conditioned(kappa, angle)
    lam_min, lam_max = q.eigenvalues
    lr_opt, mu_opt, _ = momentum_optimal(lam_min, lam_max)
    lr_opt, mu_opt = float(lr_opt), float(mu_opt)  # unrounded: the optimum is a sharp corner
    fig, (ax_path, ax_loss) = figure(2, width=4.0, height=3.3)
    names = ["GD", "Momentum"]
    paths = PathPanel(ax_path, q, names)
    losses = LossPanel(ax_loss, names, steps, floor=1e-22, ylim=(1e-22, 1e5))
    legend(ax_path, loc="lower right")
    legend(ax_loss, loc="lower left")
    path_title = ax_path.set_title("κ\nμ", fontsize=9)  # two lines, so that the layout leaves room
    rate_text = ax_loss.set_title("ρ\nρ", fontsize=9)
    verdict = ax_loss.text(0.97, 0.84, "", transform=ax_loss.transAxes, ha="right", va="top",
                           color="#B00020", fontsize=9, fontweight="bold",
                           bbox=dict(facecolor="white", alpha=0.85, edgecolor="none"))

    momenta = sorted({0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, mu_opt})
    lrs = sorted({*(round(0.2 * k, 1) for k in range(1, 21)), lr_opt})
    # every run of the sliders in two batched runs (gradient descent's does not depend on momentum)
    gd = batched(lambda lr: run(SGD(lr=lr), q, q.x0, steps, bound=100.0), lr=lrs)
    heavy_ball = batched(lambda momentum, lr: run(SGD(lr=lr, momentum=momentum), q, q.x0, steps, bound=100.0),
                         momentum=momenta, lr=lrs)

    def update(momentum, lr):
        runs = {"GD": gd(lr=lr), "Momentum": heavy_ball(momentum=momentum, lr=lr)}
        paths.set_paths(runs)
        losses.set_losses(runs)
        predicted = {"GD": float(gd_rate(lr, q.eigenvalues)),
                     "Momentum": float(momentum_rate(lr, momentum, q.eigenvalues))}
        limit = float(momentum_max_lr(momentum, lam_max))
        path_title.set_text(f"κ = {kappa:g}, μ = {momentum:.4g}, η = {lr:.4g}\n"
                            f"momentum stable iff η < (2 + 2μ)/λ_max = {limit:.4g}")
        rate_text.set_text("\n".join(
            f"{name}: rate ρ predicted {predicted[name]:.3f}, measured {loss_rate(runs[name].loss, window=60):.3f}"
            for name in names))
        verdict.set_text("\n".join(f"{name}: {stability_text(predicted[name])}" for name in names
                                   if stability_text(predicted[name])))

    controls = [
        Control("momentum", "momentum μ", momenta, mu_opt, fmt="{:.4g}", static=(0.0, 0.5, mu_opt, 0.8, 0.9, 0.95)),
        Control("lr", "learning rate η", lrs, lr_opt, fmt="{:.4g}", static=(0.4, 1.0, 2.0, 3.0, lr_opt, 4.0)),
    ]
    return Explorer(fig, update, controls, redraw_on=(),
                    animated=paths.artists + losses.artists + [path_title, rate_text, verdict],
                    groups=[(("lr",), [paths.lines["GD"], losses.lines["GD"]]), ((), [paths.start])],
                    alt="Heavy-ball momentum and gradient descent with the same learning rate on an "
                        "ill-conditioned quadratic: paths on the contours and loss curves with predicted "
                        "and measured rates.")


def escape_explorer(tilt=1.0, steps=200):
    """Gradient descent and momentum from the same start on a tilted double well.

    Plain gradient descent settles in the nearer, shallow minimum; with enough
    momentum the run can carry over the saddle into the deep one. The label says
    which minimum each run ends next to.
    """
    d = DoubleWell(tilt)
    fig, (ax_path, ax_loss) = figure(2, width=4.0, height=3.3)
    names = ["GD", "Momentum"]
    paths = PathPanel(ax_path, d, names)
    losses = LossPanel(ax_loss, names, steps, floor=1e-12, ylim=(1e-12, 1e2),
                       ylabel=r"$L(\theta_t) - L(\theta_{\mathrm{deep}})$")
    gap = float(d.value(d.minima[1]) - d.value(d.minima[0]))
    ax_loss.axhline(gap, color="#666666", ls=":", lw=1.0)
    ax_loss.text(steps * 0.98, gap * 1.6, "shallow minimum", ha="right", fontsize=8, color="#444444")
    legend(ax_path, loc="lower left")
    legend(ax_loss, loc="lower left")
    outcome = ax_path.set_title("GD", fontsize=9)

    def ends_in(traj):
        if traj.diverged:
            return "diverged"
        distances = np.linalg.norm(d.minima - traj.final, axis=-1)
        return ["deep", "shallow"][int(np.argmin(distances))] + " minimum"

    momenta, lrs = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95), (0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.06)
    gd = batched(lambda lr: run(SGD(lr=lr), d, d.x0, steps, bound=10.0), lr=lrs)
    heavy_ball = batched(lambda momentum, lr: run(SGD(lr=lr, momentum=momentum), d, d.x0, steps, bound=10.0),
                         momentum=momenta, lr=lrs)

    def update(momentum, lr):
        runs = {"GD": gd(lr=lr), "Momentum": heavy_ball(momentum=momentum, lr=lr)}
        paths.set_paths(runs)
        losses.set_losses(runs, minimum=d.minimum_value)
        outcome.set_text(f"GD → {ends_in(runs['GD'])},  momentum → {ends_in(runs['Momentum'])}")

    controls = [
        Control("momentum", "momentum μ", momenta, 0.9, static=(0.0, 0.5, 0.8, 0.9, 0.95)),
        Control("lr", "learning rate η", lrs, 0.02, static=(0.01, 0.02, 0.03, 0.04, 0.05, 0.06)),
    ]
    return Explorer(fig, update, controls, redraw_on=(),
                    animated=paths.artists + losses.artists + [outcome],
                    groups=[(("lr",), [paths.lines["GD"], losses.lines["GD"]]), ((), [paths.start])],
                    alt="Gradient descent and momentum from the same start on a double well: "
                        "which minimum each run ends in, for a chosen momentum and learning rate.")
