"""Checks between reading and rendering that need a source on disk: refused images at their
line, and how the summary merges them with the writers' own reports."""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from pathlib import Path

from lighthouse_docs import readers
from lighthouse_docs.checks import check_document
from lighthouse_docs.diagnostics import Diagnostic, attribute_repeats, merge_formats
from lighthouse_docs.writers.resources import image_refusal

ARTICLE = """---
title: Maps
---
Lead with an inline ![icon](icon.png) picture.

## Figures

![Here](here.png)

![Gone](gone.png)

![Inline data](data:image/png;base64,iVBORw0KGgo=)

- a list item with ![far](../elsewhere/far.png)
"""


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(width: int, height: int) -> bytes:
    """A 1-bit PNG of ``width`` x ``height`` white pixels (small on disk, whatever its size)."""
    rows = bytes((1 + (width + 7) // 8) * height)
    return (b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(rows, 9)) + _chunk(b"IEND", b""))


def test_every_refused_image_is_reported_at_the_line_of_its_block(tmp_path: Path) -> None:
    source = tmp_path / "sources" / "maps.md"
    source.parent.mkdir()
    source.write_text(ARTICLE, encoding="utf-8")
    (source.parent / "here.png").write_bytes(_png(2, 2))
    doc = readers.load(source, display_path="sources/maps.md")
    found = [(d.line, d.code, d.message) for d in check_document(doc, image_refusal=image_refusal)]
    assert found == [
        (4, "image-refused", "refused resource icon.png: file not found"),
        (10, "image-refused", "refused resource gone.png: file not found"),
        (14, "image-refused", "refused resource ../elsewhere/far.png: outside the allowed "
                              "folder")]
    assert not [d for d in check_document(doc) if d.code == "image-refused"]  # not asked


def test_a_writers_report_without_a_line_joins_the_checks_report_at_its_line() -> None:
    message = "refused resource gone.png: file not found"
    checked = Diagnostic(message=message, code="image-refused", source="a.md", line=10,
                         stage="check", format="markdown")
    by_writer = [Diagnostic(message=message, code="writer", source="a.md", stage="render",
                            format=fmt) for fmt in ("pdf", "epub")]
    other = Diagnostic(message="refused resource x.png: file not found", code="writer",
                       source="a.md", stage="render", format="pdf")
    assert merge_formats([checked, *by_writer, other]) == [
        (checked, ("pdf", "epub")), (other, ("pdf",))]


def test_a_writers_report_joins_a_checks_report_that_has_no_line() -> None:
    message = "refused resource http://evil.example/x.png: only local files are read"
    checked = Diagnostic(message=message, code="image-refused", source="t.html",
                         stage="check", format="html")
    by_writer = [Diagnostic(message=message, code="writer", source="t.html", stage="render",
                            format=fmt) for fmt in ("pdf", "epub")]
    assert merge_formats([checked, *by_writer]) == [(checked, ("pdf", "epub"))]


def test_a_combined_briefs_writer_report_moves_to_the_article_it_repeats() -> None:
    message = "refused resource missing.png: file not found"
    checked = Diagnostic(message=message, code="image-refused", source="sources/a.md",
                         line=6, stage="check", format="markdown")
    by_writer = Diagnostic(message=message, code="writer", source="Weekly Brief 48",
                           stage="render", format="pdf")
    own = Diagnostic(message="the fake writer frowns", code="writer",
                     source="Weekly Brief 48", stage="render", format="pdf")
    moved = attribute_repeats([checked, by_writer, own])
    assert [d.source for d in moved] == ["sources/a.md", "sources/a.md", "Weekly Brief 48"]
    assert merge_formats(moved) == [(checked, ("pdf",)), (own, ("pdf",))]


def test_merging_does_not_depend_on_the_order_records_arrive_in() -> None:
    # merge_formats keys records in one place (diagnostics._record_key/_problem_key): a
    # writer's record met before the check's record of the same problem still joins it.
    message = "refused resource gone.png: file not found"
    checked = Diagnostic(message=message, code="image-refused", source="a.md", line=10,
                         stage="check", format="markdown")
    by_writer = [Diagnostic(message=message, code="writer", source="a.md", stage="render",
                            format=fmt) for fmt in ("epub", "pdf", "epub")]
    repeated = Diagnostic(message="the fake writer frowns", code="writer", source="a.md",
                          stage="render", format="pdf")
    assert merge_formats([*by_writer, repeated, checked, repeated]) == [
        (checked, ("epub", "pdf")), (repeated, ("pdf",))]


def test_an_image_refused_for_its_content_is_reported_at_its_line(tmp_path: Path) -> None:
    """Over 50 MP (by its header) or not an image at all: the writers refuse it by content;
    the check says so at its line (fifth new-user trial: the 50 MP warning had no line)."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "big.png").write_bytes(_png(9000, 9000))
    (tmp_path / "sources" / "fake.png").write_text("not an image\n", encoding="utf-8")
    (tmp_path / "sources" / "note.md").write_text(
        "# Note\n\nLead text.\n\n## Chart\n\n![Oversized](big.png)\n\n![Fake](fake.png)\n",
        encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "lighthouse_docs", "build", "--html"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if "refused resource" in line]
    assert said == [
        "sources/note.md:7: warning: refused resource big.png: 9000x9000 pixels (81 MP), more "
        "than 50 MP [image-refused] (html)",
        "sources/note.md:9: warning: refused resource fake.png: not an image Pillow can "
        "identify [image-refused] (html)"]


def test_a_link_to_no_heading_is_reported_once_at_its_first_line() -> None:
    from lighthouse_docs.model import SourceInfo
    from lighthouse_docs.readers.markdown import parse

    text = "# T\n\n[a](#gone) and [b](#here)\n\n## Here\n\n[c](#gone), [d](https://x.org)\n"
    doc = parse(text, SourceInfo(path="a.md", format="markdown"))
    found = [d for d in check_document(doc) if d.code == "link-target-missing"]
    assert [(d.line, d.message) for d in found] == [
        (3, "link to #gone points to no heading of this text; printed without a link")]
