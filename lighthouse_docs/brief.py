"""What makes a brief a brief: key points, reading time, description, short title (pure).

:func:`attach` computes them once per document, between reading and rendering (the build calls
it); renderers read them with :func:`brief_of` and never derive them again.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable

from .checks import pack_marking
from .i18n import pack_language
from .model import Block, Brief, Document, Pack, Paragraph, Section
from .outline import block_text, iter_sections, plain_text

SHORT_TITLE_CHARS = 60
"""Longer titles are shortened for the running head so that it stays on one line."""
DESCRIPTION_CHARS = 300

WORDS_PER_MINUTE = 200
"""A conservative silent-reading speed for non-fiction, in any of our languages."""

MAX_KEY_POINTS = 5
MIN_KEY_POINTS = 3
"""A brief shows 3-5 points (BRIEF-DESIGN.md); extraction tops up to this many when it can."""

# Lower-cased abbreviations (without their final period), by what may follow them. Single
# letters (initials: "J. Smith", "H. Ahmad") are handled by rule, not listed.
TITLE_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof rev hon fr gen lt col capt cmdr sgt adm gov sen rep pres amb
    e.g i.e cf viz vs approx est dept ed eds mt ft
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    bpk sdr sdri yth jl kab kec kel drs dra drg ir hj purn kol brig almh alm
    """.split()
)
"""Abbreviations that never end a sentence: a name or a phrase always follows them."""
LIST_ENDERS = frozenset("etc dll dsb dst dkk tsb".split())
""""And so on": when a capitalised word follows, the sentence ended with the abbreviation."""
FINAL_ABBREVIATIONS = frozenset(
    """
    u.s u.k u.n e.u u.s.a a.s d.c r.i inc ltd co corp bros jr sr st al
    ph.d m.a b.a s.h s.e s.t m.h m.m m.si s.pd s.kom a.m p.m
    """.split()
)
"""Abbreviations that may end a sentence ("moved to the U.S. The end") or not ("U.S.
President"): the sentence ends only when a usual sentence opener follows."""
ABBREVIATIONS = TITLE_ABBREVIATIONS | LIST_ENDERS | FINAL_ABBREVIATIONS
NUMBER_ABBREVIATIONS = frozenset("no nos nr vol vols fig figs p pp hlm art par ch sec pk".split())
"""Abbreviations that only count as such before a number: "No. 5", but "said no. Then"."""
SENTENCE_OPENERS = frozenset(
    """
    a an the this that these those it its he she they we i you there here but and or so yet
    however meanwhile still then in on at for if when while after before as by with from
    his her their our my one some many most all no not
    ini itu dia ia mereka kami kita saya namun tetapi tapi sementara sedangkan selain
    kemudian lalu pada di dalam dengan untuk oleh sejak saat ketika hal yang jika karena
    menurut selanjutnya adapun bahkan akan sebelumnya sebelum setelah hingga sampai
    """.split()
)
"""Lower-cased words that usually open a sentence (English and Indonesian): after an
abbreviation that may end a sentence, one of these means it did."""

# Linear-time by construction (issue 16): a run of end punctuation is tried only at its start
# (the lookbehind) and consumed without backtracking (possessive quantifiers); the helpers
# below look at the text through positions, never slices, and only as far as one token.
_SENTENCE_END = re.compile(
    r"""(?<![.!?…])[.!?…]++["'”’)\]]*+(?=\s++["'“‘(\[]?+[A-Z0-9À-ÖØ-Þ])""")
_WORD_AFTER = re.compile(r"""\s*+["'“‘(\[]?+([^\s"'”’)\],;:.!?]++)""")
MAX_TOKEN = 64
"""Longest token looked at before a period: no abbreviation or initial is longer."""


def _opens_sentence(text: str, pos: int) -> bool:
    match = _WORD_AFTER.match(text, pos, pos + MAX_TOKEN)
    return match is not None and match.group(1).lower() in SENTENCE_OPENERS


def _token_before(text: str, start: int, end: int) -> str:
    """The whitespace-free token of ``text[start:end]`` that ends at ``end`` (at most
    :data:`MAX_TOKEN` characters are looked at; a longer one is no abbreviation)."""
    low = max(start, end - MAX_TOKEN - 1)
    space = text.rfind(" ", low, end)
    if space >= 0:
        return text[space + 1:end]
    return text[low:end]  # the whole sentence so far, or a too-long token's last characters


def _is_abbreviation(text: str, start: int, end: int, after: int) -> bool:
    """Whether the period at ``text[end]`` belongs to an abbreviation (no split); the sentence
    began at ``start`` and the text after the punctuation begins at ``after``."""
    token = _token_before(text, start, end).lstrip("(\"'“‘[").lower()
    if not token or len(token) > MAX_TOKEN:
        return False
    if len(token) == 1 and token.isalpha():
        # An initial ("J. Smith"), unless a sentence plainly starts next ("Plan B. The").
        return not _opens_sentence(text, after)
    if token in NUMBER_ABBREVIATIONS:
        return text[after:after + 2].lstrip()[:1].isdigit()
    if token in TITLE_ABBREVIATIONS:
        return True
    if token in FINAL_ABBREVIATIONS:
        return not _opens_sentence(text, after)
    # A list ender before a capitalised word (the only kind the caller asks about) ends it.
    return False


