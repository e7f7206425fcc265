"""Key points chosen from real articles stand on their own (the fourth new user's trial, F7).

The articles are the trial's own (``tests/fixtures/keypoints``: pangan.txt, a news story with
a pronoun-attributed quote; ekonomi-digital.txt, whose "Namun, ..." sentence and pasted table
were picked; poverty.md, whose "The table below shows ..." was; two policy articles with a
recommendations or conclusion section) and the project's example, ``sources/korut-rusia.txt``.
The points are read from ``inspect --key-points`` and, for two of them, from the key points
box of the built PDF; all through the checkout's CLI.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from tests.e2e.e2e_support import run_checkout_cli

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "tests" / "fixtures" / "keypoints"

# Written here, not taken from the vocabulary the code uses, so the test does not share the
# code's blind spots.
LEANS_BACK = re.compile(
    r"^[\"“‘]?(namun|however|but|yet|and|this|these|that|those|they|it|its|itu|ini|"
    r"mereka|ia|tetapi|tapi|selain itu|akibatnya|sementara itu)\b", re.I)
PRONOUN_QUOTE = re.compile(r"\b(ujarnya|katanya|tuturnya|kata dia|(he|she|they) said)\b", re.I)
LAYOUT = re.compile(r"\b(table|tabel|figure|gambar|chart|grafik)\s+(below|above|berikut|\d)"
                    r"|\bafter the table\b", re.I)
CAPTION = re.compile(r"^(table|tabel|figure|gambar|source|sumber)\s*\d*\s*[:.]", re.I)


def _points(path: Path) -> list[str]:
    result = run_checkout_cli(["inspect", str(path), "--key-points"], ROOT)
    assert result.returncode == 0, result.stderr
    head = result.stdout.split("\n\n", 1)[0].splitlines()
    assert head[0] == "Key points (extracted):", result.stdout
    return [line.removeprefix("  - ") for line in head[1:]]


def _stands_alone(point: str) -> bool:
    return not (LEANS_BACK.match(point) or PRONOUN_QUOTE.search(point)
                or LAYOUT.search(point) or CAPTION.match(point) or "|" in point
                or point.rstrip("”\"’)")[-1:] not in ".!…")


@pytest.mark.parametrize("path", [
    *sorted(ARTICLES.iterdir()), ROOT / "sources" / "korut-rusia.txt"], ids=lambda p: p.name)
def test_every_extracted_point_stands_alone(path: Path) -> None:
    points = _points(path)
    assert points
    for point in points:
        assert _stands_alone(point), point
    if path.name != "poverty.md":  # a synthetic article: one sentence of it is eligible
        assert len(points) >= 3, points


def test_the_trial_points_that_did_not_belong_are_gone() -> None:
    pangan = _points(ARTICLES / "pangan.txt")
    assert not any("Kami sudah memperkirakan" in p for p in pangan)
    digital = _points(ARTICLES / "ekonomi-digital.txt")
    assert not any(p.startswith(("Namun", "Table:", "|")) for p in digital)
    poverty = _points(ARTICLES / "poverty.md")
    assert not any("table" in p.lower() for p in poverty)


def test_the_conclusion_or_recommendation_is_a_point() -> None:
    coastal = _points(ARTICLES / "coastal-resettlement.txt")
    # "Third, whole communities should be offered ..." under "Recommendations for
    # policymakers", shown without its enumerator.
    assert "Whole communities should be offered the option to move together, with land for " \
           "markets and workshops included in the new settlement plans." in coastal
    air = _points(ARTICLES / "air-bersih.txt")
    assert any(p.startswith("Krisis air bersih di kota penyangga adalah persoalan tata kelola")
               for p in air), air


def test_the_printed_key_points_box_stands_alone(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    for name in ("pangan.txt", "ekonomi-digital.txt"):
        (tmp_path / "sources" / name).write_bytes((ARTICLES / name).read_bytes())
    result = run_checkout_cli(["build", "--pdf"], tmp_path)
    assert result.returncode == 0, result.stderr
    for name, expected in (("pangan", "Operasi pasar akan berlangsung selama dua bulan"),
                           ("ekonomi-digital", "Usaha rintisan lokal dengan omzet")):
        page = pypdf.PdfReader(tmp_path / "output" / f"{name}.pdf").pages[1]
        text = " ".join(page.extract_text().split())
        # The box opens the page; the lead follows it.
        box = text.split("POIN PENTING", 1)[1].strip()
        points = _points(tmp_path / "sources" / f"{name}.txt")
        assert box.startswith(" ".join(points)), (box, points)
        assert any(p.startswith(expected) for p in points)
        for gone in ("ujarnya", "Namun, pajak penghasilan", "Table: Proyeksi", "| PPh"):
            assert not any(gone in p for p in points), (name, gone)
