"""The raster cover image of an e-book: title, publisher, date and marking on a PNG.

E-reader libraries show this image as the book's thumbnail, so it repeats the PDF cover's
identity (Source Serif title, Source Sans labels, one dark accent colour, marking bands top
and bottom). The bytes depend only on the arguments: no timestamps, no text chunks, fixed
compression, so two builds of one brief give the same file.
"""

from __future__ import annotations

import io
import unicodedata
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1600, 2560
"""A 1:1.6 portrait raster, the size e-book stores ask for."""
MARGIN = 150
ACCENT = (31, 58, 95)
"""The single dark accent (#1f3a5f): readable in greyscale and on e-ink."""
INK = (20, 20, 20)
MUTED = (85, 85, 85)
PAPER = (255, 255, 255)
BAND_HEIGHT = 150

_FontKind = str  # "serif-bold" | "sans-regular" | "sans-semibold" | "sans-bold"


def _font_file(kind: _FontKind) -> Path:
    family, weight = kind.split("-")
    if family == "serif":
        import font_source_serif_pro as package

        prefix = "SourceSerifPro"
    else:
        import font_source_sans_pro as package

        prefix = "SourceSansPro"
    return Path(package.__file__).parent / "files" / f"{prefix}-{weight.capitalize()}.ttf"


@lru_cache(maxsize=32)
def _font(kind: _FontKind, size: int) -> ImageFont.FreeTypeFont:
    # Loading a face parses the whole file; one process draws many covers with few sizes.
    return ImageFont.truetype(str(_font_file(kind)), size)


@lru_cache(maxsize=8)
def _coverage(kind: _FontKind) -> frozenset[int]:
    """The code points the cover font ``kind`` has glyphs for."""
    from fontTools.ttLib import TTFont

    with TTFont(str(_font_file(kind)), lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing_glyphs(text: str, kind: _FontKind = "serif-bold") -> str:
    """The distinct characters of ``text`` (in order) that the cover font ``kind`` cannot
    draw: CJK, emoji, most scripts beyond Latin, Greek and Cyrillic."""
    covered = _coverage(kind)
    return "".join(dict.fromkeys(
        c for c in text if not c.isspace() and ord(c) not in covered
        and not unicodedata.category(c).startswith(("M", "C"))))


def cover_warnings(title: str, publisher: str | None = None, subtitle: str | None = None,
                   date_text: str | None = None, marking: str | None = None
                   ) -> tuple[str, ...]:
    """One warning per cover text the cover fonts cannot draw completely (those characters
    come out as empty boxes on the cover image; the title page and metadata keep the text)."""
    warnings = []
    for what, text, kind in (("title", title, "serif-bold"),
                             ("publisher", (publisher or "").upper(), "sans-semibold"),
                             ("subtitle", subtitle, "sans-regular"),
                             ("date", date_text, "sans-semibold"),
                             ("marking", marking, "sans-bold")):
        missing = missing_glyphs(text or "", kind)
        if missing:
            sample = missing[:8] + ("…" if len(missing) > 8 else "")
            warnings.append(f"EPUB cover: the cover font cannot draw {len(missing)} "
                            f"character(s) of the {what} ({sample}); they show as empty "
                            "boxes on the cover image")
    return tuple(warnings)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap; a word longer than the line is left to overflow by itself."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and font.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _fit_title(text: str, width: int, max_lines: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest title size (down to a floor) whose wrapped lines fit ``max_lines``."""
    for size in (150, 132, 116, 104, 92, 82, 72):
        font = _font("serif-bold", size)
        lines = _wrap(text, font, width)
        if len(lines) <= max_lines and all(font.getlength(line) <= width for line in lines):
            return font, lines
    font = _font("serif-bold", 72)
    lines = _wrap(text, font, width)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1] + " …"]
    return font, lines


