"""The plain-text reader: an article with no markup -> :class:`~lighthouse_docs.model.Document`.

The input is one item per line (blank lines tolerated): line 1 is ``<site>, <Title>. <lead>``,
then section headings, subsection headings, paragraphs and list items. Headings carry no
markup, so they are recognised by *shape* (short, no sentence-final period, capitalised) and
*position* (what surrounds them), in three small stages, each an ordered list of named rules
in the manner of markdown-it's ``rules_block``:

1. :data:`SHAPE_RULES` veto lines that cannot be headings (a sentence, a lead-in ending in ":").
2. :data:`POSITION_RULES` demote heading-shaped lines whose place rules them out (the very last
   line, the items of an unmarked list after a lead-in).
3. :data:`LEVEL_RULES` give each remaining heading level 2 or 3 from the evidence the document
   offers: headings that directly follow one another, closing-section words, numbering, the
   look of the headings already known to be H2 or H3, and position.

An author can overrule inference with YAML front matter and ``#``/``##``/``###`` lines. The
reader emits a flat stream of blocks and :class:`~lighthouse_docs.model.Heading`; the tree is
built only by :func:`lighthouse_docs.outline.sectionize`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import PurePath
from typing import Literal

from ..errors import InputError
from ..model import (
    Block,
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

# Multi-level numbers ("2.1", "2.1.3") and Roman numerals ("IV.") number headings; a single
# "2." is the ordered-list marker and is told apart from a heading by position.
_HEADING_NUMBER = re.compile(r"^(?:(\d{1,3}(?:\.\d{1,3})+)\.?|([IVXLC]{1,6})\.)[ \t]+(?=\S)")
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

_NAME_CONNECTORS = frozenset("of the and & de di dan la le du des van der von for on al el".split())

CLOSING_WORDS: tuple[str, ...] = (
    # id / ms
    "kesimpulan", "simpulan", "penutup", "kata penutup", "akhir kata", "catatan penutup",
    "rangkuman", "ringkasan", "rumusan", "kesimpulannya", "daftar pustaka", "referensi",
    "rujukan", "pendahuluan", "ikhtisar", "rekomendasi", "saran", "apa selanjutnya",
    "langkah ke depan", "prospek ke depan", "tantangan ke depan",
    # en
    "conclusion", "conclusions", "concluding remarks", "concluding thoughts", "in conclusion",
    "summary", "in summary", "final thoughts", "final words", "closing thoughts",
    "closing remarks", "the bottom line", "bottom line", "key takeaways", "takeaways",
    "wrapping up", "looking ahead", "the road ahead", "the way forward", "what's next",
    "what comes next", "what now", "what next", "what happens next", "next steps",
    "references", "further reading", "epilogue", "afterword",
    "introduction", "overview", "recommendations", "policy recommendations",
    # fr
    "en conclusion", "pour conclure", "synthèse", "bibliographie", "références",
    "recommandations",
    # de
    "fazit", "schlussfolgerung", "schlussfolgerungen", "zusammenfassung", "ausblick",
    "schlusswort", "schlussbemerkungen", "einleitung", "literatur", "empfehlungen",
    # es / pt / it
    "conclusión", "conclusiones", "en resumen", "resumen", "reflexiones finales",
    "introducción", "referencias", "bibliografía", "recomendaciones", "conclusão",
    "considerações finais",
    "conclusione", "conclusioni",
    # nl
    "conclusie", "conclusies", "samenvatting", "tot slot", "slotsom", "vooruitblik",
    "afsluiting", "inleiding", "aanbevelingen",
)
"""Headings that open or close an article. Such a section is top-level (H2) wherever it stands:
a "Conclusion" after a section's subsections is not one more subsection."""

_AMBIGUOUS_CLOSING = frozenset({"summary", "overview", "resumen", "literatur", "rumusan", "saran"})
"""Closing words that also begin ordinary headings ("Summary of the Talks"): exact match only."""

