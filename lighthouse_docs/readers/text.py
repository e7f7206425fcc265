"""The plain-text reader: an article with no markup -> :class:`~lighthouse_docs.model.Document`.

The input is one item per line (blank lines tolerated): line 1 is ``<site>, <Title>. <lead>``,
then section headings, subsection headings, paragraphs and list items. This module splits the
lines (markers, hard-wrapped continuations, unmarked lists after a lead-in), reads line 1,
takes web leftovers and bylines out of the body, and groups the rest into units; which units
are headings, and at which level, is decided by the fitted structure model in
:mod:`lighthouse_docs.readers.structure`, which also says how sure it is of each decision.

An author can overrule inference with YAML front matter and ``#``/``##``/``###`` lines. The
reader emits a flat stream of blocks and :class:`~lighthouse_docs.model.Heading`; the tree is
built only by :func:`lighthouse_docs.outline.sectionize`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from ..diagnostics import Diagnostic
from ..errors import InputError
from ..model import (
    Block,
    BlockQuote,
    BulletList,
    Document,
    FlowItem,
    Heading,
    Metadata,
    OrderedList,
    Paragraph,
    SourceInfo,
    Text,
    ThematicBreak,
)
from ..outline import sectionize
from . import _common, structure
from ._common import (
    clean_text,
    detect_language,
    language_sample,
    metadata_fields,
    split_front_matter,
)

# --------------------------------------------------------------------------- line syntax

BULLET_MARKER = re.compile(r"^[-*•◦▪‣][ \t]+(?=\S)")
"""``- item``, ``* item``, ``• item``: the marker the reader consumes."""
ORDERED_MARKER = re.compile(r"^(\d{1,9})[.)][ \t]+(?=\S)")
"""``1. item`` / ``1) item``: the marker the reader consumes (the number becomes ``start``)."""
EXPLICIT_HEADING = re.compile(r"^(#{1,6})[ \t]+(?=\S)")
"""``# Title``, ``## Section``, ``### Subsection``: an author's explicit heading."""
SCENE_BREAK = re.compile(r"^(?:[-*_•][ \t]*){3,}$")
"""``***``, ``* * *``, ``---``: a thematic break (consumed; becomes ThematicBreak)."""

_SPACES = re.compile(r"[ \t]+")
_SENTENCE_END = re.compile(r"[.?!][\"'’”»)\]]*(?=\s)")
_DOMAIN = re.compile(r"(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/?", re.IGNORECASE)
_INITIALISM = re.compile(r"(?:[^\W\d_]{1,2}\.)+[^\W\d_]{1,2}")
_WORD = re.compile(r"\w+")

_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr drs dra prof st jr sr gen col lt sgt capt cmdr adm gov sen rep pres rev hon
    no nos nr vol vols art fig figs pp vs inc ltd co corp bros dept univ approx est ca
    jan feb mar apr jun jul aug sep sept oct nov dec mt ft ave blvd
    bpk ir kh tn ny sdr jl jln kab kec kel prov pt tbk cv tgl hlm dsb dst
    bzw evtl ggf mme mlle ste sra srta ud uds dhr mevr bijv
    """.split()
)
"""Words that end in a period without ending a sentence ("Dr. Smith", "No. 5", "PT. Pindad")."""

_OPENERS = frozenset(
    """
    a an and as at but by for from if in into now of on or so the then though to when while
    yet yes no oh well after before however meanwhile finally still also again today here there
    why what how who where which
    namun tetapi tapi sementara kini akhirnya selain bahkan meski meskipun ketika saat di pada
    dalam untuk dengan dari dan atau jadi maka lalu kemudian sebelum sesudah setelah mengapa
    apa bagaimana siapa
    """.split()
)
"""First words that start a clause, never a site name ("However, ...", "Namun, ...")."""

_CONJUNCTIONS = frozenset(
    "but and or yet so not nor tapi tetapi namun dan atau bukan melainkan".split())
"""A title never starts with one: "Inflation Cools, But Risks Remain", "Kota Butuh Trotoar, Bukan
Flyover" have no site."""

_NAME_CONNECTORS = frozenset("of the and & de di dan la le du des van der von for on al el".split())

LineKind = Literal["text", "bullet", "ordered", "explicit", "break"]


