"""The website's explorer frames as vectors: the animated artists of a figure as a small SVG fragment.

An explorer's figure is a background (axes, contours, tick labels: a raster, one per
combination of the ``redraw_on`` controls) and animated artists (paths, curves,
readouts). :func:`render_fragment` draws only the animated artists with matplotlib's
SVG renderer, over the same figure geometry (in points, 72 per inch, the SVG's
user units), and :class:`Compactor` rewrites matplotlib's output into a compact
fragment for the page:

* path data relative, rounded to 0.1 pt (about 0.1 px on the page);
* marker clouds (one ``<use>`` per data point) as one path carrying SVG markers;
* definitions (clip rectangles, marker shapes) taken out of the fragments and kept
  once per explorer, under short ids unique on the page;
* text as SVG ``<text>`` (``svg.fonttype`` ``'none'``) in the font of the raster,
  DejaVu Sans, which the site serves as a subset web font (:func:`font_face_css`).

Nothing here knows any mathematics: it only re-encodes what matplotlib drew.
"""

import hashlib
import io
import re
import xml.etree.ElementTree as ET

SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
FONT_FAMILY = "optlib-dejavu"  # the subset web font's family on the site
PRECISION = 10  # coordinates are rounded to 1/PRECISION of a point
FAR = 1e5  # points: coordinates beyond are bounded (a figure is a few hundred points wide)
MARKER_GAP = 0.4  # of a marker's size: a marker this close to the last one drawn adds nothing visible
SIMPLIFY = 0.25  # points: matplotlib's path simplification threshold for the overlay (its default is 1/9)

# The characters the subset font keeps: printable ASCII, Latin-1, Greek, and the
# arrows, sub/superscripts and mathematical signs that the explorers' readouts use.
FONT_CHARACTERS = ("".join(map(chr, range(0x20, 0x7F))) + "".join(map(chr, range(0xA0, 0x100)))
                   + "".join(map(chr, range(0x391, 0x3CA))) + "‐‑‒–—‘’“”•…′″⁰ⁱ⁴⁵⁶⁷⁸⁹⁺⁻₀₁₂₃₄₅₆₇₈₉₊₋"
                   + "←↑→↓↔⇒∂∆∇∈∏∑−∓∕∗∘√∝∞∣∥∧∨∩∪∫≈≠≡≤≥≪≫⊂⊃⋅▶■□●○✓✗")


class FrameRenderer:
    """Draws chosen artists of a figure as SVG, over the figure's geometry at 72 dpi (points).

    One renderer serves a whole sweep of frames (matplotlib caches text metrics per
    renderer). Use as a context manager; :meth:`draw` gives ``{artist index: svg}``,
    each artist's own group, in a document whose ``<defs>`` hold the clip paths.
    Inside it the figure's dpi is 72 (SVG user units are points, as in matplotlib's own
    SVG output): set once for the sweep, since every change of dpi invalidates every
    transform of the figure.
    """

    def __init__(self, figure):
        self.figure = figure

    def __enter__(self):
        import matplotlib as mpl

        self._rc = mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "optlib"})
        self._rc.__enter__()
        width, height = self.figure.get_size_inches() * 72
        self.renderer = _renderer_class()(width, height, io.StringIO())
        self._dpi, self.figure.dpi = self.figure.dpi, 72
        return self

    def __exit__(self, *exc):
        self.figure.dpi = self._dpi
        self._rc.__exit__(*exc)

    def draw(self, artists):
        from matplotlib.backends.backend_svg import _XMLWriter

        buffer, renderer = io.StringIO(), self.renderer
        renderer.writer = _XMLWriter(buffer)
        start = renderer.writer.start("svg", xmlns="http://www.w3.org/2000/svg",
                                      attrib={"xmlns:xlink": "http://www.w3.org/1999/xlink"})
        gids = [artist.get_gid() for artist in artists]
        try:
            for i, artist in enumerate(artists):
                artist.set_gid(f"optlib-artist-{i}")
                artist.draw(renderer)
            renderer._write_clips()
            renderer._clipd.clear()
        finally:
            for artist, gid in zip(artists, gids):
                artist.set_gid(gid)
        renderer.writer.close(start)
        return buffer.getvalue()


