"""What makes a brief a brief: key points, reading time, description, short title (pure).

:func:`attach` computes them once per document, between reading and rendering (the build calls
it); renderers read them with :func:`brief_of` and never derive them again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal

from . import wordlists
from .checks import pack_marking
from .config import KeyPointsMode
from .i18n import pack_language
from .model import Block, Brief, BulletList, Document, OrderedList, Pack, Paragraph
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


MIN_ARTICLE_WORDS = 250
"""Below this many words of running text an article is read faster than its key points:
extraction gives none (the author's own are still shown)."""
MIN_POINT_WORDS = 6
MAX_POINT_WORDS = 45
"""Extracted points are informative sentences: shorter ones are fragments or lead-ins, longer
ones are run-ons that do not read as one point."""
WEIGHTS: Mapping[str, float] = {
    "position": 0.20, "centrality": 0.35, "headings": 0.15, "length": 0.10, "substance": 0.20,
}
"""How the scorer weighs its features (each in 0..1); the score is their weighted sum."""
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


@cache
def _stop_words() -> frozenset[str]:
    return frozenset(wordlists.words("function_words"))


def _content_words(text: str) -> list[str]:
    stop = _stop_words()
    return [w for w in (m.group(0).lower() for m in _WORD.finditer(text))
            if len(w) > 2 and w not in stop and not w.isdigit()]


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """One sentence the key-point scorer looked at (``inspect --key-points`` prints them)."""

    text: str
    index: int
    """Position among the article's sentences (0 = first)."""
    score: float
    features: Mapping[str, float]
    """Each feature in 0..1 before weighting (:data:`WEIGHTS`)."""
    rejected: str | None = None
    """Why the sentence can never be a key point ("question", "lead-in"...); None if eligible."""
    chosen: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyPointChoice:
    """The key points of a document and where they came from."""

    points: tuple[str, ...]
    origin: Literal["key_points", "summary", "extracted", "none"]
    candidates: tuple[Candidate, ...] = ()
    """Every sentence scored (extraction only), in document order."""
    words: int = 0
    """Words of running text the extraction saw."""


@dataclass(frozen=True, slots=True)
class _Text:
    """A run of text the key points are chosen from."""

    text: str
    closing: bool
    """It stands in a closing section ("Conclusion", "Rekomendasi")."""
    before_list: bool = False
    """A paragraph right before a list: its last sentence introduces the list."""
    item: bool = False
    """An item of a list in a closing section (a recommendation)."""


def _paragraphs(doc: Document) -> list[_Text]:
    """Running-text paragraphs in reading order (lead, then sections depth first), each
    with whether it stands in a closing section ("Conclusion", "Rekomendasi"), and the items
    of a closing section's lists (its recommendations); other lists, quotes, tables and
    notes are not where an article states its points."""
    found = [_Text(plain_text(b.inlines), False) for b in doc.lead if isinstance(b, Paragraph)]
    for section in iter_sections(doc.sections):
        closing = _is_closing(plain_text(section.heading))
        blocks = section.blocks
        for n, block in enumerate(blocks):
            following = blocks[n + 1] if n + 1 < len(blocks) else None
            if isinstance(block, Paragraph):
                found.append(_Text(plain_text(block.inlines), closing, before_list=isinstance(
                    following, BulletList | OrderedList)))
            elif closing and isinstance(block, BulletList | OrderedList):
                found.extend(_Text(_item_sentence(item), True, item=True)
                             for item in block.items if item and isinstance(item[0], Paragraph))
    return [t for t in found if t.text.strip()]


def _item_sentence(item: tuple[Block, ...]) -> str:
    """A list item's first paragraph as a sentence (a full stop for a closing ``;`` or none),
    or "" for an item that only goes on with the sentence that introduced the list (it opens
    in lower case: "- menetapkan target ...;"): that is no point of its own."""
    assert isinstance(item[0], Paragraph)
    text = " ".join(plain_text(item[0].inlines).split())
    if not text or not (text[0].isupper() or text[0].isdigit()):
        return ""
    if _FULL_STOP.search(text) or text.endswith(("?", ":")):
        return text
    return text.rstrip(" ;,") + "."


def _is_closing(heading: str) -> bool:
    """Whether a heading names the article's conclusion: its first words are one of the
    ``conclusion_headings`` ("Conclusion", "Recommendations for policymakers", "Kesimpulan")."""
    joined = f" {' '.join(_tokens(heading))} "
    return any(joined.startswith(f" {p} ") for p in _phrases("conclusion_headings"))


@cache
def _phrases(key: str) -> tuple[str, ...]:
    """A vocabulary list as word sequences: punctuation dropped, as :func:`_tokens` does."""
    return tuple(dict.fromkeys(" ".join(_WORD.findall(w)) for w in wordlists.words(key)))


def _tokens(sentence: str) -> list[str]:
    return _WORD.findall(sentence.lower())


def _has_phrase(joined: str, phrases: Iterable[str]) -> bool:
    """Whether ``joined`` (tokens joined by single spaces, padded with a space on both
    sides) holds one of ``phrases`` as whole words."""
    return any(f" {p} " in joined for p in phrases if p)


def _covered(tokens: list[str], phrases: Iterable[str]) -> set[int]:
    """Indices of ``tokens`` inside an occurrence of one of ``phrases`` ("this year")."""
    covered: set[int] = set()
    for phrase in phrases:
        words = phrase.split()
        for i in range(len(tokens) - len(words) + 1):
            if tokens[i:i + len(words)] == words:
                covered.update(range(i, i + len(words)))
    return covered


_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
_DIGIT = re.compile(r"\d")
_LABEL_NUMBER = re.compile(r"\d+[a-z]?")
ANAPHOR_WINDOW = 4
"""An "early anaphor" ("these", "tersebut") among this many first words points back."""


def _needs_previous(tokens: list[str], text: str) -> bool:
    """Whether the sentence leans on the one before it: it opens with a connective
    ("However", "Namun", "This means"), a pronoun or demonstrative ("They", "Itu"), has one
    among its first words ("Families in those zones", "Kebijakan ini") or an interjected
    connective (", however,")."""
    if not tokens:
        return False
    joined = f" {' '.join(tokens)} "
    if any(joined.startswith(f" {p} ") for p in _phrases("dangling_openers")):
        return True
    in_time = _covered(tokens[:ANAPHOR_WINDOW + 2], _phrases("time_deictics"))
    openers, early = _phrases("anaphor_openers"), _phrases("early_anaphors")
    for i, token in enumerate(tokens[:ANAPHOR_WINDOW]):
        if (token in early or (i == 0 and token in openers)) and i not in in_time:
            return True
    lower = text.lower()
    return any(re.search(rf"[,;]\s*{re.escape(c)}\s*[,.;]", lower)
               for c in wordlists.words("interjected_connectives"))


def _points_at_layout(tokens: list[str]) -> bool:
    """Whether the sentence refers to a table or figure by number or place: "see Figure 2",
    "Tabel 3", "the following table", "After the table", "The table below", "Tabel
    berikut". The brief's key points stand apart from the article's layout. A label that
    also means a number ("figure") points at the layout before a place word only after a
    determiner ("the figure below", not "a figure above 5 percent")."""
    labels = set(_phrases("table_labels")) | set(_phrases("figure_labels"))
    pointers, determiners = _phrases("layout_pointers"), _phrases("layout_determiners")
    ambiguous = _phrases("ambiguous_labels")
    for i, token in enumerate(tokens):
        if token not in labels:
            continue
        if i + 1 < len(tokens) and _LABEL_NUMBER.fullmatch(tokens[i + 1]):
            return True
        before = f" {' '.join(tokens[max(0, i - 3):i])} "
        if any(before.endswith(f" {p} ") or any(before.endswith(f" {p} {d} ")
                                                for d in determiners) for p in pointers):
            return True
        after = f" {' '.join(tokens[i + 1:i + 4])} "
        determined = i == 0 or tokens[i - 1] in determiners
        if any(after.startswith(f" {p} ") for p in pointers) and (
                token not in ambiguous or determined):
            return True
    return False


@cache
def _caption_line() -> re.Pattern[str]:
    words = {*wordlists.words("table_labels"), *wordlists.words("figure_labels"),
             *wordlists.words("source_prefixes"), *wordlists.words("photo_prefixes")}
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))
    return re.compile(
        rf"[\"'“‘(\[]*(?:{alternatives})\s*(?:\d+[a-z]?)?\s*[:.\-–—|](?=\s|$)")


