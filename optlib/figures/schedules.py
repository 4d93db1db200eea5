"""Static figures of the schedules chapter (``book/schedules.ipynb``).

Each function draws what the chapter computed with :func:`optlib.run`,
:mod:`optlib.schedules` and :mod:`optlib.theory`, and returns the figure; none of them
runs an optimizer.
"""

import numpy as np

from optlib.plotting import PALETTE, figure, legend


def schedules_and_losses(rates, losses, expected, floor):
    """Left: each schedule's rates. Right: the mean loss of its runs, and the exact expectation (dotted).

    ``rates``, ``losses`` (shape ``(steps + 1, runs)``) and ``expected`` map a schedule's
    name to arrays; ``floor`` is the noise floor of a constant base rate (dashed).
    """
    fig, (ax_lr, ax_loss) = figure(2, width=4.0, height=3.2)
    for i, name in enumerate(rates):
        c = PALETTE[i]
        ax_lr.plot(np.arange(1, len(rates[name]) + 1), rates[name], lw=1.6, color=c, label=name)
        ax_loss.plot(losses[name].mean(axis=1), lw=1.3, color=c, label=name)
        ax_loss.plot(expected[name], ":", lw=1.3, color="black")
    ax_loss.axhline(floor, ls="--", lw=1.0, color="#777777")
    ax_lr.set_xlabel("step $t$")
    ax_lr.set_ylabel(r"learning rate $\eta_t$")
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("step $t$")
    ax_loss.set_ylabel(r"mean $L(\theta_t) - L^*$")
    for ax in (ax_lr, ax_loss):
        ax.grid(True, alpha=0.3)
    legend(ax_lr, loc="upper right")
    return fig


def adam_warmup(log_rate_var, predicted_var, mean_losses, stationary, sgd_expected):
    """Left: the variance of Adam's log-rate over the steps, measured and RAdam's prediction.

    Right: the mean loss of Adam's runs from the minimum, relative to its stationary level,
    for each configuration in ``mean_losses`` (name -> array), and SGD's exact expectation
    relative to its floor (``sgd_expected``, dotted).
    """
    fig, (ax_var, ax_loss) = figure(2, width=4.0, height=3.2)
    t = np.arange(1, len(log_rate_var) + 1)
    ax_var.plot(t, log_rate_var, "o", ms=3, color=PALETTE[3], label=r"measured (Adam's $\hat v_t$)")
    ax_var.plot(t, predicted_var, "-", lw=1.3, color="black", label=r"$\psi_1(\rho_t/2)/4$ (RAdam)")
    ax_var.set_xscale("log")
    ax_var.set_yscale("log")
    ax_var.set_xlabel("step $t$")
    ax_var.set_ylabel(r"Var $\log(1/\sqrt{\hat v_t})$")
    legend(ax_var, loc="lower left")
    for i, name in enumerate(mean_losses):
        ax_loss.plot(mean_losses[name] / stationary[name], lw=1.4, color=PALETTE[i + 3], label=name)
    ax_loss.plot(sgd_expected / sgd_expected[-1], ":", lw=1.4, color="black", label="SGD (expected)")
    ax_loss.axhline(1.0, color="#777777", lw=0.8)
    ax_loss.set_xlabel("step $t$")
    ax_loss.set_ylabel("mean loss / its stationary level")
    legend(ax_loss, loc="lower right")
    for ax in (ax_var, ax_loss):
        ax.grid(True, alpha=0.3)
    return fig


def linear_scaling(curves, floors, examples_per_step):
    """Mean loss gap against the number of examples seen, for several (learning rate, batch size) pairs.

    ``curves`` maps ``(lr, B)`` to the mean loss gap per step; ``floors`` to the exact floor
    (dashed); ``examples_per_step`` to ``B``.
    """
    fig, ax = figure(1, width=6.0, height=3.3)
    for i, key in enumerate(curves):
        c = PALETTE[i]
        seen = np.arange(len(curves[key])) * examples_per_step[key]
        ax.plot(seen[1:], curves[key][1:], lw=1.4, color=c, label=rf"$\eta = {key[0]:g}$, $B = {key[1]}$")
        ax.axhline(floors[key], ls="--", lw=1.0, color=c)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("examples seen")
    ax.set_ylabel(r"mean $L(\theta_t) - L^*$ on all data")
    ax.grid(True, alpha=0.3)
    legend(ax, loc="upper right")
    return fig
