"""The raster EPUB cover: size, weight, determinism, and what it shows."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from lighthouse_docs.writers.cover import ACCENT, HEIGHT, WIDTH, cover_png, cover_warnings

TITLE = "Analisis Strategis: Korut dan Dukungan untuk Rusia"


def _image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def test_cover_is_a_portrait_png_well_under_a_megabyte() -> None:
    data = cover_png(TITLE, "thelighthousepeople.com", None, "25 November 2026", None, "id")
    assert data.startswith(b"\x89PNG")
    assert len(data) < 300_000
    assert _image(data).size == (WIDTH, HEIGHT) == (1600, 2560)


def test_same_arguments_give_the_same_bytes() -> None:
    first = cover_png(TITLE, "pub", "sub", "1 Jan 2026", "TERBATAS", "id")
    cover_png.cache_clear()
    assert cover_png(TITLE, "pub", "sub", "1 Jan 2026", "TERBATAS", "id") == first


def test_marking_adds_accent_bands_top_and_bottom() -> None:
    plain = _image(cover_png(TITLE, "pub"))
    marked = _image(cover_png(TITLE, "pub", marking="TERBATAS"))
    assert plain.getpixel((5, 5)) == (255, 255, 255)
    assert marked.getpixel((5, 5)) == ACCENT
    assert marked.getpixel((5, HEIGHT - 5)) == ACCENT


def test_title_is_drawn_and_long_titles_still_fit() -> None:
    short = _image(cover_png("A"))
    long = _image(cover_png(" ".join(["Panjang"] * 60)))
    # more ink for more words, and nothing drawn into the right margin
    assert sum(long.convert("L").point(lambda v: v < 128).histogram()[1:]) > \
        sum(short.convert("L").point(lambda v: v < 128).histogram()[1:])
    right_margin = long.crop((WIDTH - 60, 0, WIDTH, HEIGHT)).convert("L")
    assert right_margin.getextrema()[0] > 200


# Titles in scripts Source Serif lacks, with a second title of the same characters in another
# order: drawn as empty boxes (one .notdef glyph for every character), both covers would be
# the same image.
SCRIPTS = {
    "Hangul": ("한국 경제 전망", "전망 한국 경제"),
    "Arabic": ("الاقتصاد العربي في عام صعب", "صعب عام في العربي الاقتصاد"),
    "Thai": ("ขาวไทยเศรษฐกิจ", "เศรษฐกิจไทยขาว"),
    "Han": ("经济增长前景", "前景增长经济"),
}
STACKS = (("Noto Serif", "Noto Naskh Arabic", "Noto Serif CJK SC"),
          ("Noto Sans", "Noto Sans Arabic", "Noto Sans CJK SC"))


def _title_area(data: bytes) -> Image.Image:
    """Below the publisher's name and the accent rule (for a cover without a publisher)."""
    return _image(data).crop((0, 260, WIDTH, 1400))


def _installed(text: str) -> bool:
    from lighthouse_docs.fonts import installed_coverage

    coverage = installed_coverage()
    return all(coverage.covers(c) for c in text if not c.isspace())


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_a_title_in_another_script_is_drawn_with_an_installed_font(script: str) -> None:
    title, reordered = SCRIPTS[script]
    if not _installed(title):
        pytest.skip(f"no installed font for {script} (Debian: fonts-noto-core, fonts-noto-cjk)")
    first = _title_area(cover_png(title, stacks=STACKS))
    second = _title_area(cover_png(reordered, stacks=STACKS))
    assert first.getextrema()[0][0] < 60  # ink
    assert first.tobytes() != second.tobytes(), "the title is a row of identical boxes"
    assert cover_warnings(title, "Pub", stacks=STACKS) == ()
    # Nothing drawn into the margins, left or right.
    assert first.crop((0, 0, 60, 900)).convert("L").getextrema()[0] > 200
    assert first.crop((WIDTH - 60, 0, WIDTH, 900)).convert("L").getextrema()[0] > 200


def _ink_columns(image: Image.Image) -> tuple[int, int]:
    box = image.convert("L").point(lambda v: 255 if v < 128 else 0).getbbox()
    assert box is not None
    return box[0], box[2]


def test_a_right_to_left_title_is_set_flush_right() -> None:
    title = "في عام صعب"
    if not _installed(title):
        pytest.skip("no installed Arabic font")
    left, right = _ink_columns(_title_area(cover_png(title, stacks=STACKS)))
    assert right > WIDTH - 150 - 30 and left > 600, (left, right)
    left, right = _ink_columns(_title_area(cover_png("Short", stacks=STACKS)))
    assert left < 150 + 30 and right < 1000, (left, right)


def test_a_long_han_title_wraps_between_characters_inside_the_margins() -> None:
    title = "中国经济在艰难的一年中继续增长并面临诸多挑战以及各方面的压力和新的机遇"
    if not _installed(title):
        pytest.skip("no installed Han font")
    image = _image(cover_png(title, stacks=STACKS))
    assert image.crop((WIDTH - 60, 0, WIDTH, HEIGHT)).convert("L").getextrema()[0] > 200
    _, right = _ink_columns(image.crop((0, 500, WIDTH, 2300)))
    assert right > WIDTH - 400  # full lines, not one character per line


def test_characters_no_font_can_draw_are_still_a_warning() -> None:
    # Vithkuqi: no font of the test machines has it (tests/e2e/test_scripts.py); the rest of
    # the title is drawn, so the warning names only those letters.
    title = "Report 한국 \U00010570\U00010571"
    if _installed("\U00010570") or not _installed("한국"):
        pytest.skip("a font with Vithkuqi is installed, or none with Hangul")
    assert cover_warnings(title, stacks=STACKS) == (
        "EPUB cover: no usable font for 2 character(s) of the title (\U00010570\U00010571); "
        "they show as empty boxes on the cover image",)