MAX_HEADING_WORDS = 20
MAX_HEADING_CHARS = 200
_SHORT_LABEL_WORDS = 3

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
    text = clean_text(text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    if not text.strip():
        raise InputError("is empty: nothing to build", path=source.path)
    front = split_front_matter(text, source.path)
    fields = metadata_fields(front.data, source.path)
    lines = join_continuations(scan_lines(front.body, first_line=front.body_first_line))
    if not lines:
        raise InputError("has front matter but no article text", path=source.path)

    warnings: list[str] = []
    title: str | None = fields.pop("title", None)
    publisher: str | None = None
    stream: list[FlowItem] = []
    body = list(lines)
    explicit_title = False

    first = body[0]
    if first.kind == "explicit" and first.ordinal == 1 and title is None:
        title, explicit_title = first.text, True
        body.pop(0)
    elif first.kind != "explicit" and first.kind != "break":
        hint = _next_text(body, 1)
        # Line 1 is the title line whatever its shape: a "1." or "-" there is part of the text.
        parsed = split_title_line(first.raw, hint, known_title=title)
        if parsed is not None:
            body.pop(0)
            publisher, line_title, lead = parsed
            title = title or line_title
            if lead:
                stream.append(_paragraph(lead, first.number))
    if not title:
        title = PurePath(source.path).stem or "Untitled"
        warnings.append(f"{source.path}: no title line found; using {title!r}")

    stream.extend(build_stream(body, title_was_explicit=explicit_title))
    lead_blocks, sections = sectionize(stream)

    url = fields.pop("url", None)
    given_lang = fields.pop("lang", None)
    fields.setdefault("publisher", publisher)
    meta = Metadata(
        title=title,
        source=dataclasses.replace(source, url=url) if url else source,
        lang=lang or given_lang or detect_language(language_sample(title, stream)),
        **fields,
    )
    return Document(meta=meta, lead=lead_blocks, sections=sections, warnings=tuple(warnings))


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
    for line in lines:
        if out and line.kind == "text":
            prev = out[-1]
            adjacent = line.number == prev.number + prev.span
            continues = _starts_lower(line.text) or (
                width is not None and len(prev.text) >= WRAP_FULL * width)
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
    line: str, next_line: str | None = None, *, known_title: str | None = None
) -> tuple[str | None, str, str] | None:
    """``<site>, <Title>. <lead>`` -> ``(publisher, title, lead)``; lead may be "".

    A site is a domain or a short capitalised name before the first comma that does not reappear
    in the title or lead (so "Trump, Putin and the Deal" keeps its first word). The title ends
    at the first sentence end that is not an abbreviation ("U.S.", "No. 5", "Dr.") and is
    followed by a capital. With ``known_title`` (front matter) the line is consumed only when it
    repeats that title; otherwise ``None`` is returned and the line is ordinary text.
    """
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
        if text[first.start()] in "?!":
            # "Who Wins? A Guide to the Trade War. The lead..." - a short title-cased sentence
            # after a question is the rest of the title, not the start of the lead.
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
    return len(text.split()) <= 8 and _title_case(text)


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


def _is_site(site: str, rest: str, title: str, lead: str) -> bool:
    if _DOMAIN.fullmatch(site):
        return True
    words = site.split()
    if not 1 <= len(words) <= 4 or len(site) > 40 or any(c in site for c in ".!?:;\"“”()"):
        return False
    if words[0].lower() in _OPENERS and not (words[0].lower() == "the" and len(words) > 1):
        return False
    if rest[:1].islower():
        return False
    for i, word in enumerate(words):
        if i and word.lower() in _NAME_CONNECTORS:
            continue
        # "Kompas", "BBC", "detikNews": capitals somewhere, as names have.
        if not (word[:1].isupper() or word[:1].isdigit() or any(c.isupper() for c in word)):
            return False
    # A site's name does not come back in the title or the first sentences of the lead; the
    # first words of a title that contains a comma usually do ("Trump, Putin ... Trump said").
    context = {w.lower() for w in _WORD.findall(f"{title} {lead[:400]}")}
    names = [w.lower() for w in _WORD.findall(site) if len(w) >= 3]
    names = [w for w in names if w not in _NAME_CONNECTORS]
    return not any(w in context for w in names)


# --------------------------------------------------------------------------- heading shape

ShapeRule = Callable[[str], bool]


def _too_long(text: str) -> bool:
    return len(text) > MAX_HEADING_CHARS or len(text.split()) > MAX_HEADING_WORDS


def _ends_like_sentence(text: str) -> bool:
    if text.endswith(".") and len(text.split()) <= 3 and is_closing_heading(text):
        return False  # "Kesimpulan." is a heading with a stray period
    if text.endswith("."):
        return not _is_abbreviation(text, len(text) - 1) or text.endswith("..")
    return text.endswith(("!", ",", ";", "…", ":"))