_RENDERER = []


def _renderer_class():
    """matplotlib's SVG renderer, writing lines and markers directly in compact form (it is the hot path)."""
    if _RENDERER:
        return _RENDERER[0]
    import numpy as np
    from matplotlib.backends.backend_svg import RendererSVG, _generate_css
    from matplotlib.path import Path
    from matplotlib.transforms import Affine2D

    class OverlayRenderer(RendererSVG):
        def draw_path(self, gc, path, transform, rgbFace=None):
            clip = rgbFace is None and gc.get_hatch_path() is None
            if gc.get_url() is not None or gc.get_sketch_params() is not None:
                return super().draw_path(gc, path, transform, rgbFace)
            path = path.copy()  # the overlay's own threshold, whatever rcParams held when the path was made
            path.simplify_threshold = SIMPLIFY
            cleaned = path.cleaned(self._make_flip_transform(transform), remove_nans=True,
                                   clip=(0.0, 0.0, self.width, self.height) if clip else None,
                                   simplify=path.should_simplify and clip)
            d = polyline(cleaned.vertices, cleaned.codes)
            if d is None:
                return super().draw_path(gc, path, transform, rgbFace)
            self.writer.element("path", d=d, **self._get_clip_attrs(gc), style=self._get_style(gc, rgbFace))

        def draw_markers(self, gc, marker_path, marker_trans, path, trans, rgbFace=None):
            if not len(path.vertices) or gc.get_url() is not None:
                return super().draw_markers(gc, marker_path, marker_trans, path, trans, rgbFace)
            shape = self._convert_path(marker_path, marker_trans + Affine2D().scale(1.0, -1.0), simplify=False)
            style = _generate_css(self._get_style_dict(gc, rgbFace))
            key = ("optlib-marker", shape, style)
            oid = self._markers.get(key)
            if oid is None:
                oid = self._make_id("m", key)
                self.writer.start("defs")
                self.writer.start("marker", id=oid, markerUnits="userSpaceOnUse", overflow="visible",
                                  refX="0", refY="0")
                self.writer.element("path", d=shape, style=style)
                self.writer.end("marker")
                self.writer.end("defs")
                self._markers[key] = oid
            points = self._make_flip_transform(trans).transform(path.vertices)
            size = np.ptp(marker_trans.transform(marker_path.vertices), axis=0).max() if len(marker_path.vertices) else 0
            points = thin(points[np.all(np.isfinite(points), axis=1)], MARKER_GAP * size)
            if not len(points):
                return
            d = polyline(points, np.full(len(points), Path.LINETO))  # an opaque marker twice is one
            url = f"url(#{oid})"
            self.writer.element("path", attrib={"d": d, **self._get_clip_attrs(gc), "style": "fill:none;stroke:none",
                                                "marker-start": url, "marker-mid": url, "marker-end": url})

    _RENDERER.append(OverlayRenderer)
    return OverlayRenderer


def thin(points, gap):
    """The marker positions without those within ``gap`` of the last one kept (the last is always kept):
    a slow crawl of overlapping markers is one blob, and its positions would fill the page."""
    import numpy as np

    if len(points) < 3:
        return points
    keep, (x0, y0), limit = [0], points[0], gap * gap
    for i, (x, y) in enumerate(points.tolist()):
        if (x - x0) ** 2 + (y - y0) ** 2 > limit:
            keep.append(i)
            x0, y0 = x, y
    if keep[-1] != len(points) - 1:
        keep.append(len(points) - 1)
    return points[np.array(keep)]


_NUMBERS = {}


