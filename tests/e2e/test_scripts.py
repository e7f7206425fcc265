"""Issue 13 item 9: scripts beyond Latin, end to end through the CLI.

Needs Debian's fonts-noto-core and fonts-noto-cjk (``.ci/run`` installs them).
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from e2e_support import run_checkout_cli
from pypdf import PdfReader

pytestmark = pytest.mark.slow
EPOCH = "1767225600"
NAMES = """---
title: Names in many scripts
lang: en
---

Kim Jong-un (김정은) met Vladimir Putin (Владимир Путин) in Pyongyang (平壤) on Tuesday.

## Rare scripts

A Vithkuqi letter 𐕰 and a Toto letter 𞊐 have no font; neither do 𐕱, 𐕲 and 𞊑 after them.

## More of them

Again 𐕰𐕱 and 𞊐 in another section, and in a list:

- 𐕳 one
- 𞊒 two
"""
KOREAN = """---
title: 서울 정상회담
lang: ko
---

김정은 위원장과 푸틴 대통령이 平壤에서 만났다.

## 배경

양국은 협력을 강화하기로 했다.
"""
RTL = """---
title: A statement
lang: en
---

The minister spoke in Arabic; this is what she said.

## The statement

قال الرئيس: نعم.

And then the meeting went on in English for a long while, with a paragraph long enough to
fill the whole measure of the text block from its left edge to its right edge twice over.
"""


def lighthouse(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_checkout_cli(args, cwd, epoch=EPOCH)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scripts")
    (root / "sources").mkdir()
    (root / "sources" / "names.md").write_text(NAMES, encoding="utf-8")
    (root / "sources" / "rtl.md").write_text(RTL, encoding="utf-8")
    (root / "sources" / "ko.md").write_text(KOREAN, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(project: Path) -> subprocess.CompletedProcess[str]:
    run = lighthouse(["build", "--pdf", "--epub", "--html", "--jobs", "1"], project)
    assert run.returncode == 0, run.stderr
    return run


def fonts_of(pdf: Path) -> set[str]:
    names = set()
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def test_hangul_han_and_arabic_fall_back_to_noto(built: subprocess.CompletedProcess[str],
                                                  project: Path) -> None:
    # The theme's own fallbacks, not whatever fontconfig finds for "serif": the serif CJK and
    # Naskh faces for body text, and the Korean forms of Han in a Korean brief.
    names = fonts_of(project / "output" / "names.pdf")
    assert "Noto-Serif-CJK-SC" in names, names
    assert "Noto-Naskh-Arabic" in fonts_of(project / "output" / "rtl.pdf")
    korean = fonts_of(project / "output" / "ko.pdf")
    cjk = {n for n in korean if "CJK" in n}
    assert "Noto-Serif-CJK-KR" in cjk and all("-KR" in n for n in cjk), korean
    pdf = pdfium.PdfDocument(project / "output" / "names.pdf")
    text = "".join(page.get_textpage().get_text_range() for page in pdf)
    assert "김정은" in text and "平壤" in text and "Путин" in text


def test_a_glyph_without_font_is_one_warning_per_script_and_source(
        built: subprocess.CompletedProcess[str]) -> None:
    lines = built.stderr.splitlines()
    missing = [line for line in lines if "glyph-missing" in line]
    assert len(missing) == 2, built.stderr
    assert all(line.startswith("sources/names.md:") for line in missing)
    vithkuqi = next(line for line in missing if "Vithkuqi" in line)
    assert "4 Vithkuqi characters" in vithkuqi
    assert any("3 Toto characters" in line for line in missing)
    assert not any(".notdef" in line for line in lines), built.stderr


def test_right_to_left_paragraphs_get_dir_rtl(built: subprocess.CompletedProcess[str],
                                              project: Path) -> None:
    out = project / "output"
    html = (out / "rtl.html").read_text(encoding="utf-8")
    # An Arabic paragraph in an English brief carries its language too (trial 6, finding 18).
    assert re.findall(r'<p dir="rtl" lang="ar">قال', html)
    assert html.split("<body", 1)[1].count('dir="rtl"') == 1  # (the theme's CSS names it too)
    with zipfile.ZipFile(out / "rtl.epub") as epub:
        xhtml = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
    assert '<p dir="rtl" lang="ar">قال' in xhtml
    # In the PDF the Arabic line is set flush right: it ends where the English lines end
    # and starts well inside the text block.
    pdf = pdfium.PdfDocument(out / "rtl.pdf")
    arabic: list[tuple[float, float]] = []
    latin: list[tuple[float, float]] = []
    # The body's last page (the key points may quote the statement on an earlier one).
    for index in (len(pdf) - 1,):
        text = pdf[index].get_textpage()
        for n in range(text.count_chars()):
            char = text.get_text_range(n, 1)
            left, _, right, _ = text.get_charbox(n)
            if "\u0600" <= char <= "\u06ff":
                arabic.append((left, right))
            elif char.isalpha():
                latin.append((left, right))
    assert arabic and latin
    text_left = min(left for left, _ in latin)
    text_right = max(right for _, right in latin)
    assert abs(max(right for _, right in arabic) - text_right) < 6
    assert min(left for left, _ in arabic) > text_left + 100


def test_doctor_reports_scripts_without_a_font(project: Path) -> None:
    run = lighthouse(["doctor"], project)
    assert run.returncode == 1, run.stdout + run.stderr
    rows = {line.split()[0]: line for line in run.stdout.splitlines()}
    assert "NO FONT for 4" in rows["Vithkuqi"] and "NO FONT for 3" in rows["Toto"]
    assert "Noto" in rows["Hangul"] and "Noto" in rows["Arabic"]
    assert "Source Serif Pro" in rows["Latin"]
    assert "names.md" in run.stderr
    fine = lighthouse(["doctor", "sources/rtl.md"], project)
    assert fine.returncode == 0, fine.stdout + fine.stderr
    assert "Arabic" in fine.stdout and "NO FONT" not in fine.stdout


def test_doctor_names_the_cjk_fonts_the_pdf_is_drawn_with(
        built: subprocess.CompletedProcess[str], project: Path) -> None:
    # Before: "Han ... Noto Sans CJK TC, Noto Serif CJK TC" (fontconfig's first match) for
    # names.md, whose PDF uses the SC faces; and the same TC for the Korean brief.
    for source, pdf in (("names.md", "names.pdf"), ("ko.md", "ko.pdf")):
        run = lighthouse(["doctor", f"sources/{source}"], project)
        [han] = [line for line in run.stdout.splitlines() if line.startswith("Han ")]
        named = set(re.findall(r"Noto \w+ CJK (\w\w)\b", han))
        used = {m[1] for n in fonts_of(project / "output" / pdf)
                if (m := re.search(r"CJK-(\w\w)", n))}
        assert named == used, (han, used)


def test_the_epub_cover_draws_the_korean_title_without_a_warning(
        built: subprocess.CompletedProcess[str], project: Path) -> None:
    # The cover image looks for Hangul in the theme's Korean stack (Noto Serif CJK KR), as
    # the PDF does: no "empty boxes" warning, and its title differs from the same title's
    # words in the other order (a row of identical boxes would not).
    from PIL import Image

    from lighthouse_docs.writers.cover import cover_png

    assert "EPUB cover" not in built.stderr, built.stderr
    with zipfile.ZipFile(project / "output" / "ko.epub") as book:
        image = Image.open(io.BytesIO(book.read("EPUB/images/cover.png"))).convert("L")
    reordered = Image.open(io.BytesIO(cover_png("정상회담 서울"))).convert("L")
    title, other = (i.crop((0, 260, 1600, 1400)) for i in (image, reordered))
    assert title.getextrema()[0] < 60 and title.tobytes() != other.tobytes()
