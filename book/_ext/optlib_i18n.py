"""The Korean edition (issue 17): one source, two sites.

The English text of every page is extracted into gettext catalogs and the Korean lives in
``locales/ko/LC_MESSAGES/book/<page>.po`` (``scripts/translations.py`` extracts, updates and checks
them). This extension does what Sphinx's own translation machinery does not:

1. A switch on every page to the same page in the other language. The English site is
   ``_build/html``, the Korean one ``_build/html/ko`` with the same page paths.
2. Korean search. Sphinx has no Korean search language: it would index ``모멘텀은`` as one
   word, which a search for ``모멘텀`` does not find. ``SearchKorean`` strips a trailing
   particle (조사) from Hangul words, in Python for the index and in JavaScript for the query,
   with the same list; other words get the English (Porter) stemmer, as on the English site.
3. The theme's own labels in Korean: Sphinx and sphinx-book-theme ship Korean catalogs,
   pydata-sphinx-theme (its base) does not; ``locales/theme/ko/LC_MESSAGES/*.po`` fills in.
4. "Run it in Korean": on the Korean site the download button gives a notebook whose
   markdown is Korean, generated from the catalogs at build time (``translate_notebook``);
   its code cells are the English notebook's, unchanged. The Binder and Colab buttons open
   the same Korean notebook (``korean_launch_buttons``): Binder's image has them
   (``binder/postBuild``), Colab reads them from the branch ``ko-notebooks``, which the Pages
   workflow rewrites on every build.
5. Two gaps of the translation machinery with this book's extensions: a ``{glue:text}`` role in
   a translated paragraph (``glue_in_translations``), and the part captions of the table of
   contents, which sphinx-external-toc inserts after Sphinx has translated the page
   (``translate_toctree_captions``).
6. Translated text parsed in the right markup language (``translate_in_rst_where_needed``):
   Sphinx parses a msgstr with the page's parser (MyST here), but it wraps the msgstr of a
   display equation or a code block in reST literal-block notation (``::`` and an indent), which
   MyST reads as a paragraph "::"; and a docstring on the API page is reST, not MyST.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

try:
    from sphinx.search.en import SearchEnglish
except ImportError:  # Binder's postBuild writes the Korean notebooks with babel alone, no Sphinx
    SearchEnglish = None

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
LANGUAGES = {"en": "English", "ko": "한국어"}
KOREAN_SUBDIR = "ko"  # the Korean site is _build/html/ko
# The Korean notebooks, generated from the catalogs, at ko/<docname>.ipynb (ko/book/adam.ipynb):
# in the Binder image (binder/postBuild writes them) and on this branch of the repository, which
# the Pages workflow rewrites on every build (Colab opens notebooks from a git ref only)
KOREAN_NOTEBOOKS_BRANCH = "ko-notebooks"

# --------------------------------------------------------------------------------------------
# Search

# Particles and copula endings that follow a noun, longest first (the JS below uses the same
# list). Stripping is applied only to a word of Hangul syllables that keeps at least one
# syllable, so a search for 모멘텀 finds 모멘텀은, 모멘텀을, 모멘텀의, 모멘텀이다 ...
KOREAN_PARTICLES = sorted(
    """이라는 이라고 에서는 에서도 으로는 으로도 에게서 까지는 부터는 이므로 입니다 이지만 이었다
    에서 에게 으로 까지 부터 보다 처럼 마다 이나 이며 이고 이다 이면 라는 라고 와는 과는 에는 에도 로는 로도
    의 은 는 이 가 을 를 에 로 와 과 도 만 나 며 고 다""".split(),
    key=len, reverse=True)
_HANGUL = re.compile(r"^[\uac00-\ud7a3]+$")


def strip_particle(word: str) -> str:
    if not _HANGUL.match(word):
        return word
    for particle in KOREAN_PARTICLES:
        if word.endswith(particle) and len(word) > len(particle):
            return word[: -len(particle)]
    return word


class SearchKorean(SearchEnglish or object):
    """Korean search: particle stripping for Hangul words, Porter stemming for the rest."""

    lang = "ko"
    language_name = "Korean"
    stopwords = set()
    js_stemmer_code = (SearchEnglish.js_stemmer_code if SearchEnglish else "") + """
