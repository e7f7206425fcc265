"""Structure inference for unmarked text: which lines are headings, and at which level.

The evidence and the decision are kept apart. :func:`heading_features` and
:func:`level_features` turn a line and its surroundings into named features (length, final
punctuation, case pattern relative to the article's other heading-shaped lines, quote marks,
numbering, what follows, lexical overlap between a section's intro and the headings after it,
opening/closing vocabulary from the per-language data in ``lighthouse_docs/vocab/``...). Two
logistic models fitted on the training split of the labelled corpus (``tools/fit_structure.py``;
weights in ``structure_model.json``) score them: *is this line a heading?* and *is this heading a
section (H2) rather than a subsection (H3)?*. :func:`decode` then picks the most probable
outline for the whole article with a beam search under hard constraints (an H3 needs an open
H2; an explicit ``#`` line keeps its level) and two structural priors (a section is rarely
divided into a single subsection, an article rarely cut by a single section heading). The
margin between the best outline and the best one that decides a line differently is that
line's confidence; every decision carries the features that weighed most, so ``inspect
--explain`` can print why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from itertools import repeat
from operator import attrgetter, itemgetter, mul
from typing import Literal

Label = Literal["prose", "h2", "h3"]
ALL_LABELS: tuple[Label, ...] = ("prose", "h2", "h3")
ItemKind = Literal["candidate", "paragraph", "list", "explicit", "break"]

UNCERTAIN_MARGIN = 1.0
"""Decisions whose best alternative is within this many log-odds are reported as uncertain
(the default of every kind of doubt when a model file names none)."""
Doubt = Literal["heading", "text", "level"]
"""What a rival outline would change: a heading into text, a line of text into a heading, or a
section into a subsection (or back)."""
DOUBTS: tuple[Doubt, ...] = ("heading", "text", "level")
CANDIDATE_MAX_WORDS = 25
"""Lines longer than this are prose without asking the model."""
_ADJACENT_PENALTY = 12.0
"""Log-odds cost of an outline with an empty section or subsection."""
LONE_SUBSECTION_PENALTY = 4.0
"""Log-odds cost of a section with exactly one subsection (outlines divide into two or more)."""
SINGLE_SECTION_PENALTY = 1.0
"""Log-odds cost of an article cut by exactly one section heading (kept small: it may tip a
close call towards no heading at all, but never make a heading out of a line of text)."""
SHORT_OF_NAMED_PARTS_PENALTY = 3.0
"""Log-odds against closing a section with some subsections but fewer than it named (chosen on
cross-validation: 2748 -> 2753 exact of 3 x 1073 with three fold assignments)."""
NUMBERING_BREAK_PENALTY = 6.0
"""Log-odds against a level that breaks the article's numbering: "2." after the section "1."
read as a subsection (of an unnumbered heading between them), "1.1" beside "1." read as a
section."""

_SURE = 4.0
"""A line whose heading logit is beyond +-_SURE is not branched on by the decoder."""

_WORD = re.compile(r"\w+")
_LETTER_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_SENTENCE_END = re.compile(r"[.?!][\"'’”»)\]]*\s+(?=[\"'“‘«(\[]?[A-Z0-9])")
_HEADING_NUMBER = re.compile(
    r"^(?:(\d{1,3})(?:\.(\d{1,3}))*[.)]?|((?![CL][.)])[IVXLC]{1,6})[.)]|([A-H])[.)])[ \t]+(?=\S)")
_QUOTES_OPEN = "\"“‘«„'"
_QUOTES_CLOSE = "\"”’»“'"
_DASHES = "—–-"


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Word lists from ``lighthouse_docs/vocab/<lang>.json``, merged over all languages."""

    closing: frozenset[str]
    opening: frozenset[str]
    drop_prefixes: tuple[str, ...]
    photo_prefixes: tuple[str, ...]
    byline_prefixes: tuple[str, ...]
    byline_labels: tuple[str, ...]
    """Words that start a byline only as a label before a colon ("Teks: Nama"): without
    the colon they begin headings ("Teks Lengkap Pidato")."""
    byline_places: frozenset[str]
    """Words that end a byline's names and start where they reported from ("in Manila")."""
    byline_roles: frozenset[str]
    """Words of the role after an author's name ("Urban Mobility Fellow", "Peneliti")."""
    source_prefixes: tuple[str, ...]
    connectives: tuple[str, ...]
    question_words: frozenset[str]
    count_words: Mapping[str, int]
    part_nouns: frozenset[str]
    """Nouns that a count announces as parts ("three forces", "tiga kesan"), unlike a count of
    years or wars."""
    function_words: frozenset[str]
    abbreviations: frozenset[str]
    signposts: tuple[str, ...]
    """Words of an intro that announce parts to follow ("berikut", "as follows", "groups")."""
    auxiliaries: frozenset[str]
    """First words of yes/no questions ("apakah", "does")."""
    back_references: frozenset[str]
    """Words that point back to what was just said ("that", "itu"): a line using one
    continues the text ("Who pays for that?") rather than naming a part."""
    first_person: frozenset[str]
    boilerplate: tuple[str, ...] = ()
    """Starts of page-footer lines dropped whatever follows ("All rights reserved", "Hak cipta
    terpelihara", "Simak breaking news")."""
    editor_labels: tuple[str, ...] = ()
    """Byline labels of editors, who are not authors ("Editor:", "Editing by")."""
    date_labels: tuple[str, ...] = ()
    weekdays: tuple[str, ...] = ()
    months: Mapping[str, int] = field(default_factory=dict)
    interview_labels: tuple[str, ...] = ()
    """Labels of an interview's questions and answers ("Q:", "Tanya:"): text, not headings."""
    drop_labels: tuple[str, ...] = ()
    """Leftover labels only before a colon ("BACA: ...", "Topics: ...", "Pilihan editor: ..."):
    without the colon they may begin a heading ("Baca Tulis di Sekolah")."""
    drop_lines: frozenset[str] = frozenset()
    """Page widgets that are the whole line ("Change Size", "Cetak", "Listen to this article")."""
    link_lists: frozenset[str] = frozenset()
    """Labels alone on their line above a list of linked headlines ("Related coverage")."""
    reading_time: tuple[str, ...] = ()
    """What follows the number in a reading-time line ("3 minute read", "5 menit baca")."""
    photo_credit_by: tuple[str, ...] = ()
    """Credits that name the photographer without a colon ("Photo by Getty Images")."""
    pagination: tuple[str, ...] = ()
    """Words that open a page-number bar ("Halaman: 1 2 3", "Page 2 of 3")."""
    pagination_words: frozenset[str] = frozenset()
    """Other words of a page-number bar ("of", "selanjutnya", "»")."""
    embed_tags: frozenset[str] = frozenset()
    """Tags of an embed placeholder left in square brackets ("[Gambas:Video CNBC]")."""
    cta_tails: tuple[str, ...] = ()
    """Ends of a call to action ("... di Google News, klik di sini.")."""
    byline_team_prefixes: tuple[str, ...] = ()
    """A newsroom credited as a team before its name ("Tim Redaksi Tempo.co")."""
    byline_team_suffixes: tuple[str, ...] = ()
    """A newsroom credited as a team after its name ("CNA Staff")."""
    photo_agencies: frozenset[str] = frozenset()
    """Agencies a photo credit names before the photographer ("REUTERS/Willy Kurniawan")."""
    time_ago: tuple[str, ...] = ()
    """What follows the number in a relative time stamp ("2 hours ago", "3 jam yang lalu")."""
    credit_notes: tuple[str, ...] = ()
    """Editorial notes among a byline's credits ("Interview by A; edited for length")."""


@cache
def vocabulary() -> Vocabulary:
    """The merged vocabulary of every language shipped in ``lighthouse_docs/vocab``."""
    merged: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    months: dict[str, int] = {}
    folder = resources.files("lighthouse_docs") / "vocab"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        data = json.loads(entry.read_text(encoding="utf-8"))
        for key, value in data.items():
            if key == "count_words":
                counts.update({k.lower(): int(v) for k, v in value.items()})
            elif key == "months":
                months.update({k.lower(): int(v) for k, v in value.items()})
            else:
                merged.setdefault(key, set()).update(v.lower() for v in value)

    def prefixes(key: str) -> tuple[str, ...]:
        return tuple(sorted(merged.get(key, ()), key=len, reverse=True))

    return Vocabulary(
        closing=frozenset(merged.get("closing", ())),
        opening=frozenset(merged.get("opening", ())),
        drop_prefixes=prefixes("drop_prefixes"),
        photo_prefixes=prefixes("photo_prefixes"),
        byline_prefixes=prefixes("byline_prefixes"),
        byline_labels=prefixes("byline_labels"),
        byline_places=frozenset(merged.get("byline_places", ())),
        byline_roles=frozenset(merged.get("byline_roles", ())),
        source_prefixes=prefixes("source_prefixes"),
        connectives=prefixes("connectives"),
        question_words=frozenset(merged.get("question_words", ())),
        count_words=counts,
        part_nouns=frozenset(merged.get("part_nouns", ())),
        function_words=frozenset(merged.get("function_words", ())),
        abbreviations=frozenset(merged.get("abbreviations", ())),
        signposts=prefixes("signposts"),
        auxiliaries=frozenset(merged.get("auxiliaries", ())),
        back_references=frozenset(merged.get("back_references", ())),
        first_person=frozenset(merged.get("first_person", ())),
        boilerplate=prefixes("boilerplate"),
        editor_labels=prefixes("editor_labels"),
        date_labels=prefixes("date_labels"),
        weekdays=prefixes("weekdays"),
        months=months,
        interview_labels=prefixes("interview_labels"),
        drop_labels=prefixes("drop_labels"),
        drop_lines=frozenset(merged.get("drop_lines", ())),
        link_lists=frozenset(merged.get("link_lists", ())),
        reading_time=prefixes("reading_time"),
        photo_credit_by=prefixes("photo_credit_by"),
        pagination=prefixes("pagination"),
        pagination_words=frozenset(merged.get("pagination_words", ())),
        embed_tags=frozenset(merged.get("embed_tags", ())),
        cta_tails=prefixes("cta_tails"),
        byline_team_prefixes=prefixes("byline_team_prefixes"),
        byline_team_suffixes=prefixes("byline_team_suffixes"),
        credit_notes=prefixes("credit_notes"),
        photo_agencies=frozenset(merged.get("photo_agencies", ())),
        time_ago=prefixes("time_ago"),
    )