def _has_inner_sentence(text: str) -> bool:
    return any(_is_sentence_end(text, m.start(), m.end()) for m in _SENTENCE_END.finditer(text))


def _starts_in_lower_case(text: str) -> bool:
    first = next((c for c in text if c.isalnum()), "")
    return first.islower()


def _many_commas(text: str) -> bool:
    return text.count(",") > 3


SHAPE_RULES: tuple[tuple[str, ShapeRule], ...] = (
    # Headings are short; a 30-word line is a paragraph even without a final period.
    ("too_long", _too_long),
    # A final period, "!", "," ";" or "…" ends a sentence; ":" introduces a list or quote. "?"
    # is allowed (question headings) and so is a final abbreviation ("... and the U.S.").
    ("ends_like_sentence", _ends_like_sentence),
    # Two sentences on one line are running text.
    ("inner_sentence", _has_inner_sentence),
    # Headings start with a capital or a digit in cased scripts.
    ("starts_lower_case", _starts_in_lower_case),
    # Enumerations with many commas read as prose.
    ("many_commas", _many_commas),
)
"""Rules, in order, that veto a line as a heading; the first that fires names the reason."""


def shape_veto(text: str) -> str | None:
    """The name of the first :data:`SHAPE_RULES` rule that rules ``text`` out as a heading."""
    text = _HEADING_NUMBER.sub("", text, count=1)  # "II. Scope": the numeral is no sentence
    return next((name for name, rule in SHAPE_RULES if rule(text)), None)


Numbering = tuple[str, int, int]
"""``(scheme, depth, last number)``: the scheme names the style and the parent number."""


def heading_number(text: str) -> Numbering | None:
    """The numbering of a heading text: "2.1 Scope" -> ("arabic:2", 2, 1), "IV. Outlook" ->
    ("roman:", 1, 4), "3. Risks" -> ("arabic:", 1, 3); None when unnumbered."""
    if m := ORDERED_MARKER.match(text):
        return "arabic:", 1, int(m.group(1))
    m = _HEADING_NUMBER.match(text)
    if m is None:
        return None
    if m.group(1):
        parts = m.group(1).split(".")
        return "arabic:" + ".".join(parts[:-1]), len(parts), int(parts[-1])
    return "roman:", 1, _roman(m.group(2))


def _roman(numeral: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for i, ch in enumerate(numeral):
        v = values[ch]
        total += -v if i + 1 < len(numeral) and values[numeral[i + 1]] > v else v
    return total


def is_closing_heading(text: str) -> bool:
    """Whether ``text`` names an opening/closing section ("Kesimpulan", "Conclusion: ...")."""
    norm = _HEADING_NUMBER.sub("", text).lower().strip(" .:?!")
    norm = ORDERED_MARKER.sub("", norm)
    if len(norm.split()) > 6:
        return False
    for word in CLOSING_WORDS:
        if norm == word:
            return True
        if word in _AMBIGUOUS_CLOSING or not norm.startswith(word):
            continue
        after = norm[len(word):len(word) + 1]
        if after in (" ", ":", ",", "-", "–", "—"):
            return True
    return False


# --------------------------------------------------------------------------- units

UnitKind = Literal["heading", "paragraph", "bullets", "ordered", "break"]


@dataclass(slots=True)
class Unit:
    """A block-level item before heading levels are decided."""

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
                    and shape_veto(lines[j - 1].text) is None
                    and shape_veto(lines[j - 2].text) is not None
                    and j < len(lines) and lines[j].kind == "text"):
                # "3. Impact" after a list "1. ... 2. ..." continues the headings "1." and "2."
                j -= 1
            followed_by_text = j < len(lines) and lines[j].kind == "text"
            after_lead_in = i > 0 and lines[i - 1].text.endswith(":")
            if (j == i + 1 and followed_by_text and not after_lead_in
                    and shape_veto(line.text) is None):
                units.append(Unit("heading", [line]))
                last_numbered_heading = line.ordinal
            else:
                units.append(Unit("ordered", list(lines[i:j]), start=line.ordinal))
            i = j
        else:
            if line.kind == "explicit":
                units.append(Unit("heading", [line], explicit_level=line.ordinal))
            elif line.kind == "break":
                units.append(Unit("break", [line]))
            elif shape_veto(line.text) is None:
                units.append(Unit("heading", [line]))
            else:
                units.append(Unit("paragraph", [line]))
            i += 1
    return units


