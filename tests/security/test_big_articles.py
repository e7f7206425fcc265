"""Big articles build in time and memory that grow about linearly with their size.

EPUB and the HTML preview are measured at 1 MB and 5 MB of Markdown. The PDF is measured at
50 kB and 200 kB: WeasyPrint lays out a 1 MB article (about 400 pages) in about 90 s and 1.1 GB
here, too slow for CI at 5 MB, so its linearity is checked on smaller sizes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Run, make_project, run_cli

pytestmark = pytest.mark.slow
SLACK = 2.0
"""How much worse than linear a measure may grow (machine noise, start-up costs)."""


def big_article(size: int) -> str:
    """Markdown of about ``size`` characters: sections of paragraphs, lists and subsections."""
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
    return "\n".join(parts) + "\n## The End\n\nLast words of the briefing.\n"


def _build(tmp_path: Path, size: int, *formats: str) -> Run:
    project = make_project(tmp_path / f"p{size}")
    (project / "sources" / "big.md").write_text(big_article(size), encoding="utf-8")
    run = run_cli(["build", *formats, "--quiet"], project, timeout=240)
    assert run.returncode == 0, run.stderr
    assert (project / "output" / f"big.{formats[0][2:]}").stat().st_size > 0
    return run


def _baseline(tmp_path: Path, *formats: str) -> Run:
    return _build(tmp_path / "base", 2_000, *formats)


def _assert_linear(small: Run, large: Run, base: Run, factor: float, what: str) -> None:
    # Floors keep a tiny, noisy difference at the small size from making any growth look huge.
    grow_time = (large.seconds - base.seconds) / max(small.seconds - base.seconds, 1.0)
    grow_rss = (large.peak_rss_mb - base.peak_rss_mb) / max(small.peak_rss_mb - base.peak_rss_mb,
                                                            50.0)
    figures = (f"{what}: base {base.seconds:.1f} s {base.peak_rss_mb:.0f} MB, "
               f"small {small.seconds:.1f} s {small.peak_rss_mb:.0f} MB, "
               f"large {large.seconds:.1f} s {large.peak_rss_mb:.0f} MB")
    print(figures)
    assert grow_time <= factor * SLACK, figures
    assert grow_rss <= factor * SLACK, figures


def test_epub_and_html_of_1_and_5_mb_grow_linearly(tmp_path: Path) -> None:
    formats = ("--epub", "--html")
    base = _baseline(tmp_path, *formats)
    one = _build(tmp_path, 1_000_000, *formats)
    five = _build(tmp_path, 5_000_000, *formats)
    _assert_linear(one, five, base, 5, "epub+html 1 MB -> 5 MB")
    assert five.seconds < 120 and five.peak_rss_mb < 1500


def test_pdf_of_50_and_200_kb_grows_linearly(tmp_path: Path) -> None:
    base = _baseline(tmp_path, "--pdf")
    small = _build(tmp_path, 50_000, "--pdf")
    large = _build(tmp_path, 200_000, "--pdf")
    _assert_linear(small, large, base, 4, "pdf 50 kB -> 200 kB")
