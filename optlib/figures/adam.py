"""Static figures of the Adam chapter (``book/adam.ipynb``). They draw what they are given."""

import numpy as np

from optlib.plotting import COLORS, LossPanel, PathPanel, color, figure, legend


def bias_simulation(t, averages, predictions, targets):
    """Averages of Adam's moments over many runs, relative to the true moments, against the predicted bias.

    Args:
        t: steps, shape ``(T,)``.
        averages: ``{"m": ..., "m_hat": ..., "v": ..., "v_hat": ...}``, each ``(T,)``: the
            moments averaged over the runs.
        predictions: ``{"m": ..., "v": ...}``: the predicted expectations of the raw moments.
        targets: ``{"m": E[g], "v": E[g^2]}``; every curve is divided by its target.
    """
    fig, axes = figure(2, width=3.8, height=2.9)
    raw, corrected = "#0072B2", COLORS["Adam"]
    for ax, k in zip(axes, ("m", "v")):
        target = r"\mathbb{E}[g]" if k == "m" else r"\mathbb{E}[g^2]"
        beta = r"\beta_1" if k == "m" else r"\beta_2"
        ax.axhline(1.0, color="black", ls="--", lw=1, label="true moment")
        ax.plot(t, predictions[k] / targets[k], color="#444444", lw=1, label=f"$1-{beta}^t$")
        ax.plot(t, averages[k] / targets[k], "o", ms=2.5, color=raw, label=f"average ${k}_t$")
        ax.plot(t, averages[f"{k}_hat"] / targets[k], "s", ms=2.5, color=corrected,
                label=f"average $\\hat {k}_t$")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(t[0], t[-1])
        ax.set_ylim(5e-4, 3)
        ax.set_xlabel("step $t$")
        ax.set_ylabel(f"average $/\\, {target}$")
        ax.set_title("first moment" if k == "m" else "second moment", fontsize=10)
        ax.grid(True, which="major", alpha=0.3)
        legend(ax, loc="lower right")
    return fig


def step_sizes(t, measured, bounds, ylim=(0.1, 10)):
    """Adam's step in units of the learning rate, measured on gradient streams, against bounds.

    Args:
        t: steps, shape ``(T,)``.
        measured: ``{label: |Δθ_t|/η}`` measured curves, each ``(T,)``.
        bounds: ``{label: curve}`` closed-form curves, each ``(T,)``, drawn dashed.
    """
    fig, ax = figure(1, width=5.6, height=3.3)
    for i, (label, y) in enumerate(measured.items()):  # all are Adam steps: Adam's colour, then grey
        ax.plot(t, y, "o", ms=2.2, color=(COLORS["Adam"], "#777777", "#56B4E9")[i % 3], label=label)
    for i, (label, y) in enumerate(bounds.items()):
        ax.plot(t, y, ls=("--", ":", "-.")[i % 3], lw=1.4, color="black", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(*ylim)
    ax.set_xlim(t[0], t[-1])
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"step $|\theta_t-\theta_{t-1}|/\eta$")
    ax.grid(True, which="both", alpha=0.25)
    legend(ax, loc="lower right")
    return fig


def surface_comparison(objectives, runs, steps, saddle=None, threshold=1.0, windows=None):
    """Paths on the contour maps (top) and progress (bottom) of several optimizers on several surfaces.

    Args:
        objectives: the surfaces, one column each.
        runs: ``{surface name: {optimizer name: Trajectory}}``.
        steps: ``{surface name: steps drawn}``.
        saddle: the name of a surface without a minimum; its bottom panel shows
            the distance :math:`|y|` from the ridge (log-log) with the escape ``threshold`` instead of the loss.
        windows: optional ``{surface name: (xlim, ylim)}`` to zoom a contour map.
    """
    n = len(objectives)
    fig, axes = figure(n, width=3.5, height=3.1, nrows=2)
    for j, obj in enumerate(objectives):
        trajs = runs[obj.name]
        ax_path, ax_low = axes[j], axes[n + j]
        paths = PathPanel(ax_path, obj, list(trajs))
        paths.set_paths(trajs)
        ax_path.set_title(obj.name, fontsize=10)
        if windows and obj.name in windows:
            ax_path.set_xlim(*windows[obj.name][0])
            ax_path.set_ylim(*windows[obj.name][1])
        if obj.name == saddle:
            for i, (name, traj) in enumerate(trajs.items()):
                ax_low.plot(np.arange(len(traj.params)), np.abs(traj.params[:, 1]), color=color(name, i),
                            lw=1.5, label=name)
            ax_low.axhline(threshold, color="black", ls="--", lw=1)
            ax_low.set_xscale("symlog", linthresh=1)
            ax_low.set_yscale("log")
            ax_low.set_xlim(0, steps[obj.name])
            ax_low.set_ylim(5e-4, 50)
            ax_low.set_xlabel("step $t$")
            ax_low.set_ylabel(r"$|y|$ (escape at the dashed line)")
            ax_low.grid(True, alpha=0.3)
        else:
            losses = LossPanel(ax_low, list(trajs), steps[obj.name])
            losses.set_losses(trajs, obj.minimum_value)
        if j == 0:
            legend(ax_low, loc="lower left")
    return fig