def _display_text(unit: Unit) -> str:
    """Heading text as shown: a numbered heading keeps its number ("1. Background")."""
    line = unit.lines[0]
    if line.kind == "ordered":
        return f"{line.ordinal}. {line.text}"
    return line.text


# --------------------------------------------------------------------------- position rules

PositionRule = Callable[[list[Unit]], None]


def _last_line_is_text(units: list[Unit]) -> None:
    """A heading introduces content: a heading-shaped last line ("Sumber: Reuters") is text."""
    if units and units[-1].kind == "heading" and units[-1].explicit_level is None:
        units[-1].kind = "paragraph"


def _unmarked_list_after_lead_in(units: list[Unit]) -> None:
    """Two or more short heading-shaped lines right after a paragraph ending in ":" are the items
    of a list written without markers, not a section with subsections."""
    out: list[Unit] = []
    i = 0
    while i < len(units):
        unit = units[i]
        out.append(unit)
        i += 1
        if unit.kind == "paragraph" and unit.lines[-1].text.endswith(":"):
            j = i
            while (j < len(units) and units[j].kind == "heading"
                   and units[j].explicit_level is None and units[j].lines[0].kind == "text"):
                j += 1
            if j - i >= 2:
                out.append(Unit("bullets", [line for u in units[i:j] for line in u.lines]))
                i = j
    units[:] = out


POSITION_RULES: tuple[tuple[str, PositionRule], ...] = (
    ("unmarked_list_after_lead_in", _unmarked_list_after_lead_in),
    ("last_line_is_text", _last_line_is_text),
)
"""Rules, in order, that turn heading candidates back into text because of where they stand."""


# --------------------------------------------------------------------------- level rules


@dataclass(slots=True)
class Evidence:
    """What the whole document says about its headings, gathered before levels are decided."""

    explicit_levels: dict[int, int] = field(default_factory=dict)
    """``#`` count -> level 2/3 (relative: the fewest ``#`` in the body is level 2)."""
    explicit_h2_only: bool = False
    """The author marked section headings only: bare headings under them are subsections."""
    sure_h2: list[str] = field(default_factory=list)
    """Inferred headings directly followed by a heading: sections owning subsections."""
    sure_h3: list[str] = field(default_factory=list)
    """Inferred headings directly after such a section heading."""
    last_heading: int = -1
    """Index of the last heading unit."""
    style: tuple[Callable[[str], bool], bool] | None = None
    """A visible trait that tells every known H2 from every known H3, and its value for H2s."""


@dataclass(slots=True)
class State:
    """Where the level pass stands while walking the units in order."""

    in_parent: bool = False
    """The open H2 owns subsections, so a plain heading now is by default one more of them."""
    children: int = 0
    expected_children: int | None = None
    """Subsections the open section announced; once they are all there, it is complete."""
    child_words: list[int] = field(default_factory=list)
    numbers: dict[int, tuple[str, int]] = field(default_factory=dict)
    """Level -> (numbering scheme, number) of the last numbered heading at that level."""
    prev_level: int | None = None
    """Level of the previous unit when it was a heading, else None."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One heading to place, with the facts the level rules look at."""

    index: int
    text: str
    explicit_level: int | None
    follows_heading: bool
    followed_by_heading: bool
    number: Numbering | None
    ends_with_lead_in: bool
    """Its section's content ends with a paragraph ending in ":" (an intro to subsections)."""
    announced: int | None = None
    """How many subsections that lead-in announces ("Three stand out:" -> 3), if it says."""


LevelRule = Callable[[Candidate, Evidence, State], int | None]


def _rule_explicit(c: Candidate, ev: Evidence, st: State) -> int | None:
    """``#`` lines keep the level their author gave, relative to the other ``#`` lines."""
    return None if c.explicit_level is None else ev.explicit_levels.get(c.explicit_level, 3)


def _rule_run_tail(c: Candidate, ev: Evidence, st: State) -> int | None:
    """A heading right below another heading is its subsection."""
    return None if st.prev_level is None else min(st.prev_level + 1, 3)


