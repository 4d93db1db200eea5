"""The Korean edition's catalogs (issue 17): complete, intact, consistent, current, and runnable.

- Every page declared translated (``locales/ko/translated.txt``) has a complete catalog: no
  untranslated and no fuzzy entry, and every page of ``_toc.yml`` is declared: a new page fails
  the tests until its Korean is complete (``test_every_page_is_declared_translated``).
- In every translated entry of every catalog, the mathematics (``$…$``, ``$$…$$``), the roles
  (``{eq}``, ``{ref}``, ``{doc}``, ``{cite}``, ``{glue:text}``, ``{prf:ref}``, …), inline code and link
  targets of the English survive unchanged; ``-W`` catches a lost cross-reference, not broken math.
  A docstring's entry (API page) is reST and is read as docutils reads it.
- Every glossary term in the English of a translated entry is rendered by the glossary's Korean.
- The catalogs hold exactly the current English text: when a chapter changes, this fails until
  ``python scripts/translations.py update`` has been run and the Korean has caught up.
- The Korean notebook of a translated page has Korean markdown, the English code, and executes;
  the Korean site's Binder and Colab buttons open the Korean notebooks, which Binder's postBuild
  and the Pages workflow write.
- A one-page probe built in Korean: a translated display equation keeps its TeX, and a translated
  docstring renders its reST.
"""

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("translations", ROOT / "scripts" / "translations.py")
translations = importlib.util.module_from_spec(spec)
spec.loader.exec_module(translations)
import optlib_i18n  # noqa: E402  (book/_ext, put on sys.path by scripts/translations.py)

DECLARED = translations.declared_translated()
PAGES = translations.pages()


def test_the_declared_pages_are_pages():
    assert DECLARED and set(DECLARED) <= set(PAGES)


def test_every_page_is_declared_translated():
    """A page added to _toc.yml fails here until its Korean is complete and it is declared."""
    assert set(DECLARED) == set(PAGES), f"not declared in locales/ko/translated.txt: {sorted(set(PAGES) - set(DECLARED))}"


@pytest.mark.parametrize("docname", DECLARED)
def test_declared_catalog_is_complete(docname):
    entries = translations.entries(docname)
    untranslated = [m.id[:70] for m in entries if not m.string]
    fuzzy = [m.id[:70] for m in entries if m.fuzzy]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("docname", PAGES)
def test_translated_entries_keep_math_roles_and_links(docname):
    rst = translations.rst_entries(docname)  # docstrings (API page) are reST
    problems = [(m.id[:60], p) for m in translations.entries(docname) if m.string
                for p in translations.markup_problems(m.id, m.string, rst(m.id))]
    assert problems == []


@pytest.mark.parametrize("docname", PAGES)
def test_glossary_terms_are_rendered_consistently(docname):
    terms = translations.glossary_terms()
    problems = [(m.id[:60], p) for m in translations.entries(docname)
                if m.string and not translations.is_language_neutral(m.id)
                for p in translations.terminology_problems(m.id, m.string, terms)]
    assert problems == []


