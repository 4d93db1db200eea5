"""The website's explorers, side by side: PNG frames (before) against a raster background
with vector overlays (now). Prints numbers; asserts nothing.

1. Page weight: bytes transferred for each chapter page, as headless Chromium measures
   them (``transferSize``), from a plain static server that does not compress (the frame
   data are gzipped inside the page by the build itself): the page with the explorers'
   own files (font, stylesheet), and with everything it loads.
2. Frames: for every explorer, the frames its website version offers (the product of
   its controls' positions) on each site.
3. Frame build time: every explorer's kernel-free html rendered as the site build does
   (``OPTLIB_STATIC_SITE=1``), with each tree's own optlib, in a fresh process; each tree
   ``--repeat`` times, taking turns, and the median (the machine's speed drifts).
4. Frame-switch latency: in headless Chromium, a seeded random walk of control changes
   on every explorer; the time from the input event to the next paint with the new
   frame (``performance.now()`` before the event; after it, any new image decoded,
   then the next animation frame and a task after it), median and 95th percentile. Each
   input comes after a random wait of 0-16 ms, at any phase of the display's frames, as a
   reader's does (right after a paint the next one is a whole frame away, so a walk that
   changes controls right after each paint measures at least a frame, whatever the page
   does); also the share of changes painted in the very first animation frame after the
   input, and an idle animation frame for reference.

    python benchmarks/bench_explorers.py [--before DIR] [--after DIR] [--before-ref REF] [--changes N] [--repeat N]
    python benchmarks/bench_explorers.py --frames-only    # part 3 alone
    python benchmarks/bench_explorers.py --site-builds    # clean site builds, before and after, in one run
    python benchmarks/bench_explorers.py --latency-only --after DIR    # part 4 alone, on one site

The machine's load (``/proc/loadavg``) is printed with each timed part: on a loaded machine
the timings are longer than the page's own cost.

``--before``/``--after`` name already built sites (``_build/html``); a missing one is built
(``--before-ref``, default the last commit with PNG frames, from ``git archive``; the after
site from this working tree).
"""

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BEFORE_REF = "4f01f07"  # the last commit whose explorers were PNG frames
CHAPTERS = ["sgd", "momentum", "rmsprop", "adam", "adamw", "schedules", "modern", "playground"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def checkout(ref, into):
    """The tree of ``ref`` (no git metadata), extracted into ``into``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def build(tree, out):
    """Build the site of ``tree`` (its own optlib first on the path); returns (html dir, seconds)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    start = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "build", "-W", "--keep-going", str(tree),
                    "--path-output", str(out)], check=True, capture_output=True, env=env)
    return out / "_build" / "html", time.perf_counter() - start


def site_builds(before_tree, scratch):
    """Wall-clock seconds of clean site builds, English, every notebook executed: the before tree and
    this one with the same command (``jupyter-book build``), and this one with its README's command
    (``scripts/build_site.py``, which executes the notebooks two at a time), in one run."""
    (scratch / "after-tree").mkdir()
    after_tree = checkout("HEAD", (scratch / "after-tree").resolve())
    times = {}
    _, times["before, jupyter-book build"] = build(before_tree, scratch / "before-site")
    _, times["after, jupyter-book build"] = build(after_tree, scratch / "after-site")
    env = {**os.environ, "PYTHONPATH": str(after_tree)}
    start = time.perf_counter()
    subprocess.run([sys.executable, str(after_tree / "scripts" / "build_site.py"), "--language", "en", "--build-dir",
                    str(scratch / "after-readme")], check=True, capture_output=True, env=env, cwd=str(after_tree))
    times["after, scripts/build_site.py --language en"] = time.perf_counter() - start
    return times