def _rule_run_head(c: Candidate, ev: Evidence, st: State) -> int | None:
    """A heading directly followed by another heading is a section that owns subsections."""
    return 2 if c.followed_by_heading else None


def _rule_closing_words(c: Candidate, ev: Evidence, st: State) -> int | None:
    """"Kesimpulan", "Conclusion", "Fazit", "Introduction"... are top-level wherever they are."""
    return 2 if is_closing_heading(c.text) else None


def _rule_numbering(c: Candidate, ev: Evidence, st: State) -> int | None:
    """Numbers place a heading: "3." continuing "2." at some level is at that level; otherwise
    depth decides ("2." -> H2, "2.1" -> H3)."""
    if c.number is None:
        return None
    style, depth, n = c.number
    for level in (3, 2) if st.in_parent else (2, 3):
        if st.numbers.get(level) == (style, n - 1):
            return level
    return 2 if depth == 1 else 3


def _rule_intro_then_subsections(c: Candidate, ev: Evidence, st: State) -> int | None:
    """A section whose text ends with a lead-in ("Ada tiga alasan:") opens subsections."""
    return 2 if c.ends_with_lead_in else None


def _rule_style(c: Candidate, ev: Evidence, st: State) -> int | None:
    """If every known H2 differs from every known H3 in one visible trait (all capitals, title
    case), a plain heading takes the level whose look it shares."""
    if ev.style is None:
        return None
    trait, h2_value = ev.style
    return 2 if trait(c.text) == h2_value else 3


def _discriminating_style(h2s: Sequence[str], h3s: Sequence[str]) -> tuple[
        Callable[[str], bool], bool] | None:
    # Capitals are a deliberate choice, one example each suffices; title case can be chance.
    for trait, needed in ((_all_caps, 1), (_title_case, 2)):
        h2 = {trait(t) for t in h2s}
        h3 = {trait(t) for t in h3s}
        if (len(h2) == 1 and len(h3) == 1 and h2 != h3
                and len(h2s) >= needed and len(h3s) >= needed):
            return trait, h2.pop()
    return None


def _rule_short_label_at_end(c: Candidate, ev: Evidence, st: State) -> int | None:
    """The last heading, a short label after two or more longer subsections ("Outlook",
    "What Now?"), closes the article rather than adding one more subsection."""
    if c.index != ev.last_heading or not st.in_parent or st.children < 2:
        return None
    words = len(c.text.split())
    if words <= _SHORT_LABEL_WORDS and min(st.child_words, default=0) > _SHORT_LABEL_WORDS:
        return 2
    return None


def _rule_context(c: Candidate, ev: Evidence, st: State) -> int | None:
    """Otherwise: a subsection while the open section owns subsections, else a section."""
    return 3 if st.in_parent else 2


LEVEL_RULES: tuple[tuple[str, LevelRule], ...] = (
    ("explicit", _rule_explicit),
    ("run_tail", _rule_run_tail),
    ("run_head", _rule_run_head),
    ("closing_words", _rule_closing_words),
    ("numbering", _rule_numbering),
    ("intro_then_subsections", _rule_intro_then_subsections),
    ("style", _rule_style),
    ("short_label_at_end", _rule_short_label_at_end),
    ("context", _rule_context),
)
"""Rules, in order, that give a heading its level; the first that answers wins."""


_COUNT_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "dua": 2, "tiga": 3, "empat": 4,
    "lima": 5, "enam": 6, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "zwei": 2, "drei": 3,
    "vier": 4, "fünf": 5, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "twee": 2, "drie": 3,
}
_COUNT = re.compile(r"\b(\d|" + "|".join(_COUNT_WORDS) + r")\b", re.IGNORECASE)


def announced_count(lead_in: str) -> int | None:
    """The number of parts a lead-in announces ("Dampaknya dari tiga sisi:" -> 3), or None."""
    last_sentence = _SENTENCE_END.split(lead_in)[-1]
    found = _COUNT.findall(last_sentence)
    if len(found) != 1:
        return None
    word = found[0].lower()
    return int(word) if word.isdigit() else _COUNT_WORDS[word]


def _all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(not c.islower() for c in letters) and any(
        c.isupper() for c in letters)


_FUNCTION_WORDS = frozenset(
    """with from into over than that this what when your their yang untuk dengan dalam pada bagi
    atau serta oleh dari antara akan juga bahwa para sebagai""".split()
)


