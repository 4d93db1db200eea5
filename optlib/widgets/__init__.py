"""Explorers: figures with controls, live in Jupyter and still responsive on the static site.

An :class:`Explorer` wires named controls to an ``update`` function that changes
the artists of one matplotlib figure in place. It shows itself in two ways at
once, in one display bundle:

* ``application/vnd.jupyter.widget-view+json`` -- ipywidgets sliders and an
  image that is re-rendered from the same figure after every change (JupyterLab,
  Notebook 7, VS Code, Colab; no ipympl needed);
* ``text/html`` -- a kernel-free version for the website: the figure rendered at
  every combination of a few values of each control, switched by range inputs
  labelled like the live sliders. ``_config.yml`` makes the html builder prefer
  it. The full sweep is rendered only while the site is built (the book's
  Sphinx extension sets ``OPTLIB_STATIC_SITE=1``); elsewhere the fallback is the
  current frame alone, so stored notebooks stay small.

This package is the only part of optlib that imports ipywidgets. Explorers hold
no mathematics: the chapter modules beside this one call :func:`optlib.run` and
:mod:`optlib.plotting`.
"""

import base64
import hashlib
import html
import itertools
import json
import os
from dataclasses import dataclass

import numpy as np

from optlib.plotting import png

STATIC_SITE_ENV = "OPTLIB_STATIC_SITE"
MAX_FRAMES = 64
PLAY_INTERVAL_MS = 600


@dataclass
class Control:
    """A named control: the keyword of ``update``, its label, and the values offered.

    ``values`` are the slider's positions in Jupyter; ``static`` (a subset, by
    default about seven evenly spread values) are rendered for the website.
    With ``play``, a play button steps through the values: an animation, live and
    on the website alike (for a time control such as the step of a race).
    """

    name: str
    label: str
    values: tuple
    default: object
    static: tuple = None
    fmt: str = "{:.3g}"
    play: bool = False

    def __post_init__(self):
        self.values = tuple(self.values)
        if self.default not in self.values:
            raise ValueError(f"default {self.default!r} of control {self.name!r} is not among its values")
        if self.static is None:
            idx = np.unique(np.linspace(0, len(self.values) - 1, min(7, len(self.values))).round().astype(int))
            self.static = tuple(self.values[i] for i in idx)
            if self.default not in self.static:
                self.static = tuple(sorted(set(self.static) | {self.default}, key=self.values.index))
        self.static = tuple(self.static)

    def text(self, value):
        return value if isinstance(value, str) else self.fmt.format(value)


def log_values(lo, hi, n):
    """``n`` values evenly spaced in log from ``lo`` to ``hi``, rounded to 3 significant digits."""
    return tuple(float(f"{v:.3g}") for v in np.geomspace(lo, hi, n))


def lin_values(lo, hi, n):
    """``n`` values evenly spaced from ``lo`` to ``hi``, rounded to 4 significant digits."""
    return tuple(float(f"{v:.4g}") for v in np.linspace(lo, hi, n))


