"""Static figures of the AdamW chapter (``book/adamw.ipynb``); they draw what they are given."""

import numpy as np

from optlib.plotting import PALETTE, color, figure, legend


def pure_decay_figure(t, runs, predicted):
    """Parameters under weight decay alone: Adam + L2 (left) and AdamW (right).

    Args:
        t: the steps, shape ``(T,)``.
        runs: ``{"Adam + L2": {λ: θ_t}, "AdamW": {λ: θ_t}}``, each ``θ_t`` of shape ``(T,)``.
        predicted: ``{λ: θ_t}``, the closed form of AdamW's decay, drawn dotted.
    """
    fig, axes = figure(2, width=3.9, height=3.0)
    for ax, name in zip(axes, ("Adam + L2", "AdamW")):
        for i, (lam, theta) in enumerate(runs[name].items()):
            ax.plot(t, theta, lw=4 - 1.1 * i, color=PALETTE[i + 1], label=f"λ = {lam:g}", alpha=0.9)
        ax.set_title(name, fontsize=10, color=color(name))
        ax.set_xlabel("step $t$")
        ax.set_ylabel(r"$\theta_t$")
        ax.set_xlim(t[0], t[-1])
        ax.set_ylim(-0.05, 1.05)
        ax.grid(True, alpha=0.3)
    for i, (lam, theta) in enumerate(predicted.items()):
        axes[1].plot(t, theta, ":", color="black", lw=1.2,
                     label=r"$(1-\eta\lambda)^t$" if i == 0 else None)
    legend(axes[0], loc="upper right")
    legend(axes[1], loc="upper right")
    return fig


def lr_wd_heatmaps(lrs, panels, marked_rows=None, vmin=None, vmax=None):
    """Test error over a grid of learning rates (rows) × weight decays (columns), side by side.

    Args:
        lrs: the learning rates, shape ``(n,)``, log-spaced.
        panels: a list of ``(title, decay label, decays, errors)``; ``decays`` is ``(m,)`` for
            a rectangular grid or ``(n, m)`` when the decay axis depends on the row (a
            sheared view), log-spaced except that the first column may be a true zero,
            drawn as a strip one grid step below the others and marked "0"; ``errors`` is
            ``(n, m)``, NaN where the run diverged (grey).
        marked_rows: boolean ``(n,)``, the rows whose best decay is marked with a white dot
            (default all); the best cell overall is marked with a star.
    """
    fig, axes = figure(len(panels), width=3.1, height=3.0)
    axes = np.atleast_1d(axes)
    errors = np.concatenate([np.ravel(p[3]) for p in panels])
    vmin = np.nanmin(errors) if vmin is None else vmin
    vmax = np.nanpercentile(errors, 98) if vmax is None else vmax
    log_lr = np.log10(lrs)
    d = np.diff(log_lr).mean() / 2
    lr_edges = 10 ** np.concatenate([log_lr - d, log_lr[-1:] + d])
    for ax, (title, label, decays, err) in zip(axes, panels):
        ax.set_facecolor("#BBBBBB")  # diverged runs (NaN) show the background
        decays = np.array(np.broadcast_to(np.asarray(decays, dtype=float), np.shape(err)))
        zero = bool(np.all(decays[:, 0] == 0))
        if zero:  # a true zero: one grid step below the smallest decay
            decays[:, 0] = decays[:, 1] ** 2 / decays[:, 2]
        log_d = np.log10(decays)
        dd = np.diff(log_d, axis=1).mean() / 2
        edges = 10 ** np.concatenate([log_d - dd, log_d[:, -1:] + dd], axis=1)  # (n, m + 1)
        for i in range(len(lrs)):  # one strip per learning rate, with that row's decays
            X = np.repeat(lr_edges[i:i + 2, None], edges.shape[1], axis=1)
            mesh = ax.pcolormesh(X, np.vstack([edges[i], edges[i]]), np.ma.masked_invalid(err[i:i + 1]),
                                 cmap="viridis", vmin=vmin, vmax=vmax, shading="flat")
            if zero:
                ax.plot(lr_edges[i:i + 2], [edges[i, 1]] * 2, color="white", lw=1.2)
        if zero:  # label the zero strip inside the first row's cell
            ax.text(lr_edges[0] * 1.1, np.sqrt(edges[0, 0] * edges[0, 1]), "0", color="white", fontsize=8,
                    va="center")
        masked = np.where(np.isfinite(err), err, np.inf)
        rows = np.isfinite(err).any(axis=1) & (True if marked_rows is None else np.asarray(marked_rows))
        best = np.argmin(masked, axis=1)
        ax.plot(lrs[rows], decays[rows, best[rows]], "o", ms=3.5, color="white", mec="black", mew=0.5,
                label="best of each row")
        i, j = np.unravel_index(np.argmin(masked), err.shape)
        ax.plot(lrs[i], decays[i, j], "*", ms=12, color="white", mec="black", mew=0.7, label="best")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(lr_edges[0], lr_edges[-1])
        ax.set_ylim(edges.min(), edges.max())
        ax.set_xlabel(r"learning rate $\eta$")
        ax.set_ylabel(label)
        ax.set_title(title, fontsize=9.5)
    cbar = fig.colorbar(mesh, ax=list(axes), shrink=0.9, pad=0.02)
    cbar.set_label("test error (mean over seeds)")
    return fig


def decay_gain_figure(lrs, curves):
    """Test error against the learning rate, every seed shown: the spread behind the heatmaps' means.

    Args:
        lrs: the learning rates, shape ``(n,)``.
        curves: ``{label: errors}``, each ``errors`` of shape ``(n, seeds)``: one run per seed
            (small dots) and their mean (line) for every learning rate.
    """
    fig, ax = figure(1, width=5.2, height=3.0)
    for k, (label, err) in enumerate(curves.items()):
        c = "black" if k == 0 else color(label.split(",")[0], k)
        shift = 1.0 + 0.04 * (k - (len(curves) - 1) / 2)  # side by side, not on top of each other
        ax.plot(np.repeat(lrs * shift, err.shape[1]), np.ravel(err), ".", ms=3, color=c, alpha=0.35)
        ax.plot(lrs * shift, err.mean(axis=1), "-o", ms=4, lw=1.6, color=c, label=label)
    ax.set_xscale("log")
    ax.set_xlabel(r"learning rate $\eta$")
    ax.set_ylabel("test error")
    ax.grid(True, alpha=0.3)
    legend(ax, loc="upper left")
    return fig