# --------------------------------------------------------------------------- web leftovers

LeftoverKind = Literal["drop", "byline", "dateline"]


def _prefix_hit(lower: str, prefixes: Iterable[str]) -> str | None:
    for prefix in prefixes:
        if lower.startswith(prefix):
            rest = lower[len(prefix):len(prefix) + 1]
            if not rest or not (rest.isalnum() or rest == "-"):
                return prefix
    return None


_NAME_PARTICLES = frozenset(
    "and dan & de del dela della der van von bin binti al el da di du le la y "
    "dr drs dra ir hj h prof".split())
"""Lower-case words a byline's names may contain ("Ramon dela Cruz", "dr. Laras")."""


def leftover_kind(text: str, *, after_lead: bool = False) -> LeftoverKind | None:
    """Whether a line is a web-page leftover to drop or a byline to move into the metadata.

    ``Baca juga: ...``, ``BACA: ...``, ``Read more: ...``, ``ADVERTISEMENT``, ``Scroll to
    continue``, ``3 minute read``, ``Halaman: 1 2 3``, ``[Gambas:Video CNBC]``, ``Change Size``,
    a bare photo credit ``Foto: ANTARA/...`` or ``Photo by Getty Images``, a caption opened by
    its credit ``(Photo: AFP/...) ...`` -> "drop"; ``Penulis: ...``, ``Editor: ...``, ``By Jane
    Doe`` -> "byline"; and, on the lines right after the lead (``after_lead``), names followed
    by a role (``Priya Raman and Joost de Vries, Energy Transition Programme``) or by their
    outlet in brackets (``Dian Septiari (The Jakarta Post)``), or a newsroom credited as a team
    (``Tim Redaksi Tempo.co``) -> "byline". Source notes (``Sumber: ...``) stay in the text.
    """
    words = text.split()
    if not words:
        return None
    if len(words) <= 60 and _credit_opens_caption(text):
        return "drop"
    if len(words) > 30:
        return None
    lower = text.lower().strip()
    vocab = vocabulary()
    if len(words) <= 20 and (_prefix_hit(lower, vocab.boilerplate) is not None
                             or _COPYRIGHT.match(lower)):
        return "drop"
    if dateline_date(text) is not None:
        return "dateline"
    hit = _prefix_hit(lower, vocab.drop_prefixes)
    if hit is not None:
        rest = lower[len(hit):].lstrip()
        # "Baca juga: <headline>", "ADVERTISEMENT", "Simak video ..." - never a sentence.
        if not rest or rest[0] in ":—–-|»>" or headline_shaped(text):
            return "drop"
    if len(words) <= 25 and _page_furniture(text):
        return "drop"
    if len(words) > 24 or (text.endswith((".", "?", "!")) and len(words) > 12):
        return None
    if photo_credit(text):
        return "drop"
    credits = _credits(text)
    if credits and all(_prefixed_byline(part) for part in credits):
        return "byline"
    if _team_byline(text, anywhere=not after_lead):
        return "byline"
    if after_lead and (_names_with_role(text) or _names_with_outlet(text)):
        return "byline"
    return None


def leftover_kinds(lines: Sequence[str | None]) -> list[LeftoverKind | None]:
    """:func:`leftover_kind` of each line of an article's body (``None`` for a line that is
    not plain text: a list item, an explicit heading), in order, with what the lines before
    tell: a byline or a dateline may follow the lead after other leftovers ("Kuala Lumpur ●
    Wed, November 25, 2026", then "Dian Septiari (The Jakarta Post)"); the headlines under a
    label alone on its line ("Baca juga:", "Related coverage") are links, dropped with it; and
    the caption under a bare photo credit ("Foto: ANTARA/..." then "Antrean kendaraan di SPBU,
    Senin (23/11/2026).") goes with the credit."""
    kinds: list[LeftoverKind | None] = []
    kept = False
    links: list[str] = []  # the headlines dropped under the current link label
    link_label = caption_may_follow = False
    for text in lines:
        kind: LeftoverKind | None = None
        if text is not None:
            kind = leftover_kind(text, after_lead=not kept)
            if kind is None and link_label and _link_shaped(text, links):
                kind = "drop"
                links.append(text)
            elif kind is None and caption_may_follow and _caption_shaped(text):
                kind = "drop"
        if kind is None:
            kept = True
            links, link_label = [], False
        elif text is not None and (links_on_next_line(text) or _links_under(text)):
            links, link_label = [], True
        elif not links:
            link_label = False
        caption_may_follow = (kind == "drop" and text is not None and photo_credit(text))
        kinds.append(kind)
    return kinds


MAX_LINKS = 3
"""Headlines a link label may have under it ("Related coverage" lists two or three)."""


def _link_shaped(text: str, links: Sequence[str]) -> bool:
    """Whether a line under a link label is one more linked headline. The first headline-shaped
    line always is; after it, only a line shaped like the first (as long as a headline, at
    least seven words, the same case) is, since a section heading can follow the links."""
    if not headline_shaped(text) or len(links) >= MAX_LINKS:
        return False
    if not links:
        return True
    return len(text.split()) >= 7 and case_style(text) == case_style(links[0])


def _links_under(text: str) -> bool:
    """A link-list label alone on its line ("Related coverage", "Berita Terkait")."""
    return _bare(text) in vocabulary().link_lists


def _bare(text: str) -> str:
    """The line in lower case without the punctuation a widget label may end with."""
    return " ".join(text.lower().split()).rstrip(" .:·|»>")


_PAREN = re.compile(r"\(([^()]{1,80})\)")
_CAPTION_END = re.compile(
    r"(?:\(\d{1,2}/\d{1,2}(?:/\d{2,4})?\)"                  # "... Senin (23/11/2026)."
    r"|\([^()]*[A-Z][\w.]*\s*/\s*[A-Z][^()]*\))\.?$")      # "... (ANTARA FOTO/Aji/nym)"


def _caption_shaped(text: str) -> bool:
    """A photo caption: short, ending with the date the photo was taken or its credit in
    brackets ("Antrean kendaraan di sebuah SPBU, Senin (23/11/2026).", "... (ANTARA/Aji)")."""
    return len(text.split()) <= 30 and _CAPTION_END.search(text) is not None


def photo_credit(text: str) -> bool:
    """A bare photo credit: ``Foto: ANTARA/Aji``, ``(Foto: Dok. Humas)``, ``Photo by Getty
    Images``, ``Sumber foto: ANTARA``."""
    lower = text.lower().strip()
    vocab = vocabulary()
    if len(text.split()) > 24:
        return False
    for prefix in vocab.photo_prefixes:
        after = lower[len(prefix):].lstrip()[:1]
        # "Foto: ANTARA/...", and BBC's "Image source, Getty Images"
        if lower.startswith(prefix) and (after in (":", "/") or (after == "," and " " in prefix)):
            return True
    if _agency_credit(text):
        return True
    hit = _prefix_hit(lower, vocab.photo_credit_by)
    if hit is None:
        return False
    rest = text.strip()[len(hit):].strip()
    return (0 < len(rest.split()) <= 8 and rest[:1].isupper()
            and not rest.endswith(("?", "!", ":")) and not _SENTENCE_END.search(rest))


def _agency_credit(text: str) -> bool:
    """A credit line naming the agency, then the photographer: "REUTERS/Willy Kurniawan",
    "ANTARA FOTO/Aprillio Akbar/nym", "AFP/Getty Images"."""
    parts = [p.strip() for p in text.strip().split("/")]
    if len(parts) < 2 or len(text.split()) > 8 or not all(parts):
        return False
    agency = re.sub(r"\s+(?:foto|photo)$", "", parts[0].lower())
    return agency in vocabulary().photo_agencies and all(
        _person_shaped(p) or re.fullmatch(r"[a-z]{2,5}", p) for p in parts[1:])


def _person_shaped(text: str) -> bool:
    """A photographer's name: "Willy Kurniawan", "WILLY KURNIAWAN", "Getty Images"; not "NORC
    Survey" or "Ipsos Poll Shows Support"."""
    words = text.split()
    return (1 <= len(words) <= 3 and all(w[:1].isupper() for w in words)
            and (text.isupper() or not any(w.isupper() and len(w) > 1 for w in words)))


def _credit_opens_caption(text: str) -> bool:
    """A caption paragraph opened by its photo credit in brackets: ``(Photo: AFP/Mohd Rasfan)
    Malaysian Prime Minister Anwar Ibrahim (center) speaks ...``."""
    stripped = text.strip()
    if not stripped.startswith("("):
        return False
    close = stripped.find(")")
    return close > 0 and photo_credit(stripped[1:close]) and bool(stripped[close + 1:].strip())


def _page_furniture(text: str) -> bool:
    """Page widgets and furniture that are never the article's text: "Change Size",
    "BACA: <headline>", "Topics : ASEAN, Myanmar", "3 minute read", "Halaman: 1 2 3",
    "[Gambas:Video CNBC]", "(ant/rhm)", "... di Google News, klik di sini."."""
    vocab = vocabulary()
    lower = " ".join(text.lower().split())
    bare = _bare(text)
    if bare in vocab.drop_lines:
        return True
    label = _label_hit(lower, vocab.drop_labels)
    if label is not None:
        rest = lower[len(label):].lstrip()[1:].strip()
        if not rest or (headline_shaped(rest) and len(rest.split()) <= 16):
            return True
    if (_reading_time_pattern().fullmatch(bare) or _time_ago_pattern().fullmatch(bare)
            or _pagination(bare)):
        return True
    if (m := _EMBED.fullmatch(lower)) and m.group(1).strip() in vocab.embed_tags:
        return True
    if _EDITOR_INITIALS.fullmatch(lower):
        return True
    return any(lower.rstrip(" .!").endswith(tail) for tail in vocab.cta_tails)


_EMBED = re.compile(r"\[\s*([^\]:]{1,20})(?::[^\]]*)?\]")
"""An embed placeholder: "[Gambas:Video CNBC]", "[video]"."""
_EDITOR_INITIALS = re.compile(r"\((?:[a-z]{2,6}(?:/[a-z]{2,6}){0,3}|\*+)\)")
"""The desk's initials closing an Indonesian news story: "(ant/rhm)", "(mdk)", "(*)"."""


@cache
def _reading_time_pattern() -> re.Pattern[str]:
    tails = "|".join(re.escape(t) for t in vocabulary().reading_time)
    return re.compile(rf"\d{{1,3}}\s*(?:{tails})")


