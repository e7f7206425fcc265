"""Typographic punctuation by language: curly quotes and apostrophes, dashes, ellipses (pure).

:func:`typeset` turns a document's typewriter punctuation into the language's own: ``"x"``
becomes “x” in English and Indonesian, „x“ in German and « x » in French (with no-break
spaces inside the guillemets and before ``: ; ! ?``); ``'`` becomes an apostrophe or a single
quote, ``--``/``---`` an en/em dash, a hyphen between spaces an en dash and ``...`` an
ellipsis; a number and its unit ("2.8 km", "Rp 4,8 triliun") are joined by a no-break space.
Code, code blocks and addresses (URLs, e-mail) are never touched.

It runs once per document between reading and rendering (next to ``brief.attach``), so every
output (PDF, EPUB, HTML) sets the same text while ``inspect`` and the outline JSON still show
the source as written. Quotes are decided over a whole run of inlines, so ``"*word*"`` opens
and closes around the emphasis.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass

from . import model
from .model import Inline, Text
from .outline import rewrite, rewrite_runs


@dataclass(frozen=True, slots=True, kw_only=True)
class Marks:
    """The quotation marks of one language."""

    double: tuple[str, str]
    """Opening and closing marks for ``"``."""
    single: tuple[str, str]
    """Opening and closing marks for ``'`` used as a quote (an apostrophe is always ’)."""
    french_spacing: bool = False
    """No-break spaces inside « » and before ``: ; ! ?`` (French)."""


ENGLISH = Marks(double=("“", "”"), single=("‘", "’"))
MARKS: dict[str, Marks] = {
    "en": ENGLISH, "id": ENGLISH, "ms": ENGLISH, "nl": ENGLISH, "es": ENGLISH,
    "de": Marks(double=("„", "“"), single=("‚", "‘")),
    "fr": Marks(double=("«", "»"), single=("“", "”"), french_spacing=True),
}
"""Quotation marks per primary language subtag; other languages get the English marks."""

NBSP = "\u00a0"
"""French spacing uses the full no-break space throughout: the narrow one (U+202F) that
some French houses prefer before ; ! ? has no glyph in the default serif (Source Serif Pro)
and would fall back to another font."""

_OPAQUE = "\ufffc"
"""Stands for an inline that is not text (code, image, note call) while a run is decided:
it reads like a letter, so a quote after it closes."""
_PROTECTED = re.compile(
    r"(?:[a-z][a-z0-9+.\-]*://|www\.|mailto:)[^\s<>\"“”«»]+|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+",
    re.IGNORECASE)
UNITS = (
    "km²", "km2", "km/h", "km", "m²", "m³", "m2", "m3", "cm", "mm", "nm", "m", "mi", "ft",
    "kg", "mg", "g", "t", "ha", "ml", "l", "L", "°C", "°F", "%", "kW", "MW", "GW", "kWh", "MWh",
    "GWh", "TWh", "Mt", "bpd", "knots", "kn", "mph", "kph", "juta", "miliar", "triliun",
    "million", "billion", "trillion", "per cent", "percent", "persen",
)
"""Units and magnitudes that stay on the line of the number before them ("2.8 km",
"Rp 4,8 triliun", "12 %"): the space between is set as a no-break space."""
_UNIT_SPACE = re.compile(
    r"(?<![\w.,])\d(?:[\d.,]*\d)? (?=(?:"
    + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
    + r")(?![\w²³]))")
_OPENING_CONTEXT = frozenset("([{/-–—\u201c\u2018\u201e\u201a«‹" + NBSP)


def marks_for(lang: str | None) -> Marks:
    """The marks of a BCP 47 tag (``fr-CA`` -> French); English for unknown languages."""
    primary = (lang or "en").replace("_", "-").split("-")[0].lower()
    return MARKS.get(primary, ENGLISH)


def _is_space(char: str) -> bool:
    return char == "" or char.isspace()


def _convert(text: str, marks: Marks) -> list[str]:
    """One output string per character of ``text`` (empty when the character is absorbed
    into a neighbour's replacement), so the result can be cut back into the original runs."""
    out = list(text)
    size = len(text)
    protected = bytearray(size)
    for match in _PROTECTED.finditer(text):
        protected[match.start():match.end()] = b"\x01" * (match.end() - match.start())
    opened: set[int] = set()
    for match in _UNIT_SPACE.finditer(text):
        if not protected[match.end() - 1]:
            out[match.end() - 1] = NBSP

    def at(i: int) -> str:
        return _at(text, i)

    def opening_context(i: int) -> bool:
        before = at(i - 1)
        return _is_space(before) or before in _OPENING_CONTEXT or (i - 1) in opened

    i = 0
    while i < size:
        char = text[i]
        if protected[i] or char == _OPAQUE:
            i += 1
            continue
        if char == "." and text.startswith("...", i) and at(i + 3) != "." and at(i - 1) != ".":
            out[i:i + 3] = ["…", "", ""]
            i += 3
            continue
        if char == "-" and at(i - 1) != "-":
            run = 3 if text.startswith("---", i) else 2 if text.startswith("--", i) else 1
            if at(i + run) == "-":
                pass  # a rule of hyphens, not a dash
            elif run == 3:
                out[i:i + 3] = ["—", "", ""]
            elif run == 2 and not (_is_space(at(i - 1)) and at(i + 2).isalpha()):
                out[i:i + 2] = ["–", ""]  # (but "--flag" after a space is an option name)
            elif run == 1 and at(i - 1) == " " and at(i + 1) == " ":
                out[i] = "–"  # "A - B": a spaced hyphen is a dash
            i += run
            continue
        if char == '"':
            if opening_context(i) and not _is_space(at(i + 1)):
                out[i] = marks.double[0]
                opened.add(i)
            else:
                out[i] = marks.double[1]
        elif char == "'":
            before, after = at(i - 1), at(i + 1)
            if opening_context(i) and after.isdigit():
                out[i] = "’"  # '90s
            elif opening_context(i) and not _is_space(after):
                out[i] = marks.single[0]
                opened.add(i)
            else:
                out[i] = "’" if (before.isalnum() or before == _OPAQUE) and after.isalpha() \
                    else marks.single[1]
        if marks.french_spacing:
            _french_spacing(text, out, i)
        i += 1
    return out