def test_the_checks_catch_what_they_claim():
    """A broken translation fails each check (the checks are not vacuous)."""
    msgid = r"The step $\eta$ of {eq}`sgd-update` uses the gradient, see [the paper](https://x.org)."
    good = r"{eq}`sgd-update`의 스텝 $\eta$는 그라디언트를 사용한다. [논문](https://x.org)을 보라."
    assert translations.markup_problems(msgid, good) == []
    assert translations.markup_problems(msgid, good.replace(r"$\eta$", r"$\eta"))
    assert translations.markup_problems(msgid, good.replace("{eq}`sgd-update`", "식"))
    assert translations.markup_problems(msgid, good.replace("https://x.org", "https://y.org"))
    equation = "\n\\frac{\\text{uncorrected step}}{\\text{step}} = \\frac{1}{\\sqrt{1-\\beta_2}} ,\n"
    assert not translations.is_language_neutral(equation)  # its \\text is prose: translated
    korean = equation.replace("uncorrected step", "보정하지 않은 스텝")
    assert translations.markup_problems(equation, korean) == []
    assert translations.markup_problems(equation, korean.replace("\\sqrt", "\\sqr"))
    emphasis = "The Korean post *옵티마이저 (Optimizer)* is the seed."
    assert translations.markup_problems(emphasis, "이 책은 *옵티마이저 (Optimizer)*를 따른다.")
    assert translations.markup_problems(emphasis, "이 책은 『옵티마이저 (Optimizer)』를 따른다.") == []
    titled = "see {ref}`the last exercise <adam-ex-variance>`"
    assert translations.markup_problems(titled, "{ref}`마지막 연습 문제 <adam-ex-variance>`를 보라") == []
    assert translations.markup_problems(titled, "{ref}`마지막 연습 문제 <adam-ex-bias>`를 보라")
    assert translations.terminology_problems(msgid, good) == []
    assert translations.terminology_problems(msgid, good.replace("그라디언트", "경사"))
    # a quote of the seed post is kept as the post writes it, its English words too
    quote = "이런 경우에 Gradient Descent는 경사를 따라 지그재그로 움직이며 진동하면서 천천히 수렴하게 된다."
    assert translations.is_korean(quote) and translations.terminology_problems(quote, quote) == []
    for english in ("Momentum (모멘텀, 관성)", "Learning rate (학습률)", 'The post says "모멘텀을 쓴다" of gradient descent.'):
        assert not translations.is_korean(english)
    assert translations.terminology_problems("Learning rate (학습률)", "학습 속도 (Learning rate)")


def test_language_neutral_entries_are_those_without_words():
    """``update`` fills an entry with its English when it has no word a reader reads (numbers,
    Python's constants, symbols, code, math, names, emphasis around them), and only then."""
    neutral = ["torch", "optax", "1e-3", "None", "False", "$\\lambda$ (L2)", "**1e-2**", "$\\lambda$ (**L2**)",
               "(0.9, 0.999)", "SGD, RMSprop, Muon", "`lr`", "—", "$b$ (`momentum_buffer`)", ":math:`\\lambda`.",
               "``(momentum, gradient, decay)``", "\n\\theta_t = \\theta_{t-1} - \\eta g_t\n",
               "g_t = \\nabla L \\quad\\text{sign}\n\n", "-1", "10%"]
    worded = ["1e-8 (outside the root)", "None (all)", "torch default", "required", "all", "a", "Nesterov",
              "`eps` (a pair)", "$m$, $v$, step count $t$", "Momentum (모멘텀, 관성)", "스텝",
              "\n\\frac{\\text{uncorrected step}}{\\text{step}}\n", "\\eta_t = \\eta \\ \\text{ after}\n\n"]
    assert [m for m in neutral if not translations.is_language_neutral(m)] == []
    assert [m for m in worded if translations.is_language_neutral(m)] == []
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale="ko")
    catalog.add("1e-3")                                  # untranslated: filled
    catalog.add("torch", "pytorch", flags=["fuzzy"])    # fuzzy: filled, no longer fuzzy
    catalog.add("required", "")                          # words: left for a translator
    catalog.add("SGD + Momentum", "SGD + Momentum")     # translated: kept
    catalog.add("``(a, b)``", "``(a, b)`` (가, 나)")      # translated with a gloss: kept
    assert translations.fill_neutral_catalog(catalog) == 2
    assert [(m.id, m.string, m.fuzzy) for m in catalog if m.id] == [
        ("1e-3", "1e-3", False), ("torch", "torch", False), ("required", "", False),
        ("SGD + Momentum", "SGD + Momentum", False), ("``(a, b)``", "``(a, b)`` (가, 나)", False)]


