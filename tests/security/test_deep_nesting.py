"""Deeply nested sources build with all their text: nothing beyond some depth is dropped.

Readers flatten lists and quotes past ``MAX_CONTAINER_DEPTH`` (and inline markup past
``MAX_INLINE_DEPTH``) so renderers never recurse deeply; Markdown deeper than markdown-it can
read falls back to a plain-text reading with a warning (issue #6).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from lighthouse_docs.model import SourceInfo
from lighthouse_docs.outline import to_json
from lighthouse_docs.readers import html as html_reader
from lighthouse_docs.readers import markdown as markdown_reader
from lighthouse_docs.readers._common import MAX_CONTAINER_DEPTH, MAX_INLINE_DEPTH

from .conftest import make_project, run_cli


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


def _deep_markdown_lists(levels: int) -> str:
    items = "\n".join("  " * i + f"- level {i}" for i in range(levels))
    return f"# Deep Lists\n\nBefore the list.\n\n{items}\n\nAfter the list.\n"


def _deep_markdown_quotes(levels: int) -> str:
    quotes = "\n".join(">" * (i + 1) + f" quote {i}" for i in range(levels))
    return f"# Deep Quotes\n\nBefore the quotes.\n\n{quotes}\n\nAfter the quotes.\n"


def _deep_html(levels: int, opener: str = "<div>", closer: str = "</div>") -> str:
    return ("<html><head><title>Deep Divs</title></head><body><h1>Deep Divs</h1>"
            "<p>Before the divs, a paragraph of ordinary article text.</p>"
            + opener * levels + "<p>At the bottom of the divs.</p>" + closer * levels
            + "<p>After the divs, a closing paragraph.</p></body></html>")


DEEP_SOURCES = {
    "lists.md": _deep_markdown_lists(200),
    "quotes.md": _deep_markdown_quotes(200),
    "quotes-1000.md": _deep_markdown_quotes(1000),
    "divs.html": _deep_html(1000),
    "html-lists.html": _deep_html(1000, "<ul><li>", "</li></ul>"),
    "line.txt": "One Long Line\n\n" + "word " * 40_000 + "\n",
    "word.md": "# One Long Word\n\n" + "abcdefghij" * 20_000 + "\n",
}
"""200-level Markdown lists and quotes, 1000 quotes (markdown-it's plain fallback), 1000 HTML
divs and lists, a 200k-character line of words and a 200k-character word."""


@pytest.fixture(scope="module")
def deep_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Every deep source built in one run of the real CLI (each must build on its own: the
    test below checks each output)."""
    project = make_project(tmp_path_factory.mktemp("deep") / "proj")
    for name, text in DEEP_SOURCES.items():
        (project / "sources" / name).write_text(text, encoding="utf-8")
    run = run_cli(["build", "--epub", "--html", "--jobs", "2"], project, timeout=300)
    assert "Traceback" not in run.stderr
    assert run.returncode == 0, run.stderr
    return project / "output", run.stderr


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DEEP_SOURCES))
def test_deep_nesting_and_huge_lines_build_without_losing_text(
        deep_build: tuple[Path, str], name: str) -> None:
    output, _ = deep_build
    text = DEEP_SOURCES[name]
    with zipfile.ZipFile(output / f"{name.rsplit('.', 1)[0]}.epub") as book:
        body = " ".join(book.read(n).decode("utf-8") for n in book.namelist()
                        if n.endswith(".xhtml"))
    for marker in ("Before", "After", "level 199", "quote 199", "bottom of the divs",
                   "word word", "abcdefghij"):
        if marker in text:
            assert marker in body, f"{marker!r} lost from {name}"


def _depth(value: Any) -> int:
    """How deeply the model's JSON nests (each dataclass is one level)."""
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return max((_depth(v) for v in value), default=0)
    return 0


def _words_in_order(text: str, words: list[str]) -> bool:
    pattern = ".*?".join(re.escape(w) for w in words)
    return re.search(pattern, text, re.DOTALL) is not None


# A document -> section -> list -> item block -> ... -> text: what a model nested exactly to
# the limits weighs, plus slack for the wrappers (Section, Paragraph, Link...).
_MAX_MODEL_DEPTH = 2 * MAX_CONTAINER_DEPTH + MAX_INLINE_DEPTH + 6


@pytest.mark.parametrize(("fmt", "text", "markers"), [
    pytest.param("markdown", _deep_markdown_lists(200),
                 ["Before the list", "level 0", "level 8", "level 9", "level 199",
                  "After the list"], id="md-200-lists"),
    pytest.param("markdown", _deep_markdown_quotes(300),
                 ["Before the quotes", "quote 0", "quote 150", "quote 299", "After the quotes"],
                 id="md-300-quotes"),
    pytest.param("markdown", "# Deep\n\n" + "*_" * 300 + "deep words" + "_*" * 300 + " after\n",
                 ["deep words", "after"], id="md-600-emphasis"),
    pytest.param("html", _deep_html(1000), ["Before the divs", "bottom of the divs",
                                            "After the divs"], id="html-1000-divs"),
    pytest.param("html", _deep_html(1000, "<ul><li>x ", "</li></ul>"),
                 ["Before the divs", "bottom of the divs", "After the divs"],
                 id="html-1000-lists"),
    pytest.param("html", _deep_html(1000, "<blockquote><b>", "</b></blockquote>"),
                 ["Before the divs", "bottom of the divs", "After the divs"],
                 id="html-1000-quotes-bold"),
    pytest.param("html", _deep_html(1000, "<span><i>", "</i></span>"),
                 ["Before the divs", "bottom of the divs", "After the divs"],
                 id="html-1000-inline"),
])
def test_deep_sources_give_a_shallow_model_with_every_word_in_order(
        fmt: str, text: str, markers: list[str]) -> None:
    reader = markdown_reader if fmt == "markdown" else html_reader
    doc = reader.parse(text, SourceInfo(path=f"deep.{fmt}", format=fmt))  # type: ignore[arg-type]
    data = to_json(doc)
    assert _depth(data) <= _MAX_MODEL_DEPTH
    assert _words_in_order(str(data), markers)


def test_markdown_too_deep_for_markdown_it_is_read_as_plain_text_with_a_warning() -> None:
    text = _deep_markdown_lists(600)
    doc = markdown_reader.parse(text, SourceInfo(path="deep.md", format="markdown"))
    assert any("read as plain text" in w for w in doc.warnings)
    body = str(to_json(doc))
    assert _words_in_order(body, ["Before the list", *(f"level {i}'" for i in range(600)),
                                  "After the list"])
    assert "- level" not in body  # list markers are not read as text


def test_html_deeper_than_libxml2_reads_is_reported() -> None:
    doc = html_reader.parse(_deep_html(3000), SourceInfo(path="deep.html", format="html"))
    assert any("nested more than 2048 deep" in w for w in doc.warnings)


@pytest.mark.slow
def test_pdf_of_a_200_level_markdown_list_keeps_every_level(project: Path) -> None:
    (project / "sources" / "lists.md").write_text(_deep_markdown_lists(200), encoding="utf-8")
    run = run_cli(["build", "--pdf", "sources/lists.md"], project, timeout=120)
    assert "Traceback" not in run.stderr
    assert run.returncode == 0, run.stderr
    pdfs = list((project / "output").glob("*.pdf"))
    assert len(pdfs) == 1
    text = " ".join(page.extract_text() for page in PdfReader(pdfs[0]).pages)
    for marker in ("Before the list", "level 0", "level 100", "level 199", "After the list"):
        assert marker in text
