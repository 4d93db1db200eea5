"""Explorers of the schedules chapter (``book/schedules.ipynb``), and the noisy problem they run.

* :func:`additive_noise` -- an objective's gradient plus Gaussian noise: the model of the noise floor.
* :func:`book_schedules` -- the chapter's schedules, by name, for one base rate and run length.
* :func:`schedule_explorer` -- a schedule's shape beside the loss it gives SGD under noise.
* :func:`warmup_explorer` -- Adam with and without a warm-up, started at the minimum of a noisy quadratic.
"""

import numpy as np

from optlib import SGD, Adam, Quadratic, run
from optlib import schedules as S
from optlib.plotting import PALETTE, figure, legend
from optlib.theory import scheduled_sgd_excess_loss, sgd_noise_floor
from optlib.widgets import Control, Explorer, batched


def additive_noise(objective, sigma, seed=0, shape=None):
    r"""``theta -> (loss, grad + sigma * xi)`` with :math:`\xi \sim N(0, I)` drawn afresh at each call.

    The model behind the noise floor (:func:`optlib.theory.sgd_noise_floor` with
    :math:`\Sigma/B = \sigma^2 I`): the noise does not depend on :math:`\theta`. The loss is
    the exact one. A batch of runs (leading axes of ``theta``) gets independent noise. With
    ``shape``, :math:`\xi` has that shape (the last axes of ``theta``), and a batch of
    configurations in front of it shares each draw, as separate runs with the same ``seed`` would.
    """
    rng = np.random.default_rng(seed)
    return lambda theta: (objective.value(theta), objective.grad(theta)
                          + sigma * rng.standard_normal(np.shape(theta) if shape is None else shape))


