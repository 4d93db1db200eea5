"""Explorers of the playground chapter (``book/playground.ipynb``): the five optimizers side by side.

:func:`contender` builds each optimizer of the book with its default settings,
:func:`race` runs all of them on one surface, and the two explorers draw the
runs: :func:`race_explorer` scrubs through time on every surface (the website's
animation), :func:`playground_explorer` lets the reader move the start point
and each learning rate, at a constant rate or with a cosine decay. Runs are
cached, so moving one slider reruns one optimizer.
"""

import numpy as np

from optlib import SGD, Adam, AdamW, Beale, Himmelblau, Quadratic, RMSprop, Rosenbrock, Saddle, Trajectory, run
from optlib.plotting import LossPanel, PathPanel, color, divergence_text, figure
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


_RUNS = {}  # (surface, name, lr, start, steps, schedule) -> Trajectory
MAX_RUNS = 4096


def _keep(runs):
    if len(_RUNS) + len(runs) > MAX_RUNS:
        _RUNS.clear()
    _RUNS.update(runs)


def _run(surface, name, lr, start, steps, schedule):
    key = (surface, name, lr, start, steps, schedule)
    if key in _RUNS:
        return _RUNS[key]
    objective = SURFACES[surface]
    _keep({key: run(contender(name, scheduled(lr, schedule, steps)), objective, start_point(surface, start), steps,
                    bound=BOUND)})
    return _RUNS[key]


