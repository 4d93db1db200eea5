"""Explorers of the SGD chapter (``book/sgd.ipynb``)."""

import numpy as np

from optlib import SGD, Quadratic, run
from optlib.theory import gd_rate
from optlib.plotting import LossPanel, PathPanel, figure
from optlib.widgets import Control, Explorer, lin_values, log_values


def conditioning_explorer(steps=60, angle=np.pi / 8):
    """Gradient descent on a quadratic with condition number ``kappa``, step size ``lr``.

    Left: the path on the contour map. Right: the loss gap on a log scale, with the
    predicted rate :math:`\\max_i|1-\\eta\\lambda_i|` against the measured one.
    """
    fig, (ax_path, ax_loss) = figure(2, width=4.0, height=3.2)
    start = Quadratic.ill_conditioned(1.0, angle)
    paths = PathPanel(ax_path, start, ["GD"])
    losses = LossPanel(ax_loss, ["GD"], steps, ylim=(1e-12, 1e4))
    title = ax_loss.text(0.5, 1.02, "", transform=ax_loss.transAxes, ha="center", fontsize=9)
    path_title = ax_path.text(0.5, 1.02, "", transform=ax_path.transAxes, ha="center", fontsize=9)

    def update(kappa, lr):
        q = Quadratic.ill_conditioned(kappa, angle)
        if paths.objective.condition_number != q.condition_number:
            paths.set_objective(q)
        traj = run(SGD(lr=lr), q, q.x0, steps, bound=100.0)  # |θ| > 100: plainly diverging
        paths.set_paths({"GD": traj})
        losses.set_losses({"GD": traj})
        path_title.set_text(f"κ = {kappa:g}, η = {lr:g}   (2/λ_max = 2)")
        rate = float(gd_rate(lr, q.eigenvalues))
        title.set_text(f"predicted rate per step max|1 - ηλ| = {rate:.3f}")

    controls = [
        Control("kappa", "condition number κ", log_values(1, 100, 9), 10.0,
                static=(1.0, 3.16, 10.0, 31.6, 100.0)),
        Control("lr", "learning rate η", lin_values(0.1, 2.2, 22), 1.0,
                static=(0.1, 0.5, 1.0, 1.5, 1.9, 2.1)),
    ]
    return Explorer(fig, update, controls, animated=paths.artists + losses.artists + [title, path_title],
                    redraw_on={"kappa"}, alt="Gradient descent zigzagging on an ill-conditioned quadratic, "
                        "with its loss on a log scale, for a chosen condition number and learning rate.")
