"""The raster EPUB cover: size, weight, determinism, and what it shows."""

from __future__ import annotations

import io

from PIL import Image

from lighthouse_docs.writers.cover import ACCENT, HEIGHT, WIDTH, cover_png

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
