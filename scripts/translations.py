"""The Korean catalogs (issue 17): extract, update, report, and the Korean notebooks.

    python scripts/translations.py update          # extract the English text, update locales/ko/*.po, report
    python scripts/translations.py status          # per page: entries translated, fuzzy, untranslated, words left
    python scripts/translations.py check           # the catalog checks of tests/test_translations.py, as a report
    python scripts/translations.py notebook book/adam [-o out.ipynb]   # the Korean notebook of a page
    python scripts/translations.py notebooks [-o DIR]   # all of them, at DIR/ko/book/<page>.ipynb
                                                        # (Binder's postBuild, the Pages workflow)

``update`` runs Sphinx's gettext builder on the stored notebooks (no execution) into
``_build/gettext``, then ``sphinx-intl update`` into ``locales/ko/LC_MESSAGES/book/<page>.po``:
new English text becomes an untranslated entry, changed text a fuzzy one, and the checks fail
until a translator has dealt with it. Entries that are language-neutral (``is_language_neutral``:
display mathematics, a table cell of numbers, symbols, code and names) are filled in with themselves.

The pages declared translated are listed in ``locales/ko/translated.txt``; the completeness
checks cover them, and it must be every page of ``_toc.yml``
(``tests/test_translations.py::test_every_page_is_declared_translated``): a new page is listed
once its Korean is complete.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book" / "_ext"))
sys.path.insert(0, str(ROOT / "scripts"))

import optlib_i18n  # noqa: E402
from build_site import BUILD, sphinx_build, write_conf  # noqa: E402

LOCALE = ROOT / "locales" / "ko" / "LC_MESSAGES"
TRANSLATED_LIST = ROOT / "locales" / "ko" / "translated.txt"
GLOSSARY = ROOT / "book" / "glossary.md"


# --------------------------------------------------------------------------------------------
# Catalogs

def load(path: Path):
    from babel.messages.pofile import read_po

    with open(path, "rb") as f:
        return read_po(f)


def save(catalog, path: Path) -> None:
    from babel.messages.pofile import write_po

    with open(path, "wb") as f:
        write_po(f, catalog, width=76, omit_header=False)


def pages() -> list[str]:
    """Every page of the book, as docnames (book/adam), from _toc.yml."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    names = [toc["root"]]
    for part in toc.get("parts", []):
        names += [c["file"] for c in part["chapters"]]
    return names


def declared_translated() -> list[str]:
    lines = TRANSLATED_LIST.read_text(encoding="utf-8").splitlines() if TRANSLATED_LIST.exists() else []
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def entries(docname: str):
    """The real entries (no header, no obsolete) of a page's catalog."""
    return [m for m in load(LOCALE / f"{docname}.po") if m.id]


# Words that stay as they are in Korean text: optimizer names as the seed post and the glossary
# write them, the libraries the book compares with, and Python's constants.
NAMES = {"SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "AdaGrad", "Momentum", "NAdam", "RAdam", "Lion",
         "Adafactor", "Muon"}
LIBRARIES = {"torch", "optax", "numpy", "PyTorch", "optlib"}
PYTHON_CONSTANTS = {"None", "True", "False"}
NUMBER = re.compile(r"[-+−]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+−]?\d+)?%?")  # 3, 0.999, 1e-3, 10%
SYMBOL = re.compile(r"[A-Z]\d+")  # L2, L1
HANGUL = re.compile(r"[\uac00-\ud7a3]")


TEXT_IN_MATH = re.compile(r"\\(?:text|textrm|mbox)\{([^{}]*)\}")


def is_display_math(msgid: str) -> bool:
    """A display equation's entry is its TeX with its line breaks (no $$): between line breaks
    for MyST's ``$$``, followed by them for a docstring's ``.. math::``. Sphinx joins the lines of
    every other entry (a paragraph, a title) into one, so a line break marks an equation."""
    return "\n" in msgid


def math_prose(tex: str) -> list[str]:
    """Words in an equation that are prose: a \\text{...} of two words or more ("uncorrected
    first step"); a one-word \\text label (sign, diag, SGD:) stays as it is, like a figure's."""
    return [t for t in TEXT_IN_MATH.findall(tex) if len(t.split()) >= 2]


