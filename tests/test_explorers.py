"""Every explorer, driven headlessly: controls to their extremes, no exception, no warning.

Explorers are discovered by name: every public function ending in ``_explorer``
in a module of ``optlib.widgets``. Chapter-specific facts about an explorer (a
divergence label, a predicted rate) are tested in that chapter's test file.

The website's sweep of every value is slow (the site build does it once); the tests
of the kernel-free html run under a small frame budget, where explorers fall back to
their ``static`` values. The full sweep is checked in the browser on the built site
(``tests/test_site.py``).
"""

import base64
import gzip
import importlib
import itertools
import json
import pkgutil
import re
import warnings

import numpy as np
import pytest

import optlib.widgets
from optlib.widgets import FRAME_BUDGET, Control, Explorer, batched
from optlib.widgets._overlay import compact_path, polyline


def explorer_factories():
    for module in pkgutil.iter_modules(optlib.widgets.__path__):
        mod = importlib.import_module(f"optlib.widgets.{module.name}")
        for name in dir(mod):
            obj = getattr(mod, name)
            if name.endswith("_explorer") and callable(obj) and obj.__module__ == mod.__name__:
                yield pytest.param(obj, id=f"{module.name}.{name}")


FACTORIES = list(explorer_factories())


@pytest.fixture
def small_budget(monkeypatch):
    """Website frames from the ``static`` values only (a quick sweep)."""
    monkeypatch.setattr(optlib.widgets, "FRAME_BUDGET", 64)


_SITE_HTML = {}


def site_html(explorer):
    """The explorer's kernel-free website html under the small budget, computed once per explorer."""
    key = (explorer.alt, repr([c.values for c in explorer.controls]))
    if key not in _SITE_HTML:
        _SITE_HTML[key] = explorer.static_html(full=True)
    return _SITE_HTML[key]


def site_data(html):
    """The explorer's JSON and its unpacked frames, from its kernel-free html."""
    data = json.loads(re.search(r'<script type="application/json">(.*?)</script>', html).group(1).replace("<\\/", "</"))
    return data, json.loads(gzip.decompress(base64.b64decode(data["frames"])))


@pytest.fixture(params=FACTORIES)
def explorer(request):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return request.param()


def test_some_explorers_exist():
    assert len(FACTORIES) >= 1


def extreme_combinations(controls, most=64):
    """Every combination of the controls' end values, or, past ``most`` of them, each control at
    each end with the others at their defaults, plus all at their first and all at their last values."""
    extremes = [(c.values[0], c.values[-1]) for c in controls]
    if 2 ** len(controls) <= most:
        return list(itertools.product(*extremes))
    defaults = [c.default for c in controls]
    combos = [tuple(end if j == i else d for j, d in enumerate(defaults)) for i, ends in enumerate(extremes)
              for end in ends]
    return combos + [tuple(e[0] for e in extremes), tuple(e[-1] for e in extremes)]