def polyline(vertices, codes, drop_repeats=True):
    """Compact relative path data of straight segments (``None`` if the path has curves or closes)."""
    import numpy as np

    if codes is None:
        codes = np.full(len(vertices), 2)
    codes = np.asarray(codes)
    keep = codes != 0  # STOP
    vertices, codes = np.asarray(vertices)[keep], codes[keep]
    if not len(codes) or not np.all((codes == 1) | (codes == 2)):
        return None
    # far outside the figure (a diverging run) the clip path hides it: bound it to keep integers small
    points = np.rint(np.clip(vertices, -FAR, FAR) * PRECISION).astype(np.int64)
    deltas = np.diff(points, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    codes = codes.copy()
    codes[0] = 1
    if drop_repeats:
        repeat = (codes == 2) & np.all(deltas == 0, axis=1)
        keep = ~repeat
        # keep one segment in a subpath whose segments all repeat its start (a dot)
        starts = np.flatnonzero(codes == 1)
        for s0, s1 in zip(starts, list(starts[1:]) + [len(codes)]):
            if s1 - s0 > 1 and not keep[s0 + 1:s1].any():
                keep[s0 + 1] = True
        deltas, codes = deltas[keep], codes[keep]
    # each point is [prefix] x [separator] y; a separator is dropped where the next number's sign
    # or leading point ends the previous one (".5.5" is .5 then .5; "1.5.5" is 1.5 then .5)
    values, index = np.unique(deltas, return_inverse=True)
    text = np.array([_NUMBERS.get(v) or _NUMBERS.setdefault(v, _num(v)) for v in values.tolist()], dtype=object)
    dx, dy = deltas[:, 0], deltas[:, 1]
    x, y = text[index.reshape(deltas.shape)].T
    leading_point_x, leading_point_y = (0 < dx) & (dx < PRECISION), (0 < dy) & (dy < PRECISION)
    dotted_x, dotted_y = dx % PRECISION != 0, dy % PRECISION != 0
    middle = np.where((dy < 0) | (leading_point_y & dotted_x), "", " ")
    dotted_before = np.concatenate([[False], dotted_y[:-1]])  # the previous point's y
    prefix = np.where(codes == 1, "m", np.where((dx < 0) | (leading_point_x & dotted_before), "", " "))
    return "".join(np.stack([prefix.astype(object), x, middle.astype(object), y], axis=1).ravel().tolist())


def _num(n, precision=PRECISION):
    """``n / precision`` (``n`` an integer, ``precision`` a power of ten) as short as SVG allows: ``.5``, ``-1.2``."""
    sign, n = ("-", -n) if n < 0 else ("", n)
    whole, frac = divmod(n, precision)
    if frac == 0:
        return f"{sign}{whole}"
    digits = f"{frac:0{len(str(precision)) - 1}d}".rstrip("0")
    return f"{sign}{whole if whole else ''}.{digits}"


def _join(numbers):
    out = ""
    for text in numbers:
        if out and (text[0].isdigit() or (text[0] == "." and "." not in _last_number(out))):
            out += " "
        out += text
    return out


def _last_number(text):
    match = re.search(r"-?[\d.]+$", text)
    return match.group(0) if match else ""


_TOKEN = re.compile(r"[MLCQZz]|-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|-?inf")
_ARITY = {"M": 1, "L": 1, "Q": 2, "C": 3}


def compact_path(d, precision=PRECISION):
    """matplotlib's absolute path data as relative commands rounded to 0.1 pt."""
    tokens = _TOKEN.findall(d)
    out, i, last = [], 0, None
    x = y = 0
    start = (0, 0)
    segments_in_subpath = 0
    while i < len(tokens):
        command = tokens[i]
        i += 1
        if command in "Zz":
            out.append("z")
            x, y = start
            last = "z"
            continue
        points = []
        for _ in range(_ARITY[command]):
            points.append(tuple(round(min(max(float(v), -FAR), FAR) * precision) for v in tokens[i:i + 2]))
            i += 2
        if command == "M" and not out:  # relative to (0, 0): the same as absolute
            out.append("m" + _join([_num(points[0][0], precision), _num(points[0][1], precision)]))
            x, y = start = points[0]
            last, segments_in_subpath = "m", 0
            continue
        deltas = [(px - x, py - y) for px, py in points]
        if command == "L" and deltas[0] == (0, 0) and segments_in_subpath:
            continue  # a zero-length segment draws nothing after another one
        letter = command.lower()
        numbers = _join([_num(v, precision) for point in deltas for v in point])
        if letter == last or (letter == "l" and last == "m"):
            out.append(numbers if numbers[0] == "-" else " " + numbers)
        else:
            out.append(letter + numbers)
        x, y = points[-1]
        if command == "M":
            start, segments_in_subpath = points[-1], 0
        else:
            segments_in_subpath += 1
        last = letter
    return "".join(out)


def _round_attr(value, digits=1):
    return re.sub(r"-?\d+\.\d+", lambda m: f"{float(m.group(0)):.{digits}f}".rstrip("0").rstrip("."), value)


def _local(tag):
    return tag.split("}", 1)[-1]


class Compactor:
    """Turns matplotlib's SVG of animated artists into compact fragments that share their definitions.

    ``prefix`` makes the definitions' ids unique on the page (one prefix per explorer).
    After any number of :meth:`fragments` calls, :meth:`definitions` holds what they
    refer to. Ids are derived from matplotlib's (content hashes), so that frames compacted
    in different processes agree.
    """

    def __init__(self, prefix):
        self.prefix = prefix
        self._ids = {}  # matplotlib's id -> short id
        self._defs = {}  # short id -> serialized definition
        self._raw_defs = {}  # matplotlib's id -> its element, until first used
        self._owner = {}  # short id -> what it names
        self.fonts = set()

    def _new_id(self, key):
        """A short id for ``key``, the same in every process (frames may be swept in parallel)."""
        short = self.prefix + hashlib.sha1(key.encode()).hexdigest()[:6]
        if self._owner.setdefault(short, key) != key:
            raise RuntimeError(f"two definitions share the id {short}")
        return short

    def _short(self, mpl_id):
        if mpl_id not in self._ids:
            self._ids[mpl_id] = self._new_id(mpl_id)
            element = self._raw_defs.get(mpl_id)
            if element is not None:
                element = _copy(element)
                element.set("id", self._ids[mpl_id])
                self._defs[self._ids[mpl_id]] = self._serialize(element, in_defs=True)
        return self._ids[mpl_id]

    def definitions(self):
        """``{short id: definition}`` of everything the fragments so far refer to."""
        return dict(self._defs)

    def fragments(self, svg_text):
        """``{artist index: compact fragment}`` of a :meth:`FrameRenderer.draw` document."""
        root = ET.fromstring(svg_text)
        for defs in list(root.iter(SVG_NS + "defs")):
            for child in defs:
                if child.get("id"):
                    self._raw_defs.setdefault(child.get("id"), child)
        out = {}
        for child in root:
            gid = child.get("id", "")
            if _local(child.tag) == "g" and gid.startswith("optlib-artist-"):
                out[int(gid.rsplit("-", 1)[1])] = "".join(self._merge_markers([self._serialize(c) for c in child]))
        return out

    # -- serialization ---------------------------------------------------------
    def _url(self, value):
        return re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{self._short(m.group(1))})", value)

    def _serialize(self, element, in_defs=False):
        tag = _local(element.tag)
        if tag == "defs":
            return ""
        attrs = []
        for key, value in element.attrib.items():
            if key == XLINK_HREF:
                key, value = "href", "#" + self._short(value[1:])
            elif key == "id":
                if not in_defs:
                    continue  # matplotlib's artist ids (line2d_1) are not referred to
            elif key == "d":
                if not value.startswith("m"):  # already compact (OverlayRenderer)
                    value = compact_path(value, 100 if in_defs else PRECISION)  # shapes finer than paths
            elif key in ("x", "y", "width", "height", "x1", "x2", "y1", "y2"):
                value = _round_attr(value)
            elif key == "transform":
                if value.startswith("rotate(-0 ") or value.startswith("rotate(0 "):
                    continue
                value = _round_attr(value, 3)
            elif key == "style":
                value = self._style(value, tag)
                if not value:
                    continue
            value = self._url(value)
            attrs.append(f' {key}="{_escape(value)}"')
        children = "".join(self._merge_markers([self._serialize(child, in_defs) for child in element]))
        text = _escape(element.text) if element.text and element.text.strip() else ""
        if tag == "g" and not attrs:
            return children
        body = text + children
        return f"<{tag}{''.join(attrs)}>{body}</{tag}>" if body else f"<{tag}{''.join(attrs)}/>"

    _MARKED = re.compile(r'<path d="([^"]*)"((?: clip-path="[^"]*")?) style="fill:none;stroke:none" '
                         r'(marker-start="[^"]*" marker-mid="[^"]*" marker-end="[^"]*")/>$')

    @classmethod
    def _merge_markers(cls, items):
        """A line followed by markers on the same points: one path that carries the markers."""
        out = []
        for item in items:
            if not item:  # a definition, taken out: the line and its markers may sit around it
                continue
            marked = cls._MARKED.match(item)
            if marked and out:
                d, clip, markers = marked.groups()
                line = re.match(r'<path d="([^"]*)"((?: clip-path="[^"]*")?) (style="[^"]*")/>$', out[-1])
                if line and line.group(2) == clip and (line.group(1) == d or cls._covered(line.group(1), d)):
                    # the line through the markers' (thinned) points: where they were thinned the
                    # line runs under markers anyway
                    out[-1] = f'<path d="{d}"{clip} {line.group(3)} {markers}/>'
                    continue
            out.append(item)
        return out

    @staticmethod
    def _covered(line, marked):
        """Whether a line is one unbroken stroke from where its markers start (Line2D's line and
        markers on the same data): then the markers' path can draw the line too."""
        if line.count("m") != 1 or marked.count("m") != 1:
            return False
        first = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")
        return first.findall(line[:40])[:2] == first.findall(marked[:40])[:2]

    def _style(self, value, tag):
        parts = []
        for item in value.split(";"):
            if ":" not in item:
                continue
            key, val = (s.strip() for s in item.split(":", 1))
            if key == "font-family":
                self.fonts.add(val.split(",")[0].strip("'\" "))
                continue  # the overlay sets the font once
            if key == "font-size":
                val = _round_attr(val, 2)
            parts.append(f"{key}:{val}")
        return ";".join(parts)