# One-word \\text{...} that join an equation's parts as a sentence would: an equation with one is
# not filled in with its English (its translator decides; the check accepts either)
MATH_CONNECTIVES = {"and", "or", "for", "after", "before", "along", "otherwise", "if", "else", "where",
                    "when", "with", "then"}


def math_connectives(tex: str) -> list[str]:
    return [t for t in TEXT_IN_MATH.findall(tex) if t.strip(" .,:;").lower() in MATH_CONNECTIVES]


def neutral_word(word: str) -> bool:
    return bool(word in NAMES or word in LIBRARIES or word in PYTHON_CONSTANTS
                or NUMBER.fullmatch(word) or SYMBOL.fullmatch(word))


def is_language_neutral(msgid: str) -> bool:
    """An entry without a word a reader reads, whose Korean is therefore the English:

    - display mathematics without prose in it (a ``\\text{}`` of two words or more, or a
      connective such as ``\\text{ for }``, is prose);
    - text that, once its math, roles, code and literals are left out, has only numbers (``1e-3``,
      ``0.999``), Python's constants (``None``), symbols such as ``L2``, the names of ``NAMES``
      and ``LIBRARIES``, punctuation and emphasis markers around them (``**1e-2**``,
      ``$\\lambda$ (L2)``, ``torch``, ``SGD, RMSprop, Muon``).

    Any other word, English or Korean (a quote of the seed post), makes the entry translatable."""
    if HANGUL.search(msgid):
        return False
    if is_display_math(msgid):
        return not math_prose(msgid) and not math_connectives(msgid)
    words = [w.rstrip(".") for w in re.findall(r"[\w.+\-−]+", prose(msgid).replace("_", " "))]
    return all(neutral_word(w) for w in words if w and not re.fullmatch(r"[.+\-−]+", w))


def fill_neutral_catalog(catalog) -> int:
    """Fill every untranslated or fuzzy language-neutral entry with its English (un-fuzzied).
    An entry a translator has translated is left as it is, even when it equals the English."""
    n = 0
    for m in catalog:
        if m.id and is_language_neutral(m.id) and (not m.string or m.fuzzy):
            m.string, n = m.id, n + 1
            m.flags.discard("fuzzy")
    return n


def fill_neutral(docname: str) -> int:
    path = LOCALE / f"{docname}.po"
    catalog = load(path)
    n = fill_neutral_catalog(catalog)
    if n:
        save(catalog, path)
    return n


def extract() -> None:
    write_conf()
    sphinx_build("gettext", BUILD / "gettext", BUILD / ".doctrees-gettext", {"nb_execution_mode": "off"}, strict=False)


def update() -> None:
    extract()
    subprocess.run([str(Path(sys.executable).with_name("sphinx-intl")), "update", "-p", str(BUILD / "gettext"),
                    "-l", "ko", "-d", str(ROOT / "locales"), "-w", "76"], check=True, cwd=ROOT)
    for docname in pages():
        fill_neutral(docname)


def words(text: str) -> int:
    return len(re.sub(r"\$[^$]*\$", " ", text).split())


def status() -> list[tuple]:
    rows = []
    for docname in pages():
        ms = entries(docname)
        done = [m for m in ms if m.string and not m.fuzzy]
        fuzzy = [m for m in ms if m.fuzzy]
        todo = [m for m in ms if not m.string]
        left = sum(words(m.id) for m in ms if m not in done)
        rows.append((docname, len(ms), len(done), len(fuzzy), len(todo), left,
                     docname in declared_translated()))
    return rows


def print_status() -> None:
    print(f"{'page':22} {'entries':>7} {'done':>5} {'fuzzy':>5} {'todo':>5} {'words left':>10}  declared")
    for name, n, done, fuzzy, todo, left, declared in status():
        print(f"{name:22} {n:7d} {done:5d} {fuzzy:5d} {todo:5d} {left:10d}  {'yes' if declared else ''}")


# --------------------------------------------------------------------------------------------
# Checks (tests/test_translations.py asserts them)

