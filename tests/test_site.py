"""The built website, in a real browser (Debian's headless Chromium, driven by Playwright).

Each page is loaded once per language for all the tests that only read it or put back what they
move. Every page loads without console errors or third-party requests, its mathematics is
typeset, its images load and have alt texts, and on every chapter every position of every control
of a kernel-free explorer shows a frame of its own (on the Korean pages, every position of the
first control); the vector overlay of a frame lines up with the live figure (pixels compared), in
the light and the dark theme. A screenshot of each page is saved under ``_build/screenshots/``
(``_build/screenshots/ko/`` for the Korean site) for review.
Both sites are tested: the English at ``/`` and the Korean at ``/ko/`` (``lang="ko"``), every
page's language switch links to the same page of the other site, every Korean page
typesets the same display equations as the English one, the Korean pages' Binder and Colab
buttons open the Korean notebooks, and the Korean search finds a term that the text follows
with a particle (모멘텀 finds 모멘텀은).

The site is built (``scripts/build_site.py``, both languages) into a temporary folder first,
unless ``OPTLIB_SITE_DIR`` names an already built ``_build/html`` (CI builds it once and passes it here). Without
Chromium the tests are skipped, unless ``OPTLIB_REQUIRE_BROWSER=1`` (set by CI),
which turns a missing browser into a failure.
"""

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ["sgd", "momentum", "rmsprop", "adam", "adamw", "schedules", "modern", "playground"]
PAGES = ["intro", *CHAPTERS, "glossary", "api", "bibliography"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def browser_or_skip():
    if CHROMIUM is None or not _playwright_available():
        reason = "Chromium (Debian package 'chromium') and the Python package 'playwright' are needed"
        if os.environ.get("OPTLIB_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


def _playwright_available():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    browser_or_skip()
    if os.environ.get("OPTLIB_SITE_DIR"):
        html = Path(os.environ["OPTLIB_SITE_DIR"]).resolve()
    else:
        out = tmp_path_factory.mktemp("site")
        subprocess.run([sys.executable, str(ROOT / "scripts" / "build_site.py"), "--build-dir", str(out)],
                       check=True, capture_output=True)
        html = out / "html"
    assert (html / "book" / "intro.html").is_file(), f"no built site in {html}"
    assert (html / "ko" / "book" / "intro.html").is_file(), f"no Korean site in {html / 'ko'}"
    handler = functools.partial(QuietHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def browser():
    browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


def open_page(browser, site, name, lang="en"):
    """A page of the site, loaded and typeset; console errors and requests that leave the site
    are collected in ``page.errors`` and ``page.foreign``."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(120_000)  # the API page's full screenshot takes over 30 s on a busy machine
    page.errors, page.foreign = [], []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: urlparse(r.url).hostname not in ("127.0.0.1", None)
            and urlparse(r.url).scheme in ("http", "https") and page.foreign.append(r.url))
    page.goto(f"{site}/{'ko/' if lang == 'ko' else ''}book/{name}.html", wait_until="load")
    if page.locator('script[src*="mathjax"]').count():  # Sphinx adds MathJax where there is math
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
    return page


@pytest.fixture
def page_at(browser, site):
    """Open fresh pages, for the tests that move controls or navigate away."""
    opened = []

    def open_fresh(name, lang="en"):
        opened.append(open_page(browser, site, name, lang))
        return opened[-1]

    yield open_fresh
    for page in opened:
        page.close()


LANGS = ["en", "ko"]  # the English site and the Korean one (_build/html/ko), same page paths
EQUATIONS = {}  # (page, language) -> its display equations, recorded as each page is loaded


@pytest.fixture(scope="module", params=[(name, lang) for name in PAGES for lang in LANGS], ids="-".join)
def loaded(request, browser, site):
    """Each page in each language, loaded once for all the tests that only read it (pytest runs
    the tests of one page together, since the fixture is module-scoped and parametrized)."""
    name, lang = request.param
    page = open_page(browser, site, name, lang)
    page.name, page.lang = name, lang
    EQUATIONS[name, lang] = display_equations(page)
    yield page
    page.close()



def test_page_loads_cleanly(loaded):
    page, name, lang = loaded, loaded.name, loaded.lang
    assert page.errors == []
    assert page.foreign == [], "the site must make no third-party requests"
    assert page.locator("html").get_attribute("lang") == lang
    shots = ROOT / "_build" / "screenshots" / ("" if lang == "en" else lang)
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True, timeout=120_000)  # long pages, loaded CI


def test_language_switch_leads_to_the_same_page_in_the_other_language(loaded):
    """The switch is a link to the same page of the other site (the page it leads to is loaded
    and tested under its own parameters): English /book/<page>.html <-> Korean /ko/book/<page>.html."""
    other = "ko" if loaded.lang == "en" else "en"
    link = loaded.locator(f"a[data-optlib-lang={other}]")
    assert link.count() == 1
    target = urlparse(link.evaluate("a => a.href")).path
    assert target.endswith(f"/{'ko/' if other == 'ko' else ''}book/{loaded.name}.html")
    assert ("/ko/" in target) == (other == "ko")


def test_korean_search_finds_a_term_followed_by_a_particle(browser, site):
    """Sphinx has no Korean search: a search for 모멘텀 must find a page that has only 모멘텀은
    (optlib_i18n.SearchKorean). The term is taken from the Korean Adam page: a word that occurs
    there only with a particle, so the default (English) search would not find the page by it."""
    import re

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from optlib_i18n import strip_particle

    page = browser.new_page()
    page.goto(f"{site}/ko/book/adam.html", wait_until="load")
    words = re.findall(r"[\uac00-\ud7a3]+", page.inner_text("main"))
    nominal = ("은", "는", "을", "를", "의", "에", "에서", "으로", "로", "와", "과")  # particles after a noun
    stems = [strip_particle(w) for w in words if strip_particle(w) != w and w.endswith(nominal)]
    only_with_particle = [s for s in stems if len(s) >= 2 and s not in set(words)]
    assert only_with_particle, "no word of the Korean Adam page occurs only with a particle"
    for query in (only_with_particle[0], "모멘텀", "편향 보정을"):
        page.goto(f"{site}/ko/search.html?q={query}", wait_until="load")
        page.wait_for_selector("#search-results ul.search li", timeout=20000)
        hits = page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(e => e.href)")
        assert any(h.split("#")[0].split("?")[0].endswith("/ko/book/adam.html") for h in hits), (query, hits)
    page.close()


def test_mathematics_is_typeset(loaded, browser, site):
    """No TeX left as text; and a Korean page typesets the same display equations, in the same
    order, as the English one (a translated equation once lost its TeX and showed as ``\\[::\\]``)."""
    page, name = loaded, loaded.name
    text = page.evaluate("""() => {
        const body = document.querySelector('main') || document.body;
        const copy = body.cloneNode(true);
        copy.querySelectorAll('pre, code, script, style, mjx-container, .cell_input').forEach(e => e.remove());
        return copy.innerText;
    }""")
    for raw in ("$$", "\\theta", "\\nabla", "\\frac", "\\eta"):
        assert raw not in text, f"untypeset {raw!r} on {name}"
    if name in CHAPTERS or name == "intro":
        assert page.locator("mjx-container").count() > 0
    if loaded.lang == "ko":
        if (name, "en") not in EQUATIONS:  # the English page was not selected in this run
            english = open_page(browser, site, name)
            EQUATIONS[name, "en"] = display_equations(english)
            english.close()
        korean = EQUATIONS[name, "ko"]
        assert "::" not in korean
        assert korean == EQUATIONS[name, "en"]


def display_equations(page):
    """The TeX of every display equation MathJax typeset on the page, in order, without its
    ``\\text{...}`` (prose, translated; Korean word order may split or join them)."""
    import re

    tex = page.evaluate("""() => window.MathJax && MathJax.startup && MathJax.startup.document
        ? Array.from(MathJax.startup.document.math).filter(m => m.display).map(m => m.math) : []""")
    return [re.sub(r"\s+", "", re.sub(r"\\text\{[^{}]*\}", " ", t)) for t in tex]


def test_launch_buttons_open_the_notebook_of_their_language(loaded):
    """Binder and Colab open the English notebook from the English page and the Korean one
    (ko/book/<page>.ipynb: in Binder's image, and on the ko-notebooks branch for Colab) from the
    Korean page; pages that are not notebooks have no launch button."""
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from optlib_i18n import KOREAN_NOTEBOOKS_BRANCH

    name, lang = loaded.name, loaded.lang
    hrefs = loaded.eval_on_selector_all(
        'a[href*="mybinder.org"], a[href*="colab.research.google.com"]', "els => els.map(e => e.getAttribute('href'))")
    if not (ROOT / "book" / f"{name}.ipynb").exists():
        assert hrefs == []
        return
    binder = [h for h in hrefs if "mybinder.org" in h]
    colab = [h for h in hrefs if "colab.research.google.com" in h]
    assert len(binder) == 1 and len(colab) == 1, hrefs
    if lang == "en":
        assert binder[0].endswith(f"/main?urlpath=lab/tree/./book/{name}.ipynb")
        assert colab[0].endswith(f"/blob/main/./book/{name}.ipynb")
    else:
        assert binder[0].endswith(f"/main?urlpath=lab/tree/ko/book/{name}.ipynb")
        assert colab[0].endswith(f"/blob/{KOREAN_NOTEBOOKS_BRANCH}/ko/book/{name}.ipynb")


def test_images_load(loaded):
    page = loaded
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    broken = page.evaluate("""() => Array.from(document.images)
        .filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src.slice(0, 80))""")
    assert broken == []
    no_alt = page.evaluate("""() => Array.from(document.images)
        .filter(img => !img.alt || img.alt.includes('_images/')).map(img => img.src.slice(0, 80))""")
    assert no_alt == [], "every figure needs an alt text (its caption)"


HEAVIEST_PAGE = 1_560_000  # bytes: momentum.html with PNG frames (Dec 2026), the heaviest chapter page then


def test_pages_stay_light(loaded):
    """Bytes transferred for the page itself and the explorers' own files (their font and
    stylesheet), as the browser counts them; the theme and MathJax, shared by every page,
    are left out. Uncompressed: the test server does not gzip. Every page, chapters or not."""
    page, name = loaded, loaded.name
    page.evaluate("() => document.fonts.ready")
    weight = page.evaluate("""() => performance.getEntriesByType('navigation')
        .concat(performance.getEntriesByType('resource').filter(e => e.name.includes('/_static/optlib-')))
        .reduce((sum, e) => sum + e.transferSize, 0)""")
    assert weight <= HEAVIEST_PAGE, f"{name}: {weight / 1e6:.2f} MB"


def frame_signatures(page, explorer, index):
    """What the explorer shows at every position of its ``index``-th control (the others kept)."""
    return page.evaluate("""([root, k]) => {
        const input = root.querySelectorAll('input[type="range"]')[k], start = input.value, seen = [];
        for (let j = 0; j <= +input.max; j++) {
            input.value = j;
            input.dispatchEvent(new Event('input'));
            seen.push([root.querySelector('img').src.length + ':' + root.querySelector('img').src.slice(-40),
                       root.querySelector('svg.optlib-overlay').innerHTML,
                       input.previousElementSibling.textContent]);
        }
        input.value = start;
        input.dispatchEvent(new Event('input'));
        return seen;
    }""", [explorer.element_handle(), index])


def test_every_position_of_every_control_shows_its_own_frame(loaded):
    """Each control of each kernel-free explorer: every position changes the figure and the label
    (every control returns to where it was). The Korean pages carry the same explorers; there the
    first control of each is walked. Every chapter has an explorer, the other pages none."""
    page, name, lang = loaded, loaded.name, loaded.lang
    explorers = page.locator(".optlib-explorer")
    assert (explorers.count() >= 1) == (name in CHAPTERS), f"{name}: {explorers.count()} kernel-free explorers"
    for i in range(explorers.count()):
        explorer = explorers.nth(i)
        explorer.scroll_into_view_if_needed()
        page.wait_for_function("root => root.dataset.ready === '1'", arg=explorer.element_handle())
        for k in range(explorer.locator('input[type="range"]').count() if lang == "en" else 1):
            seen = frame_signatures(page, explorer, k)
            figures, labels = [tuple(s[:2]) for s in seen], [s[2] for s in seen]
            label = explorer.locator("label").nth(k).inner_text()
            assert len(set(labels)) == len(labels), f"{name} explorer {i}: repeated labels on {label!r}"
            assert len(set(figures)) == len(figures), f"{name} explorer {i}: two positions of {label!r} show one frame"


def _conditioning():
    from optlib.widgets.sgd import conditioning_explorer

    return conditioning_explorer()


def _race():
    from optlib.widgets.playground import race_explorer

    return race_explorer()


def _playground():
    from optlib.widgets.playground import playground_explorer

    return playground_explorer()


# (chapter, explorer, values): a zigzag crossing the whole panel; the race's rates under the legend
# entries; a diverged run and a start of the playground's own
OVERLAY_CASES = [("sgd", _conditioning, {"lr": 1.5}), ("playground", _race, {"surface": "Beale", "step": 400}),
                 ("playground", _playground, {"start": "upper right", "SGD": 10.0, "RMSprop": 10.0})]


@pytest.mark.parametrize("name, make, values", OVERLAY_CASES, ids=["sgd", "race", "playground"])
def test_the_overlay_lines_up_with_the_live_figure(page_at, name, make, values):
    """The website's frame (background raster + vector overlay) against the live figure's PNG, pixel by pixel."""
    import io

    import numpy as np
    from PIL import Image

    page = page_at(name)
    live = make()
    explorer = page.locator(".optlib-explorer").filter(has=page.locator(f'img[alt="{live.alt}"]')).first
    explorer.scroll_into_view_if_needed()
    page.wait_for_function("root => root.dataset.ready === '1'", arg=explorer.element_handle())
    for control, site_values in zip(live.controls, live.site_values()):
        if control.name in values:
            explorer.locator(f'input[type="range"][aria-label="{control.label}"]').evaluate(
                "(input, j) => { input.value = j; input.dispatchEvent(new Event('input')); }",
                site_values.index(values[control.name]))
    page.wait_for_timeout(100)
    box = explorer.locator(".optlib-figure img").bounding_box()  # the figure at its own pixel size
    shot = Image.open(io.BytesIO(page.screenshot(clip={"x": round(box["x"]), "y": round(box["y"]),
                                                        "width": round(box["width"]), "height": round(box["height"])})))
    live.update(**values)
    expected = Image.open(io.BytesIO(live.png())).convert("L")
    background = Image.open(io.BytesIO(live.background_png())).convert("L")
    assert shot.size == expected.size, "the figure is shown at its own pixel size"
    shot, expected, background = (np.asarray(im.convert("L"), dtype=float) for im in (shot, expected, background))
    # the animated artists alone: what each image draws over the common background
    ink_site, ink_live = np.abs(shot - background), np.abs(expected - background)
    assert ink_live.sum() > 0 and ink_site.sum() > 0

    def overlap(dx, dy):
        return float((np.roll(ink_site, (dy, dx), axis=(0, 1)) * ink_live).sum())

    shifts = {(dx, dy): overlap(dx, dy) for dx in (-2, -1, 0, 1, 2) for dy in (-2, -1, 0, 1, 2)}
    assert max(shifts, key=shifts.get) == (0, 0), "the overlay is shifted against the live figure"
    # browser and Agg antialias lines and text differently: compare shapes, not exact pixels
    differs = np.abs(shot - expected) > 96
    assert differs.mean() < 0.01, f"{differs.mean():.2%} of the pixels differ from the live figure"


def test_the_dark_theme_keeps_the_overlay_on_its_background(page_at):
    page = page_at("sgd")
    page.evaluate("() => { document.documentElement.dataset.theme = 'dark'; }")
    figure = page.locator(".optlib-figure").first
    figure.scroll_into_view_if_needed()
    boxes = figure.evaluate("""f => [f.querySelector('img'), f.querySelector('svg')].map(e => {
        const r = e.getBoundingClientRect(), s = getComputedStyle(e);
        return [r.x + parseFloat(s.paddingLeft), r.y + parseFloat(s.paddingTop),
                r.width - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight),
                r.height - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom)]; })""")
    assert boxes[0] == pytest.approx(boxes[1], abs=0.5)
    shots = ROOT / "_build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    figure.locator("xpath=..").screenshot(path=str(shots / "sgd-explorer-dark.png"))


def test_the_race_plays_without_a_kernel(page_at):
    page = page_at("playground")
    explorer = page.locator(".optlib-explorer:has(button[data-play])").first
    explorer.scroll_into_view_if_needed()
    page.wait_for_function("root => root.dataset.ready === '1'", arg=explorer.element_handle())
    button = explorer.locator("button[data-play]")
    slider = explorer.locator('input[type="range"][data-index="1"]')
    button.click()  # at the last step, play restarts from step 0
    assert slider.input_value() == "0"
    seen = set()
    for _ in range(4):
        page.wait_for_timeout(700)
        seen.add(explorer.locator("svg.optlib-overlay").inner_html())
    assert len(seen) >= 3 and int(slider.input_value()) >= 3
