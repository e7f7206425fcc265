"""WeasyPrint's start-up is paid only by PDF builds, and paid quickly."""

from __future__ import annotations

import ctypes.util
import subprocess
import sys
from pathlib import Path

import pytest

from lighthouse_docs.writers._weasyprint import library_finder

LISTING = """\
1234 libs found in cache `/etc/ld.so.cache'
\tlibpango-1.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libpango-1.0.so.0
\tlibgobject-2.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libgobject-2.0.so.0
"""


def test_library_lookup_answers_with_the_soname_like_ctypes() -> None:
    find = library_finder(LISTING)
    assert find("pango-1.0") == "libpango-1.0.so.0"
    assert find("gobject-2.0") == "libgobject-2.0.so.0"
    assert find("gobject-2.0-0") is None
    assert find("harfbuzz-vector") is None


def test_the_real_lookup_is_restored_after_the_import() -> None:
    import lighthouse_docs.writers._weasyprint  # noqa: F401

    assert ctypes.util.find_library.__module__ == "ctypes.util"


def test_epub_and_html_outputs_do_not_import_weasyprint() -> None:
    code = ("import sys, lighthouse_docs.writers.epub, lighthouse_docs.writers.html; "
            "print('weasyprint' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert run.stdout.strip() == "False"


# What WeasyPrint asks cffi for while it lays out and writes (ffi.new / ffi.cast strings).
SIMPLE = ["char[]", "char[4]", "PangoRectangle *", "PangoLogAttr[]", "unsigned int *",
          "hb_tag_t[100]", "hb_codepoint_t[1144]", "hb_codepoint_t[7]", "FcChar8 **",
          "FcResult *", "PangoFcFontMap *"]
PARSED = ["const char *", "unsigned *", "struct _NoSuchThing *", "int(*)(int)", "char[2][3]"]
"""Strings the shortcut leaves to cffi's parser (qualifiers, unknown names, other shapes)."""


def _parsed_by_cffi(ffi: object, cdecl: str) -> object:
    parser = ffi._parser  # type: ignore[attr-defined]
    with ffi._lock:  # type: ignore[attr-defined]
        return ffi._get_cached_btype(parser.parse_type(cdecl))  # type: ignore[attr-defined]


def test_simple_c_types_are_cffis_own_without_parsing() -> None:
    from weasyprint.text.ffi import ffi

    import lighthouse_docs.writers._weasyprint  # noqa: F401  (installs the shortcut)

    parsed: list[str] = []
    original = ffi._parser.parse_type

    def counting(cdecl: str) -> object:
        parsed.append(cdecl)
        return original(cdecl)

    ffi._parser.parse_type = counting
    try:
        for cdecl in SIMPLE + PARSED:
            ffi._parsed_types.pop(cdecl, None)
            assert ffi.typeof(cdecl) is _parsed_by_cffi(ffi, cdecl), cdecl
    finally:
        del ffi._parser.parse_type
    # Each string once by the test itself (the expected type); PARSED once more by cffi.
    assert sorted(parsed) == sorted(SIMPLE + PARSED + PARSED)
    assert ffi.new("hb_codepoint_t[3]", [1, 2, 3])[2] == 3


# A contents page (page 2) whose entries point at a heading before it (on the cover) and at
# headings after it.
_CONTENTS_HTML = """<html><head><style>
  @page { size: A6; @bottom-center { content: counter(page) " / " counter(pages); } }
  h2 { break-before: page; }
  .cover { break-after: page; }
  .toc a { display: block; }
  .toc a::after { content: leader(". ") target-counter(attr(href), page); }
</style></head><body>
<h1 id="cover" class="cover">Cover</h1>
<nav class="toc"><a href="#cover">Cover</a><a href="#one">One</a><a href="#two">Two</a></nav>
<h2 id="one">One</h2><p>First.</p><h2 id="two">Two</h2><p>Second.</p>
</body></html>"""


def _contents_pdf(monkeypatch: pytest.MonkeyPatch, *, stock: bool) -> tuple[bytes, list[int],
                                                                            list[str]]:
    import weasyprint.layout.page as page_layout

    from lighthouse_docs.writers import _weasyprint

    collector = _weasyprint.TargetCollector
    if stock:
        monkeypatch.setattr(collector, "collect_missing_counters",
                            collector.collect_missing_counters.stock)
    made: list[int] = []
    make_page = page_layout.make_page

    def counting(context: object, root_box: object, page_type: object, resume_at: object,
                 page_number: int, *args: object) -> object:
        made.append(page_number)
        return make_page(context, root_box, page_type, resume_at, page_number, *args)

    monkeypatch.setattr(page_layout, "make_page", counting)
    document = _weasyprint.HTML(string=_CONTENTS_HTML).render()
    texts = ["".join(box.text for box in page._page_box.descendants()
                     if isinstance(box, _weasyprint.boxes.TextBox))
             for page in document.pages]
    return document.write_pdf(), made, texts


def test_a_contents_page_is_laid_out_once_less_with_the_same_bytes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from lighthouse_docs.writers import _weasyprint

    if _weasyprint.WEASYPRINT_VERSION != _weasyprint.CONTENTS_FIX_VERSION:
        pytest.skip("the correction applies to WeasyPrint 70.0 only")
    fixed, made_fixed, texts = _contents_pdf(monkeypatch, stock=False)
    monkeypatch.undo()
    stock, made_stock, stock_texts = _contents_pdf(monkeypatch, stock=True)
    assert fixed == stock and texts == stock_texts
    # The numbers are right: the contents (page 2) name pages 1, 3, 4.
    assert ". 1One" in texts[1] and ". 3Two" in texts[1] and texts[1].endswith(". 42 / 4")
    assert made_stock.count(2) == 3
    assert made_fixed.count(2) == 2  # once, then once when its targets' pages are known
    assert len(made_fixed) == len(made_stock) - 1


class _Collector:
    def collect_missing_counters(self, *args: object) -> None:
        return None


def test_the_contents_correction_is_left_out_for_other_weasyprint_versions() -> None:
    from lighthouse_docs.writers._weasyprint import _contents_laid_out_once_more_at_most

    original = _Collector.collect_missing_counters
    _contents_laid_out_once_more_at_most(_Collector, "70.1")
    assert _Collector.collect_missing_counters is original
    _contents_laid_out_once_more_at_most(_Collector, "70.0")
    wrapped = _Collector.collect_missing_counters
    assert wrapped is not original and wrapped.stock is original  # type: ignore[attr-defined]
    _contents_laid_out_once_more_at_most(_Collector, "70.0")  # never twice
    assert _Collector.collect_missing_counters is wrapped


@pytest.mark.parametrize(("content", "expected"), [
    ((("leader()", ("string", ". ")),
      ("target-counter()", (("attr()", ("href", "url", "")), "page", "decimal"))), True),
    ((("target-counter()", (("attr()", ("href", "url", "")), "pages", "decimal")),), False),
    ((("counter()", ("page", "decimal")),
      ("target-counter()", (("attr()", ("href", "url", "")), "page", "decimal"))), False),
    ((("string", "x"),), False),
    ("normal", False),
])
def test_only_contents_entries_without_local_counters_are_corrected(
        content: object, expected: bool) -> None:
    from lighthouse_docs.writers._weasyprint import _only_target_counters

    assert _only_target_counters(content) is expected


RARELY_USED = ("fontTools.subset", "fontTools.varLib", "fontTools.varLib.instancer",
               "fontTools.ttLib.tables.otTables")


def _run_python(code: str) -> list[str]:
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False, timeout=300)
    assert run.returncode == 0, run.stderr
    return run.stdout.splitlines()


