"""Deeply nested sources build with all their text: nothing beyond some depth is dropped."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from .conftest import make_project, run_cli

# Known losses (issue #6, open): markdown-it stops parsing below maxNesting (40) and skips the
# rest of the enclosing container, so text after a 200-level list or quote is dropped (raising
# the limit alone moves the failure to a RecursionError in rendering: the model needs
# flattening past some depth). libxml2 truncates HTML deeper than 256 elements, so text at and
# after the bottom of 1000 nested divs is dropped. Strict: fixing them turns these red.
LOSES_TEXT_MD = pytest.mark.xfail(strict=True, reason="markdown-it maxNesting drops deep text")
LOSES_TEXT_HTML = pytest.mark.xfail(strict=True, reason="libxml2 depth limit drops deep text")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


def _deep_markdown_lists(levels: int) -> str:
    items = "\n".join("  " * i + f"- level {i}" for i in range(levels))
    return f"# Deep Lists\n\nBefore the list.\n\n{items}\n\nAfter the list.\n"


def _deep_markdown_quotes(levels: int) -> str:
    quotes = "\n".join(">" * (i + 1) + f" quote {i}" for i in range(levels))
    return f"# Deep Quotes\n\nBefore the quotes.\n\n{quotes}\n\nAfter the quotes.\n"


def _deep_html(levels: int) -> str:
    return ("<html><head><title>Deep Divs</title></head><body><h1>Deep Divs</h1>"
            "<p>Before the divs, a paragraph of ordinary article text.</p>"
            + "<div>" * levels + "<p>At the bottom of the divs.</p>" + "</div>" * levels
            + "<p>After the divs, a closing paragraph.</p></body></html>")


@pytest.mark.slow
@pytest.mark.parametrize(("name", "text"), [
    pytest.param("lists.md", _deep_markdown_lists(200), id="md-200-lists", marks=LOSES_TEXT_MD),
    pytest.param("quotes.md", _deep_markdown_quotes(200), id="md-200-quotes", marks=LOSES_TEXT_MD),
    pytest.param("divs.html", _deep_html(1000), id="html-1000-divs", marks=LOSES_TEXT_HTML),
    pytest.param("line.txt", "One Long Line\n\n" + "word " * 40_000 + "\n", id="txt-200k-line"),
    pytest.param("line.md", "# One Long Word\n\n" + "abcdefghij" * 20_000 + "\n",
                 id="md-200k-word"),
])
def test_deep_nesting_and_huge_lines_build_without_losing_text(project: Path, name: str,
                                                               text: str) -> None:
    (project / "sources" / name).write_text(text, encoding="utf-8")
    run = run_cli(["build", "--epub", "--html", f"sources/{name}"], project, timeout=120)
    assert "Traceback" not in run.stderr
    assert run.returncode == 0, run.stderr
    epubs = list((project / "output").glob("*.epub"))
    assert len(epubs) == 1
    with zipfile.ZipFile(epubs[0]) as book:
        body = " ".join(book.read(n).decode("utf-8") for n in book.namelist()
                        if n.endswith(".xhtml"))
    for marker in ("Before", "After", "level 199", "quote 199", "bottom of the divs",
                   "word word", "abcdefghij"):
        if marker in text:
            assert marker in body, f"{marker!r} lost from {name}"