ROLE = re.compile(r"\{[a-z]+(?::[a-z]+)*\}`[^`]*`")
DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(?:[^$\\]|\\.)+?\$")
CODE = re.compile(r"(?<![`}])`[^`]+`")
LINK = re.compile(r"\]\(([^)\s]+)\)|<(https?://[^>\s]+)>")


# reST, the markup of the docstrings on the API page: roles (:math:`…`, :class:`~x.Y`), literals
RST_ROLE = re.compile(r"(?<![\w`\\]):[A-Za-z][\w.+-]*(?::[\w.+-]+)*:`(?:[^`\\]|\\.)+`")
RST_LITERAL = re.compile(r"``(?:[^`]|`(?!`))+``")
EVAL_RST = re.compile(r"^(`{3,})\{eval-rst\}.*?^\1\s*$", re.S | re.M)


def rst_entries(docname: str):
    """Which entries of a page are reST: the docstrings that an ``{eval-rst}`` block of a
    markdown page (the API page) brings in. An entry is the page's own (MyST) text when it
    stands in the page outside those blocks; a notebook's entries are all MyST. Returns a
    predicate on msgids."""
    source = ROOT / f"{docname}.md"
    if not source.exists():
        return lambda msgid: False
    own = " ".join(EVAL_RST.sub(" ", source.read_text(encoding="utf-8")).split())
    return lambda msgid: " ".join(msgid.split()) not in own


def _rst_doctree(text: str):
    """``text`` parsed by docutils as reST, every role kept as an inline node that names it
    (``optlib-role``); errors become ``problematic`` nodes, nothing is printed."""
    from docutils import nodes, utils
    from docutils.core import publish_doctree
    from docutils.parsers.rst import roles

    def role(name, rawtext, text, lineno, inliner, options=None, content=None):
        node = nodes.inline(rawtext, utils.unescape(text))
        node["optlib-role"] = name.lower()
        return [node], []

    names = {m.group(1).lower() for m in re.finditer(r":([A-Za-z][\w.+-]*(?::[\w.+-]+)*):`", text)}
    saved = {name: roles._roles.get(name) for name in names}
    try:
        for name in names:
            roles.register_local_role(name, role)
        return publish_doctree(text, settings_overrides={
            "report_level": 5, "halt_level": 5, "warning_stream": False, "file_insertion_enabled": False,
            "raw_enabled": False, "_disable_config": True})
    finally:
        for name, fn in saved.items():
            if fn is None:
                roles._roles.pop(name, None)
            else:
                roles._roles[name] = fn


def rst_tokens(text: str) -> Counter:
    """``tokens`` for a reST entry (a docstring), read from docutils' parse, so a role or literal
    counts only if it renders: math (``:math:`…```, its ``\\text{…}`` words left out), roles (name and
    target; an explicit title is text), literals, link targets, and ``problematic`` markup (a
    role or literal that reST does not recognise, e.g. a particle right after its closing
    backquote: ``:math:`x`는`` must be written ``:math:`x`\\ 는``)."""
    from docutils import nodes

    found = Counter()
    if is_display_math(text):
        return Counter({("math", TEXT_IN_MATH.sub(" ", text).strip()): 1})
    for node in _rst_doctree(text).findall(nodes.Element):
        if isinstance(node, nodes.inline) and "optlib-role" in node:
            name, body = node["optlib-role"], node.astext()
            if name == "math":
                found[("math", TEXT_IN_MATH.sub(" ", body))] += 1
            else:
                target = re.sub(r"^.*<([^<>]+)>$", r"\1", body, flags=re.S)
                found[("role", f":{name}:`{target.lstrip('~!')}`")] += 1
        elif isinstance(node, nodes.literal):
            found[("code", node.astext())] += 1
        elif isinstance(node, nodes.title_reference):
            found[("role", f"`{node.astext()}`")] += 1
        elif isinstance(node, nodes.reference) and node.get("refuri"):
            found[("link", node["refuri"])] += 1
        elif isinstance(node, nodes.problematic):
            found[("unrendered markup", node.astext())] += 1
    return found