@pytest.mark.slow
def test_fonttools_subsetter_and_instancer_are_imported_only_when_used() -> None:
    """Not by the import, nor by a PDF that HarfBuzz subsets; the first use imports them."""
    lines = _run_python(f"""
import datetime as dt, sys, tempfile
from pathlib import Path
RARE = {RARELY_USED!r}
import lighthouse_docs.writers._weasyprint
print([m for m in RARE if m in sys.modules])
from lighthouse_docs.readers import load
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.theme import resolve_theme
from lighthouse_docs.writers.pdf import build_pdf
source = Path(tempfile.mkdtemp()) / "rice.md"
source.write_text("---\\ntitle: Rice\\nlang: en\\n---\\n\\nRice prices eased again.\\n")
doc = load(source)
options = RenderOptions(theme=resolve_theme(None), base_dir=source.parent,
                        modified=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
print(build_pdf(doc, options).data[:5], [m for m in RARE if m in sys.modules])
import weasyprint.pdf.fonts as fonts
options = fonts.subset.Options()  # first use: the real subsetter
import fontTools.subset
real = fontTools.subset
print(type(options) is real.Options, sys.modules["fontTools.subset"] is real)
import fontTools.varLib.instancer as instancer
instancer.instantiateVariableFont = lambda *args, **kwargs: ("called", args, kwargs)
print(fonts.instantiateVariableFont(1, static=True))
""")
    assert lines == ["[]", "b'%PDF-' []", "True True", "('called', (1,), {'static': True})"]


