"""Drawing for the book: contour maps, optimizer paths, loss curves.

Plots only draw: they receive trajectories computed by :func:`optlib.run` and
never run an optimizer themselves. Panels keep their artists so that an
explorer can update them in place (``set_...`` methods) instead of building a
new figure for every change.
"""

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

# One colour per optimizer, the same in every chapter (colour-blind safe, Okabe-Ito).
COLORS = {
    "GD": "#0072B2", "SGD": "#0072B2", "Momentum": "#E69F00", "Nesterov": "#CC79A7",
    "RMSprop": "#009E73", "Adam": "#D55E00", "AdamW": "#56B4E9", "Adam + L2": "#D55E00",
}
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

DPI = 80  # small images keep the notebooks and the static site light


def color(name, i=0):
    """The book's colour for an optimizer name, or the i-th palette colour."""
    return COLORS.get(name, PALETTE[i % len(PALETTE)])


def png(rgba, colors=256):
    """An RGBA pixel buffer as a small palette PNG (line art loses nothing visible).

    Octree quantization keeps rare saturated colours apart (median cut merged the
    optimizers' colours, which cover few pixels, into one another), and it is fast.
    """
    from PIL import Image  # a matplotlib dependency

    image = Image.fromarray(np.asarray(rgba)).convert("RGB").quantize(colors, method=Image.Quantize.FASTOCTREE)
    buffer = io.BytesIO()
    image.save(buffer, format="png")
    return buffer.getvalue()


class BookFigure(Figure):
    """A figure that Jupyter shows as a small palette PNG, with or without pyplot.

    ``_repr_mimebundle_`` comes before the inline backend's full-colour PNG, so the
    stored notebooks stay about three times smaller, and a chapter needs no
    ``%matplotlib inline``.
    """

    def _repr_mimebundle_(self, include=None, exclude=None):
        canvas = FigureCanvasAgg(self)
        canvas.draw()
        return {"image/png": png(canvas.buffer_rgba()), "text/plain": "<figure>"}


