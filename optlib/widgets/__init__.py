"""Explorers: figures with controls, live in Jupyter and still responsive on the static site.

An :class:`Explorer` wires named controls to an ``update`` function that changes
the artists of one matplotlib figure in place. It shows itself in two ways at
once, in one display bundle:

* ``application/vnd.jupyter.widget-view+json`` -- ipywidgets sliders and an
  image that is re-rendered from the same figure after every change (JupyterLab,
  Notebook 7, VS Code, Colab; no ipympl needed);
* ``text/html`` -- a kernel-free version for the website: the figure at every
  combination of the controls' values (all of them within :data:`FRAME_BUDGET`
  frames, else each control's ``static`` values), switched by range inputs
  labelled like the live sliders. ``_config.yml`` makes the html builder prefer
  it. A frame is the background raster (one PNG per combination of the
  ``redraw_on`` controls) under a vector overlay of the animated artists, drawn
  by matplotlib's SVG renderer (:mod:`optlib.widgets._overlay`); an artist that
  does not change with a control is stored once for all its values, and the
  overlays travel gzipped inside the page. One generic script
  (:data:`EXPLORER_JS`) switches frames. The full sweep is rendered only while
  the site is built (the book's Sphinx extension sets ``OPTLIB_STATIC_SITE=1``);
  elsewhere the fallback is the current frame alone, a PNG, so stored notebooks
  stay small.

This package is the only part of optlib that imports ipywidgets. Explorers hold
no mathematics: the chapter modules beside this one call :func:`optlib.run` and
:mod:`optlib.plotting`.
"""

import base64
import collections.abc
import functools
import gzip
import hashlib
import html
import itertools
import json
import os
from dataclasses import dataclass

import numpy as np

from optlib.plotting import png

STATIC_SITE_ENV = "OPTLIB_STATIC_SITE"
FRAME_BUDGET = 500  # website frames per explorer: combinations of the controls' values
MAX_BACKGROUNDS = 64  # backgrounds kept by the live figure (blitting cache)
PLAY_INTERVAL_MS = 600
WORKERS_ENV = "OPTLIB_SITE_WORKERS"  # processes sweeping an explorer's website frames (default: the CPUs)
MAX_WORKERS = 4

# The overlay that carries the animated artists, over the background raster.
OVERLAY_STYLE = ("position:absolute;left:0;top:0;width:100%;height:100%;overflow:hidden;pointer-events:none;"
                 "stroke-linejoin:round;stroke-linecap:butt;white-space:pre;font-variant-ligatures:none;"
                 "font-family:optlib-dejavu,'DejaVu Sans',sans-serif")

# The one generic frame switcher, the same for every explorer: it reads the explorer's
# JSON (sizes, labels, backgrounds, slots of SVG fragments) and shows the frame of the
# inputs' positions; a play button steps its input to the end. No mathematics here.
# An input event costs little: the frames are unpacked once; each background is decoded
# once and kept (an Image per background); each fragment is parsed once into its own
# <g>, kept, and swapped in by one replaceChild per slot that changed; a label is
# written only when its value changed; nothing reads the layout.
EXPLORER_JS = (
    "(function(root){var d=JSON.parse(root.querySelector('script[type=\"application/json\"]').textContent),"
    "img=root.querySelector('img'),svg=root.querySelector('svg'),inputs=root.querySelectorAll('input'),"
    "gs=Array.prototype.slice.call(svg.children,1),outs=[],pos=[],shown=[],nodes={},pics=[],z=null;"
    "inputs.forEach(function(input){outs.push(input.previousElementSibling);pos.push(+input.value);});"
    "function at(deps){var k=0;deps.forEach(function(i){k=k*d.sizes[i]+pos[i];});return k;}"
    "function pic(b){if(!pics[b]){pics[b]=new Image();pics[b].src=d.backgrounds[b];"
    "pics[b].decode().catch(function(){});}return pics[b];}"
    "function node(i,f){var key=i+' '+f,g=nodes[key];if(!g){"
    "g=document.createElementNS('http://www.w3.org/2000/svg','g');g.innerHTML=z.strings[f];nodes[key]=g;}return g;}"
    "function show(){var b=d.bg.src[at(d.bg.deps)];"
    "if(+img.dataset.bg!==b){img.dataset.bg=b;img.src=pic(b).src;}"
    "if(z)z.slots.forEach(function(s,i){var f=s.f[at(s.deps)];if(shown[i]!==f){shown[i]=f;"
    "var g=node(i,f);svg.replaceChild(g,gs[i]);gs[i]=g;}});}"
    "function set(i,j){if(pos[i]!==j){pos[i]=j;outs[i].textContent=d.labels[i][j];show();}}"
    # the frames come gzipped (base64): unpacked once, by the browser's own DecompressionStream
    "fetch('data:application/octet-stream;base64,'+d.frames).then(function(r){"
    "return new Response(r.body.pipeThrough(new DecompressionStream('gzip'))).json();})"
    ".then(function(frames){z=frames;d.backgrounds.forEach(function(_,b){pic(b);});show();root.dataset.ready='1';});"
    "inputs.forEach(function(input,i){input.addEventListener('input',function(){set(i,+input.value);});});"
    "root.querySelectorAll('button[data-play]').forEach(function(button){"
    "var k=+button.dataset.play,input=inputs[k],timer=null;"
    "function stop(){clearInterval(timer);timer=null;button.textContent='\\u25B6';}"
    "button.addEventListener('click',function(){if(timer){stop();return;}"
    "if(+input.value>=+input.max){input.value=0;set(k,0);}button.textContent='\\u275A\\u275A';"
    "timer=setInterval(function(){if(+input.value>=+input.max){stop();return;}"
    "input.value=+input.value+1;set(k,+input.value);},%d);});});})(document.currentScript.parentNode);" % PLAY_INTERVAL_MS)