def tokens(text: str) -> Counter:
    """What must survive translation unchanged: display and inline math (but its \\text{...}:
    their words are prose, and Korean word order may split or join them), roles (their name and
    target; an explicit title is text), inline code and link targets, as a multiset (Korean may
    reorder them). A display equation's entry is one piece
    of math."""
    found = Counter()
    if is_display_math(text):
        return Counter({("math", TEXT_IN_MATH.sub(" ", text).strip()): 1})
    rest = text
    for pattern, kind in ((ROLE, "role"), (DISPLAY_MATH, "math"), (INLINE_MATH, "math"), (CODE, "code")):
        for match in pattern.findall(rest):
            if kind == "role":  # {ref}`the last exercise <label>`: the title is text, the target is not
                match = re.sub(r"`[^`<]*<([^`>]+)>`$", r"`<\1>`", match)
            if kind == "math":  # the words of a \text{...} are prose, translated
                match = TEXT_IN_MATH.sub(" ", match)
            found[(kind, match)] += 1
        rest = pattern.sub(" ", rest)
    for a, b in LINK.findall(rest):
        found[("link", a or b)] += 1
    return found


def prose(text: str) -> str:
    """The text without its math, roles, code and literals (MyST's and reST's): what is read as
    words."""
    for pattern in (RST_LITERAL, RST_ROLE, DISPLAY_MATH, INLINE_MATH, ROLE, CODE):
        text = pattern.sub(" ", text)
    return text


