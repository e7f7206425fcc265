"""Issue 13 item 4: layout rules from the book trade, read back from rendered PDFs.

Page furniture is found by position with pypdfium2: the running head lies in the top margin
(24 mm), the footer in the bottom one; the text block between them.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from lighthouse_docs.model import Document
from lighthouse_docs.readers import load
from lighthouse_docs.render.print import render_print_html
from lighthouse_docs.writers import Output
from lighthouse_docs.writers.pdf import LayoutPlan, build_pdf, html_to_pdf

pytestmark = pytest.mark.slow
MM = 72 / 25.4
MARGIN = 24 * MM  # top and bottom page margins of the default theme


def pages_of(data: bytes) -> list[Any]:
    pdf = pdfium.PdfDocument(io.BytesIO(data))
    return [pdf[i] for i in range(len(pdf))]


def region_text(page: Any, bottom: float, top: float) -> str:
    """Text between heights ``bottom`` and ``top`` (points from the page's foot)."""
    width = page.get_width()
    return str(page.get_textpage().get_text_bounded(0, bottom, width, top))


def head(page: Any) -> str:
    return region_text(page, page.get_height() - MARGIN, page.get_height())


def foot(page: Any) -> str:
    return region_text(page, 0, MARGIN)


def body_lines(page: Any) -> list[str]:
    """Lines of the text block (between the margins), top to bottom."""
    text = region_text(page, MARGIN, page.get_height() - MARGIN)
    return [line for line in text.replace("\r", "").split("\n") if line.strip()]


def brief(tmp_path: Path, markdown: str, name: str = "brief.md") -> Document:
    path = tmp_path / name
    path.write_text(markdown, encoding="utf-8")
    return load(path)


SENTENCE = ("Traders at the wholesale market reported lower prices for medium-grade rice, "
            "while premium grades were unchanged. ")


def article(sections: int, paragraphs: int, *, sentences: int = 3) -> str:
    body = "\n\n".join(SENTENCE * sentences for _ in range(paragraphs))
    parts = "\n\n".join(f"## Section {n}\n\n{body}" for n in range(1, sections + 1))
    return ("---\ntitle: Rice Prices Ease\npublisher: Lighthouse Review\ndate: 2026-03-03\n"
            f"lang: en\n---\n\nRice prices eased for the second week running.\n\n{parts}\n")


# --------------------------------------------------------------------------- page count


def test_a_short_brief_is_cover_and_one_page(tmp_path: Path, make_options: Any) -> None:
    doc = brief(tmp_path, article(sections=2, paragraphs=1))
    out = build_pdf(doc, make_options(tmp_path / "brief.md"))
    pages = pages_of(out.data)
    assert len(pages) == 2
    text = pages[1].get_textpage().get_text_range()
    assert "contents" not in text.lower() and "Section 2" in text


def test_a_one_page_brief_has_no_contents_page_however_many_sections(
        tmp_path: Path, make_options: Any) -> None:
    # The new user's report: a brief whose text fits on one page still got a page of key
    # points and contents, two thirds empty (five sections made it "long enough").
    doc = brief(tmp_path, article(sections=5, paragraphs=1, sentences=1))
    pages = pages_of(build_pdf(doc, make_options(tmp_path / "brief.md")).data)
    assert len(pages) == 2
    text = pages[1].get_textpage().get_text_range()
    assert "contents" not in text.lower() and "Section 1" in text and "Section 5" in text


def test_two_text_pages_have_no_contents_page_the_key_points_open_the_text(
        tmp_path: Path, make_options: Any) -> None:
    doc = brief(tmp_path, article(sections=3, paragraphs=4))
    pages = pages_of(build_pdf(doc, make_options(tmp_path / "brief.md")).data)
    assert len(pages) == 3
    first = body_lines(pages[1])
    assert first[0] == "KEY POINTS" and "Rice prices eased for the second week running." in first
    assert not any("contents" in "".join(body_lines(p)).lower() for p in pages)


def test_three_text_pages_get_contents(tmp_path: Path, make_options: Any) -> None:
    doc = brief(tmp_path, article(sections=3, paragraphs=8))
    pages = pages_of(build_pdf(doc, make_options(tmp_path / "brief.md")).data)
    assert len(pages) >= 5
    assert "contents" in pages[1].get_textpage().get_text_range().lower()


# --------------------------------------------------------------------------- short last page


def test_no_brief_ends_with_fewer_than_four_lines(tmp_path: Path, make_options: Any) -> None:
    """One-line paragraphs make the page's capacity exact: find the count that leaves two
    lines on the last page as laid out plainly, then check the writer avoids it."""
    def lines_doc(count: int) -> Document:
        paragraphs = "\n\n".join(f"Line {n} of the brief." for n in range(count))
        return brief(tmp_path, "---\ntitle: Lines\nlang: en\n---\n\nLead.\n\n## One\n\n"
                     f"{paragraphs}\n")

    options = make_options(tmp_path / "brief.md")

    def plain(doc: Document) -> Output:
        return html_to_pdf(render_print_html(doc, options), options,
                           plan=LayoutPlan(fix_ends=False))

    count = 120
    raw = pages_of(plain(lines_doc(count)).data)
    last = len(body_lines(raw[-1]))
    count -= last - 2  # two lines on the last page
    raw = pages_of(plain(lines_doc(count)).data)
    assert len(body_lines(raw[-1])) in (1, 2, 3), "calibration"
    fixed = pages_of(build_pdf(lines_doc(count), options).data)
    assert len(body_lines(fixed[-1])) >= 4 or len(fixed) < len(raw)


# --------------------------------------------------------------------------- lists and quotes


def test_a_lead_in_stays_with_its_list(tmp_path: Path, make_options: Any) -> None:
    filler = "\n\n".join(SENTENCE * 2 for _ in range(8))
    items = "\n".join(f"- measure number {n}, agreed by every minister" for n in range(60))
    doc = brief(tmp_path, "---\ntitle: Measures\nlang: en\n---\n\nLead.\n\n## One\n\n"
                f"{filler}\n\nThe ministers agreed on these measures:\n\n{items}\n\n"
                "## Two\n\nEnd.\n\n## Three\n\nEnd.\n\n## Four\n\nEnd.\n")
    pages = pages_of(build_pdf(doc, make_options(tmp_path / "brief.md")).data)
    lead_in = next(p for p in pages if "agreed on these measures" in
                   p.get_textpage().get_text_range())
    lines = body_lines(lead_in)
    assert any("measure number 0" in line for line in lines)
    # The list is not pushed whole to the next page: it fills this one.
    assert any("measure number 5" in line for line in lines)


# --------------------------------------------------------------------------- tables


def test_table_cells_do_not_hyphenate_and_columns_fit_their_words(
        tmp_path: Path, make_options: Any) -> None:
    words = ["Philippines", "Singapore", "Kazakhstan", "Switzerland", "infrastructure",
             "Liechtenstein", "Madagascar"]
    header = "| " + " | ".join(f"Column {n}" for n in range(len(words))) + " |"
    rule = "|" + "---|" * len(words)
    rows = "\n".join("| " + " | ".join(words[(n + i) % len(words)] for i in range(len(words)))
                     + " |" for n in range(4))
    doc = brief(tmp_path, "---\ntitle: Table\nlang: en\n---\n\nLead.\n\n## One\n\n"
                f"{header}\n{rule}\n{rows}\n")
    text = "".join(p.get_textpage().get_text_range() for p in pages_of(
        build_pdf(doc, make_options(tmp_path / "brief.md")).data))
    for word in words:
        assert text.count(word) == 4, word


def _table_brief(tmp_path: Path, cells: list[str], rows_count: int = 3) -> Document:
    header = "| " + " | ".join(str(n + 1) for n in range(len(cells))) + " |"
    rule = "|" + "---|" * len(cells)
    rows = "\n".join("| " + " | ".join(cells) + " |" for _ in range(rows_count))
    return brief(tmp_path, "---\ntitle: Table\nlang: en\n---\n\nLead.\n\n## One\n\n"
                 f"Text before the table.\n\n{header}\n{rule}\n{rows}\n")


def test_a_grid_of_short_cells_stays_on_a_portrait_page_a_wide_one_turns(
        tmp_path: Path, make_options: Any) -> None:
    # 14 columns of single digits fit the portrait page in small type; 14 columns of
    # country names do not: in 3 rows they are cut into parts that do (the readers'
    # SHORT_TABLE_ROWS), in 12 rows they get a landscape page of their own.
    for cells, rows, landscape in ((["7"] * 14, 3, False), (["Kazakhstan"] * 14, 3, False),
                                   (["Kazakhstan"] * 14, 12, True)):
        doc = _table_brief(tmp_path, cells, rows)
        pages = pages_of(build_pdf(doc, make_options(tmp_path / "brief.md")).data)
        turned = [p for p in pages if p.get_width() > p.get_height()]
        assert len(turned) == (1 if landscape else 0), cells[0]


# --------------------------------------------------------------------------- running heads


def test_running_head_is_one_line_naming_the_section_in_force(
        example_pdf: Output, example_doc: Document) -> None:
    titles = [s.heading[0].text for s in example_doc.sections]  # type: ignore[union-attr]
    reader = PdfReader(io.BytesIO(example_pdf.data))
    starts = {item.title: reader.get_destination_page_number(item)
              for item in reader.outline if not isinstance(item, list)}
    pages = pages_of(example_pdf.data)
    checked = 0
    for number in range(2, len(pages)):  # the body's pages (after cover and contents)
        text = head(pages[number]).strip()
        assert "\n" not in text.replace("\r\n", " ").strip("\r\n"), text
        first_line = body_lines(pages[number])[0]
        started = [t for t in titles if starts.get(t, 99) < number
                   or (starts.get(t) == number and first_line.startswith(t[:20]))]
        if not started:
            continue
        expected = started[-1]
        # The words before the ellipsis (pdfium also reads the clipped glyphs after it).
        shown = " ".join(text.split("\u00b7")[-1].split()[:3])
        assert shown and expected.startswith(shown), (number, text, expected)
        checked += 1
    assert checked >= 2


# --------------------------------------------------------------------------- markings


@pytest.mark.parametrize("marking", ["OFFICIAL-SENSITIVE",
                                     "TERBATAS \u2013 HANYA UNTUK KALANGAN SENDIRI"])
def test_a_long_marking_has_its_own_band_and_never_wraps(
        marking: str, example_doc: Document, make_options: Any, example_path: Path) -> None:
    meta = dataclasses.replace(example_doc.meta, marking=marking)
    out = build_pdf(dataclasses.replace(example_doc, meta=meta), make_options(example_path))
    pages = pages_of(out.data)
    for page in pages[1:]:
        for region in (head(page), foot(page)):
            lines = [line.strip() for line in region.replace("\r", "").split("\n")]
            assert marking in lines, (region, marking)
        # The band is centred over the text block, not pushed into a corner.
        text = page.get_textpage()
        found = text.search(marking.split()[0])
        match = found.get_next()
        assert match is not None
        left = text.get_charbox(match[0])[0]
        right = text.get_charbox(match[0] + len(marking) - 1)[2]
        centre = (left + right) / 2
        assert abs(centre - page.get_width() / 2) < 25 * MM


# --------------------------------------------------------------------------- part ending in notes


def _lines_above_notes(data: bytes, title: str) -> int:
    """Lines of text above the NOTES title on the page where ``title``'s notes begin (note
    numbers, which come out of the text layer as lines of their own, not counted)."""
    for page in pages_of(data):
        lines = body_lines(page)
        if "NOTES" in lines and title in head(page):
            return sum(1 for line in lines[:lines.index("NOTES")]
                       if any(c.isalpha() for c in line))
    raise AssertionError("no notes page")


def test_no_part_ends_on_a_page_of_notes_with_fewer_than_four_lines(
        tmp_path: Path, make_options: Any) -> None:
    """The new user's report: a part of a combined brief ended on a page holding only its
    notes. One-line paragraphs make the page's capacity exact: find the count that leaves at
    most one line above the notes when laid out plainly, then check the part ends with at
    least four lines of text above its notes (the notes are not counted)."""
    import datetime as dt

    from lighthouse_docs.model import Pack

    second = brief(tmp_path, "---\ntitle: Second Article\nlang: en\n---\n\nShort text.\n",
                   name="b.md")
    options = make_options(tmp_path / "a.md")

    def pack(count: int) -> Pack:
        text = "\n\n".join(f"Line {n} of the part." for n in range(count))
        first = brief(tmp_path, "---\ntitle: Port Rules\nlang: en\n---\n\nLead.[^1]\n\n"
                      f"## Background\n\n{text}[^2]\n\n[^1]: A first note.\n\n"
                      "[^2]: A second note.\n", name="a.md")
        return Pack(title="Pack", documents=(first, second), lang="en",
                    date=dt.date(2026, 1, 2))

    def plain(count: int) -> bytes:
        return html_to_pdf(render_print_html(pack(count), options), options,
                           plan=LayoutPlan(fix_ends=False)).data

    count = 40
    count -= _lines_above_notes(plain(count), "Port Rules") - 1
    assert _lines_above_notes(plain(count), "Port Rules") <= 1, "calibration"
    assert _lines_above_notes(build_pdf(pack(count), options).data, "Port Rules") >= 4
