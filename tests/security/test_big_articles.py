"""Big articles build, whole, within the memory users get.

How build time grows with size is a benchmark, not a test (a wall-clock ratio failed the
README's test command on a loaded machine): ``python -m bench`` measures the 1x/4x/16x series.
Here: a 1 MB Markdown article becomes an EPUB and HTML preview that keep every section, and a
50 kB one a PDF, each under a fixed peak-memory bound (deterministic enough to assert).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from .conftest import Run, make_project, run_cli

pytestmark = pytest.mark.slow


def big_article(size: int) -> tuple[str, int]:
    """Markdown of about ``size`` characters and its number of ``##`` sections."""
    parts = ["---\ntitle: Large Briefing\n---\n", "Lead paragraph of the large briefing.\n"]
    total, n = 0, 0
    while total < size:
        n += 1
        sentences = " ".join(f"Sentence {i} of section {n} is about ports, fuel and routes."
                             for i in range(12))
        items = "".join(f"- item {i} of section {n}\n" for i in range(4))
        detail = "More detail with *emphasis* and a [link](https://example.org/x) here. " * 8
        block = (f"## Section {n}\n\n{sentences}\n\n{items}\n### Detail {n}\n\n{detail}\n\n")
        parts.append(block)
        total += len(block)
    text = "\n".join(parts) + "\n## The End\n\nLast words of the briefing.\n"
    return text, n + 1


def _build(tmp_path: Path, size: int, *formats: str) -> tuple[Run, Path, int]:
    project = make_project(tmp_path / f"p{size}")
    text, sections = big_article(size)
    (project / "sources" / "big.md").write_text(text, encoding="utf-8")
    run = run_cli(["build", *formats, "--quiet"], project, timeout=300)
    assert run.returncode == 0, run.stderr
    return run, project / "output", sections


def test_a_1_mb_article_keeps_every_section_in_epub_and_html(tmp_path: Path) -> None:
    run, output, sections = _build(tmp_path, 1_000_000, "--epub", "--html")
    with zipfile.ZipFile(output / "big.epub") as book:
        nav = book.read("EPUB/nav.xhtml").decode("utf-8")
        chapters = [n for n in book.namelist() if n.startswith("EPUB/s") and n.endswith(".xhtml")]
    assert nav.count("Detail ") == sections - 1
    assert len(chapters) == sections
    html = (output / "big.html").read_text(encoding="utf-8")
    assert html.count('class="heading heading-2') == sections
    assert "Last words of the briefing." in html
    assert run.peak_rss_mb < 1500, f"{run.peak_rss_mb:.0f} MB"


def test_a_50_kb_article_prints_every_section(tmp_path: Path) -> None:
    run, output, sections = _build(tmp_path, 50_000, "--pdf")
    reader = PdfReader(output / "big.pdf")
    top = [entry for entry in reader.outline if not isinstance(entry, list)]  # lists: children
    assert len(top) == sections
    assert "Last words of the briefing." in reader.pages[-1].extract_text()
    assert run.peak_rss_mb < 1500, f"{run.peak_rss_mb:.0f} MB"