def _at(text: str, i: int) -> str:
    return text[i] if 0 <= i < len(text) else ""


def _french_spacing(text: str, out: list[str], i: int) -> None:
    """No-break spaces inside guillemets and before high punctuation, at ``text[i]``."""
    def at(j: int) -> str:
        return _at(text, j)

    result = out[i]
    if result == "«":
        out[i] = "«" + NBSP
        if at(i + 1) in (" ", NBSP):
            out[i + 1] = ""
    elif result == "»":
        if at(i - 1) in (" ", NBSP):
            out[i - 1] = ""
        out[i] = NBSP + "»"
    elif result in (";", "!", "?", ":") and text[i] == result:
        space = NBSP
        # What precedes as set, not as typed: a quote typed ' is already ” here.
        before = out[i - 1][-1:] if i > 0 and out[i - 1] else at(i - 1)
        after = at(i + 1)
        if not _is_space(after) and after not in "»\"'”’)":
            return  # "10:30", "?!", an address: not sentence punctuation
        if before == " ":
            out[i - 1] = space
        elif before.isalnum() or before in "»”’)":
            out[i] = space + result


def smarten(text: str, lang: str | None) -> str:
    """``text`` with typographic punctuation for ``lang`` (see the module docstring)."""
    return "".join(_convert(text, marks_for(lang)))


RUNT_LIMIT = 20
"""The last two words of a short text are kept on one line (:func:`no_runt`) when together
they are at most this many characters: never so long that the line before runs short."""


def no_runt(text: str) -> str:
    """``text`` with its last two words joined by a no-break space (:data:`RUNT_LIMIT`), so
    that it does not end on a line holding a single word (a key point of two or three lines
    whose last line is "besar." reads as a stray word). Text without a space (Thai, Chinese)
    or ending in a long word (an address) is returned as it is."""
    stripped = text.rstrip()
    head, _, last = stripped.rpartition(" ")
    previous = head.rpartition(" ")[2]
    if not last or not previous or len(previous) + 1 + len(last) > RUNT_LIMIT:
        return text
    return head + NBSP + last + text[len(stripped):]


# --------------------------------------------------------------------------- model walking


def _texts(items: tuple[Inline, ...]) -> Iterator[str | None]:
    """The run's text nodes in order (None for an inline that is not text)."""
    for item in items:
        if isinstance(item, Text):
            yield item.text
        elif isinstance(item, model.Emphasis | model.Strong | model.Strikethrough
                          | model.Superscript | model.Subscript | model.Link):
            yield from _texts(item.children)
        else:
            yield None


def _rebuild(items: tuple[Inline, ...], new: Iterator[str | None]) -> tuple[Inline, ...]:
    result: list[Inline] = []
    for item in items:
        if isinstance(item, Text):
            text = next(new)
            result.append(item if text == item.text or text is None else Text(text=text))
        elif isinstance(item, model.Emphasis | model.Strong | model.Strikethrough
                          | model.Superscript | model.Subscript | model.Link):
            result.append(dataclasses.replace(item, children=_rebuild(item.children, new)))
        else:
            next(new)
            result.append(item)
    return tuple(result)


def typeset_inlines(items: tuple[Inline, ...], marks: Marks) -> tuple[Inline, ...]:
    """One run of inlines (a paragraph, a heading, a cell) with typographic punctuation."""
    texts = list(_texts(items))
    if not any(texts):
        return items
    joined = "".join(_OPAQUE if t is None else t for t in texts)
    out = _convert(joined, marks)
    pieces: list[str | None] = []
    pos = 0
    for t in texts:
        if t is None:
            pieces.append(None)
            pos += 1
        else:
            pieces.append("".join(out[pos:pos + len(t)]))
            pos += len(t)
    return _rebuild(items, iter(pieces))


def typeset(doc: model.Document) -> model.Document:
    """``doc`` with typographic punctuation in its language, in text and metadata that a
    reader sees (title, subtitle, summary, key points); names and markings as written."""
    marks = marks_for(doc.meta.lang)

    def line(text: str | None) -> str | None:
        return None if text is None else "".join(_convert(text, marks))

    meta = dataclasses.replace(
        doc.meta, title=line(doc.meta.title) or doc.meta.title, subtitle=line(doc.meta.subtitle),
        summary=line(doc.meta.summary),
        key_points=tuple("".join(_convert(p, marks)) for p in doc.meta.key_points))

    def run(items: tuple[Inline, ...]) -> tuple[Inline, ...]:
        return typeset_inlines(items, marks)

    def image(block: model.Image) -> model.Image:
        return dataclasses.replace(block, alt="".join(_convert(block.alt, marks)))

    # Every run of text a reader sees, headings included; an image's alt text too.
    lead, sections, notes = rewrite_runs(
        rewrite((doc.lead, doc.sections, doc.footnotes), model.Image, image), run, headings=True)
    return dataclasses.replace(doc, meta=meta, lead=lead, sections=sections, footnotes=notes)
