"""A combined brief's part heads speak their article's language (the third new user's trial,
F10: an Indonesian part opened with the English "PART 3" above "SUMBER", "POIN PENTING").

Built with the checkout's CLI (`build --combine`); the PDF's text read back with pypdf.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.slow

ARTICLES = {
    "a-en.md": ("en", "Rice Prices Ease", "Rice prices eased for the second week running."),
    "b-en.md": ("en", "Wheat Imports Rise", "Wheat imports rose for a third month."),
    "c-id.md": ("id", "Harga Beras Turun", "Harga beras turun untuk pekan kedua berturut-turut."),
    "d-ms.md": ("ms", "Harga Gandum Naik", "Harga gandum naik bagi bulan ketiga berturut-turut."),
}


def test_each_part_head_is_labelled_in_its_articles_language(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    for n, (name, (lang, title, lead)) in enumerate(ARTICLES.items(), start=1):
        (tmp_path / "sources" / name).write_text(
            f"---\ntitle: {title}\npublisher: Lighthouse Review\ndate: 2026-03-0{n}\n"
            f"lang: {lang}\n---\n\n{lead}\n\n## One\n\n{lead}\n", encoding="utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767312000"}
    result = subprocess.run(
        [sys.executable, "-m", "lighthouse_docs", "build", "--combine", "Weekly Brief",
         "--pdf"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
        check=False)
    assert result.returncode == 0, result.stderr
    text = "\n".join(page.extract_text() for page in
                     PdfReader(tmp_path / "output" / "weekly-brief.pdf").pages)
    lines = [line.strip() for line in text.splitlines()]
    # The pack is English (two English articles out of four); each part in its own words.
    assert "PART 1" in lines and "PART 2" in lines
    assert "BAGIAN 3" in lines and "BAHAGIAN 4" in lines  # Indonesian, Malay
    assert "PART 3" not in lines and "PART 4" not in lines
    assert text.index("BAGIAN 3") < text.index("SUMBER") < text.index("BAHAGIAN 4")
