"""Explorers of the Adam chapter (``book/adam.ipynb``), and the state trace they plot."""

import numpy as np

from optlib import Adam, run
from optlib.plotting import color, figure
from optlib.widgets import Control, Explorer


def moment_trace(optimizer, grads, theta0=0.0):
    """Feed the gradient stream ``grads`` (shape ``(T, ...)``) to ``optimizer``; keep its state after every step.

    The gradients do not depend on the parameters (a stream of given numbers); the
    run is :func:`optlib.run` with ``record``. Returns arrays of shape ``(T, ...)``:
    ``m``, ``v``, ``m_hat``, ``v_hat`` from ``optimizer.state``, ``step`` the actual
    step :math:`\\theta_{t-1} - \\theta_t`, and ``step_uncorrected`` the step the same
    moments would give without bias correction, :math:`\\eta\\, m_t / (\\sqrt{v_t} + \\epsilon)`.
    """
    grads = np.asarray(grads, dtype=float)
    lr, eps = optimizer.hyperparameters["lr"], optimizer.hyperparameters["eps"]
    x0 = np.full(grads.shape[1:] or (1,), theta0)  # the runner wants a parameter axis
    stream = lambda theta: grads[min(optimizer.t, len(grads) - 1)].reshape(x0.shape)  # after t steps, step t + 1 uses grads[t] = g_{t+1}
    traj = run(optimizer, stream, x0, len(grads), bound=np.inf, record=("m", "v", "m_hat", "v_hat"))
    trace = {k: v.reshape(grads.shape) for k, v in traj.state.items()}
    trace["step"] = -np.diff(traj.params, axis=0).reshape(grads.shape)
    trace["step_uncorrected"] = lr * trace["m"] / (np.sqrt(trace["v"]) + eps)
    return trace


def noisy_gradients(steps, mean=1.0, std=0.5, seed=0, runs=None):
    """A stream of i.i.d. Gaussian gradients ``mean + std * noise``, shape ``(steps,)`` or ``(steps, runs)``."""
    shape = (steps,) if runs is None else (steps, runs)
    return mean + std * np.random.default_rng(seed).standard_normal(shape)


def bias_correction_explorer(steps=200, mean=1.0, std=0.5, seed=0):
    """Adam's moments on a noisy gradient stream, with and without bias correction.

    Left: the gradients, :math:`m_t` and :math:`\\hat m_t` against :math:`\\mathbb E[g]`.
    Middle: :math:`v_t` and :math:`\\hat v_t` against :math:`\\mathbb E[g^2]`.
    Right: the step :math:`|\\Delta\\theta_t|/\\eta` that Adam takes, and the one the
    uncorrected moments would give.
    """
    grads = noisy_gradients(steps, mean, std, seed)
    t = np.arange(1, steps + 1)
    fig, (ax_m, ax_v, ax_s) = figure(3, width=3.3, height=3.0)
    ax_m.plot(t, grads, ".", ms=2.5, color="#999999", label="$g_t$")
    ax_m.axhline(mean, color="black", ls="--", lw=1, label=r"$\mathbb{E}[g]$")
    ax_v.plot(t, grads**2, ".", ms=2.5, color="#999999", label="$g_t^2$")
    ax_v.axhline(mean**2 + std**2, color="black", ls="--", lw=1, label=r"$\mathbb{E}[g^2]$")
    ax_s.axhline(1.0, color="black", ls="--", lw=1, label=r"$\eta$")
    adam, raw = color("Adam"), "#0072B2"
    (m_line,) = ax_m.plot([], [], color=raw, lw=1.4, label="$m_t$")
    (m_hat_line,) = ax_m.plot([], [], color=adam, lw=1.6, label=r"$\hat m_t$")
    (v_line,) = ax_v.plot([], [], color=raw, lw=1.4, label="$v_t$")
    (v_hat_line,) = ax_v.plot([], [], color=adam, lw=1.6, label=r"$\hat v_t$")
    (raw_step,) = ax_s.plot([], [], color=raw, lw=1.4, label="uncorrected")
    (step,) = ax_s.plot([], [], color=adam, lw=1.6, label="Adam (corrected)")
    title = fig.suptitle(" ", fontsize=9)
    for ax, ylabel, ylim in ((ax_m, "first moment", (-0.5, 2.6)), (ax_v, "second moment", (0, 4.5)),
                             (ax_s, r"step $|\Delta\theta_t|/\eta$", (0.05, 300))):
        ax.set_xscale("log")
        ax.set_xlim(1, steps)
        ax.set_ylim(*ylim)
        ax.set_xlabel("step $t$")
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7, loc="upper left" if ax is not ax_s else "upper right", framealpha=0.85)
    ax_s.set_yscale("log")

    def update(beta1, beta2):
        trace = moment_trace(Adam(lr=1.0, betas=(beta1, beta2)), grads)
        m_line.set_data(t, trace["m"])
        m_hat_line.set_data(t, trace["m_hat"])
        v_line.set_data(t, trace["v"])
        v_hat_line.set_data(t, trace["v_hat"])
        step.set_data(t, np.abs(trace["step"]))
        raw_step.set_data(t, np.abs(trace["step_uncorrected"]))
        title.set_text(f"β₁ = {beta1:g}, β₂ = {beta2:g}: without bias correction the first step "
                       f"would be {abs(trace['step_uncorrected'][0]):.3g} η instead of η")

    controls = [
        Control("beta1", "β₁", (0.0, 0.5, 0.8, 0.9, 0.95, 0.99), 0.9, static=(0.0, 0.5, 0.9, 0.99)),
        Control("beta2", "β₂", (0.9, 0.99, 0.995, 0.999, 0.9999), 0.999, static=(0.9, 0.99, 0.999, 0.9999)),
    ]
    animated = [m_line, m_hat_line, v_line, v_hat_line, raw_step, step, title]
    return Explorer(fig, update, controls, animated=animated,
                    alt="Adam's first and second moment estimates on a noisy gradient stream, "
                        "with and without bias correction, and the resulting step size, "
                        "for chosen decay rates beta1 and beta2.")
