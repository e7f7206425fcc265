"""The key points box of a printed brief: the most-read lines of the brief set without word
fragments (the third new user's trial, F10: "...persen listrik nasi-" / "onal.").

Built with the checkout's CLI; the box's lines read back with pypdfium2.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

pytestmark = pytest.mark.slow
MARGIN = 24 * 72 / 25.4  # top and bottom page margins of the default theme

# The trial's three points, whose lines ended "nasi-" / "onal." and "berdam-" / "pak
# terhadap emisi." and "...dalam skala" / "besar.".
POINTS = (
    "Batu bara masih menyumbang lebih dari enam puluh persen listrik nasional.",
    "Pensiun dini pembangkit batu bara merupakan langkah paling berdampak terhadap emisi.",
    "Saat ini, rencana usaha penyediaan tenaga listrik belum sepenuhnya memasukkan kebutuhan "
    "jaringan untuk energi terbarukan dalam skala besar.",
)
LEAD = "Pemerintah Indonesia menargetkan emisi nol bersih pada 2060."
BODY = ("Batu bara masih menyumbang sebagian besar listrik, dan kontrak jangka panjang "
        "membuat penghentian dini menjadi mahal bagi pemerintah. ") * 4


def test_key_points_have_no_hyphenated_word_and_no_one_word_last_line(tmp_path: Path) -> None:
    points = "".join(f"  - {point}\n" for point in POINTS)
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "energi.md").write_text(
        f"---\ntitle: Transisi Energi Indonesia\nlang: id\nkey_points:\n{points}---\n\n"
        f"{LEAD}\n\n## Kondisi Saat Ini\n\n{BODY}\n", encoding="utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767312000"}
    result = subprocess.run([sys.executable, "-m", "lighthouse_docs", "build", "--pdf"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stderr
    page: Any = pdfium.PdfDocument(tmp_path / "output" / "energi.pdf")[1]
    text = str(page.get_textpage().get_text_bounded(
        0, MARGIN, page.get_width(), page.get_height() - MARGIN))
    lines = [line.strip().replace("\u00a0", " ") for line in text.replace("\r", "").split("\n")]
    lead = next(n for n, line in enumerate(lines) if line.startswith("Pemerintah Indonesia"))
    box = lines[lines.index("POIN PENTING") + 1:lead]
    box = [line for line in box if line and line != "•"]
    assert " ".join(box) == " ".join(POINTS)  # every word whole, in order
    assert len(box) > len(POINTS)  # the points do wrap
    for line in box:
        assert not (line.endswith("-") and line[-2:-1].isalpha()), box
    for point in POINTS:
        last_two = " ".join(point.split()[-2:])
        assert any(line.endswith(last_two) for line in box), (last_two, box)
