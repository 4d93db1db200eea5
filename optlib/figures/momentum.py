"""Static figures of the momentum chapter (``book/momentum.ipynb``).

They only draw what they are given: the chapter computes the runs with
:func:`optlib.run` and the predictions with :mod:`optlib.theory`.
"""

import numpy as np

from optlib.runner import Trajectory
from optlib.plotting import PathPanel, color, figure, legend


def paths_and_errors(objective, trajectories, errors, predicted=None, ylabel=None, title=None,
                     ylim=None, path_steps=None, width=4.0, height=3.2):
    """Paths over the contours (left) and a per-step error on a log scale (right).

    Args:
        objective: the surface under the paths.
        trajectories: ``{name: Trajectory}``, drawn in the book's colours.
        errors: ``{name: array}`` of the quantity on the right (a distance or a loss gap).
        predicted: optional ``{label: (array, name)}``: dashed curves in the colour of ``name``.
        ylabel, title: axis label of the right panel and a figure title.
        path_steps: draw only the first ``path_steps`` steps of each path (long paths
            that have converged add nothing visible, only bytes).
    """
    fig, (ax_path, ax_err) = figure(2, width=width, height=height)
    paths = PathPanel(ax_path, objective, list(trajectories), levels=14)
    if path_steps is not None:
        trajectories = {name: Trajectory(traj.params[:path_steps + 1], None, traj.diverged_at)
                        for name, traj in trajectories.items()}
    paths.set_paths(trajectories)
    legend(ax_path, loc="lower right")
    for i, (name, e) in enumerate(errors.items()):
        ax_err.semilogy(np.arange(len(e)), e, lw=1.6, color=color(name, i), label=name)
    for label, (curve, name) in (predicted or {}).items():
        ax_err.semilogy(np.arange(len(curve)), curve, "--", lw=1.1, color=color(name), label=label)
    ax_err.set_xlabel("step $t$")
    ax_err.set_ylabel(ylabel or r"$\|\theta_t - \theta^*\| / \|\theta_0 - \theta^*\|$")
    if ylim is not None:
        ax_err.set_ylim(*ylim)
    ax_err.grid(True, alpha=0.3)
    legend(ax_err, loc="best")
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def gain(steps, asymptotes, momentum):
    """The step length under a constant and an alternating gradient, with their limits.

    Args:
        steps: ``{label: array}`` of step lengths :math:`|\\theta_t - \\theta_{t-1}|` per step.
        asymptotes: ``{label: value}``, the limits drawn as dotted lines.
        momentum: the :math:`\\mu` of the runs (for the title).
    """
    fig, ax = figure(1, width=5.2, height=3.0)
    for i, (label, s) in enumerate(steps.items()):
        ax.plot(np.arange(1, len(s) + 1), s, "o-", ms=2.5, lw=1.2, color=color("", i + 1), label=label)
    for i, (label, value) in enumerate(asymptotes.items()):
        ax.axhline(value, ls=":", lw=1.2, color=color("", i + 1))
        ax.text(1.0, value, " " + label, transform=ax.get_yaxis_transform(), va="center", fontsize=8)
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"step length $|\theta_t - \theta_{t-1}|$")
    ax.set_title(f"heavy ball, $\\mu = {momentum:g}$: one gradient, repeated or alternating", fontsize=9)
    ax.grid(True, alpha=0.3)
    legend(ax, loc="center right")
    return fig