@cache
def _time_ago_pattern() -> re.Pattern[str]:
    """A relative time stamp: "updated 2 hours ago", "3 jam yang lalu"."""
    vocab = vocabulary()
    labels = "|".join(re.escape(t) for t in vocab.date_labels)
    tails = "|".join(re.escape(t) for t in vocab.time_ago)
    return re.compile(rf"(?:(?:{labels})\s*:?\s*)?\d{{1,3}}\s*(?:{tails})")


def _pagination(bare: str) -> bool:
    """A page-number bar: "halaman: 1 2 3", "page 2 of 3", "1 2 3 selanjutnya"."""
    vocab = vocabulary()
    tokens = re.findall(r"[^\s,:|/-]+", bare)
    numbers = sum(t.isdigit() for t in tokens)
    opener = bool(tokens) and tokens[0] in vocab.pagination
    return numbers >= 1 and (opener or numbers >= 2) and all(
        t.isdigit() or t in vocab.pagination_words or (k == 0 and opener)
        for k, t in enumerate(tokens)) and (opener or any(
            t in vocab.pagination_words for t in tokens))


def _team_byline(text: str, *, anywhere: bool) -> bool:
    """A newsroom credited as a team: "Tim Redaksi Tempo.co", "Redaksi", "CNA Staff". Away
    from the lead (``anywhere``) only with a web address in it ("Tim Liputan6.com")."""
    words = text.split()
    if len(words) > 6 or text.endswith((".", "?", "!", ":")):
        return False
    lower = text.lower()
    vocab = vocabulary()
    outlet = ""
    if (hit := _prefix_hit(lower, vocab.byline_team_prefixes)) is not None:
        outlet = text[len(hit):].strip()
        if hit not in ("tim redaksi", "redaksi") and not _WEB_NAME.search(outlet):
            return False  # "Tim Riset Temukan Bukti" is a heading; "Tim Kompas.com" a byline
    else:
        tail = next((t for t in vocab.byline_team_suffixes
                     if lower.endswith(" " + t)), None)
        if tail is None:
            return False
        outlet = text[:len(text) - len(tail)].strip()
        if not (_WEB_NAME.search(outlet) or re.fullmatch(r"[A-Z]{2,6}", outlet)):
            return False  # "CNA Staff", not "Hospital Staff"
    if anywhere and not _WEB_NAME.search(outlet):
        return False
    return all(w[:1].isupper() or _WEB_NAME.search(w) for w in outlet.split())


_WEB_NAME = re.compile(r"\w\.(?:com|co|id|my|net|org|or\.id|co\.id|sg|ph|th|vn)\b|\w+com\b",
                       re.IGNORECASE)
"""A newsroom's web name: "Tempo.co", "Liputan6.com", "detikcom"."""


def _names_with_outlet(text: str) -> bool:
    """``Dian Septiari (The Jakarta Post)``, ``Ratna W. (peneliti) dan Fadli R. (analis),
    Pelabuhan Gagasan``: names, each followed by its outlet or its role in brackets."""
    if len(text.split()) > 24 or text.endswith((".", "?", "!", ":")):
        return False
    groups = _PAREN.findall(text)
    if not groups or (not text.rstrip().endswith(")") and "," not in text.rsplit(")", 1)[1]):
        return False
    if not all(_outlet_shaped(g) or _is_role(g) for g in groups):
        return False
    rest = _PAREN.sub(" ", text)
    names, _, org = rest.partition(",")
    words = [w for w in _LETTER_WORD.findall(names) if w.lower() not in _NAME_PARTICLES]
    org_words = _LETTER_WORD.findall(org)
    vocab = vocabulary()
    common = vocab.opening | vocab.closing | vocab.part_nouns | vocab.function_words
    if names.isupper() or vocab_hit(names, common) or any(w.lower() in common for w in words):
        return False  # "KUALA LUMPUR (Reuters)", "Latar Belakang (Konteks)"
    return (2 <= len(words) <= 8 and all(w[:1].isupper() for w in words)
            and len(org_words) <= 6 and all(w[:1].isupper() for w in org_words)
            and not any(g.isupper() and _initials_of(g, names) for g in groups))


def _outlet_shaped(text: str) -> bool:
    """A news outlet's name: "The Jakarta Post", "Antara", "AFP", "Tempo.co"."""
    words = text.split()
    if _WEB_NAME.search(text):
        return len(words) <= 3
    if not 1 <= len(words) <= 4 or any(c.isdigit() for c in text):
        return False
    if len(words) > 1 and words[0].lower() != "the":
        return False
    return all(w[:1].isupper() for w in words)


def _initials_of(acronym: str, words: str) -> bool:
    """"BI" in "Bank Indonesia (BI)": an acronym spelled by the words before it."""
    initials = "".join(w[:1] for w in words.split()).upper()
    return len(acronym) > 1 and acronym in initials


_COPYRIGHT = re.compile(r"(?:copyright|\(c\))\s*(?:©\s*)?(?:19|20)\d\d\b")