def book_schedules(lr, steps):
    """The chapter's schedules with base rate ``lr`` for a run of ``steps`` steps, by name.

    constant; ``1/t`` (:math:`\\eta/(1 + (t-1)/50)`, a Robbins-Monro schedule); step decay
    (x0.3 every quarter); exponential decay (to 1/100 at the end); cosine annealing to 0;
    warm restarts (cycles of ``steps/15``, doubling: four cycles fill the run); a linear
    warm-up over the first ``steps/12`` steps, then cosine.
    """
    warm = max(steps // 12, 1)
    return {
        "constant": S.LambdaLR(lr, lr_lambda=lambda e: 1.0),
        "1/t": S.LambdaLR(lr, lr_lambda=lambda e: 1 / (1 + e / 50)),
        "StepLR": S.StepLR(lr, step_size=max(steps // 4, 1), gamma=0.3),
        "ExponentialLR": S.ExponentialLR(lr, gamma=0.01 ** (1 / steps)),
        "CosineAnnealingLR": S.CosineAnnealingLR(lr, T_max=steps),
        "CosineAnnealingWarmRestarts": S.CosineAnnealingWarmRestarts(lr, T_0=max(steps // 15, 1), T_mult=2),
        "warm-up + cosine": S.SequentialLR(lr, [S.LinearLR(lr, start_factor=0.01, total_iters=warm),
                                                S.CosineAnnealingLR(lr, T_max=steps - warm)], milestones=[warm]),
    }


def schedule_explorer(steps=600, runs=20, sigma=1.0, seed=0):
    r"""SGD under a schedule on a noisy quadratic (:math:`\kappa = 10`, gradient noise :math:`\sigma`).

    Left: the schedule :math:`\eta_t`. Right: the loss above the minimum, one run (faint),
    the mean of ``runs`` runs, and the exact expectation
    (:func:`optlib.theory.scheduled_sgd_excess_loss`), beside the floor of a constant rate
    equal to the base rate (dashed).
    """
    q = Quadratic.ill_conditioned(10.0)
    t = np.arange(steps + 1)
    fig, (ax_lr, ax_loss) = figure(2, width=4.0, height=3.2)
    (rate_line,) = ax_lr.plot([], [], lw=1.8, color=PALETTE[0])
    ax_lr.set(xlim=(0, steps), ylim=(0, 1.05), xlabel="step $t$", ylabel=r"learning rate $\eta_t$")
    (one_line,) = ax_loss.plot([], [], lw=0.5, color=PALETTE[0], alpha=0.35, label="one run")
    (mean_line,) = ax_loss.plot([], [], lw=1.6, color=PALETTE[0], label=f"mean of {runs} runs")
    (theory_line,) = ax_loss.plot([], [], ":", lw=1.6, color="black", label="expected (exact)")
    (floor_line,) = ax_loss.plot([0, steps], [np.nan, np.nan], "--", lw=1.2, color=PALETTE[3],
                                 label="floor of a constant base rate")
    ax_loss.set(yscale="log", xlim=(0, steps), ylim=(1e-4, 10), xlabel="step $t$", ylabel=r"$L(\theta_t) - L^*$")
    for ax in (ax_lr, ax_loss):
        ax.grid(True, alpha=0.3)
    legend(ax_loss, loc="upper right")
    note = ax_loss.text(0.03, 0.03, "", transform=ax_loss.transAxes, fontsize=8.5,
                        bbox=dict(facecolor="white", alpha=0.85, edgecolor="none"))
    x0 = np.tile(q.x0, (runs, 1))
    noise = sigma**2 * np.eye(2)
    lrs = (0.05, 0.1, 0.2, 0.4, 0.8, 1.0)

    def sgd(schedule, lr):  # every base rate shares the noise: as separate runs with the same seed
        lr = lr[..., None]  # a batch axis in front of the runs' axis
        return run(SGD(lr=book_schedules(lr, steps)[schedule]), additive_noise(q, sigma, seed, shape=x0.shape), x0,
                   steps, bound=1e3)

    sgd = batched(sgd, lr=lrs)  # one run per schedule, for every base rate

    def update(schedule, lr):
        s = book_schedules(lr, steps)[schedule]
        rates = s.values(steps)
        traj = sgd(schedule=schedule, lr=lr)
        loss = traj.loss - q.value(q.x_star)
        expected = scheduled_sgd_excess_loss(rates, q.A, noise, 1, q.x0 - q.x_star)
        rate_line.set_data(np.arange(1, steps + 1), rates)
        one_line.set_data(t, loss[:, 0])
        mean_line.set_data(t, loss.mean(axis=1))
        theory_line.set_data(t, expected)
        floor = sgd_noise_floor(lr, q.A, noise, 1)
        floor_line.set_ydata([floor, floor])
        note.set_text(f"{schedule}, η = {lr:g}\nexpected at t = {steps}: {expected[-1]:.1e}\n"
                      f"constant-rate floor: {floor:.1e}")

    controls = [
        Control("schedule", "schedule", tuple(book_schedules(1.0, steps)), "CosineAnnealingLR",
                static=("constant", "1/t", "StepLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts",
                        "warm-up + cosine")),
        Control("lr", "base learning rate η", lrs, 0.2, static=(0.05, 0.2, 1.0)),
    ]
    return Explorer(fig, update, controls, animated=[rate_line, one_line, mean_line, theory_line, floor_line, note],
                    alt="Left: a learning-rate schedule over 600 steps. Right: the loss of SGD with that "
                        "schedule on a noisy quadratic, one run, the mean of 20 runs and the exact expectation, "
                        "beside the noise floor of a constant rate.")


def warmup_explorer(steps=400, runs=200, seed=0):
    r"""Adam with a linear warm-up on a noisy quadratic started at its minimum.

    The loss :math:`\tfrac12\|\theta\|^2` (two coordinates, unit curvature) with unit
    gradient noise, from :math:`\theta_0 = 0`. Left: the schedule, ``LinearLR`` from
    :math:`0.01\eta` over ``W`` steps (``W = 0``: a constant rate). Right: the mean loss of
    ``runs`` runs divided by its level over the last quarter of the run, the overshoot that
    the first steps produce, against SGD's exact expectation at the same rate divided by its floor.
    """
    bowl = Quadratic(np.eye(2))
    fig, (ax_lr, ax_loss) = figure(2, width=4.0, height=3.2)
    (rate_line,) = ax_lr.plot([], [], lw=1.8, color=PALETTE[3])
    ax_lr.set(xlim=(0, steps), ylim=(0, 1.05), xlabel="step $t$", ylabel=r"learning rate $\eta_t$")
    (adam_line,) = ax_loss.plot([], [], lw=1.5, color=PALETTE[3], label=f"Adam, mean of {runs} runs")
    (sgd_line,) = ax_loss.plot([], [], ":", lw=1.5, color="black", label="SGD (expected)")
    ax_loss.axhline(1.0, color="#777777", lw=0.8)
    ax_loss.set(xlim=(0, steps), ylim=(0, 4.0), xlabel="step $t$", ylabel="mean loss / its final level")
    for ax in (ax_lr, ax_loss):
        ax.grid(True, alpha=0.3)
    legend(ax_loss, loc="upper right")
    note = ax_loss.text(0.97, 0.72, "", transform=ax_loss.transAxes, ha="right", fontsize=8.5,
                        bbox=dict(facecolor="white", alpha=0.85, edgecolor="none"))
    t = np.arange(steps + 1)
    betas, lrs = (0.0, 0.5, 0.9, 0.99), (0.1, 0.3, 1.0)

    def schedule(warmup, lr):
        return S.LinearLR(lr, start_factor=0.01, total_iters=warmup) if warmup else S.LambdaLR(lr, lambda e: 1.0)

    def adam(warmup, beta1, lr):  # every β₁ and rate shares the noise: as separate runs with the same seed
        beta1, lr = beta1[..., None], lr[..., None]  # batch axes in front of the runs' axis
        return run(Adam(lr=schedule(warmup, lr), betas=(beta1, 0.999)), additive_noise(bowl, 1.0, seed, shape=(runs, 2)),
                   np.zeros((runs, 2)), steps, bound=1e3)

    adam = batched(adam, beta1=betas, lr=lrs)  # one run per warm-up, for every β₁ and rate

    def update(warmup, beta1, lr):
        s = schedule(warmup, lr)
        rates = s.values(steps)
        loss = adam(warmup=warmup, beta1=beta1, lr=lr).loss.mean(axis=1)
        level = loss[3 * steps // 4:].mean()
        sgd = scheduled_sgd_excess_loss(rates, bowl.A, np.eye(2), 1, np.zeros(2))
        rate_line.set_data(np.arange(1, steps + 1), rates)
        adam_line.set_data(t, loss / level)
        sgd_line.set_data(t, sgd / sgd[-1])
        note.set_text(f"W = {warmup}, β₁ = {beta1:g}, η = {lr:g}\n"
                      f"highest mean loss: {np.max(loss[: 3 * steps // 4]) / level:.2f} × final level")

    controls = [
        Control("warmup", "warm-up steps W", (0, 10, 25, 50, 100, 200), 0, static=(0, 25, 100), fmt="{:d}"),
        Control("beta1", "β₁", betas, 0.9, static=(0.0, 0.9, 0.99)),
        Control("lr", "learning rate η", lrs, 0.3, static=(0.3, 1.0)),
    ]
    return Explorer(fig, update, controls, animated=[rate_line, adam_line, sgd_line, note],
                    alt="Left: a linear warm-up of the learning rate. Right: the mean loss of Adam runs started "
                        "at the minimum of a noisy quadratic, relative to its final level, beside SGD's "
                        "expected loss relative to its floor.")