def figure(ncols=1, width=4.2, height=3.4, nrows=1):
    """A figure not attached to pyplot (so nothing is shown or leaked by accident)."""
    fig = BookFigure(figsize=(width * ncols, height * nrows), dpi=DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes.ravel() if nrows * ncols > 1 else axes[0, 0]


def contour(ax, objective, levels=20, n=120):
    """Contours of a 2-D objective with its minima (stars) and saddles (crosses).

    Returns the artists drawn, so that a panel can remove them when the surface changes.
    """
    X, Y, Z = objective.mesh(n)
    if objective.log_contours:  # steep valleys: levels evenly spaced in log(Z - min)
        offset = Z.min() - 1e-3 * max(np.ptp(Z), 1e-12)
        levels = np.geomspace(Z.min() - offset, Z.max() - offset, levels) + offset
    else:
        levels = Z.min() + np.ptp(Z) * np.linspace(0, 1, levels) ** 2  # denser near the bottom
    artists = [ax.contour(X, Y, Z, levels=levels, cmap="Greys", linewidths=0.7, alpha=0.7)]
    if len(objective.minima):
        artists += ax.plot(*objective.minima.T, "*", color="#222222", ms=11, ls="none")
    if len(objective.saddles):
        artists += ax.plot(*objective.saddles.T, "x", color="#222222", ms=8, mew=2, ls="none")
    ax.set_xlim(*objective.xlim)
    ax.set_ylim(*objective.ylim)
    ax.set_xlabel(r"$x$")  # theta = (x, y): a subscript on theta is a step, never a coordinate
    ax.set_ylabel(r"$y$")
    return artists


def divergence_text(trajectory):
    """'diverged at step k' for a diverged run, '' otherwise."""
    if trajectory.diverged_at.ndim == 0 and trajectory.diverged:
        return f"diverged at step {int(trajectory.diverged_at)}"
    return ""


class PathPanel:
    """Optimizer paths over the contour map of an objective, updatable in place."""

    def __init__(self, ax, objective, names, levels=20):
        self.ax = ax
        self.surface, self.maps = [], {}
        self.lines = {}
        for i, name in enumerate(names):
            (self.lines[name],) = ax.plot([], [], "o-", ms=2.5, lw=1.3, color=color(name, i), label=name)
        self.start, = ax.plot([], [], "o", color="black", ms=5)
        self.status = ax.text(0.02, 0.97, "", transform=ax.transAxes, va="top", ha="left",
                              color="#B00020", fontsize=10, fontweight="bold",
                              bbox=dict(facecolor="white", alpha=0.85, edgecolor="none"))
        self.set_objective(objective, levels)

    @property
    def artists(self):
        """What ``set_paths`` changes (an explorer animates these)."""
        return [*self.lines.values(), self.start, self.status]

    def set_objective(self, objective, levels=20):
        """Show the contour map of ``objective``; a map drawn before is kept and shown again."""
        key = (type(objective).__name__, repr(sorted((k, repr(v)) for k, v in vars(objective).items())), levels)
        for artist in self.surface:
            artist.set_visible(False)
        if key not in self.maps:
            if len(self.maps) >= 16:  # bound the memory of an explorer with many surfaces
                for artist in (a for artists in self.maps.values() for a in artists):
                    artist.remove()
                self.maps.clear()
            self.maps[key] = contour(self.ax, objective, levels)
        self.surface = self.maps[key]
        for artist in self.surface:
            artist.set_visible(True)
        self.ax.set_xlim(*objective.xlim)
        self.ax.set_ylim(*objective.ylim)
        self.objective = objective

    def set_paths(self, trajectories):
        """Show ``{name: Trajectory}``; diverged runs are drawn up to divergence and labelled."""
        messages = []
        for name, traj in trajectories.items():
            p = traj.params
            self.lines[name].set_data(p[:, 0], p[:, 1])
            if traj.diverged:
                messages.append(f"{name}: {divergence_text(traj)}")
            self.start.set_data([p[0, 0]], [p[0, 1]])
        self.status.set_text("\n".join(messages))


class LossPanel:
    """Loss (minus its minimum) against steps on a log scale, updatable in place.

    With ``ylim`` given the axis stays fixed (an explorer can then reuse its
    background); without, it follows the data.
    """

    def __init__(self, ax, names, steps, floor=1e-12, ylabel=r"$L(\theta_t) - L^*$", ylim=None):
        self.ax, self.floor, self.ylim = ax, floor, ylim
        self.lines = {}
        for i, name in enumerate(names):
            (self.lines[name],) = ax.plot([], [], lw=1.5, color=color(name, i), label=name)
        ax.set_yscale("log")
        ax.set_xlim(0, steps)
        ax.set_xlabel("step $t$")
        ax.set_ylabel(ylabel)
        ax.grid(True, which="major", alpha=0.3)
        if ylim is not None:
            ax.set_ylim(*ylim)
        self.status = ax.text(0.98, 0.97, "", transform=ax.transAxes, va="top", ha="right",
                              color="#B00020", fontsize=10, fontweight="bold")

    def set_losses(self, trajectories, minimum=0.0):
        """Plot ``loss - minimum`` for ``{name: Trajectory}``; rescale the y axis to the data."""
        lo, hi = np.inf, -np.inf
        diverged = []
        for name, traj in trajectories.items():
            gap = np.maximum(traj.loss - minimum, self.floor)
            self.lines[name].set_data(np.arange(len(gap)), gap)
            finite = gap[np.isfinite(gap)]
            if finite.size:
                lo, hi = min(lo, finite.min()), max(hi, finite.max())
            if traj.diverged:
                diverged.append(name)
        if self.ylim is None and np.isfinite(lo):
            self.ax.set_ylim(lo / 3, hi * 3)
        self.status.set_text("diverged" if diverged else "")

    @property
    def artists(self):
        """What ``set_losses`` changes (an explorer animates these)."""
        return [*self.lines.values(), self.status]


def legend(ax, **kwargs):
    """A small legend that does not hide the paths."""
    return ax.legend(fontsize=8, framealpha=0.85, **kwargs)
