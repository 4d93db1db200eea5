"""Explorers of the AdamW chapter (``book/adamw.ipynb``)."""

import numpy as np

from optlib import Adam, AdamW, run
from optlib.plotting import color, figure, legend
from optlib.theory import adam_l2_effective_decay, adamw_pure_decay
from optlib.widgets import Control, Explorer

LAMBDAS = (0.0316, 0.1, 0.316, 1.0)
SIGMAS = (0.01, 0.1, 1.0, 10.0)


def noisy_decay_runs(lambdas=LAMBDAS, sigmas=SIGMAS, lr=0.01, steps=600, runs=200, seed=0):
    r"""Adam + L2 and AdamW on a loss whose gradient is pure noise, :math:`g = \sigma\xi`, :math:`\xi \sim N(0, 1)`.

    The loss has no preferred value of :math:`\theta`, so any pull towards 0 is the weight
    decay's. Every (weight decay, noise scale) pair is one batch entry of a single run per
    optimizer (hyperparameters as arrays), from :math:`\theta_0 = 1`, with the same noise
    for both optimizers. Returns ``{name: mean of θ_t over the runs}``, arrays of shape
    ``(steps + 1, len(lambdas), len(sigmas))``.
    """
    lam = np.asarray(lambdas, dtype=float)[:, None, None, None]
    sigma = np.asarray(sigmas, dtype=float)[:, None, None]
    shape = (len(lambdas), len(sigmas), runs, 1)
    out = {}
    for name, opt in (("Adam + L2", Adam(lr=lr, weight_decay=lam)), ("AdamW", AdamW(lr=lr, weight_decay=lam))):
        rng = np.random.default_rng(seed)
        noise = lambda theta: np.broadcast_to(sigma * rng.standard_normal(shape[1:]), theta.shape)
        traj = run(opt, noise, np.ones(shape), steps, bound=1e3)
        out[name] = traj.params[..., 0].mean(axis=-1)
    return out


def decay_explorer(lr=0.01, steps=600, runs=200, seed=0):
    """Weight decay of two parameters with different gradient scales, Adam + L2 against AdamW.

    The parameters are θ = (x, y); the loss gradient of x is zero-mean noise of scale σ₁, that of
    y of scale σ₂, so only the decay moves the means of x and y. AdamW shrinks both by 1 - ηλ per
    step; Adam + L2 divides λ by the gradient scale √v̂ ≈ √(σ² + (λθ)²), which holds the decay term
    itself too.
    ``seed`` seeds the noise (the book passes its ``book_seed()``).
    """
    mean = noisy_decay_runs(LAMBDAS, SIGMAS, lr, steps, runs, seed)
    t = np.arange(steps + 1)
    fig, axes = figure(2, width=3.9, height=3.1)
    lines, texts = {}, []
    for k, ax in enumerate(axes):
        for name in ("Adam + L2", "AdamW"):
            (lines[name, k],) = ax.plot([], [], lw=1.8, color=color(name), label=name)
        (lines["pred", k],) = ax.plot([], [], ":", lw=1.3, color="black", label=r"$(1-\eta\lambda)^t$")
        ax.set_xlim(0, steps)
        ax.set_ylim(-0.08, 1.08)
        ax.axhline(0, color="#999999", lw=0.6)
        ax.set_xlabel("step $t$")
        ax.set_ylabel(rf"mean ${'xy'[k]}$ over {runs} runs")
        ax.grid(True, alpha=0.3)
        texts.append(ax.text(0.5, 1.02, "", transform=ax.transAxes, ha="center", fontsize=9))
        texts.append(ax.text(0.97, 0.6, "", transform=ax.transAxes, ha="right", va="top", fontsize=8.5,
                             bbox=dict(facecolor="white", alpha=0.85, edgecolor="none")))
    legend(axes[0], loc="lower left")

    def update(lam, sigma1, sigma2):
        i = LAMBDAS.index(lam)
        for k, sigma in enumerate((sigma1, sigma2)):
            j = SIGMAS.index(sigma)
            for name in ("Adam + L2", "AdamW"):
                lines[name, k].set_data(t, mean[name][:, i, j])
            lines["pred", k].set_data(t, adamw_pure_decay(1.0, lr, lam, t))
            texts[2 * k].set_text(f"{'xy'[k]}: gradient noise σ{k + 1} = {sigma:g}")
            # Adam + L2 at the start: v̂ ≈ σ² + (λθ₀)², the noise plus the decay term itself
            effective = float(adam_l2_effective_decay(lam, sigma ** 2 + lam ** 2))
            texts[2 * k + 1].set_text(f"decay rate at t = 0 (× η):\nAdamW  λ = {lam:g}\n"
                                      f"Adam + L2  λ/√v̂ = {effective:.3g}")

    controls = [
        Control("lam", "weight decay λ", LAMBDAS, 0.316),
        Control("sigma1", "gradient scale σ₁", SIGMAS, 10.0, static=(0.01, 1.0, 10.0)),
        Control("sigma2", "gradient scale σ₂", SIGMAS, 0.01, static=(0.01, 1.0, 10.0)),
    ]
    artists = [line for line in lines.values()] + texts
    return Explorer(fig, update, controls, animated=artists,
                    alt="Mean of two parameters under weight decay over the steps, for Adam with L2 "
                        "regularisation and for AdamW, when their gradients have different scales.")