@pytest.mark.slow
def test_a_font_harfbuzz_cannot_subset_is_subset_by_fonttools_through_the_stand_in() -> None:
    lines = _run_python("""
import datetime as dt, sys, tempfile
from pathlib import Path
import lighthouse_docs.writers._weasyprint
import weasyprint.pdf.fonts as fonts
fonts.harfbuzz_subset = None  # as with a HarfBuzz older than 4.1: fontTools subsets
from lighthouse_docs.readers import load
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.theme import resolve_theme
from lighthouse_docs.writers.pdf import build_pdf
source = Path(tempfile.mkdtemp()) / "rice.md"
source.write_text("---\\ntitle: Rice\\nlang: en\\n---\\n\\nRice prices eased again.\\n")
doc = load(source)
options = RenderOptions(theme=resolve_theme(None), base_dir=source.parent,
                        modified=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
out = build_pdf(doc, options)
print(out.data[:5], out.pages, "fontTools.subset" in sys.modules)
""")
    assert lines == ["b'%PDF-' 2 True"]


_DECLARATIONS = """
import hashlib, sys
from lighthouse_docs.writers._weasyprint import _ffi as ffi
parser = ffi._parser
seen = sorted((name, str(tp), quals) for name, (tp, quals) in parser._declarations.items())
print(hashlib.sha256(repr((seen, sorted(parser._int_constants.items()))).encode()).hexdigest())
print(len(seen), "pycparser" in sys.modules)
print(ffi.sizeof("PangoRectangle"), ffi.typeof("PangoRectangle *").cname)
"""


def _import_in(cache: object) -> list[str]:
    import os

    env = {**os.environ, "LIGHTHOUSE_DOCS_CACHE": str(cache)}
    run = subprocess.run([sys.executable, "-c", _DECLARATIONS], capture_output=True,
                         text=True, check=True, env=env)
    return run.stdout.split("\n")


def test_weasyprints_c_declarations_are_parsed_once_and_then_read_back_the_same(
        tmp_path: Path) -> None:
    """The first import parses WeasyPrint's cdef (pycparser imported) and keeps what cffi's
    parser made; the next reads it back, without pycparser: the same declarations, the same C
    types."""
    cache = tmp_path
    parsed = _import_in(cache)
    kept = list((cache / "cffi").iterdir())
    assert len(kept) == 1
    restored = _import_in(cache)
    assert restored[0] == parsed[0]
    assert parsed[1].endswith("True") and restored[1].endswith("False")
    assert int(parsed[1].split()[0]) > 100
    assert restored[2] == parsed[2] == "16 PangoRectangle *"
    kept[0].write_bytes(b"damaged")  # parsed again, and kept again
    assert _import_in(cache)[:2] == parsed[:2]
    assert _import_in("none")[:2] == parsed[:2]  # no cache folder at all: parsed
