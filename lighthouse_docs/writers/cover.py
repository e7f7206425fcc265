"""The raster cover image of an e-book: title, publisher, date and marking on a PNG.

E-reader libraries show this image as the book's thumbnail, so it repeats the PDF cover's
identity (Source Serif title, Source Sans labels, one dark accent colour, marking bands top
and bottom). The bytes depend only on the arguments: no timestamps, no text chunks, fixed
compression, so two builds of one brief give the same file.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

from ..render import reads_right_to_left

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
    from ..fonts import font_file_points

    return font_file_points(_font_file(kind))


Stacks = tuple[tuple[str, ...], ...]
"""The print theme's font stacks for the document's language, text (serif) then headings
(sans), as :func:`lighthouse_docs.fonts.theme_font_stacks` gives them: where the cover looks
first for a font that draws what Source Serif/Sans lack (then in every installed font)."""

_WEIGHTS = {"regular": 80, "semibold": 180, "bold": 200}
"""fontconfig weights of the cover fonts' weights: a fallback face is the nearest one."""


def _unseen(char: str) -> bool:
    """Characters that take the font of the text around them (spaces, combining marks,
    controls and joiners): never a reason to change fonts, never a missing glyph."""
    return char.isspace() or unicodedata.category(char).startswith(("M", "C"))


def _stack(kind: _FontKind, stacks: Stacks) -> tuple[str, ...]:
    if not stacks:
        return ()
    return stacks[0] if kind.startswith("serif") or len(stacks) == 1 else stacks[1]


@lru_cache(maxsize=64)
def _face_font(file: str, index: int, size: int) -> ImageFont.FreeTypeFont | None:
    try:
        return ImageFont.truetype(file, size, index=index)
    except OSError:  # unreadable, or a bitmap face with fixed sizes (colour emoji)
        return None


class _Chain:
    """The cover font ``kind`` at one size and, for characters it lacks, the first installed
    face that has them (the theme's stack first): text is drawn in runs of one font each."""

    def __init__(self, kind: _FontKind, size: int, stacks: Stacks) -> None:
        self.kind, self.size, self.stacks = kind, size, stacks
        self.primary = _font(kind, size)
        self._fallbacks: dict[str, ImageFont.FreeTypeFont | None] = {}

    def font_of(self, char: str) -> ImageFont.FreeTypeFont | None:
        """The font that draws ``char``: the cover font, else a fallback; None if none."""
        if ord(char) in _coverage(self.kind):
            return self.primary
        if char not in self._fallbacks:
            self._fallbacks[char] = self._fallback(char)
        return self._fallbacks[char]

    def _fallback(self, char: str) -> ImageFont.FreeTypeFont | None:
        from ..fonts import fallback_faces

        family, weight = self.kind.split("-")
        for face in fallback_faces(_stack(self.kind, self.stacks), weight=_WEIGHTS[weight],
                                   serif=family == "serif"):
            if face.has(char):
                font = _face_font(face.file, face.index, self.size)
                if font is not None:
                    return font
        return None

    def runs(self, text: str) -> list[tuple[str, ImageFont.FreeTypeFont]]:
        """``text`` cut into runs of one font each, in logical order (a character no font
        has stays with the cover font: an empty box)."""
        runs: list[tuple[str, ImageFont.FreeTypeFont]] = []
        for char in text:
            keep = runs and _unseen(char)  # spaces and marks stay in the run they are in
            font = runs[-1][1] if keep else self.font_of(char) or self.primary
            if runs and runs[-1][1] is font:
                runs[-1] = (runs[-1][0] + char, font)
            else:
                runs.append((char, font))
        # Spaces before a change of font belong to neither run: set in the cover font, they
        # stay between the two whatever direction each run is drawn in.
        spaced: list[tuple[str, ImageFont.FreeTypeFont]] = []
        for index, (run, font) in enumerate(runs):
            body = run.rstrip()
            if font is self.primary or body == run or index == len(runs) - 1 or not body:
                spaced.append((run, font))
                continue
            spaced.append((body, font))
            spaced.append((run[len(body):], self.primary))
        return spaced

    def length(self, text: str) -> float:
        """The advance width of ``text`` as :meth:`draw` sets it."""
        return sum(font.getlength(run) for run, font in self.runs(text))

    def draw(self, draw: ImageDraw.ImageDraw, x: float, y: float, text: str,
             fill: tuple[int, int, int], *, rtl: bool = False) -> None:
        """Draw the line ``text`` from ``x`` on the baseline ``y`` (``rtl``: its paragraph
        reads right to left): its directional segments in visual order, each segment's
        runs from right to left when it reads so (the layout engine shapes each run)."""
        for segment, backwards in _visual(text, rtl):
            runs = self.runs(segment)
            for run, font in reversed(runs) if backwards else runs:
                if _SHAPED:
                    direction = "rtl" if backwards else "ltr"
                    draw.text((x, y), run, font=font, fill=fill, anchor="ls",
                              direction=direction)
                    x += font.getlength(run, direction=direction)
                else:
                    draw.text((x, y), run, font=font, fill=fill, anchor="ls")
                    x += font.getlength(run)