@cache
def _dateline_pattern() -> re.Pattern[str]:
    vocab = vocabulary()

    def alternatives(words: Iterable[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    month = alternatives(vocab.months)
    day, year = r"\d{1,2}", r"(?:19|20)\d\d"
    date = (rf"(?P<numeric>{day}[/.-]{day}[/.-]{year})|(?P<iso>{year}-\d\d-\d\d)"
            rf"|(?P<dmy>{day}\s+(?:{month})\.?,?\s+{year})"
            rf"|(?P<mdy>(?:{month})\.?\s+{day},?\s+{year})")
    return re.compile(
        # the place: "Jakarta, ", "Kuala Lumpur ● ", "Kuala Lumpur | "
        r"(?:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}(?:,|\s*[●•·|–—-])\s*)?"
        rf"(?i:(?:(?:{alternatives(vocab.date_labels)})(?:\s+(?:on|pada))?\s*:?\s*)?"
        rf"(?:(?:{alternatives(vocab.weekdays)})\.?\s*,?\s*)?"
        rf"\(?(?:{date})\)?"
        r"(?:\s*[,|·•●/–—-]?\s*(?:at|pukul|jam)?\s*\d{1,2}[:.]\d\d"
        r"(?:\s*(?:am|pm|wib|wita|wit|myt|sgt|utc|gmt))?)?)\.?\s*")


def dateline_date(text: str) -> dt.date | None:
    """The date of a line that gives only a date, with at most a place, a label, a weekday and
    a time around it: "Jakarta, Kamis (26/11/2026)", "Published 14 November 2026", "Updated:
    March 3, 2025 at 2:30 pm". Day-first for numeric dates, unless the second number cannot be a
    month."""
    match = _dateline_pattern().fullmatch(text.strip())
    if match is None:
        return None
    months = vocabulary().months
    numbers = [int(n) for n in re.findall(r"\d+", match.group("numeric") or match.group("iso")
                                           or "")]
    try:
        if match.group("iso"):
            return dt.date(numbers[0], numbers[1], numbers[2])
        if match.group("numeric"):
            first, second, year = numbers
            return (dt.date(year, first, second) if second > 12
                    else dt.date(year, second, first))
        part = match.group("dmy") or match.group("mdy")
        words = re.findall(r"[^\W\d_]+", part)
        digits = [int(n) for n in re.findall(r"\d+", part)]
        return dt.date(digits[-1], months[words[0].lower()], digits[0])
    except (ValueError, KeyError):
        return None


def links_on_next_line(text: str) -> bool:
    """A leftover label alone on its line before a colon ("Baca juga:", "Read more:"): the
    headline it links to was copied onto the next line ("ADVERTISEMENT" links nothing)."""
    lower = text.lower().strip()
    return lower.endswith(":") and lower[:-1].rstrip() in vocabulary().drop_prefixes


def headline_shaped(text: str) -> bool:
    """Short and not a sentence: the title of a linked article."""
    return len(text.split()) <= 14 and not text.endswith((".", "!"))


def _credits(text: str) -> list[str]:
    """The credits of a line: ``(Reporting by A; Editing by B)`` -> two, a plain line -> one."""
    inner = text.strip()
    if inner.startswith("(") and inner.endswith(")"):
        inner = inner[1:-1]
    notes = vocabulary().credit_notes
    return [part.strip() for part in inner.split(";")
            if part.strip() and _prefix_hit(part.strip().lower(), notes) is None]


_DEGREES = re.compile(r"(?:,\s*(?:[A-Z][a-z]{0,3}\.){1,3})+\s*$")
"""Academic degrees after a name: ", S.H., M.H.", ", M.Si.", ", Ph.D."."""


def _without_degrees(text: str) -> str:
    return _DEGREES.sub("", text)


def _prefixed_byline(text: str) -> bool:
    """``Penulis: Rina``, ``By Jane Doe``, ``Teks: Nama``: a byline label, then names."""
    text = _without_degrees(text)
    lower = text.lower()
    vocab = vocabulary()
    hit = _prefix_hit(lower, vocab.byline_prefixes) or _label_hit(lower, vocab.byline_labels)
    # "Penulis: Nurul Hidayati dan Gede Artawan, Tim Analisis Kesehatan ...": after a label
    # and a colon, the names may carry a team or a role.
    longest = 16 if hit is not None and lower[len(hit):].lstrip()[:1] == ":" else 10
    if hit is None or len(text.split()) > longest or text.endswith((".", "?", "!")):
        return False
    rest = text[len(hit):].lstrip(" :")
    if rest.startswith(":"):
        rest = rest[1:]
    rest = _names_part(rest)
    names = [w for w in _LETTER_WORD.findall(rest) if w.lower() not in _NAME_PARTICLES]
    return bool(names) and names[0][:1].isupper() and all(w[:1].isupper() for w in names)


def _names_with_role(text: str) -> bool:
    """``Natthaya Chaiyasit, Urban Mobility Fellow``: capitalised names, then a role."""
    if len(text.split()) > 14 or text.endswith((".", "?", "!", ":")):
        return False
    names = _names_part(text)
    if ":" in names:
        return False  # "Produksi: Naik Tipis, Didominasi Kapal Besar": a labelled heading
    role = text[len(names):].strip(" ,")
    words = [w for w in _LETTER_WORD.findall(names) if w.lower() not in _NAME_PARTICLES]
    return (bool(role) and _is_role(role) and 2 <= len(words) <= 8
            and all(w[:1].isupper() for w in words))


def _is_role(text: str) -> bool:
    roles = vocabulary().byline_roles
    return any(w.lower() in roles for w in _LETTER_WORD.findall(text))


def is_source_note(text: str) -> bool:
    """``Sumber: BPS``, ``Source: IMF``: a paragraph naming the source, never a heading."""
    lower = text.lower()
    hit = _prefix_hit(lower, vocabulary().source_prefixes)
    return hit is not None and lower[len(hit):].lstrip()[:1] == ":"


def list_item_shaped(text: str) -> bool:
    """Whether a line after a lead-in ending in ":" can be an item of an unmarked list: one
    short clause, not a source note, not a capitalised sentence."""
    if len(text.split()) > CANDIDATE_MAX_WORDS or inner_sentence(text) or (
            text[:1] in _QUOTES_OPEN):
        return False
    if _prefix_hit(text.lower(), vocabulary().source_prefixes) is not None:
        return False
    return not (text.endswith((".", "!", "?")) and text[:1].isupper())


def _names_part(text: str) -> str:
    """The names of a byline without the role or the place after them ("Hana P., dosen HI"
    -> "Hana P."; "Carmela Reyes in Iloilo" -> "Carmela Reyes")."""
    words = text.split(" ")
    places = vocabulary().byline_places
    for k, word in enumerate(words[1:-1], start=1):
        if word in places and words[k + 1][:1].isupper():
            text = " ".join(words[:k])
            break
    parts = text.split(",")
    kept = [parts[0]]
    for part in parts[1:]:
        if not part.strip()[:1].isupper() or _is_role(part):
            break
        kept.append(part)
    return ",".join(kept)


def _label_hit(lower: str, labels: Iterable[str]) -> str | None:
    """The label ``lower`` starts with when a colon follows it ("teks: ...")."""
    hit = _prefix_hit(lower, labels)
    return hit if hit is not None and lower[len(hit):].lstrip()[:1] == ":" else None


def byline_names(text: str) -> tuple[str, ...]:
    """The people a byline names: ``Penulis: Rina W. dan Budi`` -> ("Rina W.", "Budi");
    ``(Reporting by A; Editing by B)`` -> ("A", "B")."""
    credits = _credits(text)
    if len(credits) > 1:
        return tuple(dict.fromkeys(name for part in credits for name in byline_names(part)))
    text = _without_degrees(credits[0] if credits else text)
    lower = text.lower()
    vocab = vocabulary()
    hit = _prefix_hit(lower, vocab.byline_prefixes) or _label_hit(lower, vocab.byline_labels) or ""
    rest = text[len(hit):].strip().lstrip(":").strip()
    if "(" in rest[1:]:
        # "A (peneliti) dan B (analis), Outlet": the brackets give roles or outlets, the part
        # after the last one the organisation, not names.
        last = rest.rfind(")")
        if rest[last + 1:].lstrip().startswith(","):
            rest = rest[:last + 1]
        rest = " ".join(_PAREN.sub(" ", rest).split())
    rest = _names_part(re.split(r"\s*[|/(]\s*", rest)[0])
    parts = re.split(r"\s*(?:,|;|&|\band\b|\bdan\b)\s*", rest)
    return tuple(p.strip() for p in parts if p.strip())


def author_names(text: str) -> tuple[str, ...]:
    """The authors a byline names: :func:`byline_names` without the editors ("Editor: Bambang",
    "(Reporting by A; Editing by B)" -> ("A",)): an editor is credited, not an author."""
    labels = vocabulary().editor_labels
    credits = _credits(text) or [text]
    return tuple(dict.fromkeys(
        name for part in credits if _prefix_hit(part.lower(), labels) is None
        for name in byline_names(part)))


# --------------------------------------------------------------------------- line traits


def case_style(text: str) -> str:
    """"caps", "title", "sentence" or "other" (numbers and quote marks ignored)."""
    body = _HEADING_NUMBER.sub("", text)
    words = _LETTER_WORD.findall(body)
    letters = [c for c in body if c.isalpha()]
    if not words or not letters:
        return "other"
    if all(not c.islower() for c in letters) and len(letters) > 1:
        return "caps"
    fw = vocabulary().function_words
    content = [w for w in words[1:] if w.lower() not in fw and len(w) > 3]
    if not content:
        return "title" if words[0][:1].isupper() else "other"
    upper = sum(w[:1].isupper() for w in content)
    if upper >= 0.75 * len(content):
        return "title"
    if upper <= 0.34 * len(content) and words[0][:1].isupper():
        return "sentence"
    return "other"


def signature(text: str) -> str:
    """The look of a heading: case style, numbering scheme and depth, colon, question mark.
    Headings of one level usually share it."""
    m = _HEADING_NUMBER.match(text)
    scheme = "none"
    if m is not None:
        scheme = ("roman" if m.group(3) else "letter" if m.group(4)
                  else f"arabic{m.group(0).strip().rstrip('.)').count('.') + 1}")
    body = _strip_number(text)
    return "|".join((case_style(text), scheme, str(":" in body[:-1]), str(body.endswith("?"))))


def numbering(text: str) -> tuple[int, int] | None:
    """``(depth, number)`` of a numbered heading: "2.1 Scope" -> (2, 1), "IV. X" -> (1, 4)."""
    m = _HEADING_NUMBER.match(text)
    if m is None:
        return None
    if m.group(3):
        return 1, _roman(m.group(3))
    if m.group(4):
        return 1, ord(m.group(4)) - ord("A") + 1
    parts = re.findall(r"\d+", m.group(0))
    return len(parts), int(parts[-1])


def number_path(text: str) -> tuple[int, ...] | None:
    """Every number of a numbered heading: "2.1 Scope" -> (2, 1), "IV. X" -> (4,),
    "C. Y" -> (3,)."""
    m = _HEADING_NUMBER.match(text)
    if m is None:
        return None
    if m.group(3):
        return (_roman(m.group(3)),)
    if m.group(4):
        return (ord(m.group(4)) - ord("A") + 1,)
    return tuple(int(part) for part in re.findall(r"\d+", m.group(0)))


def _roman(numeral: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for i, ch in enumerate(numeral):
        v = values[ch]
        total += -v if i + 1 < len(numeral) and values[numeral[i + 1]] > v else v
    return total


def _strip_number(text: str) -> str:
    return _HEADING_NUMBER.sub("", text).strip()


def _norm(text: str) -> str:
    return _strip_number(text).lower().strip(" .:?!\"“”")


def vocab_hit(text: str, words: frozenset[str]) -> bool:
    """Whether ``text`` is, or starts with, an entry of ``words`` ("Kesimpulan: ...")."""
    norm = _norm(text)
    if len(norm.split()) > 7:
        return False
    if norm in words:
        return True
    return any(norm.startswith(w) and norm[len(w):len(w) + 1] in (" ", ":", ",", "-", "–", "—")
               and len(norm.split()) <= len(w.split()) + 4 for w in words)


def content_words(text: str) -> frozenset[str]:
    """Lower-cased words of three or more letters that are not function words."""
    fw = vocabulary().function_words
    return frozenset(w for w in (m.lower() for m in _WORD.findall(text))
                     if len(w) >= 3 and w not in fw and not w.isdigit())


def _stem_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of ``a``'s words that appear in ``b`` (prefix match of 5 letters, for inflections)."""
    if not a:
        return 0.0
    return _overlap_of(a, b)


@lru_cache(maxsize=4096)
def _overlap_of(a: frozenset[str], b: frozenset[str]) -> float:
    # The decoder asks about the same few word sets again and again (an open section's intro
    # against the next headings, per hypothesis): frozensets keep their hash, so a hit is cheap.
    stems = {w[:5] for w in b}
    return sum(w[:5] in stems for w in a) / len(a)


def announced_count(text: str) -> int | None:
    """The number of parts a lead-in announces ("Ada tiga alasan:" -> 3), or None."""
    tail = re.split(r"[.!?]\s", text)[-1].lower()
    found = [int(w) if w.isdecimal() else vocabulary().count_words.get(w, -1)
             for w in _WORD.findall(tail) if w.isdecimal() or w in vocabulary().count_words]
    found = [n for n in found if n >= 0]
    return found[0] if len(found) == 1 and 0 < found[0] < 10 else None


def count_in(text: str) -> int | None:
    """A number of parts a heading or an intro names in words ("Tiga Kesan Utama", "three
    other groups could fill the gap"): the last count word, 2 to 7, with a part noun in the
    three words after it ("survived three wars" counts no parts)."""
    vocab = vocabulary()
    tokens = _WORD.findall(text.lower())
    found = [vocab.count_words[w] for k, w in enumerate(tokens)
             if 2 <= vocab.count_words.get(w, 0) <= 7
             and any(t in vocab.part_nouns for t in tokens[k + 1:k + 4])]
    return found[-1] if found else None


def inner_sentence(text: str) -> bool:
    for m in _SENTENCE_END.finditer(text):
        token = text[:m.start()].rsplit(" ", 1)[-1].lower().strip("\"'“‘(")
        if token and token not in vocabulary().abbreviations and not (
                len(token) == 1 or re.fullmatch(r"(?:\w\.)+\w", token)):
            return True
    return False


# --------------------------------------------------------------------------- items


@dataclass(frozen=True, slots=True)
class Item:
    """One body unit as the model sees it."""

    index: int
    kind: ItemKind
    text: str
    line: int
    explicit_level: int | None = None
    """Level 2/3 an author gave with ``#`` lines (already normalised)."""

    @property
    def n_words(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True, slots=True)
class Context:
    """Facts about the whole article, computed once before any decision."""

    items: tuple[Item, ...]
    shapes: tuple[bool, ...]
    """Per item: heading-shaped (short, no sentence punctuation, capitalised)."""
    styles: tuple[str, ...]
    words: tuple[frozenset[str], ...]
    median_words: float
    style_share: Mapping[str, float]
    """Share of the heading-shaped lines that have each case style."""
    questions: int
    """Heading-shaped lines ending in "?"."""
    shaped: int
    """Heading-shaped lines in all."""
    paragraphs_after: tuple[int, ...]
    """Per item: paragraphs between it and the next heading-shaped item."""
    next_shaped: tuple[int | None, ...]
    """Per item: the index of the next heading-shaped item, if any."""
    announces_after: tuple[bool, ...]
    """Per item: a paragraph between it and the next heading-shaped item counts, signposts
    or leads in."""
    traits: tuple[Traits, ...]
    """Per item: what the level features ask of its text, computed once."""
    heading_numbers: frozenset[tuple[int, int]]
    """``(depth, number)`` of every heading-shaped numbered item."""
    one_look: float = 0.0
    """Share of the heading-shaped candidate lines that have the article's most common look:
    near 1 when sections and subsections look alike, so the look cannot tell them apart."""
    question_share: float = 0.0
    """Share of the heading-shaped lines that are questions."""
    paragraphs_before: tuple[int, ...] = ()
    """Per item: paragraphs between the previous heading-shaped item and it."""
    median_gap: float = 2.0
    """Median number of paragraphs between two heading-shaped items."""
    interrupts_numbering: tuple[bool, ...] = ()
    """Per item: see :func:`_interrupting_numbering`."""


@dataclass(frozen=True, slots=True)
class Traits:
    """Facts about one item's text that do not depend on a hypothesis."""

    closing: bool
    opening: bool
    number: tuple[int, int] | None
    number_path: tuple[int, ...] | None
    look: str
    signpost: bool
    announced: int | None
    lead_in: bool
    counts: bool
    """The text names a number of parts ("Three Pressures", "Dua Sisi", "Several Ways")."""
    count: int | None
    """How many, when it says in words (:func:`count_in`)."""


def heading_shaped(text: str) -> bool:
    """Short, no sentence-final punctuation, not starting in lower case, one sentence, some
    letters, not a row of a pasted table ("| Q1 | 120 |", "|---|---|")."""
    body = _strip_number(text) or text
    words = body.split()
    if (not words or len(words) > 20 or len(body) > 200 or not any(c.isalpha() for c in body)
            or body.startswith("|") or body.endswith("|")):
        return False
    if body[-1] in ".!,;…:" and not (body.endswith(".") and len(words) <= 3
                                      and vocab_hit(body, vocabulary().closing)):
        last = body.rsplit(" ", 1)[-1].rstrip(".").lower()
        if not (body.endswith(".") and last in vocabulary().abbreviations):
            return False
    first = next((c for c in body if c.isalnum()), "")
    if first.islower() or body[0] in _QUOTES_OPEN:
        return False
    return not inner_sentence(body) and body.count(",") <= 3


def make_context(items: Sequence[Item]) -> Context:
    shapes = tuple(it.kind in ("candidate", "explicit") and heading_shaped(it.text)
                   for it in items)
    styles = tuple(case_style(it.text) for it in items)
    words = tuple(content_words(it.text) for it in items)
    lengths = sorted(it.n_words for it in items if it.kind in ("candidate", "paragraph")
                     and it.n_words > CANDIDATE_MAX_WORDS // 2) or [40]
    shaped_styles = [s for s, ok in zip(styles, shapes, strict=True) if ok]
    share = {s: shaped_styles.count(s) / len(shaped_styles) for s in set(shaped_styles)}
    questions = sum(1 for it, ok in zip(items, shapes, strict=True)
                    if ok and it.text.endswith("?"))
    vocab = vocabulary()
    traits = tuple(Traits(
        closing=vocab_hit(it.text, vocab.closing), opening=vocab_hit(it.text, vocab.opening),
        number=numbering(it.text), number_path=number_path(it.text), look=signature(it.text),
        signpost=it.kind in ("candidate", "paragraph") and _signposts(it.text),
        announced=announced_count(it.text) if it.text.endswith(":") else None,
        lead_in=it.kind in ("candidate", "paragraph") and it.text.endswith(":"),
        counts=any(w.lower() in vocab.count_words for w in _WORD.findall(it.text)),
        count=count_in(it.text))
        for it in items)
    # What lies between each item and the next heading-shaped one, in one pass from the end.
    after = [0] * len(items)
    following: list[int | None] = [None] * len(items)
    announcing = [False] * len(items)
    running, next_index, announces = 0, None, False
    for k in range(len(items) - 1, -1, -1):
        after[k], following[k], announcing[k] = running, next_index, announces
        if shapes[k]:
            running, next_index, announces = 0, k, False
        elif items[k].kind in ("candidate", "paragraph"):
            running += 1
            t = traits[k]
            announces = announces or bool(t.count or t.signpost or t.lead_in)
    before = [0] * len(items)
    running = 0
    gaps: list[int] = []
    for k, it in enumerate(items):
        before[k] = running
        if shapes[k]:
            gaps.append(running)
            running = 0
        elif it.kind in ("candidate", "paragraph"):
            running += 1
    gaps = sorted([*gaps[1:], running]) if gaps else [running]
    looks = Counter(t.look for t, it, ok in zip(traits, items, shapes, strict=True)
                    if ok and it.kind == "candidate")
    return Context(tuple(items), shapes, styles, words, float(lengths[len(lengths) // 2]),
                   share, questions, sum(shapes), tuple(after), tuple(following),
                   tuple(announcing), traits,
                   frozenset(t.number for t, ok in zip(traits, shapes, strict=True)
                             if ok and t.number is not None),
                   one_look=max(looks.values()) / looks.total() if looks else 0.0,
                   question_share=questions / sum(shapes) if any(shapes) else 0.0,
                   paragraphs_before=tuple(before),
                   median_gap=float(max(gaps[len(gaps) // 2], 1)),
                   interrupts_numbering=_interrupting_numbering(traits, shapes))


def by_regime(ctx: Context, features: dict[str, float]) -> dict[str, float]:
    """``features`` and two copies scaled by the article's regime: how alike its headings look
    and how many are questions. A linear model then weighs each piece of evidence by the kind
    of article it is in: where sections and subsections share one look, the look says nothing
    and the paragraphs and intros must decide; where headings are questions, a question mark
    says little."""
    out = dict(features)
    for name, value in features.items():
        out[f"one_look:{name}"] = value * ctx.one_look
        out[f"questions:{name}"] = value * ctx.question_share
    return out


# --------------------------------------------------------------------------- features


def _next_kind(ctx: Context, i: int) -> str:
    if i + 1 >= len(ctx.items):
        return "end"
    nxt = ctx.items[i + 1]
    if nxt.kind == "list":
        return "list"
    if nxt.kind == "explicit" or ctx.shapes[i + 1]:
        return "shaped"
    if nxt.kind == "break":
        return "break"
    return "prose"


def _prev_kind(ctx: Context, i: int) -> str:
    if i == 0:
        return "start"
    prev = ctx.items[i - 1]
    if prev.kind == "list":
        return "list"
    if prev.kind in ("candidate", "paragraph") and prev.text.endswith(":"):
        return "lead_in"
    if prev.kind == "explicit" or ctx.shapes[i - 1]:
        return "shaped"
    return "prose"


def heading_features(ctx: Context, i: int) -> dict[str, float]:
    """Named evidence on whether item ``i`` (a candidate line) is a heading."""
    item = ctx.items[i]
    text = item.text
    body = _strip_number(text) or text
    n = item.n_words
    vocab = vocabulary()
    f: dict[str, float] = {}
    f["shape_ok"] = float(ctx.shapes[i])
    f["words"] = min(n, CANDIDATE_MAX_WORDS) / 10
    f["one_or_two_words"] = float(n <= 2)
    f["over_12_words"] = float(n > 12)
    f["relative_length"] = min(n / max(ctx.median_words, 1.0), 2.0)
    last = body[-1:]
    f["ends_period"] = float(last == ".")
    f["ends_question"] = float(last == "?")
    f["ends_colon"] = float(last == ":")
    f["ends_other_punct"] = float(last in "!,;…")
    f["ends_quote"] = float(last in _QUOTES_CLOSE)
    f["starts_quote"] = float(body[:1] in _QUOTES_OPEN)
    f["starts_dash"] = float(body[:1] in _DASHES)
    f["starts_lower"] = float(body[:1].islower())
    f["inner_sentence"] = float(inner_sentence(body))
    f["commas"] = min(body.count(","), 4) / 2
    f["colon_inside"] = float(":" in body[:-1])
    style = ctx.styles[i]
    f[f"style_{style}"] = 1.0
    others = ctx.shaped - ctx.shapes[i]
    if others >= 2:
        share = (ctx.style_share.get(style, 0.0) * ctx.shaped - ctx.shapes[i]) / others
        f["style_shared"] = share
        f["style_lonely"] = float(share < 0.2)
    if others >= 2 and last == "?":
        asked = ctx.questions - (ctx.shapes[i] and text.endswith("?"))
        f["question_lonely"] = float(asked / others < 0.25)
    f["numbered"] = float(numbering(text) is not None)
    f["numbered_in_sequence"] = float(_numbered_in_sequence(ctx, i))
    f["interview_label"] = float(_label_hit(text.lower(), vocab.interview_labels) is not None)
    f["interrupts_numbering"] = float(ctx.interrupts_numbering[i])
    f["closing_word"] = float(vocab_hit(text, vocab.closing))
    f["opening_word"] = float(vocab_hit(text, vocab.opening))
    first_word = (_LETTER_WORD.findall(body) or [""])[0].lower()
    f["question_word"] = float(first_word in vocab.question_words)
    f["yes_no_question"] = float(last == "?" and first_word in vocab.auxiliaries)
    lower = body.lower()
    connective = [c for c in vocab.connectives
                  if lower.startswith(c) and lower[len(c):len(c) + 1] in (",", " ")]
    f["starts_connective"] = float(any(
        lower[len(c):len(c) + 1] == "," or n > 6 for c in connective))
    f["starts_connective_short"] = float(bool(connective) and not f["starts_connective"])
    tokens = [w.lower() for w in _WORD.findall(body)]
    f["function_ratio"] = (sum(t in vocab.function_words for t in tokens) / len(tokens)
                           if tokens else 0.0)
    f["first_person"] = float(any(t in vocab.first_person for t in tokens))
    f["refers_back"] = float(any(t in vocab.back_references for t in tokens))
    f["digits"] = float(any(c.isdigit() for c in _strip_number(body)))
    nxt, prev = _next_kind(ctx, i), _prev_kind(ctx, i)
    f[f"next_{nxt}"] = 1.0
    f[f"prev_{prev}"] = 1.0
    if nxt == "prose":
        f["next_overlap"] = _stem_overlap(ctx.words[i], ctx.words[i + 1])
        if last == "?":
            # "Is that changing?" / "Slowly, she says.": a question answered in a word or
            # three is asked by the text, not by a heading.
            answer = re.split(r"(?<=[.!?])\s", ctx.items[i + 1].text, maxsplit=1)[0]
            f["answered_at_once"] = float(len(answer.split()) <= 3)
    f["last_item"] = float(i == len(ctx.items) - 1)
    f["first_item"] = float(i == 0)
    before, after = ctx.paragraphs_before[i], ctx.paragraphs_after[i]
    f["gap_before"] = min(before, 4) / 4
    f["gap_after"] = min(after, 4) / 4
    f["merged_vs_median"] = min((before + after + 1) / ctx.median_gap, 3.0) / 3
    f["both_sides_short"] = float(before <= 1 and after <= 1 and ctx.median_gap >= 2)
    return by_regime(ctx, f)


def _numbered_in_sequence(ctx: Context, i: int) -> bool:
    """Another heading-shaped line of the article carries the number before or after this one
    at the same depth ("4. Lessons" ... "5. Recommendations"): a numbering scheme, not a list
    item that happens to stand alone."""
    num = ctx.traits[i].number
    if num is None:
        return False
    depth, n = num
    return (depth, n - 1) in ctx.heading_numbers or (depth, n + 1) in ctx.heading_numbers


def _interrupting_numbering(traits: Sequence[Traits], shapes: Sequence[bool]) -> tuple[bool, ...]:
    """Per item: unnumbered, between two numbered heading-shaped lines of one depth whose numbers
    follow each other ("3. Open Questions" ... it ... "4. A Middle Way"): not a section of that
    scheme."""
    numbers = [t.number if ok else None for t, ok in zip(traits, shapes, strict=True)]
    before: list[tuple[int, int] | None] = []
    last: tuple[int, int] | None = None
    for number in numbers:
        before.append(last)
        last = number or last
    out = [False] * len(numbers)
    last = None
    for k in range(len(numbers) - 1, -1, -1):
        prev = before[k]
        out[k] = (traits[k].number is None and prev is not None and last is not None
                  and prev[0] == last[0] and last[1] == prev[1] + 1)
        last = numbers[k] or last
    return tuple(out)


@dataclass(frozen=True, slots=True)
class OpenSection:
    """The section a hypothesis has open when it reaches a heading."""

    index: int
    """Item index of the open H2."""
    children: int = 0
    intro: frozenset[str] = frozenset()
    """Content words of the paragraphs between the H2 and its first subsection."""
    signpost: bool = False
    """Its intro announces parts ("dua kelompok", "as follows", a count word)."""
    intro_words: int = 0
    """Words in the paragraphs between the H2 and its first subsection."""
    intro_paragraphs: int = 0
    paragraphs_since: int = 0
    """Paragraphs since the last heading of this section."""
    announced: int | None = None
    expected: int | None = None
    """Parts the section's heading or intro names in words ("Tiga Kesan Utama")."""
    last_child: int | None = None
    number: tuple[int, int] | None = None
    child_number: tuple[int, int] | None = None
    section_path: tuple[int, ...] | None = None
    """The numbers of the last numbered section, this one or an earlier one ("2." stays the
    last while an unnumbered section is open)."""
    ends_lead_in: bool = False
    """The last paragraph before the current position ends with ":"."""
    h2_looks: tuple[str, ...] = ()
    """Signatures of the sections so far (including this one)."""
    h3_looks: tuple[str, ...] = ()
    """Signatures of the subsections so far, in every section."""
    parents: int = 0
    """Earlier sections that had subsections."""
    flats: int = 0
    """Earlier sections that had none."""
    intro_list: bool = False
    """A list stands between the H2 and its first subsection: the lead-in before it announced
    the list's items, not subsections."""


_OPEN_FIELDS = tuple(f.name for f in dataclasses.fields(OpenSection))
_OPEN_VALUES = attrgetter(*_OPEN_FIELDS)
_OPEN_POSITION = {name: k for k, name in enumerate(_OPEN_FIELDS)}


def _replace_open(open_: OpenSection, **changes: object) -> OpenSection:
    """``dataclasses.replace(open_, **changes)``, ~1.4x as fast (the decoder makes tens of
    thousands per article): every field is read at once, and the class is called with them in
    order."""
    values = list(_OPEN_VALUES(open_))
    for name, value in changes.items():
        values[_OPEN_POSITION[name]] = value
    return OpenSection(*values)


def _next_shaped(ctx: Context, i: int, count: int) -> list[int]:
    """Item ``i`` and up to ``count - 1`` heading-shaped items after it (within 60 items)."""
    found = [i]
    for k in range(i + 1, min(len(ctx.items), i + 60)):
        if len(found) == count:
            break
        if ctx.shapes[k]:
            found.append(k)
    return found


def _paragraphs_after(ctx: Context, i: int) -> int:
    """Paragraphs between item ``i`` and the next heading-shaped item."""
    return ctx.paragraphs_after[i]


def level_features(ctx: Context, i: int, open_: OpenSection | None,
                   prev_label: Label | None, later_shaped: bool) -> dict[str, float]:
    """Named evidence on whether heading ``i`` is a section (H2) rather than a subsection."""
    item = ctx.items[i]
    text = item.text
    traits = ctx.traits[i]
    f: dict[str, float] = {}
    f["closing_word"] = float(traits.closing)
    f["opening_word"] = float(traits.opening)
    f["followed_by_heading"] = float(_next_kind(ctx, i) == "shaped")
    f["after_h2"] = float(prev_label == "h2")
    f["after_h3"] = float(prev_label == "h3")
    f["last_heading"] = float(not later_shaped)
    f["words"] = min(item.n_words, 15) / 10
    next_heading = ctx.next_shaped[i]
    if next_heading is not None and i + 1 < next_heading < i + 60:
        # Text and then another heading: one short or announcing paragraph there is the intro
        # of a section that has subsections, seen before any of them is decided.
        f["text_after_then_heading"] = 1.0
        f["text_after_short"] = float(ctx.paragraphs_after[i] == 1)
        f["text_after_announces"] = float(ctx.announces_after[i])
    num = traits.number
    f["interrupts_numbering"] = float(ctx.interrupts_numbering[i])
    if num is not None:
        f["number_depth_1"] = float(num[0] == 1)
        f["number_depth_2"] = float(num[0] >= 2)
    if open_ is None:
        f["no_open_section"] = 1.0
        return by_regime(ctx, f)
    head = ctx.items[open_.index]
    f["open_has_children"] = float(open_.children > 0)
    f["open_children"] = min(open_.children, 4) / 2
    f["open_intro"] = float(open_.intro_paragraphs > 0 and open_.children == 0)
    f["open_paragraphs_since"] = min(open_.paragraphs_since, 4) / 2
    f["lead_in_before"] = float(open_.ends_lead_in)
    f["intro_signpost"] = float(open_.signpost and open_.children == 0)
    if open_.children == 0:
        # A one-sentence standfirst or a short intro opens subsections more often than it
        # makes a whole section; a section heading that counts ("Three Pressures", "Dua Sisi")
        # or asks why/how announces parts.
        f["intro_short"] = float(0 < open_.intro_words <= 25)
        f["intro_long"] = float(open_.intro_words > 90)
        f["intro_has_list"] = float(open_.intro_list)
        head_traits = ctx.traits[open_.index]
        f["section_heading_counts"] = float(head_traits.counts)
        f["section_heading_asks"] = float(ctx.items[open_.index].text.endswith("?"))
        if open_.intro:
            # An intro that names what follows: its words come back in the next headings.
            following = _next_shaped(ctx, i, 4)
            named = sum(_stem_overlap(ctx.words[k], open_.intro) > 0 for k in following)
            f["intro_names_following"] = named / len(following)
    if open_.announced is not None:
        f["announced_pending"] = float(open_.children < open_.announced)
        f["announced_complete"] = float(open_.children >= open_.announced)
    if open_.expected is not None and open_.announced is None:
        f["expected_pending"] = float(open_.children < open_.expected)
        f["expected_complete"] = float(open_.children >= open_.expected)
    if open_.intro:
        f["intro_overlap"] = _stem_overlap(ctx.words[i], open_.intro)
    f["heading_overlap"] = _stem_overlap(ctx.words[i], ctx.words[open_.index])
    f["same_style_as_section"] = float(ctx.styles[i] == ctx.styles[open_.index])
    if open_.last_child is not None:
        f["same_style_as_sibling"] = float(ctx.styles[i] == ctx.styles[open_.last_child])
        sibling = ctx.items[open_.last_child]
        f["sibling_question_match"] = float(text.endswith("?") == sibling.text.endswith("?"))
        to_section = abs(item.n_words - head.n_words)
        to_sibling = abs(item.n_words - sibling.n_words)
        f["length_nearer_section"] = float(to_section + 1 < to_sibling)
        f["length_nearer_sibling"] = float(to_sibling + 1 < to_section)
    f["section_question_match"] = float(text.endswith("?") == head.text.endswith("?"))
    earlier = open_.parents + open_.flats + 1
    has_children = open_.children > 0
    f["sections_like_this_one"] = (open_.parents + has_children if has_children
                                   else open_.flats + 1) / earlier if earlier > 1 else 0.5
    after = _paragraphs_after(ctx, i)
    if has_children:
        f["paragraphs_as_sibling"] = float(after == open_.paragraphs_since)
        f["more_paragraphs_than_sibling"] = float(after > open_.paragraphs_since)
    look = traits.look
    if len(open_.h2_looks) >= 2 or open_.h3_looks:
        f["looks_like_sections"] = open_.h2_looks.count(look) / len(open_.h2_looks)
    if open_.h3_looks:
        f["looks_like_subsections"] = open_.h3_looks.count(look) / len(open_.h3_looks)
    if num is not None:
        if open_.number is not None and num[0] == open_.number[0]:
            f["continues_section_number"] = float(num[1] == open_.number[1] + 1)
        if open_.child_number is not None and num[0] == open_.child_number[0]:
            f["continues_subsection_number"] = float(num[1] == open_.child_number[1] + 1)
        if num[0] == 1 and open_.number is None and open_.child_number is None:
            f["number_first"] = float(num[1] == 1)
        path, section = traits.number_path, open_.section_path
        if path is not None and section is not None:
            # "1.1" under "1.": a subsection; "2." after "1.", even with an unnumbered section
            # read between them: a section.
            f["extends_section_number"] = float(
                len(path) == len(section) + 1 and path[:-1] == section)
            f["next_section_number"] = float(
                len(path) == len(section) and path[:-1] == section[:-1]
                and path[-1] == section[-1] + 1)
    return by_regime(ctx, f)


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True, slots=True)
class LogisticModel:
    """``p = 1 / (1 + exp(-(bias + sum(weight * feature))))`` with named weights."""

    bias: float
    weights: Mapping[str, float]

    def logit(self, features: Mapping[str, float]) -> float:
        # sum(weight * value) in the features' order, as a generator would, without one
        # Python frame per feature (the decoder asks ~100 features per heading hypothesis).
        products = map(mul, map(self.weights.get, features, repeat(0.0)), features.values())
        total: float = sum(products)
        return self.bias + total

    def reasons(self, features: Mapping[str, float], top: int = 4) -> tuple[tuple[str, float], ...]:
        """The features that weighed most, each with its regime copies (:func:`by_regime`)
        added in: one piece of evidence, one figure."""
        totals: dict[str, float] = {}
        for k, v in features.items():
            base = k.rpartition(":")[2]
            totals[base] = totals.get(base, 0.0) + self.weights.get(k, 0.0) * v
        parts = [p for p in totals.items() if abs(p[1]) >= 0.05]
        parts.sort(key=lambda p: -abs(p[1]))
        return tuple((k, round(c, 2)) for k, c in parts[:top])


def doubt(label: Label, alternative: Label) -> Doubt:
    """The kind of doubt a rival labelling ``alternative`` of a line labelled ``label`` raises."""
    if label == "prose":
        return "text"
    return "heading" if alternative == "prose" else "level"


@dataclass(frozen=True, slots=True)
class StructureModel:
    heading: LogisticModel
    level: LogisticModel
    uncertain_margins: Mapping[Doubt, float] = field(
        default_factory=lambda: dict.fromkeys(DOUBTS, UNCERTAIN_MARGIN))
    """Per kind of doubt, the margin below which a decision is reported as uncertain: the
    level model's margins run lower than the heading model's, so one threshold for both would
    flag sure sections to catch unsure headings (fitted by ``tools.fit_structure``)."""

    def uncertain(self, label: Label, alternative: Label, margin: float) -> bool:
        return margin < self.uncertain_margins[doubt(label, alternative)]


def model_from_json(data: Mapping[str, object]) -> StructureModel:
    def one(part: object) -> LogisticModel:
        assert isinstance(part, dict)
        return LogisticModel(float(part["bias"]),
                             {str(k): float(v) for k, v in part["weights"].items()})
    margins = data.get("uncertain_margins")
    if margins is None:  # a model file from before the per-kind thresholds: one for all
        single = data.get("uncertain_margin", UNCERTAIN_MARGIN)
        assert isinstance(single, int | float)
        margins = dict.fromkeys(DOUBTS, float(single))
    assert isinstance(margins, dict) and set(margins) == set(DOUBTS)
    return StructureModel(one(data["heading"]), one(data["level"]),
                          {k: float(margins[k]) for k in DOUBTS})


@cache
def shipped_model() -> StructureModel:
    """The weights fitted on the corpus's training split (``structure_model.json``)."""
    text = (resources.files("lighthouse_docs.readers") / "structure_model.json").read_text(
        encoding="utf-8")
    return model_from_json(json.loads(text))


# --------------------------------------------------------------------------- decoding


@dataclass(frozen=True, slots=True)
class Decision:
    """What the decoder decided about one heading-shaped line, and why."""

    index: int
    line: int
    text: str
    label: Label
    alternative: Label
    margin: float
    """Log-odds by which the chosen outline beats the best one deciding this line as
    ``alternative``: the rival that makes the decision uncertain when one does, else the
    closest."""
    heading_probability: float
    section_probability: float | None
    reasons: tuple[tuple[str, float], ...]
    uncertain: bool
    """A rival is closer than the model's threshold for its kind of doubt: ``inspect`` marks
    it ``?``."""
    rivals: tuple[tuple[Label, float], ...] = ()
    """Every alternative label that was decoded, with its margin."""


@dataclass(slots=True, eq=False)
class _Hyp:
    """One partial outline in the beam; labels are kept as a linked list (parent pointers).

    Never changed once made (not frozen only because a frozen dataclass is several times
    slower to build, and the decoder makes thousands per article)."""

    score: float
    label: Label | None
    parent: _Hyp | None
    open_: OpenSection | None
    prev_label: Label | None
    p_section: float | None = None
    level_features: Mapping[str, float] | None = None


def _log_sigmoid(x: float) -> float:
    return -math.log1p(math.exp(-x)) if x > -30 else x


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-max(min(x, 30.0), -30.0)))


def _advance_open(open_: OpenSection | None, item: Item, ctx: Context) -> OpenSection | None:
    """The open section after a non-heading item."""
    if open_ is None:
        return None
    is_par = item.kind in ("candidate", "paragraph")
    intro = open_.intro
    intro_paragraphs = open_.intro_paragraphs
    signpost = open_.signpost
    if open_.children == 0 and is_par:
        intro = intro | ctx.words[item.index]
        intro_paragraphs += 1
        signpost = signpost or ctx.traits[item.index].signpost
        intro_words = open_.intro_words + item.n_words
    else:
        intro_words = open_.intro_words
    announced = open_.announced
    expected = open_.expected
    if open_.children == 0 and is_par:
        expected = ctx.traits[item.index].count or expected
    intro_list = open_.intro_list or (open_.children == 0 and item.kind == "list")
    if is_par and item.text.endswith(":"):
        count = ctx.traits[item.index].announced
        announced = count if count is not None else announced
    if item.kind == "list" and open_.ends_lead_in:
        # The lead-in's count was of the list's items, not of subsections.
        announced = None
        expected = None
    return _replace_open(
        open_, intro=intro, intro_paragraphs=intro_paragraphs, signpost=signpost,
        intro_words=intro_words,
        paragraphs_since=open_.paragraphs_since + int(is_par), announced=announced,
        expected=expected, intro_list=intro_list,
        ends_lead_in=is_par and item.text.endswith(":"))


@cache
def _signpost_pattern() -> re.Pattern[str]:
    vocab = vocabulary()
    words = sorted({*vocab.signposts, *vocab.count_words}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")


def _signposts(text: str) -> bool:
    """Whether the last sentence of a paragraph announces parts ("dua kelompok", "below")."""
    tail = re.split(r"(?<=[.!?])\s", text.strip())[-1].lower()
    return _signpost_pattern().search(tail) is not None


def _after_heading(open_: OpenSection | None, item: Item, label: Label,
                   ctx: Context) -> OpenSection:
    num = ctx.traits[item.index].number
    look = ctx.traits[item.index].look
    if label == "h2" or open_ is None:
        if open_ is None:
            return OpenSection(index=item.index, number=num, h2_looks=(look,),
                               expected=ctx.traits[item.index].count,
                               section_path=ctx.traits[item.index].number_path)
        return OpenSection(index=item.index, number=num, h2_looks=(*open_.h2_looks[-7:], look),
                           section_path=ctx.traits[item.index].number_path or open_.section_path,
                           expected=ctx.traits[item.index].count,
                           h3_looks=open_.h3_looks,
                           parents=open_.parents + (open_.children > 0),
                           flats=open_.flats + (open_.children == 0))
    return _replace_open(
        open_, children=open_.children + 1, paragraphs_since=0, last_child=item.index,
        child_number=num or open_.child_number, ends_lead_in=False,
        h3_looks=(*open_.h3_looks[-7:], look))


_UNSEEN = OpenSection(-1)
"""Marks a transition not computed yet (None is a state: no section open)."""


@dataclass(slots=True, eq=False)
class _Step:
    """What the decoder has worked out about one item met in one state (memo, filled as
    asked): the confidence re-decodes meet the same states at the same items again and
    again."""

    after: dict[Label | None, OpenSection | None] = field(default_factory=dict)
    """The open section after the item read as text (None) or as a heading."""
    level: dict[Label | None, _Level] = field(default_factory=dict)
    """Per previous label: the level model's answer for the item as a heading."""


@dataclass(frozen=True, slots=True)
class _Level:
    """The level model's answer for one heading in one state, and its log-probabilities."""

    logit: float
    features: Mapping[str, float]
    log_section: float
    """``log P(section)``."""
    log_subsection: float
    p_section: float


@dataclass(frozen=True, slots=True)
class _Scored:
    """The per-article scores that do not depend on a hypothesis."""

    ctx: Context
    head_logit: Mapping[int, float]
    head_reasons: Mapping[int, tuple[tuple[str, float], ...]]
    later_shaped: Sequence[bool]
    steps: dict[tuple[int, OpenSection | None], _Step] = field(default_factory=dict)
    """Per (item, open section before it)."""
    states: dict[OpenSection, OpenSection] = field(default_factory=dict)
    """One instance of each open section met: equal states are then the same object, and a
    memo lookup compares them by identity instead of field by field."""

    def step(self, i: int, open_: OpenSection | None) -> _Step:
        key = (i, open_)
        found = self.steps.get(key)
        if found is None:
            found = self.steps[key] = _Step()
        return found

    def after(self, step: _Step, i: int, open_: OpenSection | None, label: Label | None
              ) -> OpenSection | None:
        """The open section after item ``i`` (met in ``open_``, whose ``step`` this is)."""
        found = step.after.get(label, _UNSEEN)
        if found is not _UNSEEN:
            return found
        item = self.ctx.items[i]
        found = (_advance_open(open_, item, self.ctx) if label is None
                 else _after_heading(open_, item, label, self.ctx))
        if found is not None:
            found = self.states.setdefault(found, found)
        step.after[label] = found
        return found

    def level(self, model: StructureModel, step: _Step, i: int, open_: OpenSection | None,
              prev_label: Label | None) -> _Level:
        found = step.level.get(prev_label)
        if found is None:
            feats = level_features(self.ctx, i, open_, prev_label, self.later_shaped[i + 1])
            zl = model.level.logit(feats)
            found = step.level[prev_label] = _Level(
                zl, feats, _log_sigmoid(zl), _log_sigmoid(-zl), _sigmoid(zl))
        return found


def _score_lines(items: Sequence[Item], model: StructureModel) -> _Scored:
    ctx = make_context(items)
    head_logit: dict[int, float] = {}
    head_reasons: dict[int, tuple[tuple[str, float], ...]] = {}
    for it in items:
        if it.kind == "candidate":
            feats = heading_features(ctx, it.index)
            head_logit[it.index] = model.heading.logit(feats)
            head_reasons[it.index] = model.heading.reasons(feats)
    later = [False] * (len(items) + 1)
    for k in range(len(items) - 1, -1, -1):
        it = items[k]
        likely = it.kind == "explicit" or (it.kind == "candidate" and head_logit[k] > 0)
        later[k] = later[k + 1] or likely
    return _Scored(ctx, head_logit, head_reasons, later)


def _options(it: Item, scored: _Scored) -> tuple[Label, ...]:
    if it.kind == "explicit":
        return ("h2",) if it.explicit_level == 2 else ("h3",)
    if it.kind != "candidate" or it.index == len(scored.ctx.items) - 1:
        # A heading needs something under it: the article's last line is text ("Change Size",
        # a widget's label left by the copy) whatever its shape.
        return ("prose",)
    z = scored.head_logit[it.index]
    if z < -_SURE:
        return ("prose",)
    return ("h2", "h3") if z > _SURE else ("prose", "h2", "h3")


def _beam(items: Sequence[Item], scored: _Scored, model: StructureModel, width: int,
          forced: tuple[int, Label] | None = None,
          beams: list[list[_Hyp]] | None = None) -> _Hyp | None:
    """The best outline by beam search: the sum of the log-probabilities of its decisions
    (heading or text for each candidate, section or subsection for each inferred heading).

    ``beams`` holds the beam in front of each item: an empty list is filled in; a filled one
    (from the unforced search) lets a search forced at item k start at k, since everything
    before k is the same search."""
    ctx = scored.ctx
    beam = [_Hyp(0.0, None, None, None, None)]
    start = 0
    if beams and forced is not None:
        start = forced[0]
        beam = beams[start]
    steps = scored.steps
    for it in items[start:]:
        if beams is not None and forced is None:
            beams.append(beam)
        index, kind = it.index, it.kind
        options = _options(it, scored)
        if forced is not None and forced[0] == index:
            options = (forced[1],)
        if kind == "candidate":
            z = scored.head_logit[index]
            as_text, as_heading = _log_sigmoid(-z), _log_sigmoid(z)
        # An explicit heading here or just before: two headings in a row are then the
        # author's, not an empty section.
        explicit_near = kind == "explicit" or ctx.items[index - 1].kind == "explicit"
        # (score, label, parent, open section, P(section), level features): a _Hyp is made
        # only for those that stay in the beam.
        grown: list[tuple[float, Label | None, _Hyp, OpenSection | None, float | None,
                          Mapping[str, float] | None]] = []
        for hyp in beam:
            open_, prev = hyp.open_, hyp.prev_label
            step = steps.get((index, open_)) or scored.step(index, open_)
            for label in options:
                score = hyp.score
                if kind == "candidate":
                    score += as_text if label == "prose" else as_heading
                if label == "prose":
                    new_open = step.after.get(None, _UNSEEN)
                    if new_open is _UNSEEN:
                        new_open = scored.after(step, index, open_, None)
                    grown.append((score, None, hyp, new_open, None, None))
                    continue
                if label == "h3" and open_ is None and kind != "explicit":
                    continue  # an H3 needs an open H2
                if (prev == "h3" or (prev == "h2" and label == "h2")) and not explicit_near:
                    # A heading directly under another is a section opening its first
                    # subsection (the format's one sure sign), not an empty section.
                    score -= _ADJACENT_PENALTY
                if label == "h2" and open_ is not None:
                    score -= _closing_section_cost(open_)
                if open_ is not None and kind != "explicit":
                    score -= _numbering_break_cost(ctx, index, open_, label)
                new_open = step.after.get(label, _UNSEEN)
                if new_open is _UNSEEN:
                    new_open = scored.after(step, index, open_, label)
                if kind == "explicit":
                    grown.append((score, label, hyp, new_open, None, None))
                    continue
                lv = step.level.get(prev) or scored.level(model, step, index, open_, prev)
                score += lv.log_section if label == "h2" else lv.log_subsection
                grown.append((score, label, hyp, new_open, lv.p_section, lv.features))
        if not grown:
            return None
        # Highest score first; equal scores keep their order (a stable sort).
        grown.sort(key=_first, reverse=True)
        beam = [_Hyp(score, label, parent, open_, label, p, feats)
                for score, label, parent, open_, p, feats in grown[:width]]
    final = [h.score - _closing_cost(h.open_) for h in beam]
    top = final.index(max(final))
    h = beam[top]
    return _Hyp(final[top], h.label, h.parent, h.open_, h.prev_label, h.p_section,
                h.level_features)


_first = itemgetter(0)


def _closing_section_cost(open_: OpenSection) -> float:
    """The structural priors on a section as it closes: a lone subsection, or fewer
    subsections than its heading or intro named ("Five Reasons ...", "three stand out")."""
    cost = LONE_SUBSECTION_PENALTY if open_.children == 1 else 0.0
    promised = open_.announced if open_.announced is not None else open_.expected
    if promised is not None and 0 < open_.children < promised:
        cost += SHORT_OF_NAMED_PARTS_PENALTY
    return cost


def _numbering_break_cost(ctx: Context, i: int, open_: OpenSection, label: Label) -> float:
    """The prior against a level that breaks the numbering of the last numbered section:
    its successor ("2." after "1.") as a subsection, unless it goes on with the open section's
    own numbered subsections ("1.", "2." under an unnumbered "Main Reasons"), or its child
    ("1.1" under "1.") as a section."""
    path, section = ctx.traits[i].number_path, open_.section_path
    if path is None or section is None:
        return 0.0
    if label == "h2":
        extends = len(path) == len(section) + 1 and path[:-1] == section
        return NUMBERING_BREAK_PENALTY if extends else 0.0
    follows = (len(path) == len(section) and path[:-1] == section[:-1]
               and path[-1] == section[-1] + 1)
    num, child = ctx.traits[i].number, open_.child_number
    own_run = (child is not None and num is not None and child[0] == num[0]
               and num[1] == child[1] + 1)
    return NUMBERING_BREAK_PENALTY if follows and not own_run else 0.0


def _closing_cost(open_: OpenSection | None) -> float:
    """The structural priors that can only be judged at the end of the article."""
    if open_ is None:
        return 0.0
    cost = _closing_section_cost(open_)
    if open_.parents + open_.flats == 0:
        cost += SINGLE_SECTION_PENALTY
    return cost


def _path(hyp: _Hyp, n: int) -> list[_Hyp]:
    out: list[_Hyp] = []
    node: _Hyp | None = hyp
    while node is not None and len(out) < n:
        out.append(node)
        node = node.parent
    out.reverse()
    return out


MAX_CONFIDENCE_WORK = 20_000
"""Open decisions x items: past this (a very long article), each decision's confidence comes
from its own scores instead of decoding the whole article again per alternative."""


def decode(items: Sequence[Item], model: StructureModel | None = None,
           *, beam_width: int = 16) -> dict[int, Decision]:
    """The most probable labelling of ``items``: item index -> :class:`Decision` for every
    candidate line and explicit heading (paragraphs, lists and breaks stay as given).

    A decision's margin is the score of the best outline minus the best outline that is forced
    to decide that line otherwise (each alternative decoded again with the line pinned).
    """
    model = model or shipped_model()
    scored = _score_lines(items, model)
    width = beam_width if len(items) <= 2000 else 2
    if any(it.index != k for k, it in enumerate(items)):
        raise ValueError("items must be numbered 0, 1, 2, ... in order")
    beams: list[list[_Hyp]] = []
    best = _beam(items, scored, model, width, beams=beams)
    if best is None:  # only explicit headings can make every outline impossible
        return {}
    path = _path(best, len(items))
    open_choices = [it for it in items if len(_options(it, scored)) > 1]
    check_all = len(open_choices) * len(items) <= MAX_CONFIDENCE_WORK
    decisions: dict[int, Decision] = {}
    for it, node in zip(items, path, strict=True):
        if it.kind not in ("candidate", "explicit"):
            continue
        chosen: Label = node.label or "prose"
        alternatives: list[Label] = [o for o in ALL_LABELS if o != chosen]
        rivals: list[tuple[Label, float]] = []
        if len(_options(it, scored)) > 1 or (it.kind == "candidate" and chosen != "prose"):
            for alt in alternatives:
                if check_all:
                    rival = _beam(items, scored, model, width, forced=(it.index, alt),
                                  beams=beams)
                    gap = math.inf if rival is None else best.score - rival.score
                else:
                    gap = _local_gap(it, node, scored, alt)
                rivals.append((alt, gap))
        doubts = [r for r in rivals if model.uncertain(chosen, r[0], r[1])]
        alternative, margin = min(doubts or rivals, key=lambda r: r[1], default=(chosen, math.inf))
        z = scored.head_logit.get(it.index)
        reasons = (model.level.reasons(node.level_features)
                   if chosen != "prose" and node.level_features is not None else ())
        head = scored.head_reasons.get(it.index, ())
        reasons = (*reasons, *head[:2]) if reasons else head
        decisions[it.index] = Decision(
            index=it.index, line=it.line, text=it.text, label=chosen, alternative=alternative,
            margin=round(margin, 2), heading_probability=1.0 if z is None else round(
                _sigmoid(z), 3),
            section_probability=None if node.p_section is None else round(node.p_section, 3),
            reasons=reasons, uncertain=bool(doubts),
            rivals=tuple((alt, round(gap, 2)) for alt, gap in rivals))
    return decisions


def _local_gap(it: Item, node: _Hyp, scored: _Scored, alt: Label) -> float:
    z = scored.head_logit.get(it.index, _SURE * 2)
    if (node.label is None) != (alt == "prose"):
        return abs(z)
    p2 = node.p_section if node.p_section is not None else 0.5
    zl = math.log(max(p2, 1e-9) / max(1 - p2, 1e-9))
    return abs(zl)


@dataclass(frozen=True, slots=True)
class Leftover:
    """A line taken out of the body: a web leftover dropped, or a byline moved to metadata."""

    line: int
    text: str
    kind: LeftoverKind


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything structure inference found in one article, for ``inspect --explain``."""

    items: tuple[Item, ...] = ()
    decisions: tuple[Decision, ...] = ()
    leftovers: tuple[Leftover, ...] = ()
    authors: tuple[str, ...] = field(default=())
    site_doubt: str | None = None
    """Why line 1's site/title split is uncertain, when it is."""