def _rejection(sentence: str, words: int, lead: set[str]) -> str | None:
    announcers = wordlists.words("structure_announcers")
    text = sentence.rstrip(" \"'”’»)]")
    tokens = _tokens(sentence)
    lower = f" {' '.join(tokens)} "
    if text.endswith("?"):
        return "question"
    if text.endswith((":", ";", ",", "-", "–", "—")):
        return "lead-in"
    if any(f" {a} " in lower for a in announcers):
        return "announces structure"
    if _caption_line().match(sentence.lower()):
        return "caption or source line"
    if _points_at_layout(tokens):
        return "points at a table or figure"
    if not _is_prose(sentence, tokens):
        return "not a sentence"
    if words < MIN_POINT_WORDS:
        return "too short"
    if words > MAX_POINT_WORDS:
        return "too long"
    if _has_phrase(lower, _phrases("pronoun_attributions")):
        return "said by a pronoun"
    if _needs_previous(tokens, sentence):
        return "needs the sentence before"
    content = set(_content_words(sentence))
    if sentence in lead or any(_similar(content, set(_content_words(s))) for s in lead):
        return "repeats the lead"
    return None


_FULL_STOP = re.compile(r"[.!…][\"'”’»)\]]*$")


def _is_prose(sentence: str, tokens: list[str]) -> bool:
    """Whether ``sentence`` is a sentence of running text: it ends with a full stop and
    is made of words (not a table row pasted as text, a label or a run of numbers)."""
    if not _FULL_STOP.search(sentence.rstrip()) or sentence.count("|") >= 2:
        return False
    letters = sum(1 for t in tokens if not t[:1].isdigit())
    return letters * 2 > len(tokens)