_SHAPED = features.check_feature("raqm")
"""Pillow lays text out with libraqm (shaping and direction); else letters are set one by one
in logical order, and right-to-left scripts come out unjoined."""


def _visual(text: str, rtl: bool) -> list[tuple[str, bool]]:
    """The line ``text`` as segments in visual order, left to right, each with whether it
    reads right to left: a simplified Unicode bidi algorithm (strong letters; numbers read
    left to right and count as the paragraph's direction for the neutrals beside them;
    neutrals take their neighbours' direction when both agree, else the paragraph's)."""
    classes = []
    for char in text:
        kind = unicodedata.bidirectional(char)
        classes.append("R" if kind in ("R", "AL") else "L" if kind == "L"
                       else "#" if kind in ("EN", "AN") else "N")
    paragraph = "R" if rtl else "L"
    resolved = [paragraph if c == "#" else c for c in classes]
    start = 0
    while start < len(resolved):
        if resolved[start] != "N":
            start += 1
            continue
        end = start
        while end < len(resolved) and resolved[end] == "N":
            end += 1
        before = resolved[start - 1] if start else paragraph
        after = resolved[end] if end < len(resolved) else paragraph
        resolved[start:end] = [before if before == after else paragraph] * (end - start)
        start = end
    # Levels: right-to-left text 1; left-to-right text and numbers 2 in a right-to-left
    # paragraph, 0 in a left-to-right one.
    segments: list[tuple[str, int]] = []
    for char, kind, side in zip(text, classes, resolved, strict=True):
        level = 1 if side == "R" and kind != "#" else 2 if rtl else 0
        if segments and segments[-1][1] == level:
            segments[-1] = (segments[-1][0] + char, level)
        else:
            segments.append((char, level))
    # From the highest level down to 1, reverse every stretch at that level or higher.
    for level in range(max((lv for _, lv in segments), default=0), 0, -1):
        start = 0
        while start < len(segments):
            if segments[start][1] < level:
                start += 1
                continue
            end = start
            while end < len(segments) and segments[end][1] >= level:
                end += 1
            segments[start:end] = segments[start:end][::-1]
            start = end
    return [(segment, level % 2 == 1) for segment, level in segments]


@lru_cache(maxsize=64)
def _chain(kind: _FontKind, size: int, stacks: Stacks) -> _Chain:
    return _Chain(kind, size, stacks)


def lacks_glyphs(text: str, kind: _FontKind = "serif-bold") -> bool:
    """Whether the cover font ``kind`` alone cannot draw ``text`` (fallback fonts needed)."""
    covered = _coverage(kind)
    return any(ord(c) not in covered and not _unseen(c) for c in text)


def missing_glyphs(text: str, kind: _FontKind = "serif-bold", stacks: Stacks = ()) -> str:
    """The distinct characters of ``text`` (in order) that neither the cover font ``kind``
    nor an installed font the cover can load has (``stacks``: the theme's families, tried
    first; colour emoji fonts of fixed sizes cannot be loaded)."""
    if not lacks_glyphs(text, kind):
        return ""
    chain = _chain(kind, 72, stacks)
    return "".join(dict.fromkeys(
        c for c in text if not _unseen(c) and chain.font_of(c) is None))


def cover_warnings(title: str, publisher: str | None = None, subtitle: str | None = None,
                   date_text: str | None = None, marking: str | None = None,
                   stacks: Stacks = ()) -> tuple[str, ...]:
    """One warning per cover text with characters no usable font has (they come out as
    empty boxes on the cover image; the title page and metadata keep the text)."""
    warnings = []
    for what, text, kind in (("title", title, "serif-bold"),
                             ("publisher", (publisher or "").upper(), "sans-semibold"),
                             ("subtitle", subtitle, "sans-regular"),
                             ("date", date_text, "sans-semibold"),
                             ("marking", marking, "sans-bold")):
        missing = missing_glyphs(text or "", kind, stacks)
        if missing:
            sample = missing[:8] + ("…" if len(missing) > 8 else "")
            warnings.append(f"EPUB cover: no usable font for {len(missing)} "
                            f"character(s) of the {what} ({sample}); they show as empty "
                            "boxes on the cover image")
    return tuple(warnings)


UNSPACED_SCRIPTS = frozenset({"Hani", "Hira", "Kana", "Bopo", "Thai", "Lao", "Khmr", "Mymr",
                              "Tibt"})
"""Scripts written without spaces between words: a line may break between any two of their
characters (a cluster with its marks), as in CJK; for Thai and its neighbours, which need a
dictionary to find word ends, that is the last resort that keeps the title on the cover."""


def _pieces(word: str) -> list[str]:
    """``word`` as the units a line may break between: the whole word, or its clusters (a
    character with the marks after it) when it holds a character of an unspaced script."""
    from fontTools import unicodedata as ft_unicodedata

    if not any(ft_unicodedata.script(c) in UNSPACED_SCRIPTS for c in word):
        return [word]
    pieces: list[str] = []
    for char in word:
        if pieces and _unseen(char):
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces


def _wrap(text: str, font: _Chain, width: int) -> list[str]:
    """Greedy word wrap (between the characters of CJK and Thai words, too); a word longer
    than the line is left to overflow by itself."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        for index, piece in enumerate(_pieces(word)):
            candidate = f"{current}{' ' if index == 0 else ''}{piece}" if current else piece
            if current and font.length(candidate) > width:
                lines.append(current)
                current = piece
            else:
                current = candidate
    if current:
        lines.append(current)
    return lines


def _fit_title(text: str, width: int, max_lines: int, stacks: Stacks
               ) -> tuple[_Chain, list[str]]:
    """The largest title size (down to a floor) whose wrapped lines fit ``max_lines``."""
    for size in (150, 132, 116, 104, 92, 82, 72):
        font = _chain("serif-bold", size, stacks)
        lines = _wrap(text, font, width)
        if len(lines) <= max_lines and all(font.length(line) <= width for line in lines):
            return font, lines
    font = _chain("serif-bold", 72, stacks)
    lines = _wrap(text, font, width)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1] + " …"]
    return font, lines


def _band(draw: ImageDraw.ImageDraw, top: int, text: str, stacks: Stacks) -> None:
    draw.rectangle((0, top, WIDTH, top + BAND_HEIGHT), fill=ACCENT)
    font = _chain("sans-bold", 64, stacks)
    label = text.upper()
    x = (WIDTH - font.length(label)) / 2
    if not lacks_glyphs(label, "sans-bold"):
        draw.text((x, top + BAND_HEIGHT / 2), label, font=font.primary, fill=PAPER, anchor="lm")
        return
    # The baseline that puts the middle of the cover font's ascender and descender on the
    # band's middle (anchor "lm" above), whatever fonts the label's runs are in.
    ascent, descent = font.primary.getmetrics()
    y = top + BAND_HEIGHT / 2 + (ascent - descent) / 2
    font.draw(draw, x, y, label, PAPER, rtl=reads_right_to_left(label))


def _lines(draw: ImageDraw.ImageDraw, font: _Chain, lines: Sequence[str], y: float,
           step: float, fill: tuple[int, int, int], rtl: bool) -> float:
    """Draw ``lines`` from baseline ``y`` down, left-aligned (right-aligned when the text
    reads right to left); returns the baseline after the last line."""
    for line in lines:
        x = WIDTH - MARGIN - font.length(line) if rtl else MARGIN
        font.draw(draw, x, y, line, fill, rtl=rtl)
        y += step
    return y


def _draw(title: str, publisher: str | None, subtitle: str | None, date_text: str | None,
          marking: str | None, stacks: Stacks) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    text_width = WIDTH - 2 * MARGIN
    top = BAND_HEIGHT if marking else 0
    bottom = HEIGHT - (BAND_HEIGHT if marking else 0)
    if marking:
        _band(draw, 0, marking, stacks)
        _band(draw, HEIGHT - BAND_HEIGHT, marking, stacks)

    y: float = top + 220
    if publisher:
        font = _chain("sans-semibold", 60, stacks)
        label = publisher.upper()
        y = _lines(draw, font, _wrap(label, font, text_width)[:2], y, 76, ACCENT,
                   reads_right_to_left(label))
    # The accent rule: the one coloured mark besides the bands, as on the printed cover.
    draw.rectangle((MARGIN, y + 10, MARGIN + 360, y + 28), fill=ACCENT)
    y += 220

    title_font, title_lines = _fit_title(title, text_width, 7, stacks)
    y = _lines(draw, title_font, title_lines, y, round(title_font.size * 1.15), INK,
               reads_right_to_left(title))

    if subtitle:
        y += 40
        font = _chain("sans-regular", 68, stacks)
        _lines(draw, font, _wrap(subtitle, font, text_width)[:4], y, 88, MUTED,
               reads_right_to_left(subtitle))

    if date_text:
        font = _chain("sans-semibold", 60, stacks)
        _lines(draw, font, [date_text], bottom - 180, 0, INK, reads_right_to_left(date_text))
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
              lang: str | None = None, stacks: Stacks = ()) -> bytes:
    """The cover as PNG bytes (1600x2560, well under 1 MB), identical for identical arguments
    and installed fonts.

    Source Serif/Sans draw Latin, Greek and Cyrillic; other characters are drawn with the
    first installed face that has them, the families of ``stacks`` (the print theme's, for
    the document's language) first, so an Arabic, Korean or Thai title shows as in the PDF.
    Text that reads right to left is set flush right. ``lang`` is accepted for callers that
    pass the document language (the stacks already depend on it).
    Results are cached per process: a rebuild of an unchanged brief costs nothing here.
    """
    del lang
    image = _draw(title, publisher, subtitle, date_text, marking, stacks)
    # The cover only holds the design colours and their anti-aliasing blends, so mapping onto
    # that fixed palette keeps every colour exact and the file small (~40 KB), in a tenth of
    # the time an adaptive (median-cut) palette takes.
    image = image.quantize(palette=_palette(), dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=6)
    return buffer.getvalue()
