"""The contents page sets its entries as the headings they stand for: never hyphenated (the
fourth new-user trial found "Internasi- / onal" there, while the heading itself is whole)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdf
from e2e_support import build_pdf_pages, run_checkout_cli

PARAGRAPH = ("Pemerintah tengah menyiapkan aturan baru pajak atas transaksi digital lintas negara "
             "yang selama ini sulit dipungut karena perusahaan tersebut tidak memiliki kantor di "
             "Indonesia. ") * 3
HEADINGS = [
    "Latar Belakang Kebijakan Pajak Digital dan Perkembangan Perundingan Internasional "
    "Mengenai Pemajakan Perusahaan Multinasional Berbasis Teknologi",
    "Isi Rancangan Aturan",
    "Reaksi Pelaku Usaha",
    "Pertanggungjawaban Penyelenggaraan Administrasi Perpajakan Internasional Berkelanjutan",
    "Penutup",
]


def test_contents_entries_are_never_hyphenated(tmp_path: Path) -> None:
    lines = ["ekonomiplus.co.id, Pajak Ekonomi Digital: Antara Penerimaan Negara dan Daya "
             "Saing. " + PARAGRAPH]
    for heading in HEADINGS:
        lines += [heading, *[PARAGRAPH] * 4]
    pages = build_pdf_pages(tmp_path, "pajak.txt", "\n".join(lines) + "\n")
    contents = next(text for text in pages if "DAFTAR ISI" in text)
    entries = contents.split("DAFTAR ISI", 1)[1].splitlines()
    assert "Isi Rancangan Aturan" in contents  # the page is the contents
    assert not [line for line in entries if line.rstrip().endswith("-")], entries


MD_PARAGRAPH = ("The ministry's draft rules on cross-border digital services set out who must "
                "register, what is taxed and how the revenue is shared with the regions. ") * 3


def test_contents_show_sections_and_subsections_only(tmp_path: Path) -> None:
    """Markdown ``####``/``#####`` headings printed flush left at the top level of the contents
    (fifth new-user trial); the contents show H2 and H3 (BRIEF-DESIGN), the bookmarks all."""
    parts = ["# Digital Tax Rules", "", MD_PARAGRAPH]
    for n in range(1, 4):
        parts += ["", f"## Section {n}", "", *[MD_PARAGRAPH] * 3, "", f"### Subsection {n}",
                  "", *[MD_PARAGRAPH] * 3, "", f"#### Detail {n}", "", MD_PARAGRAPH,
                  "", f"##### Fine point {n}", "", MD_PARAGRAPH]
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "rules.md").write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    result = run_checkout_cli(["build", "--pdf"], tmp_path)
    assert result.returncode == 0, result.stderr
    reader = pypdf.PdfReader(tmp_path / "output" / "rules.pdf")
    contents = next(page.extract_text() for page in reader.pages
                    if "CONTENTS" in page.extract_text())
    assert "Section 3" in contents and "Subsection 3" in contents
    assert "Detail" not in contents and "Fine point" not in contents

    def titles(outline: list[Any]) -> list[str]:
        found: list[str] = []
        for item in outline:
            found += titles(item) if isinstance(item, list) else [str(item.title)]
        return found

    assert {"Detail 1", "Fine point 1"} <= set(titles(reader.outline))
