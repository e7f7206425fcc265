"""Whether a brief's text can fit the compact layout, judged from its print HTML alone.

The PDF writer tries a short brief (``LayoutPlan.compact``: at most
:data:`~.print_input.COMPACT_MAX_WORDS` words) without contents first, and keeps that layout
when its text fits on :data:`~.print_input.COMPACT_MAX_PAGES` pages after the cover
(:func:`.pdf.html_to_pdf`). Most briefs of 900-1,400 words do not fit, and each try costs
a whole layout (~0.15-0.2 s of CPU, a fifth of such a brief's PDF). :func:`cannot_fit`
estimates the height the brief's running text takes in the default theme and skips the
try only when that estimate is far beyond what the pages hold: the PDF is the one the try
would have ended in, byte for byte.

The estimate counts, per block of running text (paragraph, list item, heading, key point),
its letters (Latin letters and digits: other scripts, spaces and punctuation are not
counted, which only lowers it) divided by the letters a line of that block's type size
holds, rounded up, times its leading, plus its bottom margin. Text set smaller than the body
(tables, notes, code, captions, printed link addresses) and all images are left out, which
again only lowers it. But the letters on a line are the average of prose, not the most a
line can hold (72 were seen), so this is an estimate, not a bound: a text much denser than
prose could be estimated too high. :data:`MARGIN` keeps the skip 16 % above the largest
estimate of any brief seen to fit. The constants are the default theme's
(``styles/default/print.css``), calibrated on 780 compact layouts of 466 sources (the test
corpus, generated briefs, dense prose cut at the limit); a theme of its own (or a copy of
the default) is always tried.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from ..theme import DEFAULT_THEME, Theme, packaged_styles_dir

LINE_LETTERS = 60
"""Letters on a full line of body text (10.5 pt on the A4 measure, 125 mm) in the default
theme: the average of justified lines of Indonesian and English prose is 55-60, and the
estimate of a block rounds up its last, partial line."""
_SIZE = {"p": 10.5, "li": 10.5, "h2": 13.5, "h3": 11.0, "h4": 10.5, "h5": 10.5, "h6": 10.5,
         "lead": 12.5, "title": 10.0}
"""Type size (pt) per kind of block: fewer letters fit on a line of larger type."""
_LEADING = {"p": 14.5, "li": 14.5, "kp": 14.0, "h2": 17.0, "h3": 14.5, "h4": 14.5,
            "h5": 14.5, "h6": 14.5, "lead": 17.5, "title": 13.0}
_BOTTOM = {"p": 5.0, "li": 2.0, "kp": 4.0, "h2": 6.0, "h3": 3.0, "h4": 2.0, "h5": 2.0,
           "h6": 2.0, "lead": 6.0, "title": 6.0}
"""Bottom margins (pt): a margin collapses with the next block's top margin into the larger
of the two, so counting only the bottom one of each block undercounts, never overcounts."""
TEXT_HEIGHT = {"a4": 705.8, "letter": 655.9}
"""Height (pt) of a page's text area in the default theme (the paper less 24 mm top and
bottom)."""
LETTER_WIDTH = {"a4": 1.0, "letter": 131.9 / 125.0}
"""The measure relative to A4's (letter paper is wider: more letters on a line)."""
MARGIN = 1.16
"""How far beyond the pages' height the estimate must be before the try is skipped.
Calibration (2026-12-01: 466 sources of at most 1,400 words and 2,000-2,500 letters or
more, on A4 and letter, each laid out compact): of 255 layouts that fit on cover + 2 pages,
the largest estimate was 1.006 times the pages' height (dense prose and lists cut at the
limit; real articles of the test corpus up to 0.88); of 525 that did not, 280 were
estimated above this margin and skipped, among them the example (1.19) and 13 of the 15
generated briefs of the benchmark's batch that do not fit."""

_LATIN = re.compile(r"[0-9A-Za-z\u00c0-\u024f]")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})
_SMALL_TAGS = frozenset({"table", "pre", "figcaption", "caption", "code", "sup", "sub",
                         "small", "nav"})
_SMALL_CLASSES = frozenset({"footnote", "notes", "link-address", "noteref", "caption-source",
                            "table-source", "toc"})
_BLOCKS = frozenset({"p", "li", "h2", "h3", "h4", "h5", "h6"})


class _Blocks(HTMLParser):
    """The letters of each block of running text in ``<main>`` and the key points."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # (tag, inside main or the key points, inside small text, kind, block index)
        self._open: list[tuple[str, bool, bool, str, int]] = []
        self.blocks: list[list[object]] = []  # [kind, letters]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        classes = frozenset((next((v for k, v in attrs if k == "class"), None) or "").split())
        counted, small, kind, index = self._open[-1][1:] if self._open else (
            False, False, "", -1)
        if tag == "main" or "key-points" in classes:
            counted, kind = True, "kp" if "key-points" in classes else ""
        small = small or tag in _SMALL_TAGS or not _SMALL_CLASSES.isdisjoint(classes)
        if "standfirst" in classes:
            kind = "lead"
        if counted and not small and tag in _BLOCKS:
            index = len(self.blocks)
            if kind == "kp":
                self.blocks.append(["title" if tag == "h2" else "kp", 0])
            else:
                self.blocks.append(["lead" if kind == "lead" else tag, 0])
        self._open.append((tag, counted, small, kind, index))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                return

    def handle_data(self, data: str) -> None:
        if self._open:
            _, counted, small, _, index = self._open[-1]
            if counted and not small and index >= 0:
                self.blocks[index][1] += len(_LATIN.findall(data))  # type: ignore[operator]


def text_height(html: str, paper: str) -> float:
    """The estimated height (pt) of the running text of a brief's print ``html`` on
    ``paper`` in the compact layout (see the module's docstring)."""
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    per_line = LINE_LETTERS * LETTER_WIDTH.get(paper, 1.0) * 10.5
    height = 0.0
    for kind, letters in parser.blocks:
        assert isinstance(kind, str) and isinstance(letters, int)
        if not letters:
            continue
        size = _SIZE.get(kind, 10.5)
        lines = -(-letters * size // per_line)  # ceil
        height += lines * _LEADING[kind] + _BOTTOM[kind]
    return height


@lru_cache(maxsize=1)
def _default_root() -> Path:
    return (packaged_styles_dir() / DEFAULT_THEME).resolve()


def cannot_fit(html: str, theme: Theme, paper: str, pages: int) -> bool:
    """Whether the running text of a brief's print ``html`` is sure not to fit on ``pages``
    pages of ``paper`` in the compact layout: only ever said of the packaged default theme,
    whose measures the estimate knows (:func:`text_height`)."""
    if paper not in TEXT_HEIGHT or theme.root.resolve() != _default_root():
        return False
    return text_height(html, paper) > MARGIN * pages * TEXT_HEIGHT[paper]