def split_sentences(text: str) -> list[str]:
    """Split running text into sentences, keeping "U.S.", "Dr.", "No. 5", "dll." intact.

    Linear in the length of ``text`` whatever it holds (long tokens, long punctuation runs).
    """
    text = " ".join(text.split())
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if text[match.start()] == "." and _is_abbreviation(text, start, match.start(), end):
            continue
        sentence = text[start:end].strip()
        if sentence:
            sentences.append(sentence)
        start = end
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def _first_paragraph(section: Section) -> Paragraph | None:
    for candidate in iter_sections((section,)):
        for block in candidate.blocks:
            if isinstance(block, Paragraph) and plain_text(block.inlines).strip():
                return block
    return None


def _first_sentence(paragraph: Paragraph | None) -> str | None:
    if paragraph is None:
        return None
    sentences = split_sentences(plain_text(paragraph.inlines))
    return sentences[0] if sentences else None


def _own_first_paragraph(section: Section) -> Paragraph | None:
    return next((b for b in section.blocks
                 if isinstance(b, Paragraph) and plain_text(b.inlines).strip()), None)


def key_points(doc: Document, limit: int = MAX_KEY_POINTS) -> tuple[str, ...]:
    """The brief's key points: the author's (front matter), else extracted.

    Extraction is deterministic: the first sentence of each top-level section, in order (a
    section that opens with a subsection gives that subsection's first sentence). With fewer
    than :data:`MIN_KEY_POINTS` that way, the first sentence of every section at any level is
    used instead, and the lead's first sentences go in front to make up the number; an article
    without sections gives the first sentences of its lead.
    """
    if doc.meta.key_points:
        return doc.meta.key_points
    points = _unique(_first_sentence(_first_paragraph(s)) for s in doc.sections)
    if len(points) < MIN_KEY_POINTS:
        deeper = _unique(_first_sentence(_own_first_paragraph(s))
                         for s in iter_sections(doc.sections))
        points = deeper if len(deeper) > len(points) else points
    if len(points) < MIN_KEY_POINTS:
        lead = _unique(sentence for block in doc.lead if isinstance(block, Paragraph)
                       for sentence in split_sentences(plain_text(block.inlines)))
        wanted = MIN_KEY_POINTS - len(points) if points else limit
        points = _unique([*[s for s in lead if s not in points][:wanted], *points])
    return tuple(_shorten(p) for p in points[:limit])


MAX_POINT_CHARS = 400
"""Longest extracted key point: a longer first sentence (a run-on paragraph, a 200,000-
character token) is cut with an ellipsis rather than filling the key-points box."""


def _shorten(point: str) -> str:
    if len(point) <= MAX_POINT_CHARS:
        return point
    return point[:MAX_POINT_CHARS - 1].rstrip() + "…"


def _unique(items: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


def word_count(doc: Document) -> int:
    """Words in the title, headings and body."""
    words = len(doc.meta.title.split())
    words += sum(len(plain_text(s.heading).split()) for s in iter_sections(doc.sections))
    blocks = [*doc.lead, *(b for s in iter_sections(doc.sections) for b in s.blocks),
              *(b for note in doc.footnotes for b in note.blocks)]
    return words + sum(len(block_text(b).split()) for b in blocks)


def reading_minutes(doc: Document) -> int:
    """Estimated reading time in whole minutes (at least 1)."""
    return max(1, math.ceil(word_count(doc) / WORDS_PER_MINUTE))


def short_title(title: str, limit: int = SHORT_TITLE_CHARS) -> str:
    """The title as the running head shows it: whole when short, else cut at a word."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0].rstrip(",;:-–—")
    return f"{cut}…"


def _lead_text(blocks: tuple[Block, ...]) -> str:
    return " ".join(block_text(b) for b in blocks if isinstance(b, Paragraph)).strip()


def description(doc: Document) -> str | None:
    """The summary, else the lead, shortened at a word; None when there is neither."""
    text = " ".join((doc.meta.summary or _lead_text(doc.lead)).split())
    if not text:
        return None
    if len(text) > DESCRIPTION_CHARS:
        text = text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + "…"
    return text


def derive(doc: Document) -> Brief:
    """Everything a brief derives from ``doc``."""
    return Brief(key_points=key_points(doc), reading_minutes=reading_minutes(doc),
                 description=description(doc), short_title=short_title(doc.meta.title))


def attach(doc: Document) -> Document:
    """``doc`` with its :class:`~lighthouse_docs.model.Brief` computed (once)."""
    return dataclasses.replace(doc, brief=derive(doc))


def brief_of(doc: Document) -> Brief:
    """The brief the build attached to ``doc`` (derived here only for a document that did not
    come through the build, e.g. a writer called directly)."""
    return doc.brief if doc.brief is not None else derive(doc)


def make_pack(title: str, documents: Iterable[Document], *, lang: str | None = None,
              markings: tuple[str, ...] = ()) -> Pack:
    """A combined brief of ``documents``: the one place its own data is derived from its
    articles' — date (the latest), language (``lang``, else theirs), marking (the highest,
    see ``checks.pack_marking``) and publisher (when they all share one)."""
    docs = tuple(documents)
    publishers = {d.meta.publisher for d in docs}
    dates = [d.meta.date for d in docs if d.meta.date is not None]
    return Pack(title=title, documents=docs,
                lang=pack_language((d.meta.lang for d in docs), lang),
                date=max(dates) if dates else None,
                marking=pack_marking((d.meta.marking for d in docs), markings),
                publisher=publishers.pop() if len(publishers) == 1 else None)
