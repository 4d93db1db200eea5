"""Static figures of the RMSprop chapter (``book/rmsprop.ipynb``).

Each function draws what it is given on an :func:`optlib.plotting.figure` and returns
the figure; the runs are computed in the chapter with :func:`optlib.run`.
"""

import numpy as np

from optlib.plotting import COLORS, PALETTE, PathPanel, figure, legend

COLOR = {**COLORS, "AdaGrad": PALETTE[4]}   # AdaGrad appears in this chapter only


def steady_gradient(t, step_over_lr, predicted_over_lr, scales, final_steps, lr):
    """Left: RMSprop's step over :math:`\\eta` against the step under a constant gradient.
    Right: the step after many steps against the gradient's scale, for several optimizers.

    Args:
        t: steps, shape ``(T,)``.
        step_over_lr: ``{label: array (T,)}`` measured step / lr (one curve per decay γ).
        predicted_over_lr: ``{label: array (T,)}`` the closed-form prediction, same labels.
        scales: gradient magnitudes, shape ``(n,)``.
        final_steps: ``{optimizer name: array (n,)}`` the step size after the run.
        lr: the learning rate shared by all optimizers (a horizontal reference line).
    """
    fig, (ax_t, ax_g) = figure(2, width=4.2, height=3.3)
    for i, (label, ratio) in enumerate(step_over_lr.items()):
        c = [COLORS["RMSprop"], "#000000", PALETTE[4]][i % 3]
        ax_t.plot(t, ratio, color=c, lw=2.2, alpha=0.6, label=f"{label} (optlib)")
        ax_t.plot(t, predicted_over_lr[label], color=c, lw=1.0, ls="--")
    ax_t.plot([], [], color="grey", lw=1.0, ls="--", label=r"$1/\sqrt{1-\gamma^t}$")
    ax_t.set_xscale("log")
    ax_t.set_yscale("log")
    ax_t.axhline(1.0, color="grey", lw=0.8)
    ax_t.set_xlabel("step $t$")
    ax_t.set_ylabel(r"step $|\theta_t-\theta_{t-1}|\,/\,\eta$")
    ax_t.set_title("RMSprop under a constant gradient", fontsize=10)
    ax_t.grid(True, which="major", alpha=0.3)
    legend(ax_t, loc="upper right")

    markers = {"GD": "o", "Momentum": "s", "RMSprop": "^"}
    for name, steps in final_steps.items():
        ax_g.plot(scales, steps, marker=markers.get(name, "o"), ms=4, lw=1.4,
                  color=COLORS.get(name, "#000000"), label=name)
    ax_g.axhline(lr, color="grey", lw=0.8, ls=":")
    ax_g.text(scales[0], lr * 1.8, r"$\eta$", color="grey", fontsize=9)
    ax_g.set_xscale("log")
    ax_g.set_yscale("log")
    ax_g.set_xlabel(r"gradient scale $|g|$")
    ax_g.set_ylabel(r"step size after the run")
    ax_g.set_title("same η, gradients over 12 orders", fontsize=10)
    ax_g.grid(True, which="major", alpha=0.3)
    legend(ax_g, loc="upper left")
    return fig


def eps_placement(g, outside, inside, eps, lr):
    """The steady step over :math:`\\eta` against :math:`|g|` with ε outside and inside the root.

    Args:
        g: gradient magnitudes (log-spaced), shape ``(n,)``.
        outside: measured optlib steps (ε outside, torch), shape ``(n,)``.
        inside: the ε-inside formula's steps on the same ``v``, shape ``(n,)``.
        eps, lr: the ε and η used.
    """
    fig, ax = figure(1, width=5.6, height=3.4)
    ax.plot(g, outside / lr, color=COLORS["RMSprop"], lw=2.2,
            label=r"outside: $g/(\sqrt{v}+\epsilon)$  (torch, optlib)")
    ax.plot(g, inside / lr, color="#000000", lw=1.4, ls="--",
            label=r"inside: $g/\sqrt{v+\epsilon}$  (optax default, Keras 3)")
    for x, text in [(eps, r"$|g|=\epsilon$"), (np.sqrt(eps), r"$|g|=\sqrt{\epsilon}$")]:
        ax.axvline(x, color="grey", lw=0.8, ls=":")
        ax.text(x * 1.3, 4, text, color="grey", fontsize=9)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(1e-8, 30)
    ax.set_xlabel(r"gradient scale $|g|$ (held constant)")
    ax.set_ylabel(r"steady step / $\eta$")
    ax.set_title(rf"where $\epsilon$ goes ($\epsilon$ = {eps:g})", fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    legend(ax, loc="lower right")
    return fig


def rotation_paths(objectives, trajectories, titles):
    """Paths of several optimizers on a few objectives, one panel each.

    Args:
        objectives: the objectives, one per panel (their ``xlim``/``ylim`` set the window).
        trajectories: ``[{name: Trajectory}]``, one dict per panel.
        titles: panel titles.
    """
    fig, axes = figure(len(objectives), width=4.0, height=3.0)
    for ax, objective, trajs, title in zip(np.atleast_1d(axes), objectives, trajectories, titles):
        panel = PathPanel(ax, objective, list(trajs))
        panel.set_paths(trajs)
        for line in panel.lines.values():
            line.set_markersize(1.5)
            line.set_linewidth(1.1)
        ax.set_title(title, fontsize=10)
    legend(np.atleast_1d(axes)[0], loc="lower right")
    return fig


def rotation_cost(angles_deg, best_kappa, steps, tol):
    """Left: the best condition number any diagonal rescaling reaches, against the rotation.
    Right: steps to reach a distance ``tol`` from the minimum, against the rotation.

    Args:
        angles_deg: rotation angles in degrees, shape ``(n,)``.
        best_kappa: ``{kappa: array (n,)}``.
        steps: ``{(name, kappa): array (n,)}`` steps until the distance first falls to ``tol``.
        tol: the distance tolerance.
    """
    fig, (ax_k, ax_s) = figure(2, width=4.2, height=3.7)
    styles = {k: ls for k, ls in zip(sorted(best_kappa), ["-", "--", ":"])}
    for kappa, values in best_kappa.items():
        ax_k.plot(angles_deg, values, color="#000000", ls=styles[kappa], lw=1.4, label=f"κ = {kappa:g}")
    ax_k.set_yscale("log")
    ax_k.set_xlabel("rotation of the axes (degrees)")
    ax_k.set_ylabel(r"best $\kappa(D^{1/2} A D^{1/2})$ over diagonal $D$")
    ax_k.set_title("what any per-parameter scaling can reach", fontsize=10)
    ax_k.grid(True, which="major", alpha=0.3)
    legend(ax_k, loc="upper left")

    markers = {"GD": "o", "Momentum": "s", "RMSprop": "^"}
    for (name, kappa), values in steps.items():
        measured = np.isfinite(values)  # an optimizer may be run at a subset of the angles
        ax_s.plot(np.asarray(angles_deg)[measured], np.asarray(values)[measured],
                  color=COLORS.get(name, "#000000"), ls=styles[kappa],
                  marker=markers.get(name, "o"), ms=3.5, lw=1.4, label=f"{name}, κ = {kappa:g}")
    ax_s.set_yscale("log")
    ax_s.set_ylim(30, 5000)
    ax_s.set_xlabel("rotation of the axes (degrees)")
    ax_s.set_ylabel(rf"steps until $\|\theta_t-\theta^*\| \leq {tol:g}$")
    ax_s.set_title("the cost of a rotation", fontsize=10)
    ax_s.grid(True, which="major", alpha=0.3)
    fig.legend(*ax_s.get_legend_handles_labels(), loc="outside lower center", ncol=3, fontsize=8)
    for ax in (ax_k, ax_s):
        ax.set_xticks(np.arange(0, angles_deg[-1] + 1, 15))
    return fig


def _log_log(ax, xlabel, ylabel, title):
    """Log-log axes with labels, a title and a light grid."""
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="major", alpha=0.3)