def _literal_delimiters(text: str) -> int:
    """Emphasis markers (* or _) that CommonMark leaves as literal characters. A trap of Korean
    text: a closing ``*`` after punctuation must be followed by a space or punctuation, so
    ``*옵티마이저 (Optimizer)*를`` shows its asterisks (a particle right after the marker)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark").use(dollarmath_plugin)
    count = 0
    for block in md.parse(ROLE.sub(" ", text)):
        for token in block.children or []:
            if token.type == "text":
                count += token.content.count("*") + len(re.findall(r"(?<![\w])_|_(?![\w])", token.content))
    return count


def markup_problems(msgid: str, msgstr: str, rst: bool = False) -> list[str]:
    """Every piece of math, role, code and link target of the English is in the Korean, and the
    Korean has no other. Compared as sets with the whitespace inside them ignored: a Korean
    sentence may say once what the English says twice (the English gloss of a Korean quote).
    ``rst``: the entry is reST (a docstring, ``rst_entries``), read as docutils parses it."""
    def norm(counter):
        return {(kind, re.sub(r"\s+", "", text)) for kind, text in counter}

    read = rst_tokens if rst else tokens
    want, got = norm(read(msgid)), norm(read(msgstr))
    problems = [f"lost {kind} {text!r}" for kind, text in sorted(want - got)]
    problems += [f"added {kind} {text!r}" for kind, text in sorted(got - want)]
    if rst:
        if any(kind == "unrendered markup" for kind, _ in got - want):
            problems.append("reST markup shown as text (a particle right after a closing backquote"
                            " or *? write a backslash and a space between them)")
    elif msgstr.count("$") % 2:
        problems.append("an odd number of $")
    if not rst and not is_display_math(msgid) and _literal_delimiters(msgstr) > _literal_delimiters(msgid):
        problems.append("emphasis markers shown as text (a particle right after * or **?)")
    untranslated = set(math_prose(msgid)) & set(TEXT_IN_MATH.findall(msgstr))
    problems += [f"untranslated words in an equation: {t!r}" for t in sorted(untranslated)]
    return problems


# Compound English terms that the glossary's single words would otherwise claim
# ("gradient descent" is 경사 하강법, which contains neither 그라디언트 nor 기울기).
EXTRA_TERMS = {"gradient descent": ["경사 하강법", "경사하강법"]}


def glossary_terms() -> dict[str, list[str]]:
    """English term -> its renderings, from the glossary's `Term (한국어, alternative)` lines.
    The Hangul ones are the Korean terms; a Latin alternative (SGD, Weight Decay, local minima)
    is a rendering the seed post itself uses in Korean text."""
    terms = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Z][^()\n]*?) \(([^)]*)\)\s*$", line)
        if m and not line.startswith(("#", " ")):
            terms[m.group(1).strip().lower()] = [s.strip() for s in m.group(2).split(",")]
    terms.update(EXTRA_TERMS)
    return terms


def _english_pattern(term: str) -> re.Pattern:
    body = r"[\s-]".join(re.escape(w) for w in re.split(r"[\s-]+", term))
    return re.compile(r"(?<![\w-])" + body + r"(?:s|es)?(?![\w-])", re.I)


def is_korean(msgid: str) -> bool:
    """The English text is itself Korean: a quote of the seed post, kept as written (in the
    Korean edition, as in the English one). Korean when most of its words, outside math, code and
    parentheses, are Hangul; a glossary heading ``Momentum (모멘텀, 관성)`` is English."""
    words = re.sub(r"\([^()]*\)", " ", prose(msgid)).split()
    korean = sum(bool(HANGUL.search(w)) for w in words)
    return korean > len(words) - korean


def terminology_problems(msgid: str, msgstr: str, terms=None) -> list[str]:
    """Each glossary term in the English must be rendered by one of its glossary renderings. A
    Korean msgid (a quote of the seed post, ``is_korean``) is exempt: its words are the post's,
    kept as written ("Gradient Descent는" in the post's own words)."""
    if is_korean(msgid):
        return []
    terms = terms or glossary_terms()
    text = " ".join(TEXT_IN_MATH.findall(msgid)) if is_display_math(msgid) else prose(msgid)
    problems = []
    for term in sorted(terms, key=len, reverse=True):  # a compound claims its words first
        pattern = _english_pattern(term)
        if pattern.search(text):
            text = pattern.sub(" ", text)
            if not any(r in msgstr for r in terms[term]):
                problems.append(f"{term!r} not rendered as {' / '.join(terms[term])}")
    return problems


def check(docnames=None) -> dict[str, list[str]]:
    """Every problem of the declared pages' catalogs, by page."""
    report, terms = {}, glossary_terms()
    for docname in docnames or declared_translated():
        problems, rst = [], rst_entries(docname)
        for m in entries(docname):
            short = m.id[:60].replace("\n", " ")
            if not m.string:
                problems.append(f"untranslated: {short!r}")
                continue
            if m.fuzzy:
                problems.append(f"fuzzy: {short!r}")
            problems += [f"{p} in {short!r}" for p in markup_problems(m.id, m.string, rst(m.id))]
            if not is_language_neutral(m.id):
                problems += [f"{p} in {short!r}" for p in terminology_problems(m.id, m.string, terms)]
        report[docname] = problems
    return report


# --------------------------------------------------------------------------------------------
# The Korean notebook

def korean_notebook(docname: str) -> tuple[dict, set[str], dict[str, str]]:
    """The page's notebook with Korean markdown, the msgids found in it, and the catalog."""
    nb = json.loads((ROOT / f"{docname}.ipynb").read_text(encoding="utf-8"))
    messages = optlib_i18n.read_catalog(LOCALE / f"{docname}.po")
    translated, found = optlib_i18n.translate_notebook(nb, messages)
    return translated, found, messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("update")
    sub.add_parser("status")
    sub.add_parser("check")
    nb = sub.add_parser("notebook")
    nb.add_argument("docname")
    nb.add_argument("-o", "--output")
    nbs = sub.add_parser("notebooks")
    nbs.add_argument("-o", "--output", default=str(ROOT), help="the folder that gets ko/book/<page>.ipynb")
    args = parser.parse_args()
    if args.command == "update":
        update()
        print_status()
    elif args.command == "status":
        print_status()
    elif args.command == "check":
        report = check()
        for docname, problems in report.items():
            print(f"{docname}: {len(problems)} problem(s)")
            for p in problems:
                print("   ", p)
        sys.exit(1 if any(report.values()) else 0)
    elif args.command == "notebook":
        translated, _, _ = korean_notebook(args.docname)
        out = Path(args.output or BUILD / "ko-notebooks" / f"{args.docname}.ipynb")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(translated, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(out)
    elif args.command == "notebooks":
        for path in optlib_i18n.write_korean_notebooks(Path(args.output)):
            print(path)


if __name__ == "__main__":
    main()