@dataclass(frozen=True, slots=True)
class Line:
    """One logical source line (hard-wrapped continuation lines already joined)."""

    kind: LineKind
    text: str
    """The content, markers removed, spaces and tabs collapsed."""
    number: int
    """1-based line number in the original text (front matter included)."""
    ordinal: int = 0
    """The number of an ordered item, or the ``#`` count of an explicit heading."""
    span: int = 1
    """How many physical lines this logical line covers."""
    raw: str = ""
    """The whole line as written (markers included), spaces and tabs collapsed."""


# --------------------------------------------------------------------------- public API


def parse(text: str, source: SourceInfo, *, lang: str | None = None) -> Document:
    """Parse a plain-text article.

    :param lang: a language tag that wins over front matter and detection.
    :raises InputError: the text is blank, or its front matter is malformed.
    """
    return explain(text, source, lang=lang)[0]


def explain(text: str, source: SourceInfo, *, lang: str | None = None,
            model: structure.StructureModel | None = None
            ) -> tuple[Document, structure.Analysis]:
    """Parse a plain-text article and say how its structure was recovered.

    :raises InputError: the text is blank, or its front matter is malformed.
    """
    text = clean_text(text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    if not text.strip():
        raise InputError("is empty: nothing to build", path=source.path)
    front = split_front_matter(text, source.path)
    fields = metadata_fields(front.data, source.path)
    lines = join_continuations(scan_lines(front.body, first_line=front.body_first_line))
    if not lines:
        raise InputError("has front matter but no article text", path=source.path)

    warnings: list[Diagnostic | str] = []
    title: str | None = fields.pop("title", None)
    publisher: str | None = None
    site_doubt: str | None = None
    stream: list[FlowItem] = []
    body = list(lines)

    first = body[0]
    if first.kind == "explicit" and first.ordinal == 1 and title is None:
        title = first.text
        body.pop(0)
    elif first.kind != "explicit" and first.kind != "break":
        hint = _next_text(body, 1)
        # Line 1 is the title line whatever its shape: a "1." or "-" there is part of the text.
        parsed = split_title_line(first.raw, hint, known_title=title,
                                  known_site=fields.get("publisher"))
        if parsed is not None:
            body.pop(0)
            publisher, line_title, lead = parsed
            title = title or line_title
            if lead:
                stream.append(_paragraph(lead, first.number))
            context = lead or hint or ""
            if (publisher is not None and names_itself(publisher, context)
                    and f"({publisher})" not in context[:300]):  # a dateline credit is sure
                site_doubt = (f"uncertain site (read {publisher!r} as the publisher: the lead "
                              "names it; it could be the first words of the title); if it is "
                              "part of the title, give the whole title in front matter "
                              "('title: ...')")
            elif (publisher is not None and dateline_repeats_site(publisher, context)
                    and f"({publisher})" not in context[:300]):
                site_doubt = (f"uncertain site (read {publisher!r} as the publisher: the lead "
                              "opens with its first words, as a dateline names a place; it "
                              "could be the first words of the title); if it is part of the "
                              "title, give the whole title in front matter ('title: ...')")
            elif publisher is None and not fields.get("publisher") and (
                    named := doubtful_site(first.raw, hint)):
                site_doubt = (f"uncertain title (read {named!r} as the start of the title: the "
                              "lead uses its words); if it is the site, give it in front matter "
                              f"('publisher: {named}')")
            if site_doubt is not None:
                warnings.append(Diagnostic(message=site_doubt, code="structure-uncertain",
                                           source=source.path, line=first.number,
                                           format="text"))
    if not title:
        title = _common.fallback_title(source.path)
        warnings.append(f"{source.path}: no title line found; using {title!r}")

    body, leftovers = split_leftovers(body)
    units, decisions = analyse(body, model)
    stream.extend(build_stream(units, decisions))
    warnings.extend(uncertainty_warnings(source.path, decisions))
    lead_blocks, sections = sectionize(stream)
    authors = tuple(dict.fromkeys(name for lo in leftovers if lo.kind == "byline"
                                  for name in structure.author_names(lo.text)))
    if authors and not fields.get("authors"):
        fields["authors"] = authors
    dated = next((d for lo in leftovers if lo.kind == "dateline"
                  and (d := structure.dateline_date(lo.text)) is not None), None)
    if dated is not None and not fields.get("date"):
        fields["date"] = dated

    url = fields.pop("url", None)
    given_lang = fields.pop("lang", None)
    fields.setdefault("publisher", publisher)
    meta = Metadata(
        title=title,
        source=dataclasses.replace(source, url=url) if url else source,
        lang=lang or given_lang or detect_language(language_sample(title, stream)),
        **fields,
    )
    doc = Document(meta=meta, lead=lead_blocks, sections=sections, warnings=tuple(warnings))
    analysis = structure.Analysis(
        items=tuple(model_items(units)),
        decisions=tuple(decisions[k] for k in sorted(decisions)),
        leftovers=tuple(leftovers), authors=authors, site_doubt=site_doubt)
    return doc, analysis


def split_leftovers(lines: Sequence[Line]) -> tuple[list[Line], list[structure.Leftover]]:
    """Take web leftovers (dropped) and bylines (moved to the metadata) out of the body."""
    kept: list[Line] = []
    removed: list[structure.Leftover] = []
    kinds = structure.leftover_kinds([line.raw if line.kind == "text" else None
                                      for line in lines])
    for line, kind in zip(lines, kinds, strict=True):
        if kind is None:
            kept.append(line)
        else:
            removed.append(structure.Leftover(line=line.number, text=line.raw, kind=kind))
    return kept, removed


# --------------------------------------------------------------------------- lines


def scan_lines(body: str, *, first_line: int = 1) -> list[Line]:
    """Split ``body`` into non-blank :class:`Line` items, recognising markers.

    Only ``\\n`` separates lines: other Unicode separators stay inside the text.
    """
    out: list[Line] = []
    for offset, raw in enumerate(body.split("\n")):
        stripped = _SPACES.sub(" ", raw.strip())
        if not stripped:
            continue
        number = first_line + offset
        if m := EXPLICIT_HEADING.match(stripped):
            out.append(Line("explicit", stripped[m.end():], number, len(m.group(1)),
                            raw=stripped))
        elif SCENE_BREAK.match(stripped):
            out.append(Line("break", "", number, raw=stripped))
        elif m := BULLET_MARKER.match(stripped):
            out.append(Line("bullet", stripped[m.end():], number, raw=stripped))
        elif m := ORDERED_MARKER.match(stripped):
            out.append(Line("ordered", stripped[m.end():], number, int(m.group(1)),
                            raw=stripped))
        else:
            out.append(Line("text", stripped, number, raw=stripped))
    return out


def join_continuations(lines: Sequence[Line]) -> list[Line]:
    """Join hard-wrapped lines into the paragraph or list item they continue.

    A line continues the one right above it (no blank line between, no final punctuation
    above) when it starts in lower case, or when the text is hard-wrapped (blank lines separate
    blocks, no line is longer than :data:`WRAP_MAX`) and the line above fills the measure:
    a heading never does.
    """
    width = wrap_width(lines)
    out: list[Line] = []
    listing = False  # inside the items of an unmarked list after a lead-in ending in ":"
    for line in lines:
        if out and line.kind == "text":
            prev = out[-1]
            adjacent = line.number == prev.number + prev.span
            listing = adjacent and (prev.text.endswith(":") or (
                listing and _starts_lower(line.text)))
            # After a lead-in, a lower-case line is the next item of an unmarked list; else it
            # continues a long line (hard-wrapped text), never a short one.
            continues = not listing and (
                (_starts_lower(line.text) and len(prev.text) >= 40)
                or (width is not None and len(prev.text) >= WRAP_FULL * width))
            if continues and adjacent and prev.kind in ("text", "bullet", "ordered") and not (
                prev.text.endswith((".", "!", "?", ":", ";", "…"))
            ):
                out[-1] = dataclasses.replace(prev, text=f"{prev.text} {line.text}",
                                              raw=f"{prev.raw} {line.raw}", span=prev.span + 1)
                continue
        out.append(line)
    return out


WRAP_MAX = 100
"""Longest line of a text that counts as hard-wrapped (editors wrap at 72-80 columns)."""
WRAP_FULL = 0.6
"""A line at least this fraction of the wrap width "fills the measure"."""


def wrap_width(lines: Sequence[Line]) -> int | None:
    """The wrap width of hard-wrapped text, or None when lines are not hard-wrapped."""
    if not lines:
        return None
    width = max(len(line.text) for line in lines)
    has_blank = any(b.number > a.number + 1 for a, b in pairwise(lines))
    wrapped_pairs = sum(
        1 for a, b in pairwise(lines)
        if b.number == a.number + 1 and len(a.text) >= WRAP_FULL * width
        and not a.text.endswith((".", "!", "?", ":"))
    )
    if width > WRAP_MAX or width < 40 or not has_blank or wrapped_pairs < 2:
        return None
    return width


def _starts_lower(text: str) -> bool:
    return text[:1].islower()


def _next_text(lines: Sequence[Line], start: int) -> str | None:
    return lines[start].text if start < len(lines) else None


# --------------------------------------------------------------------------- line 1


def split_title_line(
    line: str, next_line: str | None = None, *, known_title: str | None = None,
    known_site: str | None = None,
) -> tuple[str | None, str, str] | None:
    """``<site>, <Title>. <lead>`` -> ``(publisher, title, lead)``; lead may be "".

    A site is a domain or a short capitalised name before the first comma that does not reappear
    in the title or lead (so "Trump, Putin and the Deal" keeps its first word). The title ends
    at the first sentence end that is not an abbreviation ("U.S.", "No. 5", "Dr.") and is
    followed by a capital. With ``known_title`` (front matter) the line is consumed only when it
    repeats that title; otherwise ``None`` is returned and the line is ordinary text.
    With ``known_site`` (front matter), a line that starts with that name and a comma has it as
    its site.
    """
    if known_site and known_title is None and line.startswith(f"{known_site}, "):
        title, lead = split_title(line[len(known_site) + 2:].lstrip())
        if title:
            return known_site, title, lead
    if known_title is not None:
        for site, rest in ((s, r) for s, r in [_comma_split(line), (None, line)] if r):
            if rest.startswith(known_title):
                tail = rest[len(known_title):]
                if not tail or tail[0] in " .?!":
                    lead = tail.lstrip(".").strip() if tail.startswith(".") else tail.strip()
                    return site, known_title, lead
        return None
    site, rest = _comma_split(line)
    if site is not None and rest:
        title, lead = split_title(rest)
        if title and _is_site(site, rest, title, lead or next_line or ""):
            return site, title, lead
    title, lead = split_title(line)
    return None, title or line, lead if title else ""


def _comma_split(line: str) -> tuple[str | None, str]:
    comma = line.find(", ", 0, 80)
    if comma <= 0 or line[comma - 1].isspace():
        return None, line
    return line[:comma], line[comma + 2:].lstrip()


def split_title(text: str) -> tuple[str, str]:
    """Split at the first true sentence end: ``("Title", "Lead...")``; a period there is dropped,
    "?" and "!" stay with the title."""
    breaks = (m for m in _SENTENCE_END.finditer(text) if _is_sentence_end(text, m.start(), m.end()))
    first = next(breaks, None)
    if first is not None:
        end = first.end()
        # "Who Wins? A Guide to the Trade War. The lead..." or "Heat Is a Hazard. Our Laws
        # Should Say So. The lead...": a short title-cased sentence after the first is the rest
        # of the title, not the start of the lead.
        second = next(breaks, None)
        if second is not None and _title_case_clause(text[end:second.start()]):
            end = second.end()
        title = text[:end]
        if title.endswith("."):
            title = title[:-1]
        return title.strip(), text[end:].strip()
    if text.endswith(".") and text[-2:-1].strip() and not _is_abbreviation(text, len(text) - 1):
        return text[:-1], ""
    return text, ""


def _title_case_clause(text: str) -> bool:
    # Subtitles run to a dozen words ("Who Owns the Aquifer? Groundwater, Cities and the
    # Limits of Permits in Southeast Asia. From Jakarta ..."); a lead's sentence is not title-cased.
    return len(text.split()) <= 12 and structure.case_style(text) in ("title", "caps")


def _is_sentence_end(text: str, mark: int, end: int) -> bool:
    """Whether the punctuation at ``mark`` (match ending at ``end``) closes a sentence."""
    nxt = text[end:end + 40].lstrip()[:2]
    if not nxt or mark == 0:
        return False
    follower = nxt[1] if nxt[0] in "\"'“‘«([" and len(nxt) > 1 else nxt[0]
    if follower.islower():
        return False
    return not (text[mark] == "." and _is_abbreviation(text, mark))


def _is_abbreviation(text: str, dot: int) -> bool:
    start = max(text.rfind(" ", max(0, dot - 40), dot) + 1, dot - 40, 0)
    token = text[start:dot].lstrip("\"'“‘«([")
    if not token or token.endswith("."):
        return bool(token)  # "..." and "U.S.." are not a clean sentence end either
    if token.lower() in _ABBREVIATIONS or _INITIALISM.fullmatch(token):
        return True
    return len(token) == 1 and token.isalpha() and token.isupper()


def names_itself(site: str, lead: str) -> bool:
    """A name of two words or more written out again inside the lead, after its opening words
    ("... sat down with Southbound Analysis in Bangkok", "Penelusuran Gazet Merapi di tiga
    kecamatan"): a site writing about its own reporting. Read as the site, and reported as
    uncertain: it may also be the first entry of a title that lists names."""
    return len(site.split()) >= 2 and lead.find(site, 1, 400) > 0


def dateline_repeats_site(site: str, lead: str) -> bool:
    """The lead opens with the first two words of a name of three words or more ("Labuan Bajo
    Kebanjiran Turis, ..." then "LABUAN BAJO — ..."): the place a title names, more often than
    a site named after a place. Read as the site, and reported as uncertain."""
    words = [w.lower() for w in _WORD.findall(site)]
    opening = [w.lower() for w in _WORD.findall(lead)[:6]]
    return len(words) >= 3 and (words[0], words[1]) in set(pairwise(opening))


def _is_site(site: str, rest: str, title: str, lead: str, *,
             common_words_check: bool = True) -> bool:
    """Whether ``site`` (before line 1's first comma) names the site; without
    ``common_words_check``, whether it could, judged by its form alone."""
    if _DOMAIN.fullmatch(site):
        return True
    words = site.split()
    if not 1 <= len(words) <= 4 or len(site) > 40 or any(c in site for c in ".!?:;\"“”()"):
        return False
    if words[0].lower() in _OPENERS and not (words[0].lower() == "the" and len(words) > 1):
        return False
    if rest[:1].islower() or rest.split(" ", 1)[0].lower() in _CONJUNCTIONS:
        return False  # "Inflation Cools, But Risks Remain": one title, no site
    if f"({site})" in lead[:300]:
        return True  # a dateline credits it: "VIENTIANE (The Straits Ledger) - ..."
    for i, word in enumerate(words):
        if i and word.lower() in _NAME_CONNECTORS:
            continue
        # "Kompas", "BBC", "detikNews": capitals somewhere, as names have.
        if not (word[:1].isupper() or word[:1].isdigit() or any(c.isupper() for c in word)):
            return False
    # A site's name does not come back in the title or the first sentences of the lead; the
    # first words of a title that contains a comma usually do ("Trump, Putin ... Trump said").
    # A site writing about its own field ("Energy Monitor Asia" on energy in Asia) repeats some
    # of its words, rarely all of them.
    if names_itself(site, lead):
        return True
    context = {w.lower() for w in _WORD.findall(f"{title} {lead[:400]}")}
    names = _name_words(site)
    if len(names) <= 1:
        return not any(w in context for w in names)
    if not common_words_check:
        return True
    if _written_as_common_words(names, f"{title} {lead[:400]}"):
        return False
    return not all(_comes_back(w, context) for w in names)


def _comes_back(word: str, context: set[str]) -> bool:
    """``word`` is among ``context``, or inside one of its words with affixes around it
    ("guncang" in "mengguncang", "banjir" in "kebanjiran")."""
    return word in context or (len(word) >= 5 and any(word in w for w in context))


def _written_as_common_words(names: Sequence[str], text: str) -> bool:
    """Most of the name's words come back in lower case, two of them in a row: the article's
    own phrase, not a name ("Harga Kopi Robusta Melonjak, Petani ..." followed by "Harga kopi
    robusta ... harga biji kopi"). Scattered words do not count: "Energy Policy Watch, ..."
    before "... which risks policy makers should watch" is still a site."""
    if not _mostly_lowered(names, text):
        return False
    pairs = set(pairwise(_WORD.findall(text)))
    return any(pair in pairs for pair in pairwise(names))


def _name_words(site: str) -> list[str]:
    """The words of a site's name that can tell it apart, lower-cased ("of", "the" cannot)."""
    return [w for w in (m.lower() for m in _WORD.findall(site))
            if len(w) >= 3 and w not in _NAME_CONNECTORS]


def _mostly_lowered(names: Sequence[str], text: str) -> bool:
    """More than half of ``names`` come back in ``text`` written in lower case."""
    lowered = {w for w in _WORD.findall(text) if w.islower()}
    return sum(w in lowered for w in names) * 2 > len(names)


def doubtful_site(line: str, next_line: str | None = None) -> str | None:
    """A name of two words or more before line 1's first comma that has the form of a site but
    was read as the start of the title because the article uses its words ("Foreign Policy,
    ..." before "Indonesia's foreign policy"): the user should be told."""
    site, rest = _comma_split(line)
    if site is None or not rest:
        return None
    title, lead = split_title(rest)
    context = lead or next_line or ""
    if (not title or len(site.split()) < 2 or _is_site(site, rest, title, context)
            or not _is_site(site, rest, title, context, common_words_check=False)):
        return None
    # Only when the article writes the name's words in lower case: "Bank Indonesia, ..." before
    # "Bank Indonesia menahan ..." is the story's subject, named as a name.
    return site if _mostly_lowered(_name_words(site), f"{title} {context[:400]}") else None


# --------------------------------------------------------------------------- units

UnitKind = Literal["candidate", "paragraph", "bullets", "ordered", "break", "explicit"]


@dataclass(slots=True)
class Unit:
    """A block-level item before the structure model decides what it is."""

    kind: UnitKind
    lines: list[Line]
    explicit_level: int | None = None
    start: int = 1

    @property
    def text(self) -> str:
        return self.lines[0].text

    @property
    def number(self) -> int:
        return self.lines[0].number


def _candidate_or_paragraph(line: Line) -> Unit:
    """A line the model is asked about (heading-shaped, or a short question), else a paragraph:
    a sentence ending in ".", a lead-in ending in ":", a quotation or an attribution opening
    with a dash ("— A senior official") is never a heading."""
    text = line.text
    asked = (structure.heading_shaped(text) or (
        text.endswith("?") and len(text.split()) <= structure.CANDIDATE_MAX_WORDS)
    ) and not structure.is_source_note(text) and text[:2] not in ("— ", "– ")
    return Unit("candidate" if asked else "paragraph", [line])


def group_units(lines: Sequence[Line]) -> list[Unit]:
    """Group lines into units: runs of list items become one list; a lone numbered line that is
    heading-shaped and followed by text is a numbered heading candidate ("1. Background")."""
    units: list[Unit] = []
    last_numbered_heading = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.kind == "bullet":
            j = i
            while j < len(lines) and lines[j].kind == "bullet":
                j += 1
            units.append(Unit("bullets", list(lines[i:j])))
            i = j
        elif line.kind == "ordered":
            j = i + 1
            while (j < len(lines) and lines[j].kind == "ordered"
                   and lines[j].ordinal == lines[j - 1].ordinal + 1):
                j += 1
            if (j - i >= 2 and lines[j - 1].ordinal == last_numbered_heading + 1
                    and structure.heading_shaped(lines[j - 1].text)
                    and not structure.heading_shaped(lines[j - 2].text)
                    and j < len(lines) and lines[j].kind == "text"):
                # "3. Impact" after a list "1. ... 2. ..." continues the headings "1." and "2."
                j -= 1
            followed_by_text = (j < len(lines) and lines[j].kind == "text") or (
                # "5. Recommendations" after headings "1." to "4.", then a list of its own
                # (bulleted, or numbered from 1 again)
                j < len(lines) and last_numbered_heading > 0
                and line.ordinal == last_numbered_heading + 1
                and (lines[j].kind == "bullet"
                     or (lines[j].kind == "ordered" and lines[j].ordinal == 1)))
            opens_children = j < len(lines) and lines[j].kind == "text" and (
                lines[j].text.startswith(f"{line.ordinal}.1 ")
                or lines[j].text.startswith(f"{line.ordinal}.1. "))  # "1. X" then "1.1 Y"
            after_lead_in = (i > 0 and lines[i - 1].text.endswith(":")
                             and not opens_children)
            if (j == i + 1 and followed_by_text and not after_lead_in
                    and structure.heading_shaped(line.text)):
                units.append(Unit("candidate", [line], start=line.ordinal))
                last_numbered_heading = line.ordinal
            else:
                units.append(Unit("ordered", list(lines[i:j]), start=line.ordinal))
            i = j
        elif line.kind == "explicit":
            units.append(Unit("explicit", [line], explicit_level=line.ordinal))
            i += 1
        elif line.kind == "break":
            units.append(Unit("break", [line]))
            i += 1
        else:
            units.append(_candidate_or_paragraph(line))
            i += 1
    return _unmarked_lists(units)


def _unmarked_lists(units: list[Unit]) -> list[Unit]:
    """Two or more short heading-shaped lines right after a paragraph ending in ":" are the items
    of a list written without markers, not a section with subsections."""
    out: list[Unit] = []
    i = 0
    while i < len(units):
        unit = units[i]
        out.append(unit)
        i += 1
        if unit.kind in ("candidate", "paragraph") and unit.lines[-1].text.endswith(":"):
            j = i
            while (j < len(units) and units[j].kind in ("candidate", "paragraph")
                   and units[j].lines[0].kind == "text"
                   and structure.list_item_shaped(units[j].text)
                   and not (j - i >= 2 and _opens_subsections(units, i, j))):
                j += 1
            if j - i < 2:
                j = _sentence_items_end(units, i)
            if j - i >= 2:
                out.append(Unit("bullets", [line for u in units[i:j] for line in u.lines]))
                i = j
    return out


SENTENCE_ITEMS_MIN = 3
SENTENCE_ITEM_MAX_WORDS = 30


def _sentence_items_end(units: Sequence[Unit], i: int) -> int:
    """End of a run of one-sentence lines after a lead-in ("... draw three lessons:" then one
    lesson a line): at least three, each one short sentence, are a list's items; fewer, or a
    line of several sentences, are paragraphs. Returns ``i`` when there is no such run."""
    j = i
    while (j < len(units) and units[j].kind in ("candidate", "paragraph")
           and units[j].lines[0].kind == "text" and len(units[j].lines) == 1
           and units[j].text.endswith((".", ";", "!"))
           and len(units[j].text.split()) <= SENTENCE_ITEM_MAX_WORDS
           and not structure.inner_sentence(units[j].text)
           and not structure.is_source_note(units[j].text)):
        j += 1
    return j if j - i >= SENTENCE_ITEMS_MIN else i


def _opens_subsections(units: Sequence[Unit], i: int, j: int) -> bool:
    """Units ``j`` and ``j + 1`` are heading-shaped and a long paragraph follows: a section
    heading and its first subsection, which end the list of items ``i`` to ``j`` rather than
    continue it. A list's items share one look ("Masjid Al-Ikhlas, Bandarharjo", "SD Negeri
    Tanjung Mas 2"): a line that looks like them is one more item, whatever follows it."""
    if j + 2 >= len(units):
        return False
    first, second, body = units[j], units[j + 1], units[j + 2]
    items_look = {structure.signature(unit.text) for unit in units[i:j]}
    return (structure.heading_shaped(first.text) and structure.heading_shaped(second.text)
            and body.kind == "paragraph" and len(body.text.split()) > 15
            and structure.signature(first.text) not in items_look)


def _display_text(unit: Unit) -> str:
    """Heading text as shown: a numbered heading keeps its number ("1. Background")."""
    line = unit.lines[0]
    if line.kind == "ordered":
        return f"{line.ordinal}. {line.text}"
    return line.text


def _explicit_levels(units: Sequence[Unit]) -> dict[int, int]:
    """``#`` count -> level 2/3. Relative when the author marked two depths (``#``/``##`` or
    ``##``/``###``: the fewest ``#`` is a section). With one depth only, ``###`` is a subsection
    when the author marked a few lines among unmarked headings (following ``inspect``'s hint),
    and a section when every heading of the article carries it."""
    counts = sorted({u.explicit_level for u in units if u.explicit_level is not None})
    if len(counts) == 1 and counts[0] >= 3:
        marked = sum(u.explicit_level is not None for u in units)
        unmarked = sum(u.kind == "candidate" and structure.heading_shaped(u.text) for u in units)
        return {counts[0]: 3 if unmarked > marked else 2}
    return {n: (2 if k == 0 else 3) for k, n in enumerate(counts)}


def model_items(units: Sequence[Unit]) -> list[structure.Item]:
    """The units as the structure model sees them."""
    levels = _explicit_levels(units)
    kinds: dict[str, structure.ItemKind] = {
        "candidate": "candidate", "paragraph": "paragraph", "bullets": "list",
        "ordered": "list", "break": "break", "explicit": "explicit"}
    return [structure.Item(
        index=i, kind=kinds[u.kind], text=_display_text(u), line=u.number,
        explicit_level=None if u.explicit_level is None else levels[u.explicit_level])
        for i, u in enumerate(units)]


# --------------------------------------------------------------------------- stream


def analyse(lines: Sequence[Line], model: structure.StructureModel | None = None
            ) -> tuple[list[Unit], dict[int, structure.Decision]]:
    """Units of the body lines and the structure model's decision for each candidate."""
    units = group_units(lines)
    return units, structure.decode(model_items(units), model)


def build_stream(units: Sequence[Unit],
                 decisions: Mapping[int, structure.Decision]) -> list[FlowItem]:
    """The flat stream of blocks and headings for the body units."""
    stream: list[FlowItem] = []
    for i, unit in enumerate(units):
        decision = decisions.get(i)
        if decision is not None and decision.label != "prose":
            stream.append(Heading(level=2 if decision.label == "h2" else 3,
                                  inlines=(Text(text=_display_text(unit)),), line=unit.number))
        elif unit.kind == "candidate" and unit.lines[0].kind == "ordered":
            stream.append(_list(Unit("ordered", unit.lines, start=unit.start)))
        elif unit.kind in ("candidate", "paragraph"):
            stream.append(_paragraph(unit.text, unit.number))
        elif unit.kind == "break":
            stream.append(ThematicBreak(line=unit.number))
        elif unit.kind == "explicit":
            stream.append(Heading(level=3, inlines=(Text(text=unit.text),), line=unit.number))
        else:
            stream.append(_list(unit))
    return _attributed_quotes(stream)


ATTRIBUTION_MAX_WORDS = 20


def _attributed_quotes(stream: list[FlowItem]) -> list[FlowItem]:
    """A paragraph wholly in quotation marks followed by a short line that opens with a dash
    ("“Smelters follow cheap power.”" then "— A senior official at the ministry") is a quotation
    and its attribution: one block quote, as a pull quote is set."""
    out: list[FlowItem] = []
    i = 0
    while i < len(stream):
        item = stream[i]
        nxt = stream[i + 1] if i + 1 < len(stream) else None
        if (isinstance(item, Paragraph) and isinstance(nxt, Paragraph)
                and _wholly_quoted(_paragraph_text(item))
                and _attribution(_paragraph_text(nxt))):
            out.append(BlockQuote(blocks=(item, nxt), line=item.line))
            i += 2
            continue
        out.append(item)
        i += 1
    return out


def _paragraph_text(paragraph: Paragraph) -> str:
    return "".join(inline.text for inline in paragraph.inlines if isinstance(inline, Text))


def _wholly_quoted(text: str) -> bool:
    body = text.rstrip(".,")
    return (len(body) > 2 and body[0] in "“«„\"" and body[-1] in "”»\""
            and not any(mark in body[1:-1] for mark in "“”«»„\""))


def _attribution(text: str) -> bool:
    return (text[:2] in ("— ", "– ", "--") and len(text.split()) <= ATTRIBUTION_MAX_WORDS
            and not text.rstrip(".").count(". "))


def uncertainty_warnings(path: str, decisions: Mapping[int, structure.Decision]
                         ) -> list[Diagnostic]:
    """One warning per uncertain decision, naming the line and the one-line fix."""
    return [Diagnostic(message=f"uncertain heading ({uncertain_summary(d)}); {fix_hint(d)}",
                       code="structure-uncertain", source=path, line=d.line, format="text")
            for d in decisions.values() if d.uncertain]


def uncertain_summary(d: structure.Decision) -> str:
    names = {"prose": "text", "h2": "section", "h3": "subsection"}
    return f"read as {names[d.label]}, could be {names[d.alternative]}: {d.text[:60]!r}"


def fix_hint(d: structure.Decision) -> str:
    """The one-line fix that makes the line's role explicit."""
    wanted = d.label
    if wanted == "prose":
        return "if it is a heading, start the line with '## ' (section) or '### ' (subsection)"
    mark, other, other_mark = (("## ", "subsection", "### ") if wanted == "h2"
                               else ("### ", "section", "## "))
    if d.alternative == "prose":
        # A question or an exclamation cannot take a full stop: as text it joins its paragraph.
        as_text = ("move it to the start of the paragraph after it" if d.text.endswith(("?", "!"))
                   else "end it with a full stop")
        return (f"{mark!r} in front of the line confirms the heading; if it is text, {as_text}; "
                "if it was left over from the web page, delete the line")
    return f"{other_mark!r} in front of the line makes it a {other}; {mark!r} confirms it"


def _paragraph(text: str, line: int) -> Paragraph:
    return Paragraph(inlines=(Text(text=text),), line=line)


def _list(unit: Unit) -> Block:
    items = tuple((_paragraph(line.text, line.number),) for line in unit.lines)
    if unit.kind == "ordered":
        return OrderedList(items=items, start=unit.start, line=unit.number)
    return BulletList(items=items, line=unit.number)