def _grid_run(surface, name, scales, scale, start, steps, schedule):
    """The run of :func:`playground_explorer` at ``scale`` × the race's learning rate, from ``start``.

    The explorer's runs of one optimizer on one surface, under every schedule, at every scale
    of ``scales`` and from every start point, are made as one batched run (the race's
    optimizers work coordinate by coordinate; a batch costs about one run), live and on the
    website alike. The surfaces compute each point alone, so a run in the batch follows the
    run alone (:func:`race`'s) step for step. NumPy may still round a power of an array
    otherwise than the same power of a lone number (some losses on Beale, Rosenbrock and
    Himmelblau differ in their last bits), so a chaotic run, which the chapter shows turning on
    a nudge of 1e-12, could in principle end elsewhere.
    """
    key = (surface, name, scale, start, int(steps), schedule, scales)
    if key not in _RUNS:
        starts, base = list(STARTS), RACE_LR[surface][name]
        x0 = np.stack([start_point(surface, s) for s in starts])  # (starts, 2)
        lr = np.array([base * s for s in scales])[:, None, None]  # batch axes: (scales, starts, 2)
        rates = [scheduled(lr, s, steps) for s in SCHEDULES]  # every schedule in the batch too: a new first axis
        batch = run(contender(name, lambda t: np.stack([r(t) if callable(r) else r for r in rates])),
                    SURFACES[surface], x0, int(steps), bound=BOUND)
        _keep({(surface, name, scales[i], starts[j], int(steps), SCHEDULES[k], scales): batch.run_at((k, i, j))
               for k, i, j in np.ndindex(len(SCHEDULES), len(scales), len(starts))})
    return _RUNS[key]


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
    """Paths (left) and losses (right) of the five optimizers, with a dot at each one's position.

    What changes with one optimizer's learning rate is drawn by that optimizer's own
    artists (path, dot, loss curve, its η under its legend entry, its divergence note),
    so that the website can store each optimizer's artists per value of its own controls.
    """

    def __init__(self, steps):
        from matplotlib.text import Annotation

        self.fig, (ax_path, ax_loss) = figure(2, width=4.0, height=3.5)
        self.surface = "Rosenbrock"
        self.paths = PathPanel(ax_path, SURFACES[self.surface], NAMES)
        self.losses = LossPanel(ax_loss, NAMES, steps, ylim=(1e-12, 1e5))
        for text in (self.paths.status, self.losses.status):  # replaced by one note per optimizer
            text.set_visible(False)
        self.heads = {name: ax_path.plot([], [], "o", ms=7, mec="black", mew=0.8, color=color(name))[0]
                      for name in NAMES}
        # the legend names the optimizers (the background); each one's learning rate is written
        # under its name, in the line the legend keeps free for it
        self.legend = self.fig.legend(handles=list(self.paths.lines.values()), labels=[f"{name}\n" for name in NAMES],
                                      loc="outside lower center", ncol=len(NAMES), fontsize=8, frameon=False)
        self.rates = {}
        for name in NAMES:  # placed by pin_rates() once the layout is fixed
            self.rates[name] = Annotation("", xy=(0, 0), xycoords="figure fraction", ha="left", va="bottom",
                                          fontsize=8)
            self.fig.add_artist(self.rates[name])
        self.notes = {name: ax_path.text(0.02, 0.97 - 0.075 * i, "", transform=ax_path.transAxes, va="top",
                                         ha="left", color="#B00020", fontsize=9, fontweight="bold",
                                         bbox=dict(facecolor="white", alpha=0.85, edgecolor="none", pad=1.5))
                      for i, name in enumerate(NAMES)}
        self.title = ax_path.set_title(self.surface, fontsize=10)
        self.clock = ax_loss.set_title("", fontsize=10)
        self._drawn = {}  # name -> (run, step, rate, surface) its artists show

    def pin_rates(self):
        """Put each η under its legend entry, in figure fractions: the same place at any dpi (the
        website's overlay is drawn at 72). Call it once the layout is fixed (after the Explorer's)."""
        renderer, to_fraction = self.fig.canvas.get_renderer(), self.fig.transFigure.inverted()
        for text, name in zip(self.legend.get_texts(), NAMES):
            self.rates[name].xy = self.rates[name].xyann = tuple(to_fraction.transform(text.get_window_extent(renderer).p0))

    @property
    def artists(self):
        return ([*self.paths.lines.values(), self.paths.start, *self.heads.values(), *self.losses.lines.values(),
                 *self.notes.values(), *self.rates.values(), self.clock])

    def groups(self, controls):
        """Each optimizer's artists change with ``controls`` and its own learning rate only; its η
        with the surface (whose race rate it scales) and its own learning rate."""
        return ([((*controls, name), [self.paths.lines[name], self.heads[name], self.losses.lines[name],
                                      self.notes[name]]) for name in NAMES]
                + [(("surface", name), [self.rates[name]]) for name in NAMES]
                + [(controls, [self.paths.start, self.clock])])

    def set_surface(self, surface):
        if surface != self.surface:
            self.surface = surface
            self.paths.set_objective(SURFACES[surface])
            self.title.set_text(surface)
            self.losses.ax.set_ylabel(_loss_ylabel(surface))

    def show(self, runs, lrs, t):
        # an optimizer whose run and rate are the ones drawn keeps its artists (a slider moves one)
        runs = {name: traj for name, traj in runs.items() if self._drawn.get(name, (None,))[0] is not traj
                or self._drawn[name][1:] != (t, lrs[name], self.surface)}
        self._drawn.update({name: (traj, t, lrs[name], self.surface) for name, traj in runs.items()})
        shown = {name: until(traj, t) for name, traj in runs.items()}
        self.paths.set_paths(shown)
        for name, traj in shown.items():
            alive = traj.params[np.all(np.isfinite(traj.params), axis=-1)]
            self.heads[name].set_data(alive[-1:, 0], alive[-1:, 1])
            self.notes[name].set_text(f"{name}: {divergence_text(traj)}" if traj.diverged else "")
            self.rates[name].set_text(f"η={lrs[name]:.3g}")
        if self.surface == "saddle":
            shown = {name: descent(traj) for name, traj in shown.items()}
            self.losses.set_losses(shown)
        else:
            self.losses.set_losses(shown, minimum=SURFACES[self.surface].minimum_value)
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
    explorer = Explorer(view.fig, update, controls, animated=view.artists, redraw_on={"surface"},
                        alt="SGD, Momentum, RMSprop, Adam and AdamW racing from the same start on a chosen "
                            "surface, their paths and losses up to a chosen step.")
    view.pin_rates()
    return explorer


def playground_explorer(steps=STEPS):
    """The whole race on a surface, with the start point, the schedule and each learning rate
    (× the race's) to choose."""
    view = _RaceFigure(steps)
    scales = log_values(0.1, 10, 9)

    def update(surface, start, schedule, **scale):
        view.set_surface(surface)
        lrs = {name: RACE_LR[surface][name] * scale[name] for name in NAMES}
        runs = {name: _grid_run(surface, name, scales, scale[name], start, steps, schedule) for name in NAMES}
        view.show(runs, lrs, steps)

    controls = [Control("surface", "surface", tuple(SURFACES), "Rosenbrock"),
                Control("start", "start", tuple(STARTS), "default", static=("default",)),
                Control("schedule", "schedule", SCHEDULES, "constant")]
    controls += [Control(name, f"{name} η × ", scales, 1.0,
                         static=(1.0, 10.0) if name in ("SGD", "Adam") else (1.0,)) for name in NAMES]
    explorer = Explorer(view.fig, update, controls, animated=view.artists, redraw_on={"surface"},
                        groups=view.groups(("surface", "start", "schedule")),
                        alt="SGD, Momentum, RMSprop, Adam and AdamW on a chosen surface from a chosen start, "
                            "each at a chosen multiple of its race learning rate, constant or with a cosine decay; "
                            "diverged runs are labelled.")
    view.pin_rates()
    return explorer