def test_the_checks_read_docstrings_as_rest():
    """A docstring's entry is reST: its roles, literals and math are read as docutils reads
    them, so the check neither misreads ``:math:`…``` and double backquotes as MyST code nor
    misses a role that reST will not render (a particle right after the closing backquote)."""
    rst = translations.rst_entries("book/api")
    assert not rst("Optimizers") and not rst("The `optlib` API")  # the page's own MyST text
    assert rst("Stochastic gradient descent, with optional momentum, as ``torch.optim.SGD``.")
    msgid = ("The step :math:`\\eta\\, g` of :class:`~optlib.optimizers.SGD`, see ``lr`` and "
             ":func:`the schedules <optlib.schedules.LambdaLR>`.")
    good = ("스텝은 :class:`~optlib.optimizers.SGD`\\ 의 :math:`\\eta\\, g`\\ 이다. ``lr``\\ 과 "
            ":func:`스케줄 <optlib.schedules.LambdaLR>`\\ 을 보라.")
    assert translations.markup_problems(msgid, good, rst=True) == []
    assert translations.markup_problems(msgid, good, rst=False)  # MyST would not read it so
    for broken in (good.replace("`\\ 이다", "`이다"),  # math followed by a particle: shown as text
                   good.replace("``lr``\\ 과", "``lr``과"),
                   good.replace("\\eta\\, g", "\\eta g"),
                   good.replace("optlib.schedules.LambdaLR", "optlib.schedules.StepLR"),
                   good.replace(":class:", ":func:")):
        assert translations.markup_problems(msgid, broken, rst=True), broken
    # a docstring's display equation (``.. math::``): its TeX followed by line breaks
    equation = "\\text{heavy ball: } \\eta_{\\max} = \\frac{2 + 2\\mu}{\\lambda_{\\max}}\n\n"
    assert translations.is_display_math(equation)
    assert translations.markup_problems(equation, equation.replace("heavy ball", "헤비 볼"), rst=True) == []
    # literals and roles are not words: no glossary term is read in them
    assert translations.terminology_problems("as ``torch.optim.Adagrad``.", "``torch.optim.Adagrad``\\ 와 같다.") == []


def test_catalogs_hold_the_current_english(tmp_path):
    """The English text extracted now is exactly the msgids of the catalogs (no obsolete entry,
    no missing one): a change to a chapter fails here until the catalogs are updated."""
    translations.write_conf()
    translations.sphinx_build("gettext", tmp_path / "gettext", tmp_path / "doctrees",
                              {"nb_execution_mode": "off"}, strict=False)
    for docname in PAGES:
        pot = {m.id for m in translations.load(tmp_path / "gettext" / f"{docname}.pot") if m.id}
        po = {m.id for m in translations.entries(docname)}
        assert pot == po, f"{docname}: run `python scripts/translations.py update` and translate the changes"


def _korean_notebook(docname):
    nb, found, messages = translations.korean_notebook(docname)
    english = json.loads((ROOT / f"{docname}.ipynb").read_text(encoding="utf-8"))
    return english, nb, found, optlib_i18n.source_forms(messages)


@pytest.mark.parametrize("docname", [d for d in DECLARED if (ROOT / f"{d}.ipynb").exists()])
def test_korean_notebook_has_korean_markdown_and_the_same_code(docname):
    english, korean, found, forms = _korean_notebook(docname)
    assert [c["cell_type"] for c in korean["cells"]] == [c["cell_type"] for c in english["cells"]]
    for en, ko in zip(english["cells"], korean["cells"]):
        if en["cell_type"] == "code":
            assert ko["source"] == en["source"]
    # every paragraph, heading, caption and table cell of the page is in the notebook's Korean;
    # the part captions of the table of contents (intro) are not in any notebook
    toc_captions = {"The optimizers", "Beyond the seed", "Reference"}
    missing = [m[:60] for m, s in forms.items() if m not in found and m not in toc_captions and m != s]
    assert missing == []


@pytest.mark.skipif(os.environ.get("OPTLIB_SKIP_KO_EXECUTION") == "1", reason="OPTLIB_SKIP_KO_EXECUTION=1")
def test_korean_notebook_executes(tmp_path):
    """A Korean reader runs the same cells: the Korean intro executes without error."""
    import nbformat
    from nbclient import NotebookClient

    _, korean, _, _ = _korean_notebook("book/intro")
    nb = nbformat.reads(json.dumps(korean), as_version=4)  # as a downloaded file is read
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "book")}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not any(o.get("output_type") == "error" for o in outputs)
    assert any("한국어" in "".join(c.source) or "옵티마이저" in "".join(c.source)
               for c in nb.cells if c.cell_type == "markdown")


def test_korean_search_strips_particles():
    """Sphinx has no Korean search language: ours indexes 모멘텀은 under 모멘텀 (the browser
    test checks the JavaScript half on the built site)."""
    lang = optlib_i18n.SearchKorean({})
    assert {lang.stem(w) for w in ["모멘텀은", "모멘텀을", "모멘텀의", "모멘텀"]} == {"모멘텀"}
    assert lang.stem("학습률이다") == "학습률" and lang.stem("옵티마이저는") == "옵티마이저"
    assert lang.stem("optimizers") == lang.stem("optimizer")  # English words: Porter, as in English