def adagrad_stall(t, step_over_lr, law_over_lr, slope_steps, travelled, crossings):
    """Left: the step over :math:`\\eta` under a constant gradient, AdaGrad against RMSprop.
    Right: the distance travelled on a steep stretch followed by a gentle slope.

    Args:
        t: steps, shape ``(T,)``.
        step_over_lr: ``{name: array (T,)}`` measured step / lr under a constant gradient.
        law_over_lr: array ``(T,)``, AdaGrad's closed form :math:`1/\\sqrt t` (dashed).
        slope_steps: steps of the second run, shape ``(S,)``.
        travelled: ``{name: array (S,)}`` distance :math:`\\theta_0 - \\theta_t` on the slope.
        crossings: ``{name: step}`` where each run left the steep stretch (a marker).
    """
    fig, (ax_t, ax_s) = figure(2, width=4.2, height=3.3)
    for name, ratio in step_over_lr.items():
        ax_t.plot(t, ratio, color=COLOR.get(name, "#000000"), lw=2.2, alpha=0.7, label=name)
    ax_t.plot(t, law_over_lr, color="#000000", lw=1.0, ls="--", label=r"$1/\sqrt{t}$ (closed form)")
    _log_log(ax_t, "step $t$", r"step $|\theta_t-\theta_{t-1}|\,/\,\eta$", "a constant gradient")
    legend(ax_t, loc="lower left")

    for name, distance in travelled.items():
        color = COLOR.get(name, "#000000")
        ax_s.plot(slope_steps, distance, color=color, lw=2.0, label=name)
        c = crossings[name]
        ax_s.plot([c], [distance[c - slope_steps[0]]], marker="o", ms=5, color=color)
    ax_s.axhline(1.0, color="grey", lw=0.8, ls=":")
    ax_s.text(slope_steps[0] * 1.2, 1.3, "end of the steep stretch", color="grey", fontsize=8)
    _log_log(ax_s, "step $t$", r"distance travelled $\theta_0 - \theta_t$", "steep, then gentle: gradient 1, then 0.01")
    legend(ax_s, loc="upper left")
    return fig


def sparse_tuning(lrs, medians, best):
    """The median excess loss over the data sets against the learning rate, one curve per optimizer.

    Args:
        lrs: the learning-rate grid, shape ``(k,)``, shared by every optimizer.
        medians: ``{name: array (k,)}`` median excess loss at each rate (inf where runs diverged).
        best: ``{name: index}`` the rate each optimizer is compared at (a marker).
    """
    fig, ax = figure(1, width=5.6, height=3.4)
    markers = {"SGD": "o", "AdaGrad": "D", "RMSprop": "^"}
    for name, values in medians.items():
        color = COLOR.get(name, "#000000")
        finite = np.isfinite(values)
        ax.plot(np.asarray(lrs)[finite], np.asarray(values)[finite], color=color, lw=1.4,
                marker=markers.get(name, "o"), ms=3.5, label=name)
        ax.plot([lrs[best[name]]], [values[best[name]]], marker="o", ms=11, mfc="none", mec=color, mew=1.6)
    _log_log(ax, r"learning rate $\eta$ (the same grid for all)", "median excess loss after the run",
             "sparse features: each optimizer at each rate")
    legend(ax, loc="center left")
    return fig
