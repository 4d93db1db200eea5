"""Static figures of the chapter "After AdamW" (``book/modern.ipynb``).

Each function draws what the chapter computed with :func:`optlib.run` and
:mod:`optlib.theory`, and returns the figure; none of them runs an optimizer.
"""

import numpy as np

from optlib.plotting import PALETTE, figure, legend


def rectification_and_warmup(t, r, warmup, mean_losses, level):
    """Left: RAdam's rectification factor ``r`` over the steps ``t`` and a linear warm-up ``warmup`` (dashed).

    Right: mean losses (name -> array over the steps) divided by ``level``, Adam's
    stationary level; a horizontal line marks 1.
    """
    fig, (ax_r, ax_loss) = figure(2, width=4.0, height=3.2)
    ax_r.plot(t, r, lw=1.6, color=PALETTE[3], label=r"RAdam's $r_t$")
    ax_r.plot(t, warmup, "--", lw=1.2, color="#555555", label="linear warm-up")
    ax_r.set_xscale("log")
    ax_r.set_xlabel("step $t$")
    ax_r.set_ylabel("factor on the learning rate")
    legend(ax_r, loc="upper left")
    styles = ["-", "-", "-", "--", ":"]
    for i, (name, loss) in enumerate(mean_losses.items()):
        ax_loss.plot(np.arange(len(loss)), loss / level, styles[i % len(styles)], lw=1.4, color=PALETTE[i],
                     label=name)
    ax_loss.axhline(1.0, color="#777777", lw=0.8)
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("step $t$")
    ax_loss.set_ylabel("mean loss / Adam's stationary level")
    legend(ax_loss, loc="lower right")
    for ax in (ax_r, ax_loss):
        ax.grid(True, alpha=0.3)
    return fig


def newton_schulz_iterates(s, iterates, interval, cubic_iterates):
    """Left: the tuned quintic iterated on ``s`` (``iterates[k]`` after ``k + 1`` steps), the band ``interval``.

    Right: the same number of steps of the cubic :math:`\\tfrac32 s - \\tfrac12 s^3` (``cubic_iterates``).
    """
    fig, (ax_q, ax_c) = figure(2, width=4.0, height=3.2)
    for ax, its, title in ((ax_q, iterates, "Muon's quintic"), (ax_c, cubic_iterates, r"cubic $\frac{3}{2}s - \frac{1}{2}s^3$")):
        for k, y in enumerate(its):
            ax.plot(s, y, lw=1.3, color=PALETTE[k % len(PALETTE)], label=f"{k + 1} step" + ("s" if k else ""))
        ax.axhspan(*interval, color="#dddddd", zorder=0)
        ax.axhline(1.0, color="#777777", lw=0.8)
        ax.set_xlabel("singular value $s$ of $G/\\|G\\|_F$")
        ax.set_title(title, fontsize=10)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.3)
        ax.grid(True, alpha=0.3)
    ax_q.set_ylabel("after the iteration")
    legend(ax_c, loc="lower right")
    return fig


def comparison(lr_grid, val_loss, chosen, test_error):
    """Left: mean validation loss against the learning rate for each optimizer (name -> array over ``lr_grid``,
    NaN where kept out), a star at the ``chosen`` rate. Right: held-out test error (name -> array over draws,
    in %), one dot per draw and the mean.
    """
    fig, (ax_val, ax_test) = figure(2, width=4.0, height=3.2)
    names = list(val_loss)
    for i, name in enumerate(names):
        c = PALETTE[i % len(PALETTE)]
        ax_val.plot(lr_grid, val_loss[name], "o-", ms=3, lw=1.3, color=c, label=name)
        j = int(np.flatnonzero(lr_grid == chosen[name])[0])
        ax_val.plot(lr_grid[j], val_loss[name][j], "*", ms=11, color=c)
        errors = test_error[name]
        ax_test.plot(np.full(len(errors), i), errors, "o", ms=4, color=c, alpha=0.6)
        ax_test.plot([i - 0.3, i + 0.3], [errors.mean()] * 2, lw=2.0, color="black")
    ax_val.set_xscale("log")
    ax_val.set_yscale("log")
    ax_val.set_xlabel(r"learning rate $\eta$")
    ax_val.set_ylabel("validation loss (mean of the selection draws)")
    legend(ax_val, loc="upper right")
    ax_test.set_xticks(range(len(names)))
    ax_test.set_xticklabels(names, rotation=30, ha="right")
    ax_test.set_ylabel("test error on held-out draws (%)")
    for ax in (ax_val, ax_test):
        ax.grid(True, alpha=0.3)
    return fig