def _band(draw: ImageDraw.ImageDraw, top: int, text: str) -> None:
    draw.rectangle((0, top, WIDTH, top + BAND_HEIGHT), fill=ACCENT)
    font = _font("sans-bold", 64)
    label = text.upper()
    x = (WIDTH - font.getlength(label)) / 2
    draw.text((x, top + BAND_HEIGHT / 2), label, font=font, fill=PAPER, anchor="lm")


def _draw(title: str, publisher: str | None, subtitle: str | None, date_text: str | None,
          marking: str | None) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    text_width = WIDTH - 2 * MARGIN
    top = BAND_HEIGHT if marking else 0
    bottom = HEIGHT - (BAND_HEIGHT if marking else 0)
    if marking:
        _band(draw, 0, marking)
        _band(draw, HEIGHT - BAND_HEIGHT, marking)

    y = top + 220
    if publisher:
        font = _font("sans-semibold", 60)
        for line in _wrap(publisher.upper(), font, text_width)[:2]:
            draw.text((MARGIN, y), line, font=font, fill=ACCENT, anchor="ls")
            y += 76
    # The accent rule: the one coloured mark besides the bands, as on the printed cover.
    draw.rectangle((MARGIN, y + 10, MARGIN + 360, y + 28), fill=ACCENT)
    y += 220

    title_font, title_lines = _fit_title(title, text_width, max_lines=7)
    line_height = round(title_font.size * 1.15)
    for line in title_lines:
        draw.text((MARGIN, y), line, font=title_font, fill=INK, anchor="ls")
        y += line_height

    if subtitle:
        y += 40
        font = _font("sans-regular", 68)
        for line in _wrap(subtitle, font, text_width)[:4]:
            draw.text((MARGIN, y), line, font=font, fill=MUTED, anchor="ls")
            y += 88

    if date_text:
        font = _font("sans-semibold", 60)
        draw.text((MARGIN, bottom - 180), date_text, font=font, fill=INK, anchor="ls")
    return image


ANTIALIAS_STEPS = 4
"""Blends between each ink and its background kept in the palette for smooth glyph edges."""


@lru_cache(maxsize=1)
def _palette() -> Image.Image:
    """A palette image of the design colours plus the blends anti-aliased edges need."""

    def blend(background: tuple[int, int, int], ink: tuple[int, int, int],
              share: float) -> tuple[int, int, int]:
        r, g, b = (round(x + (y - x) * share) for x, y in zip(background, ink, strict=True))
        return (r, g, b)

    colours: list[tuple[int, int, int]] = [PAPER, INK, ACCENT, MUTED]
    for ink, background in ((INK, PAPER), (ACCENT, PAPER), (MUTED, PAPER), (PAPER, ACCENT)):
        for step in range(1, ANTIALIAS_STEPS + 1):
            colour = blend(background, ink, step / (ANTIALIAS_STEPS + 1))
            if colour not in colours:
                colours.append(colour)
    flat = [value for colour in colours for value in colour]
    palette = Image.new("P", (1, 1))
    palette.putpalette(flat + flat[:3] * (256 - len(colours)))
    return palette


@lru_cache(maxsize=16)
def cover_png(title: str, publisher: str | None = None, subtitle: str | None = None,
              date_text: str | None = None, marking: str | None = None,
              lang: str | None = None) -> bytes:
    """The cover as PNG bytes (1600x2560, well under 1 MB), identical for identical arguments.

    ``lang`` is accepted for callers that pass the document language; the drawing does not
    depend on it yet (Source Serif/Sans cover Latin, Greek and Cyrillic scripts only).
    Results are cached per process: a rebuild of an unchanged brief costs nothing here.
    """
    del lang
    image = _draw(title, publisher, subtitle, date_text, marking)
    # The cover only holds the design colours and their anti-aliasing blends, so mapping onto
    # that fixed palette keeps every colour exact and the file small (~40 KB), in a tenth of
    # the time an adaptive (median-cut) palette takes.
    image = image.quantize(palette=_palette(), dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=6)
    return buffer.getvalue()