def _substance(sentence: str) -> float:
    """0..1: half for a figure (a number that is not a year, "persen", "million"), half for
    a claim ("should", "akan", "found that"): what a reader of a brief takes away."""
    tokens = f" {' '.join(_tokens(sentence))} "
    figure = bool(_DIGIT.search(_YEAR.sub("", sentence))) or _has_phrase(
        tokens, _phrases("quantity_words"))
    claim = _has_phrase(tokens, _phrases("claim_markers"))
    return 0.5 * figure + 0.5 * claim


def _as_point(sentence: str) -> str:
    """The sentence as a key point: an enumerator that opens it ("Second, ", "Ketiga, ")
    means nothing out of its list and is dropped."""
    match = re.match(r"\s*([^\W\d_]+)\s*,\s*", sentence)
    if match and match.group(1).lower() in _phrases("enumerators"):
        rest = sentence[match.end():]
        return _shorten(rest[:1].upper() + rest[1:])
    return _shorten(sentence)


NEAR_DUPLICATE = 0.5
"""Two sentences sharing this share (Jaccard) of their content words say the same thing."""


def _similar(a: set[str], b: set[str]) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) >= NEAR_DUPLICATE


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def _length_score(words: int) -> float:
    # Best between 12 and 30 words, falling off linearly towards the limits.
    if words < 12:
        return max(0.0, (words - MIN_POINT_WORDS + 1) / (12 - MIN_POINT_WORDS + 1))
    if words > 30:
        return max(0.0, 1 - (words - 30) / (MAX_POINT_WORDS - 30 + 1))
    return 1.0


def _wanted(words: int) -> int:
    return max(MIN_KEY_POINTS, min(MAX_KEY_POINTS, round(words / 300)))