def _korean_probe(tmp_path, markdown, messages, module=""):
    """A one-page Sphinx project (MyST, autodoc, this book's i18n extension) built in Korean from
    ``messages`` (English -> Korean): the HTML of its page. The English ids are checked against
    what the gettext builder extracts, so the probe translates what Sphinx really looks up."""
    import subprocess
    import textwrap

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    (tmp_path / "probe_mod.py").write_text(textwrap.dedent(module))
    (tmp_path / "conf.py").write_text(textwrap.dedent(f"""
        import sys
        sys.path[:0] = [{str(tmp_path)!r}, {str(ROOT / "book" / "_ext")!r}]
        extensions = ["myst_parser", "sphinx.ext.autodoc", "optlib_i18n"]
        myst_enable_extensions = ["amsmath", "dollarmath"]
        locale_dirs = ["locales/"]
        gettext_compact = False
        exclude_patterns = ["_build"]
        suppress_warnings = ["config.cache"]
    """))
    (tmp_path / "index.md").write_text(textwrap.dedent(markdown))
    sphinx = [sys.executable, "-m", "sphinx", "-q", "-W", "-d", str(tmp_path / "_build" / "doctrees")]
    subprocess.run([*sphinx, "-b", "gettext", str(tmp_path), str(tmp_path / "_build" / "gettext")], check=True)
    extracted = {m.id for m in translations.load(tmp_path / "_build" / "gettext" / "index.pot") if m.id}
    assert set(messages) <= extracted, set(messages) - extracted
    catalog = Catalog(locale="ko")
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    (tmp_path / "locales" / "ko" / "LC_MESSAGES").mkdir(parents=True)
    translations.save(catalog, tmp_path / "locales" / "ko" / "LC_MESSAGES" / "index.po")
    subprocess.run([*sphinx, "-E", "-b", "html", "-D", "language=ko", str(tmp_path), str(tmp_path / "_build" / "html")],
                   check=True)
    return (tmp_path / "_build" / "html" / "index.html").read_text(encoding="utf-8")


def test_a_translated_display_equation_keeps_its_tex(tmp_path):
    """Sphinx hands a display equation's msgstr to the page's parser as a reST literal block
    (``::`` and an indent); MyST read it as the paragraph "::" and the Korean page showed
    ``\\[::\\]`` where the English typesets the equation (optlib_i18n.translate_in_rst_where_needed)."""
    html = _korean_probe(tmp_path, """
        # Probe

        The ratio is

        $$
        \\frac{\\text{first step}}{\\text{step}} = 2 ,
        $$ (probe-eq)

        and {eq}`probe-eq` again.
        """, {
        "The ratio is": "비는 다음과 같다.",
        "\n\\frac{\\text{first step}}{\\text{step}} = 2 ,\n": "\n\\frac{\\text{첫 스텝}}{\\text{스텝}} = 2 ,\n",
        "and {eq}`probe-eq` again.": "{eq}`probe-eq`를 다시 본다.",
    })
    assert "\\[::" not in html
    assert "\\[\\frac{\\text{첫 스텝}}{\\text{스텝}} = 2 ,\\]" in html
    assert 'href="#equation-probe-eq">(1)</a>를 다시 본다' in html


