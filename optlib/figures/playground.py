"""Static figures of the playground chapter (``book/playground.ipynb``).

They draw what the chapter computed: learning-rate sweeps (final loss against
the learning rate, diverged runs marked at the top) and training curves averaged
over seeds with their spread.
"""

import numpy as np

from optlib.plotting import color, figure


def lr_sensitivity(lrs, gaps, diverged, titles, tolerances=None, ylim=(1e-16, 1e4)):
    """Final loss gap against the learning rate, one panel per surface.

    Args:
        lrs: the learning rates, shape ``(n,)``.
        gaps: ``[{name: final gap, shape (n,)}]``, one dict per panel.
        diverged: ``[{name: bool array (n,)}]``; those runs are drawn as ``x``, one row per optimizer above ``ylim``'s top.
        titles: the panels' titles.
        tolerances: optional dashed line per panel (the chapter's "solved" level).
    """
    ncols = 2
    nrows = int(np.ceil(len(gaps) / ncols))
    fig, axes = figure(ncols, width=3.9, height=2.8, nrows=nrows)
    axes = np.atleast_1d(axes)
    lo, hi = ylim
    for k, (ax, panel_gaps, panel_div, title) in enumerate(zip(axes, gaps, diverged, titles)):
        for i, (name, gap) in enumerate(panel_gaps.items()):
            ok = ~panel_div[name]
            ax.plot(lrs[ok], np.clip(gap[ok], lo, hi), "-", lw=1.5, color=color(name, i), label=name)
            ax.plot(lrs[~ok], np.full((~ok).sum(), hi * 3.0 ** (i + 1)), "x", ms=6, mew=1.5, color=color(name, i))
        if tolerances is not None:
            ax.axhline(tolerances[k], color="#555555", ls="--", lw=0.8)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(lo, hi * 3.0 ** (len(panel_gaps) + 1))  # a row above hi per optimizer for its crosses
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(r"learning rate $\eta$")
        ax.set_ylabel(r"$L(\theta_T) - L^*$")
        ax.grid(True, which="major", alpha=0.3)
    for ax in axes[len(gaps):]:
        ax.set_visible(False)
    handles = [ax_line for ax_line in axes[0].get_lines() if not ax_line.get_label().startswith("_")]
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize=8, frameon=False)
    return fig


def validation_sweep(lrs, val_loss, best, unstable=None, ylim=(0.05, 2.0)):
    """Validation loss after training against the learning rate, mean over seeds with a min–max band.

    Args:
        lrs: the learning rates, shape ``(n,)``.
        val_loss: ``{name: array (n, seeds)}``; NaN where a run diverged.
        best: ``{name: chosen learning rate}``, marked with a star.
        unstable: optional ``{name: bool array (n,)}``: learning rates kept out of the
            choice (a run diverged or was chaotic), marked with an open circle where
            the mean exists.
    """
    fig, ax = figure(1, width=5.2, height=3.3)
    for i, (name, loss) in enumerate(val_loss.items()):
        c = color(name, i)
        mean = loss.mean(axis=1)
        ax.fill_between(lrs, loss.min(axis=1), loss.max(axis=1), color=c, alpha=0.18, lw=0)
        ax.plot(lrs, mean, "-", color=c, lw=1.5, label=name)
        if unstable is not None:
            ax.plot(lrs[unstable[name]], mean[unstable[name]], "o", ms=6, mfc="none", mec=c, mew=1.2)
        j = int(np.argmin(np.abs(lrs - best[name])))
        ax.plot(lrs[j], mean[j], "*", color=c, ms=12, mec="black", mew=0.6)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(*ylim)
    ax.set_xlabel(r"learning rate $\eta$")
    ax.set_ylabel("validation loss after training")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, framealpha=0.85, loc="upper right")
    return fig


def training_curves(steps, train_loss, test_error, lrs):
    """Full training loss and test error against steps: mean over seeds, min–max band.

    Args:
        steps: the steps at which the curves were evaluated, shape ``(k,)``.
        train_loss, test_error: ``{name: array (seeds, k)}``.
        lrs: ``{name: learning rate}`` for the legend.
    """
    fig, (ax_loss, ax_err) = figure(2, width=4.0, height=3.2)
    for i, name in enumerate(train_loss):
        c = color(name, i)
        for ax, values in ((ax_loss, train_loss[name]), (ax_err, 100 * test_error[name])):
            ax.fill_between(steps, values.min(axis=0), values.max(axis=0), color=c, alpha=0.18, lw=0)
            ax.plot(steps, values.mean(axis=0), color=c, lw=1.5, label=f"{name} (η={lrs[name]:.2g})")
    ax_loss.set_yscale("log")
    ax_loss.set_ylabel("training loss (full batch)")
    ax_err.set_ylabel("test error (%)")
    ax_err.set_ylim(0, 20)
    for ax in (ax_loss, ax_err):
        ax.set_xlabel("step $t$")
        ax.grid(True, which="major", alpha=0.3)
    ax_loss.legend(fontsize=8, framealpha=0.85, loc="upper right")
    return fig