def _copy(element):
    return ET.fromstring(ET.tostring(element))


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def font_face_css(url):
    """The ``@font-face`` rules of the overlay's font (regular and bold), served from ``url`` + name."""
    return "".join(
        f'@font-face{{font-family:"{FONT_FAMILY}";font-weight:{weight};'
        f'src:url("{url}{name}") format("woff");font-display:block}}'
        for name, weight in (("optlib-dejavu.woff", 400), ("optlib-dejavu-bold.woff", 700)))


def write_fonts(directory):
    """Subset DejaVu Sans (matplotlib's font, the raster's) to :data:`FONT_CHARACTERS` as WOFF files."""
    import logging
    from pathlib import Path

    import matplotlib as mpl
    from fontTools import subset

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # "FFTM NOT subset; dropped" is expected

    source = Path(mpl.get_data_path()) / "fonts" / "ttf"
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for ttf, name in (("DejaVuSans.ttf", "optlib-dejavu.woff"), ("DejaVuSans-Bold.ttf", "optlib-dejavu-bold.woff")):
        options = subset.Options()
        options.flavor = "woff"
        options.layout_features = ["kern"]
        options.hinting = False  # the browser's rasterizer does without: a third lighter
        options.name_IDs = [0, 1, 2]  # the licence notice (DejaVu's is permissive) stays with copyright
        font = subset.load_font(str(source / ttf), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=FONT_CHARACTERS)
        subsetter.subset(font)
        subset.save_font(font, str(directory / name), options)
