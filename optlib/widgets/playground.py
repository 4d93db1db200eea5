"""Explorers of the playground chapter (``book/playground.ipynb``): the five optimizers side by side.

:func:`contender` builds each optimizer of the book with its default settings,
:func:`race` runs all of them on one surface, and the two explorers draw the
runs: :func:`race_explorer` scrubs through time on every surface (the website's
animation), :func:`playground_explorer` lets the reader move the start point
and each learning rate, at a constant rate or with a cosine decay. Runs are
cached, so moving one slider reruns one optimizer.
"""

from functools import lru_cache

import numpy as np

from optlib import SGD, Adam, AdamW, Beale, Himmelblau, Quadratic, RMSprop, Rosenbrock, Saddle, Trajectory, run
from optlib.plotting import LossPanel, PathPanel, color, figure
from optlib.schedules import CosineAnnealingLR
from optlib.widgets import Control, Explorer, log_values

NAMES = ("SGD", "Momentum", "RMSprop", "Adam", "AdamW")


def contender(name, lr):
    """The optimizer ``name`` at learning rate ``lr`` (a number, or an array for a sweep)."""
    return {
        "SGD": lambda: SGD(lr=lr),
        "Momentum": lambda: SGD(lr=lr, momentum=0.9),
        "RMSprop": lambda: RMSprop(lr=lr),  # alpha = 0.99
        "Adam": lambda: Adam(lr=lr),  # betas = (0.9, 0.999)
        "AdamW": lambda: AdamW(lr=lr, weight_decay=1e-2),
    }[name]()


SURFACES = {
    "Rosenbrock": Rosenbrock(),
    "Beale": Beale(),
    "saddle": Saddle(),
    "Himmelblau": Himmelblau(),
    "quadratic κ=50": Quadratic.ill_conditioned(50.0, angle=np.pi / 6),
}

# Learning rates of the race, picked by hand below the rate at which each optimizer
# diverges on each surface (the chapter checks them against its learning-rate sweep).
RACE_LR = {
    "Rosenbrock": {"SGD": 1e-3, "Momentum": 1e-3, "RMSprop": 1e-2, "Adam": 0.1, "AdamW": 0.1},
    "Beale": {"SGD": 2e-2, "Momentum": 5e-3, "RMSprop": 2e-2, "Adam": 0.1, "AdamW": 0.1},
    "saddle": {"SGD": 1e-2, "Momentum": 1e-2, "RMSprop": 1e-2, "Adam": 1e-2, "AdamW": 1e-2},
    "Himmelblau": {"SGD": 1e-2, "Momentum": 5e-3, "RMSprop": 5e-2, "Adam": 0.1, "AdamW": 0.1},
    "quadratic κ=50": {"SGD": 1.0, "Momentum": 0.3, "RMSprop": 2e-2, "Adam": 0.3, "AdamW": 0.3},
}
STEPS = 800
BOUND = 100.0  # |θ_i| > 100 is far outside every surface's window: counted as diverged

# Start points other than the surface's own x0, as fractions of its plotting window.
STARTS = {"default": None, "upper left": (0.15, 0.85), "upper right": (0.85, 0.85),
          "lower left": (0.15, 0.15), "lower right": (0.85, 0.15)}


def start_point(surface, start="default"):
    """The start point named ``start`` on ``surface`` (a key of :data:`SURFACES`)."""
    objective = SURFACES[surface]
    if STARTS[start] is None:
        return objective.x0
    (x_lo, x_hi), (y_lo, y_hi), (fx, fy) = objective.xlim, objective.ylim, STARTS[start]
    return np.array([x_lo + fx * (x_hi - x_lo), y_lo + fy * (y_hi - y_lo)])


SCHEDULES = ("constant", "cosine")


def scheduled(lr, schedule, steps):
    """The learning rate ``lr`` kept constant, or decayed to 0 over ``steps`` steps by a cosine."""
    if schedule not in SCHEDULES:
        raise ValueError(f"Invalid schedule: {schedule!r} (one of {SCHEDULES} is expected)")
    return lr if schedule == "constant" else CosineAnnealingLR(lr, T_max=steps)


@lru_cache(maxsize=512)
def _run(surface, name, lr, start, steps, schedule):
    objective = SURFACES[surface]
    return run(contender(name, scheduled(lr, schedule, steps)), objective, start_point(surface, start), steps,
               bound=BOUND)


def race(surface, lrs=None, start="default", steps=STEPS, schedule="constant"):
    """``{name: Trajectory}`` of the five optimizers on ``surface`` (cached).

    ``lrs`` overrides some learning rates of :data:`RACE_LR`, e.g. ``{"SGD": 0.1}``;
    ``schedule="cosine"`` decays each from its value to 0 over the ``steps`` steps
    (``CosineAnnealingLR(lr, T_max=steps)``).
    """
    lrs = {**RACE_LR[surface], **(lrs or {})}
    return {name: _run(surface, name, float(lrs[name]), start, int(steps), schedule) for name in NAMES}