def extract_key_points(doc: Document, limit: int = MAX_KEY_POINTS) -> KeyPointChoice:
    """Key points extracted from ``doc`` (deterministic), with every sentence's score.

    Each sentence of the running text is scored on its position (earlier in the article,
    or in its conclusion, and first in its paragraph is better), its centrality (tf-idf
    cosine with the rest of the article), its overlap with the title and headings, an
    informative length and its substance (a figure, a claim). Sentences that cannot stand
    alone in a brief are never chosen (:func:`_rejection`: questions, lead-ins, structure
    announcers, captions, layout pointers, sentences leaning on the one before, pronoun-
    attributed quotes, repeats of the lead; and the sentence that introduces a list, "can
    take three steps:", whose points are the list's), nor near-duplicates of a point
    already chosen. The items of a list in a closing section (its recommendations) are
    candidates like sentences.
    The best eligible sentence of a conclusion section is always one of the points. The
    best 3-5 (more for longer articles) are returned in reading order; none when the article
    has fewer than :data:`MIN_ARTICLE_WORDS` words of running text.
    """
    paragraphs = _paragraphs(doc)
    sentences: list[tuple[str, bool]] = []  # (sentence, first of its paragraph)
    closing: list[bool] = []
    introduces: set[int] = set()  # sentences that introduce the list after them
    for run in paragraphs:
        found = split_sentences(run.text)
        for n, sentence in enumerate(found):
            if run.before_list and n == len(found) - 1:
                introduces.add(len(sentences))
            sentences.append((sentence, n == 0))
            closing.append(run.closing)
    total_words = sum(len(s.split()) for s, _ in sentences)
    if not sentences or total_words < MIN_ARTICLE_WORDS:
        return KeyPointChoice(points=(), origin="none", words=total_words)
    lead = set(split_sentences(paragraphs[0].text))

    bags = [Counter(_content_words(s)) for s, _ in sentences]
    df: Counter[str] = Counter(w for bag in bags for w in bag)
    n = len(sentences)
    idf = {w: math.log((1 + n) / (1 + c)) + 1 for w, c in df.items()}
    vectors = [Counter({w: c * idf[w] for w, c in bag.items()}) for bag in bags]
    whole: Counter[str] = Counter()
    for vector in vectors:
        whole.update(vector)
    heading_words = set(_content_words(" ".join(
        [doc.meta.title, *(plain_text(s.heading) for s in iter_sections(doc.sections))])))

    raw: list[tuple[float, float, float, float, float]] = []
    for index, ((sentence, first), vector) in enumerate(zip(sentences, vectors, strict=True)):
        rest = whole.copy()
        rest.subtract(vector)
        centrality = _cosine(vector, +rest)
        # An article states its points at its start and in its conclusion.
        place = 1.0 if closing[index] else 1 - index / n
        position = 0.6 * place + (0.4 if first else 0.0)
        content = set(bags[index])
        headings = len(content & heading_words) / len(content) if content else 0.0
        raw.append((position, centrality, headings, _length_score(len(sentence.split())),
                    _substance(sentence)))
    top = max((r[1] for r in raw), default=0.0) or 1.0

    candidates: list[Candidate] = []
    for index, ((sentence, _first), values) in enumerate(zip(sentences, raw, strict=True)):
        features = {"position": values[0], "centrality": values[1] / top,
                    "headings": min(1.0, 2 * values[2]), "length": values[3],
                    "substance": values[4]}
        score = sum(WEIGHTS[k] * v for k, v in features.items())
        candidates.append(Candidate(
            text=sentence, index=index, score=round(score, 4),
            features={k: round(v, 3) for k, v in features.items()},
            rejected=("introduces the list below" if index in introduces
                      else _rejection(sentence, len(sentence.split()), lead))))

    wanted = min(limit, _wanted(total_words))
    ranked = sorted(candidates, key=lambda c: (-c.score, c.index))
    # The best eligible sentence of the conclusion is always one of the points: a brief
    # carries the article's conclusion or recommendation, not only its background.
    chosen = [c for c in ranked if closing[c.index] and not c.rejected][:1]
    for candidate in ranked:
        if len(chosen) == wanted:
            break
        if candidate.rejected or candidate in chosen:
            continue
        words = set(_content_words(candidate.text))
        if any(_similar(words, set(_content_words(c.text))) for c in chosen):
            continue
        chosen.append(candidate)
    picked = {c.index for c in chosen}
    candidates = [dataclasses.replace(c, chosen=True) if c.index in picked else c
                  for c in candidates]
    points = tuple(_as_point(c.text) for c in sorted(chosen, key=lambda c: c.index))
    return KeyPointChoice(points=points, origin="extracted" if points else "none",
                          candidates=tuple(candidates), words=total_words)


