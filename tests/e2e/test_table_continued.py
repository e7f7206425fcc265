"""A long table that goes on onto the next page says so there, in the article's language
(sixth new-user trial, finding 22: the header row was repeated, but nothing said "Tabel 1
(lanjutan)"), as the PDF the checkout's CLI builds prints it: the running head of each page
the table goes on on names it after the section, and no other page does."""

from __future__ import annotations

from pathlib import Path

from e2e_support import build_pdf_pages

TEXT = ("Angka kemiskinan turun di sebagian besar provinsi pada tahun ini, tetapi penurunannya "
        "tidak merata antarwilayah dan antarkelompok pendapatan rumah tangga. ") * 6


def _source() -> str:
    rows = "\n".join(f"| Provinsi {n} | {n},5 | {n},1 |" for n in range(1, 61))
    return (f"---\ntitle: Kemiskinan Provinsi\nlang: id\n---\n\n{TEXT}\n\n## Data per provinsi\n\n"
            f"Table: Persentase penduduk miskin\n\n| Provinsi | 2024 | 2025 |\n|---|--:|--:|\n"
            f"{rows}\n\n## Catatan metodologi\n\n" + "\n\n".join([TEXT] * 8) + "\n")


def test_the_pages_a_long_table_goes_on_on_say_so(tmp_path: Path) -> None:
    pages = [" ".join(text.split()) for text in build_pdf_pages(tmp_path, "tabel.md", _source())]
    with_table = [n for n, text in enumerate(pages) if "Provinsi 3" in text or
                  any(f"Provinsi {k} " in text for k in range(20, 61))]
    first, *rest = with_table
    assert rest, "the table should go on onto another page"
    assert "Tabel 1. Persentase penduduk miskin" in pages[first]
    label = "Data per provinsi · Tabel 1 (lanjutan)"
    assert label not in pages[first]
    assert all(label in pages[n] for n in rest)
    assert not [n for n, text in enumerate(pages) if label in text and n not in rest]
