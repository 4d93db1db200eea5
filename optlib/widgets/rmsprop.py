"""Explorers of the RMSprop chapter (``book/rmsprop.ipynb``)."""

import numpy as np

from optlib import Quadratic, RMSprop, run
from optlib.plotting import COLORS, PathPanel, figure, legend
from optlib.theory import gd_optimal, rms_effective_lr
from optlib.widgets import Control, Explorer, batched

KAPPA = 100.0
STEPS = 300
EPS = 1e-8
WINDOW = (-2.2, 2.2), (-1.7, 1.7)  # room for the start point and RMSprop's first, long steps
ALPHAS = (0.9, 0.95, 0.99, 0.995, 0.999)
LRS = (0.003, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1)


def rotated_quadratic(kappa, angle_deg):
    """``Quadratic.ill_conditioned`` with the axes rotated by ``angle_deg`` degrees, in this chapter's window."""
    q = Quadratic.ill_conditioned(kappa, np.deg2rad(angle_deg))
    q.xlim, q.ylim = WINDOW
    return q


def rotation_explorer(kappa=KAPPA, steps=STEPS):
    """RMSprop on a quadratic of condition number ``kappa`` whose axes are rotated by an angle.

    Left: the path on the contour map. Right: the effective learning rate
    :math:`\\eta/(\\sqrt{v_t} + \\epsilon)` of each parameter, read from the
    optimizer's state ``v`` after every step, against gradient descent's best
    constant step :math:`\\eta^* = 2/(\\lambda_{\\min} + \\lambda_{\\max})`.
    """
    fig, (ax_path, ax_lr) = figure(2, width=4.2, height=3.4)
    q0 = rotated_quadratic(kappa, 0)
    lr_gd, _ = gd_optimal(*q0.eigenvalues)
    paths = PathPanel(ax_path, q0, ["RMSprop"])
    path_title = ax_path.text(0.5, 1.02, "", transform=ax_path.transAxes, ha="center", fontsize=9)

    t = np.arange(1, steps + 1)
    (lr1,) = ax_lr.plot([], [], lw=1.6, color=COLORS["RMSprop"], label=r"RMSprop, $x$")
    (lr2,) = ax_lr.plot([], [], lw=1.6, ls="--", color="#000000", label=r"RMSprop, $y$")
    ax_lr.axhline(lr_gd, color=COLORS["GD"], lw=1.2, ls=":", label=f"GD's best η* = {lr_gd:.3g}")
    ax_lr.set_yscale("log")
    ax_lr.set_xlim(0, steps)
    ax_lr.set_ylim(1e-3, 1e4)
    ax_lr.set_xlabel("step $t$")
    ax_lr.set_ylabel(r"effective learning rate $\eta/(\sqrt{v_t}+\epsilon)$")
    ax_lr.grid(True, which="major", alpha=0.3)
    legend(ax_lr, loc="upper left")
    lr_title = ax_lr.text(0.5, 1.02, "", transform=ax_lr.transAxes, ha="center", fontsize=9)
    status = ax_lr.text(0.98, 0.03, "", transform=ax_lr.transAxes, ha="right", va="bottom",
                        color="#B00020", fontsize=10, fontweight="bold")

    def rmsprop(alpha, lr, angle):
        q = rotated_quadratic(kappa, angle)
        return run(RMSprop(lr=lr, alpha=alpha, eps=EPS), q, q.x0, steps, bound=100.0, record=("v",))

    rmsprop = batched(rmsprop, alpha=ALPHAS, lr=LRS)  # one run per angle, for every alpha and lr

    def update(alpha, lr, angle):
        q = rotated_quadratic(kappa, angle)
        if paths.objective.A.tolist() != q.A.tolist():
            paths.set_objective(q)
        rms = rmsprop(alpha=alpha, lr=lr, angle=angle)
        v = rms.state["v"]
        paths.set_paths({"RMSprop": rms})
        effective = rms_effective_lr(v, lr, EPS)
        lr1.set_data(t[: len(effective)], effective[:, 0])
        lr2.set_data(t[: len(effective)], effective[:, 1])
        status.set_text("RMSprop diverged" if rms.diverged else "")
        path_title.set_text(f"κ = {kappa:g}, axes rotated by {angle:g}°")
        lr_title.set_text(f"RMSprop: γ = {alpha:g}, η = {lr:g}")

    controls = [
        Control("alpha", "decay γ (torch: alpha)", ALPHAS, 0.99, static=(0.9, 0.99, 0.999)),
        Control("lr", "learning rate η", LRS, 0.01, static=(0.003, 0.01, 0.03)),
        Control("angle", "rotation (degrees)", tuple(range(0, 50, 5)), 0, static=(0, 15, 30, 45),
                fmt="{:g}"),
    ]
    return Explorer(fig, update, controls,
                    animated=paths.artists + [lr1, lr2, status, path_title, lr_title],
                    redraw_on={"angle"},
                    alt="RMSprop's path on an ill-conditioned quadratic whose axes are rotated by a "
                        "chosen angle, beside RMSprop's effective learning rate of each parameter over "
                        "the steps, with gradient descent's best constant learning rate as a "
                        "horizontal line.")