@dataclass
class Control:
    """A named control: the keyword of ``update``, its label, and the values offered.

    ``values`` are the slider's positions in Jupyter, and on the website too when
    the explorer's combinations of values fit :data:`FRAME_BUDGET`; otherwise the
    website offers ``static`` (a subset, by default about seven evenly spread values).
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


def batched(experiment, cache_size=64, **grids):
    """``experiment`` at one configuration, computed for a whole grid of them at once and kept.

    ``experiment(**arguments)`` returns a :class:`optlib.Trajectory`. The arguments named in
    ``grids`` (``name=values``) reach it as arrays with one batch axis each, in order, and a
    last axis of length 1 for the parameter vector, as optlib's hyperparameter grids take
    them: ``lr=(0.1, 0.2), momentum=(0.0, 0.9)`` gives ``lr`` of shape ``(2, 1, 1)`` and
    ``momentum`` ``(1, 2, 1)``. The returned function takes every argument as a single value.
    Where the grid's arguments are among their values, it runs the experiment once for the
    whole grid (per value of the other arguments, up to ``cache_size`` of them kept) and
    returns the configuration's run (:meth:`optlib.Trajectory.run_at`); elsewhere it runs that
    configuration alone. An explorer's slider then reruns nothing. A run in the batch is the
    run alone where the experiment computes each configuration elementwise, as optlib's
    optimizers and surfaces do; the last bit may still differ where NumPy rounds a power of an
    array otherwise than the power of a number, and a matrix product over a batch rounds otherwise.

    Example:
        >>> from optlib import SGD, Quadratic, run
        >>> q = Quadratic(np.eye(2))
        >>> descent = batched(lambda lr, steps: run(SGD(lr=lr), q, np.ones(2), steps), lr=(0.1, 0.5))
        >>> descent(lr=0.5, steps=2).final, descent(lr=0.25, steps=2).final  # 0.5**2; 0.75**2, alone
        (array([0.25, 0.25]), array([0.5625, 0.5625]))
    """
    names = tuple(grids)
    grids = {name: tuple(float(v) for v in values) for name, values in grids.items()}  # as the arrays hold them

    def axis(k, values):
        return np.array(values, dtype=float).reshape((1,) * k + (-1,) + (1,) * (len(names) - k))

    @functools.lru_cache(maxsize=cache_size, typed=True)  # typed: 1 and 1.0 may be different arguments
    def whole(**others):
        return experiment(**{name: axis(k, grids[name]) for k, name in enumerate(names)}, **others)

    def one(**arguments):
        missing = set(names) - set(arguments)
        if missing:
            raise TypeError(f"missing argument(s) {sorted(missing)} of the grid {names}")
        others = {name: value for name, value in arguments.items() if name not in grids}
        for name, value in others.items():
            if not isinstance(value, collections.abc.Hashable):
                raise TypeError(f"batched keeps one run per value of the other arguments: {name}={value!r} "
                                "is not hashable (pass a tuple, or a name for it)")
        values = {name: float(arguments[name]) for name in names}  # the value itself: float32(0.1) is not 0.1
        if all(values[name] in grids[name] for name in names):
            return whole(**others).run_at(tuple(grids[name].index(values[name]) for name in names))
        return experiment(**{name: axis(k, [values[name]]) for k, name in enumerate(names)},
                          **others).run_at((0,) * len(names))

    return one


def _site_workers(frames):
    """Processes that sweep a website explorer's frames: one per available CPU (at most
    :data:`MAX_WORKERS`, ``OPTLIB_SITE_WORKERS`` overrides), forked on Linux only, and only
    for sweeps long enough to pay for the fork."""
    import sys

    if sys.platform != "linux" or frames < 32:
        return 1
    default = min(len(os.sched_getaffinity(0)), MAX_WORKERS)
    return max(1, int(os.environ.get(WORKERS_ENV, default)))


_SWEEP = []  # (explorer, values, prefix) of the sweep under way, inherited by the forked workers


def _sweep_part(indices):
    explorer, values, prefix = _SWEEP
    return explorer._sweep(indices, values, prefix)


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
        groups: ``[(control names, artists), ...]``: animated artists that change with
            those controls alone (one optimizer's path with its own learning rate). The
            website then sweeps each group over its own controls' values only, the others
            at their defaults, so an explorer with many controls can offer every value
            as long as each group's combinations fit :data:`FRAME_BUDGET`. Animated
            artists in no group change with every control.
    """

    def __init__(self, figure, update, controls, alt, animated=(), redraw_on=(), groups=()):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.figure, self._update, self.controls, self.alt = figure, update, list(controls), alt
        self.canvas = FigureCanvasAgg(figure)
        self.animated, self.redraw_on = list(animated), set(redraw_on)
        names = [c.name for c in self.controls]
        self.groups = [(tuple(n), list(artists)) for n, artists in groups]
        for group_names, artists in self.groups:
            if set(group_names) - set(names) or any(a not in self.animated for a in artists):
                raise ValueError(f"group {group_names}: unknown controls, or artists that are not animated")
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
            if len(self._backgrounds) >= MAX_BACKGROUNDS:
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
    def site_values(self):
        """The values each control offers on the website: all of them if every sweep fits
        :data:`FRAME_BUDGET` (see :meth:`sweeps`), else each control's ``static`` values."""
        for values in ([c.values for c in self.controls], [c.static for c in self.controls]):
            frames = max(int(np.prod([len(values[k]) for k in controls])) for controls, _ in self.sweeps())
            if frames <= FRAME_BUDGET:
                return values
        raise ValueError(f"{frames} website frames even with the static values; keep it at most {FRAME_BUDGET}")

    def sweeps(self):
        """``[(control indices, artist indices), ...]``: what the website sweeps over what. Every
        animated artist once, over the controls it may change with (its group's, else all);
        the background over the ``redraw_on`` controls, with no artist."""
        index = {c.name: k for k, c in enumerate(self.controls)}
        everything = tuple(range(len(self.controls)))
        plan, placed = {}, set()
        for names, artists in self.groups:
            controls = tuple(sorted(index[n] for n in names))
            for artist in artists:
                a = next(i for i, b in enumerate(self.animated) if b is artist)
                if a not in placed:
                    placed.add(a)
                    plan.setdefault(controls, []).append(a)
        rest = [a for a in range(len(self.animated)) if a not in placed]
        if rest:
            plan.setdefault(everything, []).extend(rest)
        plan = [(controls, sorted(artists)) for controls, artists in plan.items()]
        return plan + [(tuple(sorted(index[n] for n in self.redraw_on)), [])]

    def background_png(self):
        """The figure without its animated artists, as PNG bytes."""
        self.canvas.draw()  # animated artists are skipped
        return png(self.canvas.buffer_rgba())

    def site_frames(self, prefix="f"):
        """Everything the website's explorer needs, as a JSON-able dict (see :data:`EXPLORER_JS`).

        Each sweep of :meth:`sweeps` is rendered once per combination of its controls'
        website values (the other controls at their defaults): the background (a PNG per
        combination of the ``redraw_on`` controls) and each animated artist as a compact
        SVG fragment. An artist that does not change along a control is stored once for
        all its values: artists are grouped into slots (consecutive artists depending on
        the same controls), each indexed by those controls alone.
        """
        values = self.site_values()
        sizes = [len(v) for v in values]
        home = tuple(vals.index(c.default) for c, vals in zip(self.controls, values))
        redraw = [k for k, c in enumerate(self.controls) if c.name in self.redraw_on]
        strings, ids = [], {}

        def intern(text):
            if text not in ids:
                ids[text] = len(strings)
                strings.append(text)
            return ids[text]

        def point(controls, sub):
            full = list(home)
            for k, i in zip(controls, sub):
                full[k] = i
            return tuple(full)

        plan = [(controls, artists) for controls, artists in self.sweeps() if artists]
        jobs = [(point(controls, sub), tuple(artists)) for controls, artists in plan
                for sub in itertools.product(*(range(sizes[k]) for k in controls))]
        saved = dict(self.values)
        backgrounds, background_of = [], {}
        try:
            for key in itertools.product(*(range(sizes[k]) for k in redraw)):
                self.update(**self._at(values, point(redraw, key)))
                background_of[key] = len(backgrounds)
                backgrounds.append(self.background_png())
            workers = _site_workers(len(jobs))
            if workers > 1:  # forked copies of this process sweep consecutive parts of the jobs (their caches)
                import multiprocessing

                _SWEEP[:] = [self, values, prefix]
                try:
                    with multiprocessing.get_context("fork").Pool(workers) as pool:
                        parts = pool.map(_sweep_part, [jobs[len(jobs) * w // workers:len(jobs) * (w + 1) // workers]
                                                      for w in range(workers)])
                finally:
                    _SWEEP.clear()
            else:
                parts = [self._sweep(jobs, values, prefix)]
        finally:
            self.update(**saved)
        rows, defs, fonts = {}, {}, set()
        for part_rows, part_defs, part_fonts in parts:
            rows.update(part_rows)
            defs.update(part_defs)
            fonts |= part_fonts
        defs = dict(sorted(defs.items()))
        table, deps = {}, {}  # per artist: {its sweep's sub-index: string id}, the controls it changes with
        for controls, artists in plan:  # in sweep order: the same page however the jobs were split
            grid = list(itertools.product(*(range(sizes[k]) for k in controls)))
            for sub in grid:
                for a in artists:
                    table.setdefault(a, {})[sub] = intern(rows[point(controls, sub), tuple(artists)][a])
            for a in artists:
                cells = np.array([table[a][sub] for sub in grid], dtype=np.int64).reshape(
                    [sizes[k] for k in controls])
                deps[a] = [k for j, k in enumerate(controls) if not np.all(cells == cells.take([0], axis=j))]
        slots = []
        for a in range(len(self.animated)):
            if slots and slots[-1]["deps"] == deps[a]:
                slots[-1]["artists"].append(a)
            else:
                slots.append({"deps": deps[a], "artists": [a]})
        controls_of = {a: controls for controls, artists in plan for a in artists}
        for slot in slots:
            sub = []
            for index in itertools.product(*(range(sizes[k]) for k in slot["deps"])):
                full = point(slot["deps"], index)
                sub.append(intern("".join(strings[table[a][tuple(full[k] for k in controls_of[a])]]
                                          for a in slot["artists"])))
            slot["f"] = sub
            del slot["artists"]
        return {
            "sizes": sizes, "labels": [[c.text(v) for v in vals] for c, vals in zip(self.controls, values)],
            "values": values, "bg": {"deps": redraw, "src": [background_of[key] for key in
                                                          itertools.product(*(range(sizes[k]) for k in redraw))]},
            "backgrounds": backgrounds, "slots": slots, "strings": strings, "defs": "".join(defs.values()),
            "fonts": sorted(fonts),
        }

    def _at(self, values, index):
        return {c.name: values[k][i] for k, (c, i) in enumerate(zip(self.controls, index))}

    def _sweep(self, jobs, values, prefix):
        """The SVG fragments of the jobs ``(grid point, artist indices)``:
        ``({job: {artist index: fragment}}, {id: definition}, fonts)``."""
        from optlib.widgets._overlay import Compactor, FrameRenderer

        compactor, out = Compactor(prefix), {}
        with FrameRenderer(self.figure) as renderer:
            for index, artists in jobs:
                self.update(**self._at(values, index))
                fragments = compactor.fragments(renderer.draw([self.animated[a] for a in artists]))
                out[index, artists] = {a: fragments.get(i, "") for i, a in enumerate(artists)}
        return out, compactor.definitions(), compactor.fonts

    def _site_index(self, values):
        """Positions of the current values among the website's (the defaults where one is missing)."""
        return [vals.index(self.values[c.name]) if self.values[c.name] in vals else vals.index(c.default)
                for c, vals in zip(self.controls, values)]

    def static_html(self, full=None):
        """The kernel-free html: the current frame alone, or (on the website) every frame and range inputs."""
        full = os.environ.get(STATIC_SITE_ENV) == "1" if full is None else full
        if not full:
            encoded = base64.b64encode(self.png()).decode()
            uid = "optlib-" + hashlib.sha1(encoded.encode() + self.alt.encode()).hexdigest()[:10]
            return (f'<div class="optlib-explorer" id="{uid}"><img src="data:image/png;base64,{encoded}" '
                    f'alt="{html.escape(self.alt)}" style="max-width:100%"></div>')
        uid = "optlib-" + hashlib.sha1((self.alt + repr([c.values for c in self.controls])).encode()).hexdigest()[:10]
        data = self.site_frames(prefix="o" + uid[7:11])
        position = self._site_index(data["values"])

        def at(deps):
            k = 0
            for d in deps:
                k = k * data["sizes"][d] + position[d]
            return k

        rows = []
        for i, c in enumerate(self.controls):
            rows.append(
                f'<label style="margin-right:1.5em;white-space:nowrap">{html.escape(c.label)} = '
                f'<output>{html.escape(data["labels"][i][position[i]])}</output> '
                f'<input type="range" min="0" max="{data["sizes"][i] - 1}" step="1" value="{position[i]}" '
                f'data-index="{i}" aria-label="{html.escape(c.label)}" style="vertical-align:middle">'
                + (f' <button type="button" data-play="{i}" aria-label="play {html.escape(c.label)}">▶</button>'
                   if c.play else "") + '</label>')
        width, height = self.figure.get_size_inches()
        background = data["bg"]["src"][at(data["bg"]["deps"])]
        encoded = ["data:image/png;base64," + base64.b64encode(b).decode() for b in data["backgrounds"]]
        slots = "".join(f'<g>{data["strings"][slot["f"][at(slot["deps"])]]}</g>' for slot in data["slots"])
        frames = {"slots": [{"deps": sl["deps"], "f": sl["f"]} for sl in data["slots"]], "strings": data["strings"]}
        frames = gzip.compress(json.dumps(frames, ensure_ascii=False, separators=(",", ":")).encode(), 9, mtime=0)
        payload = {"sizes": data["sizes"], "labels": data["labels"], "bg": data["bg"], "backgrounds": encoded,
                   "frames": base64.b64encode(frames).decode()}
        payload = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
        return (
            f'<div class="optlib-explorer" id="{uid}"><div>{"".join(rows)}</div>'
            f'<div class="optlib-figure" style="position:relative;width:{round(width * self.figure.dpi)}px;max-width:100%">'
            # no padding (the dark theme pads images), no filter of its own: the site dims the whole figure
            f'<img class="dark-light" src="{encoded[background]}" data-bg="{background}" alt="{html.escape(self.alt)}" '
            f'style="display:block;width:100%;height:auto;padding:0;margin:0;border:0;border-radius:0">'
            f'<svg class="optlib-overlay" viewBox="0 0 {width * 72:g} {height * 72:g}" aria-hidden="true" '
            f'style="{OVERLAY_STYLE}"><defs>{data["defs"]}</defs>{slots}</svg></div>'
            f'<script type="application/json">{payload}</script><script>{EXPLORER_JS}</script></div>')

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
