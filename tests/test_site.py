"""The built website, in a real browser (Debian's headless Chromium, driven by Playwright).

Every page loads without console errors or third-party requests, its mathematics is
typeset, its images load and have alt texts, and on every chapter a kernel-free explorer changes its
figure when its control moves. A screenshot of each page is saved under
``_build/screenshots/`` for review.

The site is built into a temporary folder first, unless ``OPTLIB_SITE_DIR`` names an
already built ``_build/html`` (CI builds it once and passes it here). Without
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
        subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "build", "-W", "--keep-going", str(ROOT),
                        "--path-output", str(out)], check=True, capture_output=True)
        html = out / "_build" / "html"
    assert (html / "book" / "intro.html").is_file(), f"no built site in {html}"
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


@pytest.fixture
def page_at(browser, site):
    """Open a page; collect console errors and requests that leave the site."""
    opened = []

    def open_page(name):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.errors, page.foreign = [], []
        page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.on("request", lambda r: urlparse(r.url).hostname not in ("127.0.0.1", None)
                and urlparse(r.url).scheme in ("http", "https") and page.foreign.append(r.url))
        page.goto(f"{site}/book/{name}.html", wait_until="load")
        if page.locator('script[src*="mathjax"]').count():  # Sphinx adds MathJax where there is math
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
            page.evaluate("() => MathJax.startup.promise")
        opened.append(page)
        return page

    yield open_page
    for page in opened:
        page.close()


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_cleanly(page_at, name):
    page = page_at(name)
    assert page.errors == []
    assert page.foreign == [], "the site must make no third-party requests"
    shots = ROOT / "_build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("name", PAGES)
def test_mathematics_is_typeset(page_at, name):
    page = page_at(name)
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


@pytest.mark.parametrize("name", PAGES)
def test_images_load(page_at, name):
    page = page_at(name)
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    broken = page.evaluate("""() => Array.from(document.images)
        .filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src.slice(0, 80))""")
    assert broken == []
    no_alt = page.evaluate("""() => Array.from(document.images)
        .filter(img => !img.alt || img.alt.includes('_images/')).map(img => img.src.slice(0, 80))""")
    assert no_alt == [], "every figure needs an alt text (its caption)"


@pytest.mark.parametrize("name", CHAPTERS)
def test_an_explorer_responds_without_a_kernel(page_at, name):
    page = page_at(name)
    explorers = page.locator(".optlib-explorer")
    assert explorers.count() >= 1, f"no kernel-free explorer on {name}"
    moved = 0
    for i in range(explorers.count()):
        explorer = explorers.nth(i)
        slider = explorer.locator('input[type="range"]').first
        before = explorer.locator("img").get_attribute("src")
        label_before = explorer.locator("output").first.inner_text()
        slider.focus()
        value, top = int(slider.input_value()), int(slider.get_attribute("max"))
        page.keyboard.press("ArrowLeft" if value == top else "ArrowRight")
        if explorer.locator("img").get_attribute("src") != before:
            assert explorer.locator("output").first.inner_text() != label_before
            moved += 1
    assert moved == explorers.count(), f"{explorers.count() - moved} explorer(s) on {name} did not respond"


def test_the_race_plays_without_a_kernel(page_at):
    page = page_at("playground")
    explorer = page.locator(".optlib-explorer:has(button[data-play])").first
    button = explorer.locator("button[data-play]")
    slider = explorer.locator('input[type="range"][data-index="1"]')
    button.click()  # at the last step, play restarts from step 0
    assert slider.input_value() == "0"
    seen = set()
    for _ in range(4):
        page.wait_for_timeout(700)
        seen.add(explorer.locator("img").get_attribute("src"))
    assert len(seen) >= 3 and int(slider.input_value()) >= 3