def test_controls_to_their_extremes(explorer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            for combo in extreme_combinations(explorer.controls):
                explorer.update(**dict(zip(explorer.values, combo)))
                image = explorer.png()
                assert image[:8] == b"\x89PNG\r\n\x1a\n"


def test_update_reuses_the_figure(explorer):
    figure, artists = explorer.figure, list(explorer.animated)
    c = explorer.controls[0]
    explorer.update(**{c.name: c.values[-1]})
    assert explorer.figure is figure and explorer.animated == artists


def sweep_frames(explorer, values):
    """The most frames one sweep of the website needs (an artist group over its controls' values)."""
    return max(int(np.prod([len(values[k]) for k in controls])) for controls, _ in explorer.sweeps())


def test_the_site_offers_every_value_within_the_frame_budget(explorer):
    values = explorer.site_values()
    if sweep_frames(explorer, [c.values for c in explorer.controls]) <= FRAME_BUDGET:
        assert values == [c.values for c in explorer.controls]
    else:
        assert values == [c.static for c in explorer.controls]
    assert sweep_frames(explorer, values) <= FRAME_BUDGET


def test_the_playground_offers_every_value_of_its_eight_controls():
    """Issue 16: where the product of the controls exceeds the budget, every value all the same
    (each optimizer's artists change with the surface, start, schedule and its own rate only)."""
    from optlib.widgets.playground import playground_explorer

    explorer = playground_explorer()
    assert int(np.prod([len(c.values) for c in explorer.controls])) > FRAME_BUDGET
    assert explorer.site_values() == [c.values for c in explorer.controls]


def test_an_artist_group_does_not_change_with_the_other_controls():
    """The playground's groups are true: moving a control outside a group leaves its artists as drawn."""
    from optlib.widgets._overlay import Compactor, FrameRenderer
    from optlib.widgets.playground import playground_explorer

    explorer = playground_explorer()
    compactor = Compactor("t")

    def drawn(artists):
        with FrameRenderer(explorer.figure) as renderer:
            return compactor.fragments(renderer.draw(artists))

    for names, artists in explorer.groups:
        others = [c for c in explorer.controls if c.name not in names]
        before = drawn(artists)
        for c in others:
            explorer.update(**{c.name: c.values[-1]})
        assert drawn(artists) == before, names
        explorer.update(**{c.name: c.default for c in others})


def test_static_site_has_a_labelled_control_per_explorer_control(explorer, small_budget):
    html = site_html(explorer)
    data, frames = site_data(html)
    assert data["sizes"] == [len(v) for v in explorer.site_values()]
    assert int(np.prod(data["sizes"])) <= 64
    assert html.count('type="range"') == len(explorer.controls)
    assert html.count("<img ") == 1 and html.count('<svg class="optlib-overlay"') == 1
    assert len(data["backgrounds"]) == len(set(data["bg"]["src"]))
    assert len(frames["slots"]) == html.split('<svg class="optlib-overlay"')[1].count("<g>")
    for c in explorer.controls:
        assert c.label in html


def frame_at(data, frames, position):
    """What the page shows at the inputs' ``position``: the background and each slot's fragment."""
    def at(deps):
        k = 0
        for d in deps:
            k = k * data["sizes"][d] + position[d]
        return k

    return (data["bg"]["src"][at(data["bg"]["deps"])],
            *(frames["strings"][slot["f"][at(slot["deps"])]] for slot in frames["slots"]))


def test_static_frames_differ_when_a_control_moves(explorer, small_budget):
    data, frames = site_data(site_html(explorer))
    start = [0] * len(data["sizes"])
    for k, size in enumerate(data["sizes"]):
        if size > 1:
            moved = start.copy()
            moved[k] = size - 1
            assert frame_at(data, frames, moved) != frame_at(data, frames, start), explorer.controls[k].name


def test_a_frame_stores_each_artist_once_per_value_of_the_controls_it_depends_on():
    """Slots are indexed by the controls their artists change with, found on the sweep itself."""
    from optlib.plotting import figure

    fig, ax = figure()
    (a,) = ax.plot([0, 1], [0, 0])
    (b,) = ax.plot([0, 1], [0, 0])
    ax.set_ylim(-5, 5)

    def update(x, y):
        a.set_ydata([0, x])
        b.set_ydata([x, y])

    controls = [Control("x", "x", (1.0, 2.0, 3.0), 1.0), Control("y", "y", (1.0, 2.0), 1.0)]
    explorer = Explorer(fig, update, controls, alt="two lines", animated=[a, b])
    data, frames = site_data(explorer.static_html(full=True))
    assert [slot["deps"] for slot in frames["slots"]] == [[0], [0, 1]]
    assert [len(slot["f"]) for slot in frames["slots"]] == [3, 6]
    for x, y in itertools.product(range(3), range(2)):
        direct = frame_at(data, frames, [x, y])
        assert direct[1] != direct[2] and direct[1] == frame_at(data, frames, [x, 1 - y])[1]


def absolute_points(d):
    """The end points of compact (relative) SVG path data, to check it against the input."""
    tokens = re.findall(r"[a-zA-Z]|-?(?:\d+\.?\d*|\.\d+)", d)
    points, x, y, command, i = [], 0.0, 0.0, None, 0
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            continue
        arity = {"m": 1, "l": 1, "q": 2, "c": 3}[command.lower()]
        pairs = [(float(tokens[i + 2 * j]), float(tokens[i + 2 * j + 1])) for j in range(arity)]
        i += 2 * arity
        x, y = (x + pairs[-1][0], y + pairs[-1][1]) if command.islower() else pairs[-1]
        points.append((round(x, 6), round(y, 6)))
        if command == "m":
            command = "l"
    return points


def test_compact_paths_keep_every_point_to_a_tenth():
    rng = np.random.default_rng(0)
    vertices = np.cumsum(rng.normal(0, 3, (200, 2)), axis=0) + 300
    vertices[50] = vertices[49]  # a repeated point is dropped
    expected = np.round(vertices * 10) / 10
    expected = np.delete(expected, 50, axis=0)
    assert np.allclose(absolute_points(polyline(vertices, None)), expected, atol=1e-6)
    absolute = "M " + " L ".join(f"{x:.6f} {y:.6f}" for x, y in vertices)
    assert np.allclose(absolute_points(compact_path(absolute)), expected, atol=1e-6)
    # numbers next to each other never merge: 0 then .1 is written "0 .1", never "0.1"
    assert absolute_points(polyline(np.array([[0.0, 0.0], [0.0, 0.1], [0.1, 0.1]]), None)) == [
        (0.0, 0.0), (0.0, 0.1), (0.1, 0.1)]


def test_batched_runs_are_the_runs_alone_made_once_per_other_argument():
    from optlib import SGD, Quadratic, run
    from optlib.widgets.schedules import additive_noise

    calls = []

    def experiment(momentum, lr, kappa):  # runs from 5 starts, with noise
        calls.append(kappa)
        q, starts = Quadratic.ill_conditioned(kappa, 0.3), np.random.default_rng(1).standard_normal((5, 2))
        return run(SGD(lr=lr[..., None], momentum=momentum[..., None]), additive_noise(q, 0.1, 2, shape=(5, 2)),
                   starts, 80, bound=5.0)

    lrs, momenta = (0.5, 1.0, 2.5, 4.0), (0.0, 0.5, 0.9)
    one = batched(experiment, momentum=momenta, lr=lrs)
    for kappa in (3.0, 30.0):
        for momentum, lr in itertools.product(momenta + (0.7,), lrs + (1.7,)):
            got = one(momentum=momentum, lr=lr, kappa=kappa)
            alone = experiment(np.full((1, 1, 1), momentum), np.full((1, 1, 1), lr), kappa)  # as batched passes one
            assert got.params.shape == alone.params.shape[:1] + alone.params.shape[3:] == (81, 5, 2)
            np.testing.assert_array_equal(got.params, alone.params[:, 0, 0])
            np.testing.assert_array_equal(got.diverged_at, alone.diverged_at[0, 0])
    assert one(momentum=0.9, lr=4.0, kappa=3.0).diverged.any()  # some runs diverge: their padding is compared
    calls_per_kappa = [calls.count(kappa) for kappa in (3.0, 30.0)]
    # once for the grid, then once per off-grid configuration (8 of 20) and per lone twin above (20)
    assert calls_per_kappa == [1 + 8 + 20, 1 + 8 + 20]
    with pytest.raises(TypeError, match=r"missing argument\(s\) \['lr'\] of the grid \('momentum', 'lr'\)"):
        one(momentum=0.5, kappa=3.0)
    with pytest.raises(TypeError, match=r"kappa=\[3.0\] is not hashable"):
        one(momentum=0.5, lr=1.0, kappa=[3.0])
    # a value is matched as itself: float32's 0.5 is 0.5, its 0.9 is not 0.9 (a lone run at its value)
    calls.clear()
    half = one(momentum=np.float32(0.5), lr=1.0, kappa=3.0)
    assert np.array_equal(half.params, one(momentum=0.5, lr=1.0, kappa=3.0).params)
    assert calls == []
    off = one(momentum=np.float32(0.9), lr=1.0, kappa=3.0)
    assert calls == [3.0] and not np.array_equal(off.params, one(momentum=0.9, lr=1.0, kappa=3.0).params)
    mine = one(momentum=0.5, lr=1.0, kappa=3.0)
    mine.params[:] = 0  # a copy: the kept batch is untouched
    assert np.any(one(momentum=0.5, lr=1.0, kappa=3.0).params != 0)


def test_unknown_control_is_an_error(explorer):
    with pytest.raises(ValueError, match="unknown control"):
        explorer.update(no_such_control=1)


def test_control_default_must_be_a_value():
    with pytest.raises(ValueError, match="default"):
        Control("lr", "learning rate", (0.1, 0.2), 0.3)


def test_fallback_outside_the_site_build_is_one_frame(explorer, monkeypatch, small_budget):
    monkeypatch.delenv("OPTLIB_STATIC_SITE", raising=False)
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/html"].count("data:image/png;base64,") == 1
    assert "application/vnd.jupyter.widget-view+json" in bundle
    monkeypatch.setenv("OPTLIB_STATIC_SITE", "1")
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" not in bundle
    assert 'type="range"' in bundle["text/html"]


def test_a_play_control_gets_a_play_button_live_and_on_the_site(explorer, small_budget):
    playing = [c for c in explorer.controls if c.play]
    assert site_html(explorer).count("data-play=") == len(playing)
    import ipywidgets

    box = explorer.widget()
    players = [w for row in box.children[0].children
               for w in getattr(row, "children", ()) if isinstance(w, ipywidgets.Play)]
    assert len(players) == len(playing)
    for player, c in zip(players, playing):
        assert player.max == len(c.values) - 1


def test_compact_png_keeps_the_optimizer_colours_apart():
    """The five optimizers' colours cover few pixels of a frame; the palette must keep each."""
    import io

    from PIL import Image

    from optlib.plotting import COLORS
    from optlib.widgets.playground import NAMES, race_explorer

    frame = race_explorer().update(step=50).png()
    rgb = np.asarray(Image.open(io.BytesIO(frame)).convert("RGB")).reshape(-1, 3).astype(int)
    for name in NAMES:
        target = np.array([int(COLORS[name][k:k + 2], 16) for k in (1, 3, 5)])
        assert np.abs(rgb - target).max(axis=1).min() <= 8, name