def _title_case(text: str) -> bool:
    long_words = [w for w in _WORD.findall(text)
                  if len(w) >= 4 and w[0].isalpha() and w.lower() not in _FUNCTION_WORDS]
    return len(long_words) >= 2 and all(w[0].isupper() for w in long_words)


def _gather_evidence(units: Sequence[Unit], candidates: Sequence[Candidate]) -> Evidence:
    ev = Evidence()
    counts = sorted({u.explicit_level for u in units if u.explicit_level is not None})
    ev.explicit_levels = {n: (2 if k == 0 else 3) for k, n in enumerate(counts)}
    ev.explicit_h2_only = len(counts) == 1
    for c in candidates:
        if c.explicit_level is None and c.followed_by_heading and not c.follows_heading:
            ev.sure_h2.append(c.text)
        elif c.explicit_level is None and c.follows_heading:
            ev.sure_h3.append(c.text)
    ev.last_heading = candidates[-1].index if candidates else -1
    ev.style = _discriminating_style(ev.sure_h2, ev.sure_h3)
    return ev


def assign_levels(units: Sequence[Unit]) -> dict[int, int]:
    """Unit index -> heading level (2 or 3) for every heading unit, by :data:`LEVEL_RULES`."""
    candidates: list[Candidate] = []
    for i, unit in enumerate(units):
        if unit.kind != "heading":
            continue
        j = i + 1
        while j < len(units) and units[j].kind != "heading":
            j += 1
        section = units[i + 1:j]
        lead_in = (bool(section) and section[-1].kind == "paragraph"
                   and section[-1].text.endswith(":") and j < len(units))
        text = _display_text(unit)
        number = heading_number(text)
        candidates.append(Candidate(
            index=i,
            text=text,
            explicit_level=unit.explicit_level,
            follows_heading=i > 0 and units[i - 1].kind == "heading",
            followed_by_heading=i + 1 < len(units) and units[i + 1].kind == "heading",
            number=number,
            ends_with_lead_in=lead_in,
            announced=announced_count(section[-1].text) if lead_in else None,
        ))
    ev = _gather_evidence(units, candidates)
    levels: dict[int, int] = {}
    st = State()
    prev_index = -2
    for c in candidates:
        if c.index != prev_index + 1:
            st.prev_level = None
        level = next(lvl for _, rule in LEVEL_RULES if (lvl := rule(c, ev, st)) is not None)
        levels[c.index] = level
        _advance(st, c, level, ev)
        prev_index = c.index
    return levels


def _advance(st: State, c: Candidate, level: int, ev: Evidence) -> None:
    if level == 2:
        explicit_parent = c.explicit_level is not None and ev.explicit_h2_only
        st.in_parent = c.followed_by_heading or c.ends_with_lead_in or explicit_parent
        st.expected_children = c.announced if c.ends_with_lead_in else None
        st.children = 0
        st.child_words = []
        st.numbers.pop(3, None)
    else:
        st.children += 1
        st.child_words.append(len(c.text.split()))
        st.in_parent = st.children != st.expected_children
    if c.number is not None:
        st.numbers[level] = (c.number[0], c.number[2])
    st.prev_level = level


# --------------------------------------------------------------------------- stream


def build_stream(lines: Sequence[Line], *, title_was_explicit: bool = False) -> list[FlowItem]:
    """The flat stream of blocks and headings for the body lines (after the title line)."""
    units = group_units(lines)
    for _, rule in POSITION_RULES:
        rule(units)
    levels = assign_levels(units)
    stream: list[FlowItem] = []
    for i, unit in enumerate(units):
        if unit.kind == "heading":
            stream.append(Heading(level=levels[i], inlines=(Text(text=_display_text(unit)),),
                                  line=unit.number))
        elif unit.kind == "paragraph":
            stream.append(_paragraph(unit.text, unit.number))
        elif unit.kind == "break":
            stream.append(ThematicBreak(line=unit.number))
        else:
            stream.append(_list(unit))
    return stream


def _paragraph(text: str, line: int) -> Paragraph:
    return Paragraph(inlines=(Text(text=text),), line=line)


def _list(unit: Unit) -> Block:
    items = tuple((_paragraph(line.text, line.number),) for line in unit.lines)
    if unit.kind == "ordered":
        return OrderedList(items=items, start=unit.start, line=unit.number)
    return BulletList(items=items, line=unit.number)