def rates(h, rates_by_momentum, boundaries, kappas, steps_by_name, measured_by_name):
    """Left: spectral radius against :math:`\\eta\\lambda` per :math:`\\mu`, with the stability limits.
    Right: steps to a tolerance against :math:`\\kappa`, predicted (lines) and measured (markers).

    Args:
        h: the grid of :math:`\\eta\\lambda` values.
        rates_by_momentum: ``{mu: array over h}``.
        boundaries: ``{mu: eta*lambda limit}``, drawn as vertical dotted lines.
        kappas: the condition numbers on the right.
        steps_by_name, measured_by_name: ``{name: array over kappas}``.
    """
    fig, (ax_rate, ax_steps) = figure(2, width=4.0, height=3.2)
    for i, (mu, r) in enumerate(rates_by_momentum.items()):
        c = "#0072B2" if mu == 0 else color("", i + 1)
        ax_rate.plot(h, r, lw=1.5, color=c, label=f"$\\mu = {mu:g}$" + (" (GD)" if mu == 0 else ""))
        ax_rate.axvline(boundaries[mu], ls=":", lw=1.0, color=c)
    ax_rate.axhline(1.0, color="#B00020", lw=0.8)
    ax_rate.set_ylim(0, 1.3)
    ax_rate.set_xlim(h[0], h[-1])
    ax_rate.set_xlabel(r"$\eta\lambda$")
    ax_rate.set_ylabel(r"spectral radius $\rho(T)$")
    ax_rate.set_title(r"one eigendirection; diverges where $\rho > 1$", fontsize=9)
    legend(ax_rate, loc="lower left")
    for name, steps in steps_by_name.items():
        ax_steps.loglog(kappas, steps, lw=1.4, color=color(name), label=f"{name}: predicted")
        ax_steps.loglog(kappas, measured_by_name[name], "o", ms=5, mfc="none", color=color(name),
                        label=f"{name}: optlib run")
    ax_steps.set_xlabel(r"condition number $\kappa$")
    ax_steps.set_ylabel(r"steps to $\|\theta_t - \theta^*\| \leq 10^{-6}\|\theta_0 - \theta^*\|$")
    ax_steps.set_title("each at its optimal parameters", fontsize=9)
    ax_steps.grid(True, which="major", alpha=0.3)
    legend(ax_steps, loc="upper left")
    return fig


REGIMES = {0: ("over-damped", "#CFE3F1"), 1: ("under-damped (spirals)", "#F6E3B4"),
           2: ("over-stepped (sign flips)", "#E8C9DD"), 3: ("unstable", "#DDDDDD")}


def phase_diagram(h, mu, regimes, lr, momentum, rates, optimum, lam_max):
    """Left: heavy ball's regime along one eigendirection over (eta*lambda, mu).
    Right: its rate on a quadratic over (eta, mu), with the stability limit and the optimum.

    Args:
        h, mu: meshes of :math:`\\eta\\lambda` and :math:`\\mu` for the left panel.
        regimes: integer codes of :func:`optlib.theory.momentum_regime` on that mesh.
        lr, momentum: meshes of :math:`\\eta` and :math:`\\mu` for the right panel.
        rates: :math:`\\max_\\lambda \\rho(T)` on that mesh (values >= 1 are drawn as unstable).
        optimum: ``(lr, momentum, rate)`` of Polyak's parameters, marked with a star.
        lam_max: the largest eigenvalue, for the stability limit :math:`\\eta = (2 + 2\\mu)/\\lambda_{\\max}`.
    """
    from matplotlib.colors import ListedColormap
    fig, (ax_reg, ax_rate) = figure(2, width=4.0, height=3.3)
    ax_reg.pcolormesh(h, mu, regimes, cmap=ListedColormap([c for _, c in REGIMES.values()]), vmin=-0.5, vmax=3.5,
                      shading="auto", rasterized=True)
    m = np.linspace(0, mu.max(), 200)
    for curve, style in [((1 - np.sqrt(m)) ** 2, "-"), ((1 + np.sqrt(m)) ** 2, "--"), (2 + 2 * m, ":")]:
        ax_reg.plot(curve, m, style, color="k", lw=1.0)
    for code, (label, c) in REGIMES.items():
        ax_reg.plot([], [], "s", ms=8, color=c, label=label)
    ax_reg.plot([], [], "-", color="k", lw=1.0, label="critical damping")
    ax_reg.set_xlim(h.min(), h.max())
    ax_reg.set_xlabel(r"$\eta\lambda$")
    ax_reg.set_ylabel(r"momentum $\mu$")
    ax_reg.set_title("one eigendirection", fontsize=9)
    legend(ax_reg, loc="upper right")
    stable = np.where(rates < 1, rates, np.nan)
    mesh = ax_rate.contourf(lr, momentum, stable, levels=np.linspace(0.8, 1.0, 11), cmap="viridis_r", extend="min")
    ax_rate.plot((2 + 2 * m) / lam_max, m, ":", color="k", lw=1.0, label=r"limit $\eta\lambda_{\max} = 2 + 2\mu$")
    ax_rate.plot(optimum[0], optimum[1], "*", ms=11, color="#D55E00", label=f"optimum, rate {optimum[2]:.3f}")
    ax_rate.set_xlim(lr.min(), lr.max())
    ax_rate.set_xlabel(r"learning rate $\eta$")
    ax_rate.set_ylabel(r"momentum $\mu$")
    ax_rate.set_title(r"$\kappa = 100$: largest rate $\rho(T)$ over the $\lambda_i$; white: diverges", fontsize=9)
    fig.colorbar(mesh, ax=ax_rate, shrink=0.8)
    legend(ax_rate, loc="lower right")
    return fig
