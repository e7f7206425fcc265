"""Captions and source lines next to figures and tables, folded into them (pure).

Readers call :func:`attach_captions` on their flat stream. After a stand-alone image, a
paragraph that is a numbered caption ("Figure 2: ...", "Gambar 2. ...") or wholly in italics
becomes its caption, and a following "Source: ..." ("Sumber:", "Quelle:", a photo credit
"Foto: ...") its source line, kept as written. Around a table, a paragraph "Table: ...",
"Tabel 3. ..." or pandoc's ": ..." right before or after it becomes its caption, and a
"Source: ..." after it its source. The label words are data (``figure_labels``,
``table_labels``, ``source_prefixes`` and ``photo_prefixes`` in ``lighthouse_docs/vocab``).
Written numbers are dropped: figures and tables are numbered again, in order, when the brief
is rendered (:mod:`lighthouse_docs.captions`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from functools import cache

from .. import wordlists
from ..model import Emphasis, FlowItem, Image, Inline, Paragraph, Strong, Table, Text
from ..outline import plain_text
from ._common import trim_inlines

MAX_CAPTION_WORDS = 60
"""A longer paragraph after a figure is body text, whatever it starts with."""


def _alternation(key: str) -> str:
    return "|".join(re.escape(w) for w in wordlists.words(key))


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    figure = re.compile(
        rf"\s*(?:{_alternation('figure_labels')})\s*\d+(?:[.\-]\d+)*\s*[:.\-–—]?\s+",
        re.IGNORECASE)
    table = re.compile(
        rf"\s*(?:(?:{_alternation('table_labels')})(?:\s*\d+(?:[.\-]\d+)*)?\s*[:.\-–—]|:)\s+",
        re.IGNORECASE)
    # "Source:", "Foto:", and with a figure's or table's label first ("Figure source:").
    source = re.compile(
        rf"\s*\(?(?:(?:{_alternation('figure_labels')}|{_alternation('table_labels')})\s+)?"
        rf"(?:{_alternation('source_prefixes')}|{_alternation('photo_prefixes')})"
        r"\s*:\s*", re.IGNORECASE)
    return figure, table, source


def drop_prefix(inlines: Sequence[Inline], count: int) -> tuple[Inline, ...]:
    """``inlines`` without their first ``count`` characters of text (a caption's written
    label, which may sit inside bold or italics); emptied markup goes too."""
    result, _ = _drop(tuple(inlines), count)
    return result


def _drop(items: tuple[Inline, ...], count: int) -> tuple[tuple[Inline, ...], int]:
    out: list[Inline] = []
    for item in items:
        if count > 0 and isinstance(item, Text):
            taken = min(count, len(item.text))
            count -= taken
            rest = item.text[taken:]
            if rest:
                out.append(Text(text=rest.lstrip() if count == 0 else rest))
        elif count > 0 and isinstance(item, Emphasis | Strong):
            children, count = _drop(item.children, count)
            if children:
                out.append(dataclasses.replace(item, children=children))
        else:
            out.append(item)
    return _trim(tuple(out)), count


def _trim(items: tuple[Inline, ...]) -> tuple[Inline, ...]:
    if items and isinstance(items[0], Text):
        first = items[0].text.lstrip()
        items = ((Text(text=first),) if first else ()) + items[1:]
    return items


def _words(paragraph: Paragraph) -> int:
    return len(plain_text(paragraph.inlines).split())


def _content(paragraph: Paragraph) -> tuple[Inline, ...]:
    return tuple(i for i in paragraph.inlines if not (isinstance(i, Text) and not i.text.strip()))


def _after_match(pattern: re.Pattern[str], paragraph: Paragraph) -> tuple[Inline, ...] | None:
    """The paragraph's inlines after ``pattern`` matched at its start, else None."""
    if _words(paragraph) > MAX_CAPTION_WORDS:
        return None
    match = pattern.match(plain_text(paragraph.inlines))
    if match is None:
        return None
    rest = drop_prefix(paragraph.inlines, match.end())
    return rest if plain_text(rest).strip() else None


def figure_caption(paragraph: Paragraph) -> tuple[Inline, ...] | None:
    """The caption a paragraph after a figure gives it, or None when it is body text."""
    figure, _table, _source = _patterns()
    labelled = _after_match(figure, paragraph)
    if labelled is not None:
        return labelled
    content = _content(paragraph)
    if (len(content) == 1 and isinstance(content[0], Emphasis)
            and _words(paragraph) <= MAX_CAPTION_WORDS):
        return content[0].children  # a line wholly in italics
    return None


def strip_figure_label(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """A caption without its written "Figure 2:" (the brief numbers figures itself)."""
    match = _patterns()[0].match(plain_text(inlines))
    return drop_prefix(inlines, match.end()) if match else inlines


def table_caption(paragraph: Paragraph) -> tuple[Inline, ...] | None:
    """The caption a paragraph next to a table gives it, or None."""
    return _after_match(_patterns()[1], paragraph)


def source_line(paragraph: Paragraph) -> tuple[Inline, ...] | None:
    """A "Source: ..." paragraph's inlines as written (in the article's own words), or None."""
    if _after_match(_patterns()[2], paragraph) is None:
        return None
    return trim_inlines(paragraph.inlines)


def attach_captions(flow: Sequence[FlowItem]) -> list[FlowItem]:
    """``flow`` with caption and source paragraphs folded into the figure or table they
    belong to (see the module docstring); everything else as it was."""
    out: list[FlowItem] = []
    items = list(flow)
    i = 0

    def take(read: Callable[[Paragraph], tuple[Inline, ...] | None]) -> tuple[Inline, ...]:
        """What ``read`` finds in the next paragraph (which is then consumed), else ()."""
        nonlocal i
        following = items[i] if i < len(items) else None
        found = read(following) if isinstance(following, Paragraph) else None
        if found is None:
            return ()
        i += 1
        return found

    while i < len(items):
        item = items[i]
        i += 1
        if isinstance(item, Image):
            if not item.caption:
                item = dataclasses.replace(item, caption=take(figure_caption))
            if not item.source:
                item = dataclasses.replace(item, source=take(source_line))
        elif isinstance(item, Table):
            before = out[-1] if out else None
            caption = table_caption(before) if isinstance(before, Paragraph) else None
            if not item.caption and caption is not None:
                out.pop()
                item = dataclasses.replace(item, caption=caption)
            if not item.caption:
                item = dataclasses.replace(item, caption=take(table_caption))
            if not item.source:
                item = dataclasses.replace(item, source=take(source_line))
        out.append(item)
    return out