def test_a_translated_docstring_is_read_as_rest(tmp_path):
    """Docstrings (the API page) are reST inside a MyST page: their msgstrs are parsed as reST,
    so a translated :math:, :class: reference, double-backquote literal, field and equation
    render as in English (optlib_i18n.translate_in_rst_where_needed)."""
    html = _korean_probe(tmp_path, """
        # Probe

        ```{eval-rst}
        .. autofunction:: probe_mod.probe
        .. autoclass:: probe_mod.Probe
        ```
        """, {
        "Scale by :math:`\\eta` like :class:`Probe`, with ``x`` the input.":
            ":class:`Probe`\\ 처럼 :math:`\\eta`\\ 배 한다. ``x``\\ 는 입력이다.",
        "\\text{new step} = \\eta\\, g": "\\text{새 스텝} = \\eta\\, g",
        "the input, ``float``.": "입력, ``float``.",
    }, module='''
        def probe(x):
            """Scale by :math:`\\\\eta` like :class:`Probe`, with ``x`` the input.

            .. math::

               \\\\text{new step} = \\\\eta\\\\, g

            :param x: the input, ``float``.
            """

        class Probe:
            """A class."""
        ''')
    body = html[html.index('id="probe_mod.probe"'):]
    assert ('<a class="reference internal" href="#probe_mod.Probe" title="probe_mod.Probe"><code class="xref py '
            'py-class docutils literal notranslate"><span class="pre">Probe</span></code></a>처럼 '
            '<span class="math notranslate nohighlight">\\(\\eta\\)</span>배 한다. '
            '<code class="docutils literal notranslate"><span class="pre">x</span></code>는 입력이다.') in body
    assert "\\[\\text{새 스텝} = \\eta\\, g\\]" in body
    assert '입력, <code class="docutils literal notranslate"><span class="pre">float</span></code>.' in body
    assert ":math:" not in body and "``" not in body


def test_korean_launch_buttons_open_the_korean_notebooks(tmp_path):
    """On the Korean site Binder opens ko/book/<page>.ipynb in its image (binder/postBuild writes
    it) and Colab the same path on the branch the Pages workflow publishes; both are written by
    ``translations.py notebooks``, which runs without Sphinx (Binder's image has none)."""
    import subprocess
    from types import SimpleNamespace

    import yaml

    binder = "https://mybinder.org/v2/gh/optlib-book/optimizers-book/main"
    colab = "https://colab.research.google.com/github/optlib-book/optimizers-book/blob"

    def buttons(language):
        context = {"header_buttons": [{"type": "group", "label": "launch-buttons", "buttons": [
            {"type": "link", "text": "Binder", "url": f"{binder}?urlpath=lab/tree/./book/adam.ipynb"},
            {"type": "link", "text": "Colab", "url": f"{colab}/main/./book/adam.ipynb"}]}]}
        app = SimpleNamespace(config=SimpleNamespace(language=language))
        optlib_i18n.korean_launch_buttons(app, "book/adam", "page.html", context, None)
        return [b["url"] for b in context["header_buttons"][0]["buttons"]]

    branch = optlib_i18n.KOREAN_NOTEBOOKS_BRANCH
    assert buttons("ko") == [f"{binder}?urlpath=lab/tree/ko/book/adam.ipynb", f"{colab}/{branch}/ko/book/adam.ipynb"]
    assert buttons("en") == [f"{binder}?urlpath=lab/tree/./book/adam.ipynb", f"{colab}/main/./book/adam.ipynb"]
    # the notebooks are where the buttons point, and Binder's postBuild and the workflow write them
    code = ("import runpy, sys; sys.modules['sphinx'] = None; "
            f"sys.argv = ['translations.py', 'notebooks', '--output', {str(tmp_path)!r}]; "
            f"runpy.run_path({str(ROOT / 'scripts' / 'translations.py')!r}, run_name='__main__')")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path, capture_output=True)
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.ipynb"))
    notebooks = sorted(p.relative_to(ROOT).with_suffix("").as_posix() for p in (ROOT / "book").glob("*.ipynb"))
    assert written == [optlib_i18n.korean_notebook_path(d) for d in notebooks]
    korean = json.loads((tmp_path / "ko" / "book" / "adam.ipynb").read_text(encoding="utf-8"))
    english = json.loads((ROOT / "book" / "adam.ipynb").read_text(encoding="utf-8"))
    assert [c["source"] for c in korean["cells"] if c["cell_type"] == "code"] == \
        [c["source"] for c in english["cells"] if c["cell_type"] == "code"]
    assert any("옵티마이저" in "".join(c["source"]) for c in korean["cells"] if c["cell_type"] == "markdown")
    assert "scripts/translations.py notebooks --output ." in (ROOT / "binder" / "postBuild").read_text()
    steps = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())["jobs"]["build"]["steps"]
    publish = [s["run"] for s in steps if "translations.py notebooks" in s.get("run", "")]
    assert publish and f"HEAD:{branch}" in publish[0] and "git add README.md ko" in publish[0]