def until(trajectory, t):
    """The trajectory as it stood after step ``t``: the race at time ``t``."""
    diverged_at = np.where((trajectory.diverged_at >= 0) & (trajectory.diverged_at <= t),
                           trajectory.diverged_at, -1)
    return Trajectory(trajectory.params[:t + 1], trajectory.loss[:t + 1], diverged_at)


def descent(trajectory):
    """The same run with the loss replaced by how far it fell, :math:`L(\\theta_0) - L(\\theta_t)`.

    On the saddle the loss has no minimum, so the chapter plots the fall instead of a gap.
    """
    return Trajectory(trajectory.params, trajectory.loss[0] - trajectory.loss, trajectory.diverged_at)


def _loss_ylabel(surface):
    return r"$L(\theta_0) - L(\theta_t)$" if surface == "saddle" else r"$L(\theta_t) - L^*$"


class _RaceFigure:
    """Paths (left) and losses (right) of the five optimizers, with a dot at each one's position."""

    def __init__(self, steps):
        self.fig, (ax_path, ax_loss) = figure(2, width=4.0, height=3.5)
        self.surface = "Rosenbrock"
        self.paths = PathPanel(ax_path, SURFACES[self.surface], NAMES)
        self.losses = LossPanel(ax_loss, NAMES, steps, ylim=(1e-12, 1e5))
        self.heads = {name: ax_path.plot([], [], "o", ms=7, mec="black", mew=0.8, color=color(name))[0]
                      for name in NAMES}
        # the legend names each optimizer's learning rate, so it changes with the controls
        self.legend = self.fig.legend(handles=list(self.paths.lines.values()),
                                      labels=[f"{name} η=0.000" for name in NAMES], loc="outside lower center",
                                      ncol=len(NAMES), fontsize=8, frameon=False)
        self.title = ax_path.set_title(self.surface, fontsize=10)
        self.clock = ax_loss.set_title("", fontsize=10)

    @property
    def artists(self):
        return (self.paths.artists + list(self.heads.values()) + self.losses.artists
                + [self.clock, self.legend])

    def set_surface(self, surface):
        if surface != self.surface:
            self.surface = surface
            self.paths.set_objective(SURFACES[surface])
            self.title.set_text(surface)
            self.losses.ax.set_ylabel(_loss_ylabel(surface))

    def show(self, runs, lrs, t):
        shown = {name: until(traj, t) for name, traj in runs.items()}
        self.paths.set_paths(shown)
        for name, traj in shown.items():
            alive = traj.params[np.all(np.isfinite(traj.params), axis=-1)]
            self.heads[name].set_data(alive[-1:, 0], alive[-1:, 1])
        if self.surface == "saddle":
            shown = {name: descent(traj) for name, traj in shown.items()}
            self.losses.set_losses(shown)
        else:
            self.losses.set_losses(shown, minimum=SURFACES[self.surface].minimum_value)
        for text, name in zip(self.legend.get_texts(), NAMES):
            text.set_text(f"{name} η={lrs[name]:.3g}")
        self.clock.set_text(f"step t = {t}")


def race_explorer(steps=STEPS):
    """The five optimizers on each surface at the race learning rates; the slider scrubs time."""
    view = _RaceFigure(steps)
    checkpoints = tuple(t for t in (0, 10, 25, 50, 100, 200, 400, 800) if t < steps) + (steps,)

    def update(surface, step):
        view.set_surface(surface)
        view.show(race(surface, steps=steps), RACE_LR[surface], step)

    controls = [Control("surface", "surface", tuple(SURFACES), "Rosenbrock"),
                Control("step", "step t", checkpoints, checkpoints[-1], static=checkpoints, fmt="{:d}",
                        play=True)]
    return Explorer(view.fig, update, controls, animated=view.artists, redraw_on={"surface"},
                    alt="SGD, Momentum, RMSprop, Adam and AdamW racing from the same start on a chosen "
                        "surface, their paths and losses up to a chosen step.")


def playground_explorer(steps=STEPS):
    """The whole race on a surface, with the start point, the schedule and each learning rate
    (× the race's) to choose."""
    view = _RaceFigure(steps)
    scales = log_values(0.1, 10, 9)

    def update(surface, start, schedule, **scale):
        view.set_surface(surface)
        lrs = {name: RACE_LR[surface][name] * scale[name] for name in NAMES}
        view.show(race(surface, lrs, start, steps, schedule), lrs, steps)

    controls = [Control("surface", "surface", tuple(SURFACES), "Rosenbrock"),
                Control("start", "start", tuple(STARTS), "default", static=("default",)),
                Control("schedule", "schedule", SCHEDULES, "constant")]
    controls += [Control(name, f"{name} η × ", scales, 1.0,
                         static=(1.0, 10.0) if name in ("SGD", "Adam") else (1.0,)) for name in NAMES]
    return Explorer(view.fig, update, controls, animated=view.artists, redraw_on={"surface"},
                    alt="SGD, Momentum, RMSprop, Adam and AdamW on a chosen surface from a chosen start, "
                        "each at a chosen multiple of its race learning rate, constant or with a cosine decay; "
                        "diverged runs are labelled.")