class Explorer:
    """A figure, its controls, and the function that redraws it in place.

    Args:
        figure: a matplotlib ``Figure`` (from :func:`optlib.plotting.figure`).
        update: ``update(**values)`` sets the figure's artists for the control values;
            it must not create a new figure.
        controls: the :class:`Control` objects, in display order.
        alt: a one-sentence description of the figure (alt text on the website).
        animated: the artists that ``update`` changes for every control value
            (lines, labels). Everything else is the background: it must depend on
            the ``redraw_on`` controls alone; it is drawn once for each of their
            combinations, kept, and reused (blitting).
        redraw_on: names of the controls that change the background (axes,
            contours, limits).
    """

    def __init__(self, figure, update, controls, alt, animated=(), redraw_on=()):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.figure, self._update, self.controls, self.alt = figure, update, list(controls), alt
        self.canvas = FigureCanvasAgg(figure)
        self.animated, self.redraw_on = list(animated), set(redraw_on)
        for artist in self.animated:
            artist.set_animated(True)
        self.values = {c.name: c.default for c in self.controls}
        self._backgrounds = {}  # pixels of the background, by the redraw_on controls' values
        self.update()
        self.canvas.draw()  # lay out once (constrained layout), then keep the layout fixed
        figure.set_layout_engine("none")

    def update(self, **changes):
        """Change some controls and redraw the figure's artists in place."""
        unknown = set(changes) - set(self.values)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; controls are {list(self.values)}")
        if not changes:
            self._backgrounds.clear()
        self.values.update(changes)
        self._update(**self.values)
        return self

    def render(self):
        """Draw the figure into the canvas: the background from cache, then the animated artists."""
        key = tuple(self.values[name] for name in sorted(self.redraw_on))
        if key not in self._backgrounds:
            if len(self._backgrounds) >= MAX_FRAMES:
                self._backgrounds.clear()
            self.canvas.draw()
            self._backgrounds[key] = self.canvas.copy_from_bbox(self.figure.bbox)
        else:
            self.canvas.restore_region(self._backgrounds[key])
        for artist in self.animated:
            self.figure.draw_artist(artist)
        return self.canvas.buffer_rgba()

    def png(self):
        """The current figure as PNG bytes."""
        return png(self.render())

    # -- Jupyter: live widget ------------------------------------------------------
    def widget(self):
        """Sliders and an image, redrawn from the same figure on every change."""
        import ipywidgets as w

        image = w.Image(value=self.png(), format="png")
        sliders = []
        for c in self.controls:
            options = [(c.text(v), v) for v in c.values]
            slider = w.SelectionSlider(options=options, value=c.default, description=c.label,
                                       continuous_update=False, style={"description_width": "initial"},
                                       layout=w.Layout(width="420px"))

            def on_change(change, name=c.name):
                self.update(**{name: change["new"]})
                image.value = self.png()

            slider.observe(on_change, names="value")
            if c.play:
                player = w.Play(min=0, max=len(c.values) - 1, value=c.values.index(c.default),
                                interval=PLAY_INTERVAL_MS, description=f"play {c.label}")
                w.jslink((player, "value"), (slider, "index"))
                slider = w.HBox([player, slider])
            sliders.append(slider)
        return w.VBox([w.HBox(sliders, layout=w.Layout(flex_flow="row wrap")), image])

    # -- the website: precomputed frames -------------------------------------------
    def frames(self):
        """PNG frames for every combination of the controls' static values (row-major)."""
        grid = list(itertools.product(*(c.static for c in self.controls)))
        if len(grid) > MAX_FRAMES:
            raise ValueError(f"{len(grid)} static frames; keep it at most {MAX_FRAMES}")
        saved = dict(self.values)
        try:
            return [self.update(**dict(zip(self.values, combo))).png() for combo in grid]
        finally:
            self.update(**saved)

    def static_html(self, full=None):
        """The kernel-free html: all frames and range inputs (or the current frame only)."""
        full = os.environ.get(STATIC_SITE_ENV) == "1" if full is None else full
        controls = self.controls if full else []
        frames = self.frames() if full else [self.png()]
        encoded = [base64.b64encode(f).decode() for f in frames]
        uid = "optlib-" + hashlib.sha1("".join(encoded[:1]).encode() + self.alt.encode()).hexdigest()[:10]
        rows = []
        for i, c in enumerate(controls):
            start = c.static.index(self.values[c.name])
            rows.append(
                f'<label style="margin-right:1.5em;white-space:nowrap">{html.escape(c.label)} = '
                f'<output>{html.escape(c.text(self.values[c.name]))}</output> '
                f'<input type="range" min="0" max="{len(c.static) - 1}" step="1" value="{start}" '
                f'data-index="{i}" aria-label="{html.escape(c.label)}" style="vertical-align:middle">'
                + (f' <button type="button" data-play="{i}" aria-label="play {html.escape(c.label)}">▶</button>'
                   if c.play else "") + '</label>')
        img = (f'<img src="data:image/png;base64,{encoded[0] if not full else encoded[self._frame_index()]}" '
               f'alt="{html.escape(self.alt)}" style="max-width:100%">')
        if not full:
            return f'<div class="optlib-explorer" id="{uid}">{img}</div>'
        labels = [[c.text(v) for v in c.static] for c in controls]
        sizes = [len(c.static) for c in controls]
        script = (
            "(function(){var root=document.getElementById(%s);var frames=%s,labels=%s,sizes=%s;"
            "var img=root.querySelector('img'),inputs=root.querySelectorAll('input');"
            "function show(){var k=0;inputs.forEach(function(input,i){var j=+input.value;"
            "k=k*sizes[i]+j;input.previousElementSibling.textContent=labels[i][j];});"
            "img.src='data:image/png;base64,'+frames[k];}"
            "inputs.forEach(function(input){input.addEventListener('input',show);});"
            # a play button advances its slider one frame per interval, to the end
            "root.querySelectorAll('button[data-play]').forEach(function(button){"
            "var input=inputs[+button.dataset.play],timer=null;"
            "function stop(){clearInterval(timer);timer=null;button.textContent='\\u25B6';}"
            "button.addEventListener('click',function(){if(timer){stop();return;}"
            "if(+input.value>=+input.max){input.value=0;show();}button.textContent='\\u275A\\u275A';"
            "timer=setInterval(function(){if(+input.value>=+input.max){stop();return;}"
            "input.value=+input.value+1;show();},%d);});});})();"
        ) % (json.dumps(uid), json.dumps(encoded), json.dumps(labels), json.dumps(sizes), PLAY_INTERVAL_MS)
        return (f'<div class="optlib-explorer" id="{uid}"><div>{"".join(rows)}</div>{img}'
                f'<script>{script}</script></div>')

    def _frame_index(self):
        k = 0
        for c in self.controls:
            k = k * len(c.static) + c.static.index(self.values[c.name])
        return k

    def _repr_mimebundle_(self, include=None, exclude=None):
        static = self.static_html()
        bundle = {"text/plain": f"<{type(self).__name__}: {self.alt}>", "text/html": static}
        if os.environ.get(STATIC_SITE_ENV) != "1":
            try:
                import ipywidgets  # noqa: F401  -- live view only where widgets exist
            except ImportError:
                return bundle
            bundle.update(self.widget()._repr_mimebundle_())
            bundle["text/html"] = static
            bundle["text/plain"] = f"<{type(self).__name__}: {self.alt}>"
        return bundle