def choose_key_points(doc: Document, mode: KeyPointsMode = "auto",
                      limit: int = MAX_KEY_POINTS) -> KeyPointChoice:
    """The brief's key points: front matter ``key_points``, else the ``summary`` split into
    sentences, else (``mode="auto"``) extracted (:func:`extract_key_points`)."""
    if mode == "off":
        return KeyPointChoice(points=(), origin="none")
    if doc.meta.key_points:
        return KeyPointChoice(points=doc.meta.key_points[:limit], origin="key_points")
    summary = split_sentences(doc.meta.summary or "")
    if summary:
        return KeyPointChoice(points=tuple(_shorten(s) for s in summary[:limit]),
                              origin="summary")
    if mode == "author":
        return KeyPointChoice(points=(), origin="none")
    return extract_key_points(doc, limit)


def key_points(doc: Document, limit: int = MAX_KEY_POINTS,
               mode: KeyPointsMode = "auto") -> tuple[str, ...]:
    """The brief's key points (see :func:`choose_key_points`)."""
    return choose_key_points(doc, mode, limit).points


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
    """The title as the running head shows it: whole when short; else its part before a colon
    ("Banjir Kelantan: Mengapa Amaran Awal ..." -> "Banjir Kelantan"), so the section name
    beside it is not the part cut off; else cut at a word."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    head, colon, _ = title.partition(": ")
    if colon and len(head.split()) >= 2 and len(head) <= limit:
        return head
    cut = title[:limit].rsplit(" ", 1)[0].rstrip(",;:-–—")
    return f"{cut}…"


def _lead_text(blocks: tuple[Block, ...]) -> str:
    return " ".join(block_text(b) for b in blocks if isinstance(b, Paragraph)).strip()


def description(doc: Document) -> str | None:
    """The summary, else the lead, else the subtitle, shortened at a word; None when there is
    none of them (the PDF /Subject and ``dc:description``: a brief whose text opens with a
    section still describes itself, by its subtitle, rather than by its marking alone)."""
    text = " ".join((doc.meta.summary or _lead_text(doc.lead) or doc.meta.subtitle
                     or "").split())
    if not text:
        return None
    if len(text) > DESCRIPTION_CHARS:
        text = text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + "…"
    return text


def derive(doc: Document, key_points_mode: KeyPointsMode = "auto") -> Brief:
    """Everything a brief derives from ``doc``."""
    return Brief(key_points=key_points(doc, mode=key_points_mode),
                 reading_minutes=reading_minutes(doc), description=description(doc),
                 short_title=short_title(doc.meta.title))


def attach(doc: Document, key_points_mode: KeyPointsMode = "auto") -> Document:
    """``doc`` with its :class:`~lighthouse_docs.model.Brief` computed (once)."""
    return dataclasses.replace(doc, brief=derive(doc, key_points_mode))


def brief_of(doc: Document) -> Brief:
    """The brief the build attached to ``doc`` (derived here only for a document that did not
    come through the build, e.g. a writer called directly)."""
    return doc.brief if doc.brief is not None else derive(doc)


def make_pack(title: str, documents: Iterable[Document], *, lang: str | None = None,
              markings: tuple[str, ...] = (), date: dt.date | None = None) -> Pack:
    """A combined brief of ``documents``: the one place its own data is derived from its
    articles' — language (``lang``, else theirs), marking (the highest, see
    ``checks.pack_marking``) and publisher (when they all share one). Its date is ``date``
    when given, else none of its own: the pack is dated when it is built (``render.cover_date``),
    never by its newest article."""
    docs = tuple(documents)
    publishers = {d.meta.publisher for d in docs}
    return Pack(title=title, documents=docs,
                lang=pack_language((d.meta.lang for d in docs), lang),
                date=date,
                marking=pack_marking((d.meta.marking for d in docs), markings),
                publisher=publishers.pop() if len(publishers) == 1 else None)
