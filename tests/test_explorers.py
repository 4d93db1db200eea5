"""Every explorer, driven headlessly: controls to their extremes, no exception, no warning.

Explorers are discovered by name: every public function ending in ``_explorer``
in a module of ``optlib.widgets``. Chapter-specific facts about an explorer (a
divergence label, a predicted rate) are tested in that chapter's test file.
"""

import importlib
import itertools
import pkgutil
import warnings

import numpy as np
import pytest

import optlib.widgets
from optlib.widgets import MAX_FRAMES, Control, Explorer


def explorer_factories():
    for module in pkgutil.iter_modules(optlib.widgets.__path__):
        mod = importlib.import_module(f"optlib.widgets.{module.name}")
        for name in dir(mod):
            obj = getattr(mod, name)
            if name.endswith("_explorer") and callable(obj) and obj.__module__ == mod.__name__:
                yield pytest.param(obj, id=f"{module.name}.{name}")


FACTORIES = list(explorer_factories())


@pytest.fixture(params=FACTORIES)
def explorer(request):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return request.param()


def test_some_explorers_exist():
    assert len(FACTORIES) >= 1


def test_controls_to_their_extremes(explorer):
    extremes = [(c.values[0], c.values[-1]) for c in explorer.controls]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            for combo in itertools.product(*extremes):
                explorer.update(**dict(zip(explorer.values, combo)))
                image = explorer.png()
                assert image[:8] == b"\x89PNG\r\n\x1a\n"


def test_update_reuses_the_figure(explorer):
    figure, artists = explorer.figure, list(explorer.animated)
    c = explorer.controls[0]
    explorer.update(**{c.name: c.values[-1]})
    assert explorer.figure is figure and explorer.animated == artists


def test_static_site_has_a_labelled_control_per_explorer_control(explorer):
    html = explorer.static_html(full=True)
    frames = int(np.prod([len(c.static) for c in explorer.controls]))
    assert frames <= MAX_FRAMES
    assert html.count('type="range"') == len(explorer.controls)
    assert html.count('src="data:image/png;base64,') == 1 and html.count('"iVBOR') == frames
    for c in explorer.controls:
        assert c.label in html


def test_static_frames_differ_when_a_control_moves(explorer):
    frames = explorer.frames()
    assert len(set(frames)) > 1


def test_unknown_control_is_an_error(explorer):
    with pytest.raises(ValueError, match="unknown control"):
        explorer.update(no_such_control=1)


def test_control_default_must_be_a_value():
    with pytest.raises(ValueError, match="default"):
        Control("lr", "learning rate", (0.1, 0.2), 0.3)


def test_fallback_outside_the_site_build_is_one_frame(explorer, monkeypatch):
    monkeypatch.delenv("OPTLIB_STATIC_SITE", raising=False)
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/html"].count("data:image/png;base64,") == 1
    assert "application/vnd.jupyter.widget-view+json" in bundle
    monkeypatch.setenv("OPTLIB_STATIC_SITE", "1")
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" not in bundle
    assert 'type="range"' in bundle["text/html"]


def test_a_play_control_gets_a_play_button_live_and_on_the_site(explorer):
    playing = [c for c in explorer.controls if c.play]
    assert explorer.static_html(full=True).count("data-play=") == len(playing)
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