FRAME_TIMES = """
import importlib, json, os, pkgutil, sys, time
os.environ["OPTLIB_STATIC_SITE"] = "1"
import optlib.widgets
times = {}
for module in pkgutil.iter_modules(optlib.widgets.__path__):
    mod = importlib.import_module(f"optlib.widgets.{module.name}")
    for name in sorted(dir(mod)):
        obj = getattr(mod, name)
        if name.endswith("_explorer") and callable(obj) and obj.__module__ == mod.__name__:
            explorer = obj()
            cpu, wall = sum(os.times()[:4]), time.perf_counter()  # with the forked workers' CPU
            html = explorer.static_html(full=True)
            times[f"{module.name}.{name}"] = [sum(os.times()[:4]) - cpu, time.perf_counter() - wall,
                                              len(html.encode())]
print(json.dumps(times))
"""


def frame_times(tree):
    """CPU seconds and html bytes of every explorer's website version, with the optlib of ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", FRAME_TIMES], check=True, capture_output=True, text=True,
                         env=env, cwd=str(tree)).stdout
    return json.loads(out.strip().splitlines()[-1])


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


WEIGHT_JS = """async () => {
    window.scrollTo(0, document.body.scrollHeight);
    await document.fonts.ready;
    await new Promise(r => setTimeout(r, 300));
    const entries = performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'));
    const sum = list => list.reduce((s, e) => s + e.transferSize, 0);
    return [sum(entries), sum(entries.filter(e => e.entryType === 'navigation' || e.name.includes('/_static/optlib-')))];
}"""

EXPLORERS_JS = """() => Array.from(document.querySelectorAll('.optlib-explorer')).map(root => ({
    alt: root.querySelector('img').alt.slice(0, 60),
    frames: Array.from(root.querySelectorAll('input[type=range]')).reduce((p, i) => p * (+i.max + 1), 1),
    positions: Array.from(root.querySelectorAll('input[type=range]')).map(i => +i.max + 1)}))"""

LATENCY_JS = """async ([index, changes, seed]) => {
    const root = document.querySelectorAll('.optlib-explorer')[index];
    root.scrollIntoView();
    for (let i = 0; i < 200 && root.querySelector('svg') && root.dataset.ready !== '1'; i++)
        await new Promise(r => setTimeout(r, 25));
    const inputs = root.querySelectorAll('input[type=range]');
    let state = seed;
    const random = n => { state = (state * 1103515245 + 12345) % 2147483648; return state % n; };
    const paint = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
    const times = [], first = [];
    await paint();
    for (let c = 0; c < changes; c++) {
        const input = inputs[random(inputs.length)], size = +input.max + 1;
        if (size < 2) continue;
        const j = (+input.value + 1 + random(size - 1)) % size;
        await new Promise(r => setTimeout(r, random(17)));  // a reader's input comes at any phase of the frame
        let next = null, shown = null;
        requestAnimationFrame(t => { next = t; });  // the first animation frame after the input
        const images = Array.from(root.querySelectorAll('img')), sources = images.map(img => img.src);
        const start = performance.now();
        input.value = j;
        input.dispatchEvent(new Event('input'));
        // a new background must be decoded before it shows (decode() of an unchanged image would
        // itself wait for a frame)
        await Promise.all(images.filter((img, k) => img.src !== sources[k]).map(img => img.decode().catch(() => null)));
        await new Promise(r => requestAnimationFrame(t => { shown = t; setTimeout(r, 0); }));
        times.push(performance.now() - start);
        first.push(shown === next);
    }
    return [times, first];
}"""


IDLE_JS = """async () => {
    const paint = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
    const times = [];
    for (let i = 0; i < 20; i++) { const start = performance.now(); await paint(); times.push(performance.now() - start); }
    return times;
}"""


def browse(sites, changes, weigh=True):
    """Page weights, explorers and latencies for each site, in one Chromium."""
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
        for label, html in sites.items():
            server = serve(html)
            base = f"http://127.0.0.1:{server.server_address[1]}"
            weights, explorers, latencies, firsts, idle = {}, {}, {}, {}, []
            for name in CHAPTERS:
                if not (html / "book" / f"{name}.html").is_file():
                    continue
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"{base}/book/{name}.html", wait_until="load")
                if weigh:
                    weights[name] = page.evaluate(WEIGHT_JS)
                idle += page.evaluate(IDLE_JS)
                found = page.evaluate(EXPLORERS_JS)
                for i, explorer in enumerate(found):
                    key = f"{name}: {explorer['alt']}"
                    explorers[key] = explorer
                    latencies[key], firsts[key] = page.evaluate(LATENCY_JS, [i, changes, 1 + i])
                page.close()
            server.shutdown()
            results[label] = {"weights": weights, "explorers": explorers, "latencies": latencies, "first": firsts,
                              "idle": idle}
        browser.close()
    return results


def load():
    """The load averages (1, 5, 15 min) and the CPUs, for the record beside a timing."""
    with open("/proc/loadavg") as f:
        one, five, fifteen = f.read().split()[:3]
    return f"load average {one}, {five}, {fifteen} on {len(os.sched_getaffinity(0))} CPUs"


def print_frame_times(before_tree, repeat=3):
    print("\nFrame build time (each explorer's website html, as the site build renders it: CPU s of the"
          f" process and its forked workers, and wall-clock s; the median of {repeat} runs of each tree, taking"
          f" turns; {load()})")
    runs = {"before": [], "after": []}
    for _ in range(repeat):  # taking turns: a busier spell of the machine slows both
        runs["before"].append(frame_times(before_tree))
        runs["after"].append(frame_times(ROOT))
    times = {label: {key: np.median([r[key] for r in found], axis=0).tolist() for key in found[0]}
             for label, found in runs.items()}
    for label, found in runs.items():
        totals = [sum(v[0] for v in r.values()) for r in found]
        print(f"  {label}: total CPU of each run {', '.join(f'{t:.1f}' for t in totals)} s")
    print(f"{'explorer':45s} {'CPU before':>10s} {'after':>6s} {'wall before':>11s} {'after':>6s} "
          f"{'KB before':>9s} {'after':>6s}")
    for key in sorted(set(times["before"]) | set(times["after"])):
        b, a = times["before"].get(key, [np.nan, np.nan, 0]), times["after"].get(key, [np.nan, np.nan, 0])
        print(f"{key:45s} {b[0]:10.1f} {a[0]:6.1f} {b[1]:11.1f} {a[1]:6.1f} {b[2] / 1e3:9.0f} {a[2] / 1e3:6.0f}")
    print(f"{'total':45s} {sum(v[0] for v in times['before'].values()):10.1f} "
          f"{sum(v[0] for v in times['after'].values()):6.1f} {sum(v[1] for v in times['before'].values()):11.1f} "
          f"{sum(v[1] for v in times['after'].values()):6.1f}")
    print(f"(CPUs available: {len(os.sched_getaffinity(0))}; OPTLIB_SITE_WORKERS sets the forked workers)")


def print_latencies(results):
    print(f"\nFrame-switch latency (ms, input event to the next paint with the new frame; {load()})")
    for label, result in results.items():
        every = np.concatenate([np.asarray(t, dtype=float) for t in result["latencies"].values() if len(t)])
        medians = [float(np.median(t)) for t in result["latencies"].values() if len(t)]
        print(f"{label:7s} median {np.median(every):6.1f}  p95 {np.percentile(every, 95):6.1f}  "
              f"median of the explorers' medians {np.median(medians):6.1f}  (n = {len(every)})")
        first = [f for fs in result.get("first", {}).values() for f in fs]
        if first:
            print(f"{'':7s} new frame painted in the first animation frame after the input: "
                  f"{100 * np.mean(first):.0f} % of the changes")
        if result.get("idle"):
            print(f"{'':7s} an idle animation frame alone (requestAnimationFrame, then a task): median "
                  f"{np.median(result['idle']):.1f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, help="a site built with PNG frames (_build/html)")
    parser.add_argument("--after", type=Path, help="a site built from this tree (_build/html)")
    parser.add_argument("--before-ref", default=BEFORE_REF)
    parser.add_argument("--changes", type=int, default=40, help="control changes per explorer")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the frame build time of each tree")
    parser.add_argument("--frames-only", action="store_true",
                        help="measure only the frame build time, of --before-ref's tree and this one")
    parser.add_argument("--weights-only", action="store_true",
                        help="measure only the page weights, of the site given by --after")
    parser.add_argument("--site-builds", action="store_true",
                        help="only time clean site builds (English): --before-ref's tree and HEAD's, each with"
                             " jupyter-book build, and HEAD's with the README's command")
    parser.add_argument("--latency-only", action="store_true",
                        help="measure only the frame-switch latency, on the site given by --after")
    args = parser.parse_args()
    if args.latency_only or args.weights_only:
        if args.after is None:
            parser.error("--latency-only and --weights-only need --after DIR (a built site)")
        results = browse({"after": args.after.resolve()}, args.changes if args.latency_only else 0,
                         weigh=args.weights_only)
        if args.weights_only:
            print("Page weight (MB transferred from an uncompressed server: the page with the explorers' own files,"
                  " and with everything it loads)")
            for name, (every, own) in results["after"]["weights"].items():
                print(f"{name:12s} {own / 1e6:6.2f} {every / 1e6:6.2f}")
            for key, explorer in results["after"]["explorers"].items():
                print(f"{key[:70]:70s} {str(explorer['positions']):28s} {explorer['frames']:8d}")
        if args.latency_only:
            print_latencies(results)
        return
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        (scratch / "before").mkdir()
        before_tree = checkout(args.before_ref, (scratch / "before").resolve())
        if args.frames_only:
            print_frame_times(before_tree, args.repeat)
            return
        if args.site_builds:
            print(f"Clean site builds, English, every notebook executed (wall-clock s; {load()} at the start)")
            for label, seconds in site_builds(before_tree, scratch).items():
                print(f"{label:50s} {seconds:6.0f}")
            print(f"({load()} at the end)")
            return
        sites, builds = {}, {}
        if args.before is None:
            sites["before"], builds["before"] = build(before_tree, scratch / "before-site")
        else:
            sites["before"] = args.before.resolve()
        if args.after is None:
            sites["after"], builds["after"] = build(ROOT, scratch / "after-site")
        else:
            sites["after"] = args.after.resolve()
        for label, seconds in builds.items():
            print(f"site build ({label}): {seconds:.0f} s wall clock")

        print_frame_times(before_tree, args.repeat)

        results = browse(sites, args.changes)
    before, after = results["before"], results["after"]
    print("\nPage weight (MB transferred from an uncompressed server: the page with the explorers' own files,"
          " and with everything it loads, theme and MathJax included)")
    print(f"{'page':12s} {'own before':>10s} {'after':>6s} {'all before':>10s} {'after':>6s}")
    nan = [float("nan")] * 2
    for name in CHAPTERS:
        b, a = before["weights"].get(name, nan), after["weights"].get(name, nan)
        print(f"{name:12s} {b[1] / 1e6:10.2f} {a[1] / 1e6:6.2f} {b[0] / 1e6:10.2f} {a[0] / 1e6:6.2f}")
    print(f"heaviest page (own bytes): before {max(w[1] for w in before['weights'].values()) / 1e6:.2f} MB, "
          f"after {max(w[1] for w in after['weights'].values()) / 1e6:.2f} MB")

    print("\nFrames offered on the website (positions per control)")
    for key in after["explorers"]:
        b, a = before["explorers"].get(key), after["explorers"][key]
        print(f"{key[:70]:70s} {str(b['positions']) if b else '-':>22s} -> {str(a['positions']):22s} "
              f"{b['frames'] if b else 0:5d} -> {a['frames']:5d}")

    print_latencies(results)


if __name__ == "__main__":
    main()