var PorterStemmer = Stemmer;
var KOREAN_PARTICLES = %s;
Stemmer = function() {
  var porter = new PorterStemmer();
  this.stemWord = function(w) {
    if (/^[\\uac00-\\ud7a3]+$/.test(w)) {
      for (var i = 0; i < KOREAN_PARTICLES.length; i++) {
        var p = KOREAN_PARTICLES[i];
        if (w.length > p.length && w.slice(-p.length) === p) return w.slice(0, -p.length);
      }
      return w;
    }
    return porter.stemWord(w);
  };
};
""" % json.dumps(KOREAN_PARTICLES, ensure_ascii=False)

    def stem(self, word: str) -> str:
        if _HANGUL.match(word):
            return strip_particle(word)
        return super().stem(word)


# --------------------------------------------------------------------------------------------
# Catalogs and the Korean notebook

def read_catalog(path: Path) -> dict[str, str]:
    """msgid -> msgstr for the translated, non-fuzzy entries of a .po file."""
    from babel.messages.pofile import read_po

    with open(path, "rb") as f:
        catalog = read_po(f)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def _pattern(msgid: str) -> re.Pattern:
    """The msgid as it stands in a markdown cell: any run of whitespace may be any other (line
    breaks, a list item's indentation), and it must not be part of a longer word."""
    words = [re.escape(w) for w in msgid.split()]
    body = r"\s+".join(words)
    return re.compile(r"(?<![\w`$])" + body + r"(?![\w])")


def source_forms(messages: dict[str, str]) -> dict[str, str]:
    """The msgids as the markdown writes them. Two extensions change the text before it is
    extracted: sphinx-proof starts a proof's first paragraph with "Proof. " (the Korean
    with "증명. "), and a theorem's title is extracted in parentheses."""
    forms = {}
    for msgid, msgstr in messages.items():
        if msgid.startswith("Proof. "):
            msgid, msgstr = msgid[len("Proof. "):], re.sub(r"^증명\.\s*", "", msgstr)
        elif re.fullmatch(r"\([^()]*\)", msgid) and re.fullmatch(r"\([^()]*\)", msgstr):
            msgid, msgstr = msgid[1:-1], msgstr[1:-1]
        elif msgid.startswith("\n"):  # a display equation: its TeX, between the $$ lines
            msgid, msgstr = msgid.strip(), msgstr.strip()
        if msgid != msgstr:  # mathematics and code stay as they are written
            forms[msgid] = msgstr
    return forms


def translate_markdown(text: str, messages: dict[str, str]) -> tuple[str, set[str]]:
    """Replace every msgid found in ``text`` by its msgstr, longest first; placeholders keep a
    shorter msgid from matching inside a translation already made. Returns the text and the set
    of msgids found."""
    found, slots = set(), []
    for msgid in sorted(messages, key=len, reverse=True):
        pattern = _pattern(msgid)

        def keep(match, msgid=msgid):
            slots.append(messages[msgid])
            found.add(msgid)
            return f"\x00{len(slots) - 1}\x00"

        text = pattern.sub(keep, text)
    text = re.sub(r"\x00(\d+)\x00", lambda m: slots[int(m.group(1))], text)
    return text, found


def translate_notebook(nb: dict, messages: dict[str, str]) -> tuple[dict, set[str]]:
    """A copy of the notebook whose markdown cells are translated; code cells untouched."""
    out = json.loads(json.dumps(nb))
    messages, found = source_forms(messages), set()
    for cell in out["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        text, hits = translate_markdown(source, messages)
        found |= hits
        cell["source"] = text.splitlines(keepends=True)
    return out, found


def catalog_path(docname: str, language: str = "ko") -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{docname}.po"


def korean_notebook_path(docname: str) -> str:
    """Where a page's Korean notebook is, relative to the repository root (Binder's image, the
    notebooks branch): ko/book/adam.ipynb for book/adam."""
    return f"{KOREAN_SUBDIR}/{docname}.ipynb"


def write_korean_notebooks(root: Path) -> list[Path]:
    """The Korean notebook of every chapter with a catalog, at ``root / korean_notebook_path``."""
    written = []
    for source in sorted((ROOT / "book").glob("*.ipynb")):
        docname = source.relative_to(ROOT).with_suffix("").as_posix()
        po = catalog_path(docname)
        if not po.is_file():
            continue
        nb = json.loads(source.read_text(encoding="utf-8"))
        translated, _ = translate_notebook(nb, read_catalog(po))
        target = Path(root) / korean_notebook_path(docname)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(translated, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(target)
    return written


# --------------------------------------------------------------------------------------------
# Sphinx hooks

def _is_korean(app) -> bool:
    return (app.config.language or "en").startswith("ko")


def language_switch(app, pagename, templatename, context, doctree):
    """A link to the same page in the other language, at the top of every page."""
    if app.builder.format != "html" or "body" not in context:
        return
    up = "../" * pagename.count("/")
    if _is_korean(app):
        href, label, lang = f"../{up}{pagename}.html", LANGUAGES["en"], "en"
    else:
        href, label, lang = f"{up}{KOREAN_SUBDIR}/{pagename}.html", LANGUAGES["ko"], "ko"
    switch = (f'<p class="optlib-lang-switch" style="text-align:right;margin:0 0 .5rem 0">'
              f'<a href="{href}" hreflang="{lang}" lang="{lang}" data-optlib-lang="{lang}">'
              f'{label}</a></p>\n')
    context["body"] = switch + context["body"]


def korean_launch_buttons(app, pagename, templatename, context, doctree):
    """On the Korean site, Binder and Colab open the page's Korean notebook: Binder the one that
    binder/postBuild wrote into the image (``ko/book/adam.ipynb``), Colab the same path on the
    branch ``KOREAN_NOTEBOOKS_BRANCH``. Runs after sphinx-book-theme has made the buttons."""
    if not _is_korean(app):
        return
    tail = re.compile(r"(?:\./)?" + re.escape(f"{pagename}.ipynb") + "$")
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        for button in group.get("buttons", []):
            url = button.get("url", "")
            if not tail.search(url):
                continue
            if button.get("text") == "Binder":
                button["url"] = tail.sub(korean_notebook_path(pagename), url)
            elif button.get("text") == "Colab":
                button["url"] = re.sub(r"/blob/.*$", f"/blob/{KOREAN_NOTEBOOKS_BRANCH}/"
                                       f"{korean_notebook_path(pagename)}", url)
            else:  # a launcher this book does not configure: no Korean notebook to point it at
                button["url"] = ""
        group["buttons"] = [b for b in group.get("buttons", []) if b.get("type") != "link" or b.get("url")]


def korean_notebooks(app, exception):
    """On the Korean site, the download button's notebook is the Korean one."""
    if exception is not None or app.builder.format != "html" or not _is_korean(app):
        return
    for docname in app.env.found_docs:
        source = Path(app.env.doc2path(docname))
        po = catalog_path(docname)
        target = Path(app.outdir) / "_sources" / f"{docname}.ipynb"
        if source.suffix != ".ipynb" or not po.is_file() or not target.is_file():
            continue
        nb = json.loads(source.read_text(encoding="utf-8"))
        translated, _ = translate_notebook(nb, read_catalog(po))
        target.write_text(json.dumps(translated, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def theme_labels(app, config):
    """pydata-sphinx-theme (the base of the book theme) has no Korean catalog, and the book
    theme's misses a few labels and gets one wrong (its "By" before the author is 으로):
    ``locales/theme/ko/LC_MESSAGES/<catalog>.po`` holds the book's labels, compiled here and put
    in front of the packages' own catalogs (theirs answer what ours does not hold)."""
    if not _is_korean(app):
        return
    import gettext

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from sphinx import locale

    target = Path(app.doctreedir).parent / "theme-locale"
    for po in sorted((LOCALES / "theme").glob("*/LC_MESSAGES/*.po")):
        mo = target / po.relative_to(LOCALES / "theme").with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with open(po, "rb") as f:
            catalog = read_po(f)
        with open(mo, "wb") as f:
            write_mo(f, catalog)
        # behind the packages' catalogs: the templates' translator (app.translator, made before
        # this event) sees the labels only so
        app.add_message_catalog(po.stem, str(target))
        # and in front of them for what looks its catalog up at call time (the book theme's
        # translate(), e.g. its "By"), so that the book's labels win there
        with open(mo, "rb") as f:
            ours = gettext.GNUTranslations(f)
        ours.add_fallback(locale.translators["general", po.stem])
        locale.translators["general", po.stem] = ours


def glue_in_translations():
    """A ``{glue:text}`` role in a translated paragraph finds no glue data: Sphinx parses the
    msgstr as a document of its own, which has no notebook. Make such a role a reference to
    the glue data of the page being read (``/book/adam.ipynb::key``), which myst-nb resolves
    after reading from the page's glue cache, as it does for glue from another page."""
    from myst_nb.ext.glue import roles

    for cls in (roles.PasteRoleAny, roles.PasteTextRole, roles.PasteMarkdownRole):
        original = cls.run

        def run(self, original=original, cls=cls):
            env = getattr(self.document.settings, "env", None)
            if env is not None and "nb_renderer" not in self.document and "::" not in self.text:
                if cls is roles.PasteTextRole and ":" not in self.text:
                    self.text += ":s"  # the default format, spelled out: key:format is split at the last colon
                self.text = f"/{env.doc2path(env.docname, False)}::{self.text}"
            return original(self)

        cls.run = run


def translate_toctree_captions(app, doctree):
    """The part captions of the table of contents ("The optimizers") are extracted into the
    root page's catalog, but sphinx-external-toc inserts its toctrees after Sphinx has
    translated the page: translate their captions here, from the same catalog."""
    if not _is_korean(app):
        return
    from sphinx import addnodes
    from sphinx.locale import init as init_locale
    from sphinx.util.i18n import docname_to_domain

    toctrees = [n for n in doctree.findall(addnodes.toctree) if n.get("caption")]
    if not toctrees:
        return
    dirs = [str(Path(app.srcdir, d)) for d in app.config.locale_dirs]
    domain = docname_to_domain(app.env.docname, app.config.gettext_compact)
    catalog, has_catalog = init_locale(dirs, app.config.language, domain)
    if has_catalog:
        for node in toctrees:
            node["caption"] = catalog.gettext(node["caption"])


# autodoc gives the nodes of a docstring the source "<file>:docstring of <object>"
DOCSTRING_SOURCE = ":docstring of "


def parse_translation_as_rst(node) -> bool:
    """Nodes whose translation is reST: Sphinx's literal-block notation, and docstrings."""
    from sphinx.util.nodes import LITERAL_TYPE_NODES

    return isinstance(node, LITERAL_TYPE_NODES) or DOCSTRING_SOURCE in (node.source or "")


_TRANSLATING: list = []  # the node whose msgstr sphinx.transforms.i18n.Locale is parsing now


def translate_in_rst_where_needed():
    r"""Sphinx's ``Locale`` transform parses every msgstr with the parser of the page's file type
    (``publish_msgstr``). A display equation (``math_block``) or other literal node needs reST
    whatever the page is written in: Sphinx turns its msgstr into ``"::\n\n   <msgstr>"``, reST
    for "a literal block", and keeps the block's text. MyST reads that as a paragraph "::" (and
    an indented code block), so a translated equation's TeX became ``::`` and the page showed
    ``\[::\]`` (only equations with a translated ``\text{…}``: an identical msgstr is not parsed).
    And every node of a docstring (API page) needs reST: autodoc parses docstrings as reST
    inside ``{eval-rst}``, and their msgstrs keep its markup (``:math:`…```, ``:class:`…```,
    double backquotes, ``\ `` before a particle), which MyST would show as text.

    ``Locale`` walks the nodes with ``extract_messages`` and parses with ``publish_msgstr``, both
    module globals of ``sphinx.transforms.i18n``: the first is wrapped to record the node being
    translated, the second to parse that node's msgstr as reST when it needs it."""
    from sphinx.transforms import i18n

    if getattr(i18n, "_optlib_rst_where_needed", False):
        return
    extract, publish = i18n.extract_messages, i18n.publish_msgstr

    def extract_messages(doctree):
        try:
            for node, msg in extract(doctree):
                _TRANSLATING[:] = [node]
                yield node, msg
        finally:
            _TRANSLATING.clear()

    def publish_msgstr(app, source, source_path, source_line, config, settings):
        if not (_TRANSLATING and parse_translation_as_rst(_TRANSLATING[0])):
            return publish(app, source, source_path, source_line, config, settings)
        from docutils.io import StringInput
        from sphinx.io import SphinxI18nReader

        rst_prolog, config.rst_prolog = config.rst_prolog, None  # as publish_msgstr does
        try:
            reader = SphinxI18nReader()
            reader.setup(app)
            doc = reader.read(source=StringInput(source=source,
                                                 source_path=f"{source_path}:{source_line}:<translated>"),
                              parser=app.registry.create_source_parser(app, "restructuredtext"),
                              settings=settings)
            return doc[0] if len(doc) else doc
        finally:
            config.rst_prolog = rst_prolog

    i18n.extract_messages, i18n.publish_msgstr = extract_messages, publish_msgstr
    i18n._optlib_rst_where_needed = True


def setup(app):
    glue_in_translations()
    translate_in_rst_where_needed()
    app.connect("doctree-read", translate_toctree_captions)
    app.add_search_language(SearchKorean)
    app.connect("config-inited", theme_labels)
    app.connect("html-page-context", language_switch)
    app.connect("html-page-context", korean_launch_buttons, priority=600)  # after the book theme's (501)
    app.connect("build-finished", korean_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
