"""What every reader shares: decoding, text cleaning, front matter and language detection.

Pure functions; ``readers.load`` is the only caller that touches the file system.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, TypeAlias

import yaml

from .. import model, tables
from ..config import FRONT_MATTER_FIELDS
from ..diagnostics import Diagnostic, diagnostic
from ..errors import InputError
from ..model import Block, Document, Section, Table, Text
from ..outline import block_text, map_children, plain_text
from .structure import vocabulary

# XML 1.0 forbids C0 controls other than TAB, LF and CR, lone surrogates, U+FFFE and U+FFFF.
# They are dropped at the reader boundary so that no template or writer ever sees them.
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


BINARY_SNIFF_BYTES = 8192

MAX_CONTAINER_DEPTH = 8
"""How deeply readers nest lists, quotes and other containers in the model.

A list or quote deeper than this is read as if its markers were not there: its blocks join
the container at this depth, in order, every word kept. Renderers (Jinja macros, WeasyPrint,
the EPUB writer) recurse per level, so a hostile 1000-level source must never reach them.
"""

MAX_INLINE_DEPTH = 12
"""How deeply readers nest emphasis, links and the like; deeper markup keeps only its text."""


MAX_COMBINING_MARKS = 30
"""Combining marks kept on one character (Unicode's stream-safe limit, UAX #15): text
shaping is quadratic in a cluster's length, and ``Z`` + 100,000 accents never finishes."""
_LONG_NON_ASCII_RUN = re.compile(rf"[^\x00-\x7f\s]{{{MAX_COMBINING_MARKS + 2},}}")


def cap_combining_marks(text: str) -> tuple[str, int]:
    """``text`` with at most :data:`MAX_COMBINING_MARKS` combining marks in a row, and how
    many were dropped. Linear: only long runs of non-ASCII characters are looked at."""
    dropped = 0

    def trim(match: re.Match[str]) -> str:
        nonlocal dropped
        kept: list[str] = []
        marks = 0
        for char in match.group():
            if unicodedata.category(char)[0] == "M":
                marks += 1
                if marks > MAX_COMBINING_MARKS:
                    dropped += 1
                    continue
            else:
                marks = 0
            kept.append(char)
        return "".join(kept)

    return _LONG_NON_ASCII_RUN.sub(trim, text), dropped


def decode(data: bytes, path: str) -> tuple[str, tuple[str, ...]]:
    """Bytes of a source file -> text with LF line ends and no BOM.

    UTF-8 (with or without BOM) is taken as is; anything else is decoded by detection
    (charset-normalizer) and reported as a warning.

    :raises InputError: the file is empty, blank, or binary.
    """
    warnings: list[str] = []
    utf16 = _utf16_by_bom(data)
    if utf16 is not None:
        text = utf16
        warnings.append(f"{path}: not UTF-8; decoded as UTF-16")
    elif b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise InputError("looks like a binary file (NUL bytes), not text", path=path)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text, encoding = _decode_by_detection(data, path)
            warnings.append(f"{path}: not UTF-8; decoded as {encoding}")
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text.strip():
        raise InputError("is empty: nothing to build", path=path)
    text, dropped = cap_combining_marks(text)
    if dropped:
        warnings.append(f"{path}: {dropped} combining marks dropped (more than "
                        f"{MAX_COMBINING_MARKS} on one character)")
    return text, tuple(warnings)


_LATIN_SINGLE_BYTE = frozenset(
    """cp1250 cp1252 cp1254 cp1257 latin_1 iso8859_2 iso8859_4 iso8859_9 iso8859_10 iso8859_13
    iso8859_14 iso8859_15 iso8859_16 mac_latin2 mac_roman mac_iceland mac_turkish cp437 cp850
    cp858""".split()
)
"""Encodings a detector confuses with one another on short Latin-script text."""


def _utf16_by_bom(data: bytes) -> str | None:
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                return None
    return None


_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_LONE_HIGH_BYTE = re.compile(rb"(?<![\x80-\xff])[\x80-\xff](?![\x80-\xff])")


def _western_single_byte(data: bytes) -> bool:
    """Whether the bytes above ASCII stand alone, between ASCII bytes, as the accented letters
    and curly quotes of a Western 8-bit text do ("Minist\xe8re", "\x93Around"), and not in
    the runs of two or more that a multi-byte legacy encoding writes every character with."""
    high = len(_HIGH_BYTE.findall(data))
    return high > 0 and len(_LONE_HIGH_BYTE.findall(data)) >= 0.8 * high


def _decode_by_detection(data: bytes, path: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    # Every language lighthouse-docs serves is written in Western Latin script, and a text
    # saved by Windows in it is Windows-1252 (or Latin-1, its subset): a detector asked about
    # a few accents in much English can answer Baltic cp775 or Chinese Big5.
    if _western_single_byte(data):
        try:
            return data.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    # Every language lighthouse-docs serves is written in Western Latin script, where
    # detectors often pick cp1250 or latin-1 for what is really Windows-1252 ("élčves" for
    # "élèves"): when the detector's answer is one of those, Windows-1252 wins if it decodes.
    if best is None or best.encoding in _LATIN_SINGLE_BYTE:
        try:
            return data.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            pass
    if best is None:
        raise InputError("is not text in any known encoding", path=path)
    return str(best), best.encoding


def clean_text(text: str) -> str:
    """Text with characters removed that XML 1.0 cannot carry."""
    return _INVALID_XML_CHARS.sub("", text)


class FrontMatterData(dict[Any, Any]):
    """A front matter block's mapping, the source line of each of its keys (``lines``) and
    how each plain value was written (``written``, before YAML typed it: ``no``, not
    False), by the key as text: a plain ``dict`` to every reader, while
    :func:`metadata_fields` names the line of a bad value and ``checks`` that of an unknown
    key."""

    lines: dict[str, int]
    written: dict[str, str]

    def __init__(self, data: Mapping[Any, Any] | None = None,
                 lines: Mapping[str, int] | None = None,
                 written: Mapping[str, str] | None = None) -> None:
        super().__init__(data or {})
        self.lines = dict(lines or {})
        self.written = dict(written or {})


def _with_lines(data: Mapping[Any, Any], raw: str, first_line: int) -> FrontMatterData:
    """``data`` with the line of each top-level key of the YAML block ``raw`` (whose first
    line is line ``first_line`` of the source; the first of a repeated key) and the text of
    each plain scalar value as written."""
    lines: dict[str, int] = {}
    written: dict[str, str] = {}
    try:
        node = yaml.compose(raw, Loader=_YAML_LOADER)
    except yaml.YAMLError:
        node = None
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and str(key.value) not in lines:
                lines[str(key.value)] = key.start_mark.line + first_line
                if isinstance(value, yaml.ScalarNode):
                    written[str(key.value)] = str(value.value)
    return FrontMatterData(data, lines, written)


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """A YAML front matter block split off the top of a source."""

    data: Mapping[str, Any]
    """The block's mapping (a :class:`FrontMatterData`, which knows each key's line)."""
    body: str
    body_first_line: int
    """1-based line number in the original text where ``body`` starts."""


_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml when PyYAML has it: 15 times faster than the pure-Python parser on big blocks."""


def _load_yaml(raw: str, path: str) -> Any:
    """``raw`` YAML, safely; aliases (``*name``) are refused before anything is built: front
    matter never needs them, and nested aliases expand exponentially (a "billion laughs" of
    542 bytes fills the memory).

    :raises InputError: the block uses an alias.
    :raises yaml.YAMLError: the block is not valid YAML.
    """
    for event in yaml.parse(raw, Loader=_YAML_LOADER):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            raise InputError("front matter: aliases (*name) are not allowed",
                             path=path, line=mark.line + 2 if mark is not None else 1)
    return yaml.load(raw, Loader=_YAML_LOADER)  # noqa: S506  # a safe loader


def split_front_matter(text: str, path: str) -> FrontMatter:
    """Separate a leading ``---`` YAML block (if any) from the body.

    :raises InputError: the block is not valid YAML or not a mapping.
    """
    match = _FRONT_MATTER.match(text)
    if match is None:
        if _UNCLOSED_FRONT_MATTER.match(text):
            raise InputError("front matter is not closed: add a line '---' after its last key",
                             path=path, line=1)
        return FrontMatter(data={}, body=text, body_first_line=1)
    raw = match.group(1) or ""
    try:
        data = _load_yaml(raw, path) if raw.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        problem = getattr(exc, "problem", None) or "cannot be read"
        raise InputError(f"front matter is not valid YAML: {problem}",
                         path=path, line=line) from None
    except (ValueError, RecursionError):
        # PyYAML raises plain ValueError for impossible timestamps ("date: 2024-13-45") and
        # recurses on deeply nested flow collections; both are the author's input problem.
        bad = _impossible_date(raw)
        if bad is not None:
            number, value = bad
            raise InputError(f"front matter: {value} is not a date (YYYY-MM-DD)",
                             path=path, line=number + 1) from None
        raise InputError("front matter is not valid YAML (bad value or nesting)",
                         path=path, line=1) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("front matter must be a mapping of keys to values", path=path, line=1)
    consumed = match.group(0)
    data = _with_lines(data, raw, 2) if data else FrontMatterData()
    return FrontMatter(data=data, body=text[len(consumed):],
                       body_first_line=consumed.count("\n") + 1)


_UNCLOSED_FRONT_MATTER = re.compile(r"\A---[ \t]*\n[ \t]*[A-Za-z_][\w-]*[ \t]*:(?:[ \t]|\n)")
"""A ``---`` line, then ``key:`` lines, and no closing ``---``."""
_DATE_VALUE = re.compile(r"^[ \t]*[\w-]+[ \t]*:[ \t]*['\"]?(\d{4}-\d{1,2}-\d{1,2})\b")


def _impossible_date(raw: str) -> tuple[int, str] | None:
    """The line number (1-based, within the block) and value of the first ``key: YYYY-MM-DD``
    that is no calendar date."""
    for number, line in enumerate(raw.split("\n"), 1):
        found = _DATE_VALUE.match(line)
        if found is None:
            continue
        year, month, day = (int(part) for part in found.group(1).split("-"))
        try:
            dt.date(year, month, day)
        except ValueError:
            return number, found.group(1)
    return None


_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?\.?"
_WRITTEN_DATES = (
    (re.compile(rf"{_ORDINAL}\s+([^\W\d_]+)\.?,?\s+(\d{{4}})"), (1, 2, 3)),  # 17 July 2006
    (re.compile(rf"([^\W\d_]+)\.?\s+{_ORDINAL},?\s+(\d{{4}})"), (2, 1, 3)),  # July 17, 2006
    (re.compile(r"([^\W\d_]+)\.?,?\s+(\d{4})"), (0, 1, 2)),  # July 2006: its first day
)
_ISO_LIKE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
WRITTEN_DATE_FORMS = "2006-07-17, 17 July 2006 or July 17, 2006"
"""The date forms :func:`written_date` reads, as messages name them."""


def written_date(text: str) -> dt.date | None:
    """The date ``text`` writes in a common form, else None: ISO ``2006-07-17`` (a time after
    it is ignored; also ``2006/07/17``), ``17 July 2006``, ``July 17, 2006``, ``Jul 17th
    2006``, ``Monday, July 17, 2006``, ``July 2006`` (its first day), with the month names of
    ``vocab/<lang>.json`` ("17 Agustus 2006", "17 Ogos 2006"). ``07/08/2006`` is refused: day
    and month cannot be told apart."""
    value = " ".join(text.split()).strip()
    iso = _ISO_LIKE.match(value)
    if iso is not None:
        return _date_or_none(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    candidates = [value]
    weekday, comma, rest = value.partition(",")
    if comma and weekday.isalpha():  # "Monday, July 17, 2006", "Senin, 17 Juli 2006"
        candidates.append(rest.strip())
    for candidate in candidates:
        for pattern, (day, month, year) in _WRITTEN_DATES:
            found = pattern.fullmatch(candidate)
            if found is None:
                continue
            number = vocabulary().months.get(found.group(month).lower())
            if number is not None:
                return _date_or_none(int(found.group(year)), number,
                                     int(found.group(day)) if day else 1)
    return None


_DAY = re.compile(r"\d{1,2}(?:st|nd|rd|th)?[.,]?")


def full_date_in(text: str) -> dt.date | None:
    """The first full date (with its day) that ``text`` writes in a form :func:`written_date`
    reads, looked for at every word ("Published 14 November 2026 | 5 min read"); a month and
    year alone ("July 2006") or a bare year is none."""
    words = text.replace("|", " ").replace("·", " ").split()
    for start in range(len(words)):
        for end in range(min(len(words), start + 5), start, -1):
            candidate = " ".join(words[start:end]).strip(",.;:()")
            date = written_date(candidate)
            if date is not None and (_ISO_LIKE.match(candidate) or any(
                    _DAY.fullmatch(word) for word in candidate.split())):
                return date
    return None


def _date_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _kind(value: Any) -> str:
    """What YAML made of an unquoted value, as a message says it."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (YAML reads yes/no/on/off as true/false)"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (key: value pairs)"
    return f"{type(value).__name__} {value!r}"


class _Field:
    """One front matter key being read: raises its problems as input errors naming the
    source, the key's line and the key."""

    def __init__(self, key: str, path: str, line: int | None, written: str | None) -> None:
        self.key, self.path, self.line, self.written = key, path, line, written

    def error(self, message: str) -> InputError:
        return InputError(f"front matter {self.key}: {message}", path=self.path,
                          line=self.line)

    def wrong(self, expected: str, value: Any, *, quote_hint: bool = True) -> InputError:
        quote = ""
        if quote_hint and isinstance(value, bool | int | float | dt.date) and \
                self.written is not None:
            quote = f'; if that is the text you mean, put it in quotes: {self.key}: ' \
                    f'"{self.written}"'
        return self.error(f"expected {expected}, got {_kind(value)}{quote}")

    def text(self, value: Any) -> str | None:
        """One line of text (None when empty)."""
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.wrong("text", value)
        return clean_text(value).strip() or None

    def texts(self, value: Any, *, split: bool) -> tuple[str, ...]:
        """A list of texts, or one text (split at commas with ``split``)."""
        if value is None:
            return ()
        if isinstance(value, str):
            parts = value.split(",") if split else [value]
            return tuple(p for p in (clean_text(part).strip() for part in parts) if p)
        if not isinstance(value, list):
            raise self.wrong("text or a list of texts", value)
        for item in value:
            if not isinstance(item, str):
                hint = (" (put it in quotes if that is the text you mean)"
                        if isinstance(item, bool | int | float | dt.date) else "")
                raise self.error(f"every item must be text, got {_kind(item)}{hint}")
        return tuple(t for t in (clean_text(v).strip() for v in value) if t)

    def date(self, value: Any) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if not isinstance(value, str):
            raise self.wrong("a date (YYYY-MM-DD)", value, quote_hint=False)
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise self.error(f"{value!r} is not a date (YYYY-MM-DD)") from None

    def lang(self, value: Any) -> str | None:
        """A language tag, normalised (``en_US`` -> ``en-US``); an invalid one is kept as
        written for :func:`bound_document` to replace with a warning."""
        from ..lang import normalize_tag

        text = self.text(value)
        if text is None:
            return None
        return normalize_tag(text) or text


def metadata_fields(data: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Front matter keys -> keyword arguments for :class:`~lighthouse_docs.model.Metadata`.

    Only keys that are present are returned, so readers can merge them over inferred values.
    Accepts the common aliases (``author``/``authors``, ``site``/``publisher``,
    ``classification``/``marking``, ``description``/``summary``, ``url``/``source_url``): the
    table is :data:`lighthouse_docs.config.FRONT_MATTER_FIELDS`.

    :raises InputError: a value of the wrong type (``authors: 42``, ``title: [a, b]``,
        ``lang: no``, which YAML reads as false), naming the key's line.
    """
    out: dict[str, Any] = {}
    lines: Mapping[str, int] = getattr(data, "lines", {})
    written: Mapping[str, str] = getattr(data, "written", {})
    if data:
        # Kept as written: ``checks.front_matter`` reports unknown and marking-like keys.
        out["front_matter_keys"] = tuple(str(key) for key in data)
        if lines:
            out["front_matter_lines"] = tuple(lines.get(str(key)) for key in data)
    for key, value in data.items():
        field = FRONT_MATTER_FIELDS.get(str(key).lower())
        if field is None:
            continue
        reading = _Field(str(key), path, lines.get(str(key)), written.get(str(key)))
        if field in ("authors", "keywords"):
            out[field] = reading.texts(value, split=True)
        elif field == "key_points":
            out[field] = reading.texts(value, split=False)
        elif field == "date":
            out[field] = reading.date(value)
        elif field == "lang":
            out[field] = reading.lang(value)
        elif field == "summary" and isinstance(value, list):
            raise reading.error("expected text, got a list (several points go under "
                                "key_points:)")
        else:
            out[field] = reading.text(value)
    return out


def trim_inlines(inlines: tuple[model.Inline, ...]) -> tuple[model.Inline, ...]:
    """A block's inline run without whitespace at either end (nor the empty text runs left)."""
    items = list(inlines)
    if items and isinstance(items[0], Text):
        items[0] = Text(text=items[0].text.lstrip())
    if items and isinstance(items[-1], Text):
        items[-1] = Text(text=items[-1].text.rstrip())
    return tuple(i for i in items if not (isinstance(i, Text) and not i.text))


LANGUAGE_SAMPLE_CHARS = 5000
"""How much running text language detection looks at (CLD2 is sure long before that)."""


def language_sample(title: str, flow: Iterable[model.FlowItem]) -> str:
    """The title and the first few thousand characters of running text of a reader's flow."""
    parts, size = [title], len(title)
    for item in flow:
        if isinstance(item, model.Paragraph | model.BlockQuote | model.BulletList
                      | model.OrderedList):
            text = block_text(item)[:LANGUAGE_SAMPLE_CHARS]
            parts.append(text)
            size += len(text)
            if size > LANGUAGE_SAMPLE_CHARS:
                break
    return " ".join(parts)


# CLD2 still answers with a few codes that BCP 47 has since replaced.
_DEPRECATED_CODES = {"iw": "he", "jw": "jv", "in": "id", "ji": "yi"}


def detect_language(text: str, *, default: str = "en") -> str:
    """The BCP 47 tag of the language ``text`` is written in (``default`` when unsure).

    Uses Google's CLD2 (pycld2): its tables are compiled in, so detection costs about a
    millisecond and no model has to be loaded at start-up (py3langid needed 0.6 s for that,
    a third of a cold build). It tells Indonesian from Malay reliably.
    """
    import pycld2

    sample = " ".join(text.split())[:20000]
    if len(sample) < 20:
        return default
    try:
        reliable, _, details = pycld2.detect(sample)
    except pycld2.error:  # input it cannot take (e.g. stray invalid UTF-8): no guess
        return default
    code = str(details[0][1])
    if not reliable or code in ("un", "xx", "xxx"):
        return default
    return _DEPRECATED_CODES.get(code, code)


# --------------------------------------------------------------------------- caps

MAX_AUTHOR_KEY_POINTS = 10
"""Key points kept from front matter (a brief shows 3-5; 100,000 took minutes to lay out)."""
MAX_KEY_POINT_CHARS = 1000
MAX_MARKING_CHARS = 100
"""Longest handling marking: it is set on every page, and a 3 KB one took 80 s to lay out."""
MAX_HEADINGS_PER_LEVEL = 1000
"""Sections kept per heading level; later headings of that level become bold paragraphs of
the section before them (every word kept, in order)."""


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def bound_marking(marking: str | None, where: str) -> tuple[str | None, tuple[str, ...]]:
    """``marking`` cut to :data:`MAX_MARKING_CHARS` characters, with a warning if it was."""
    if marking is None or len(marking) <= MAX_MARKING_CHARS:
        return marking, ()
    return _shorten(marking, MAX_MARKING_CHARS), (
        f"{where}: marking is {len(marking)} characters long; cut to {MAX_MARKING_CHARS}",)


def _flatten(sections: tuple[Section, ...]) -> list[Section]:
    out: list[Section] = []
    stack = list(reversed(sections))
    while stack:
        section = stack.pop()
        out.append(section)
        stack.extend(reversed(section.children))
    return out


def _as_blocks(section: Section) -> tuple[Block, ...]:
    heading = model.Paragraph(inlines=(model.Strong(children=section.heading),), line=section.line)
    return (heading, *section.blocks)


def _nest(flat: list[tuple[Section, list[Block]]]) -> tuple[Section, ...]:
    """Rebuild a section tree from (section, blocks) in document order, by level."""
    roots: list[list[object]] = []
    stack: list[tuple[int, list[object]]] = []  # (level, [section, blocks, children])
    for section, blocks in flat:
        node: list[object] = [section, blocks, []]
        while stack and stack[-1][0] >= section.level:
            stack.pop()
        (stack[-1][1][2] if stack else roots).append(node)  # type: ignore[attr-defined]
        stack.append((section.level, node))

    def build(node: list[object]) -> Section:
        section, blocks, children = node
        assert isinstance(section, Section) and isinstance(blocks, list)
        assert isinstance(children, list)
        return dataclasses.replace(section, blocks=tuple(blocks),
                                   children=tuple(build(c) for c in children))

    return tuple(build(n) for n in roots)


def _cap_headings(doc: Document) -> tuple[Document, tuple[str, ...]]:
    flat = _flatten(doc.sections)
    counts: dict[int, int] = {}
    for section in flat:
        counts[section.level] = counts.get(section.level, 0) + 1
    if all(n <= MAX_HEADINGS_PER_LEVEL for n in counts.values()):
        return doc, ()
    kept: list[tuple[Section, list[Block]]] = []
    seen: dict[int, int] = {}
    lead = list(doc.lead)
    for section in flat:
        seen[section.level] = seen.get(section.level, 0) + 1
        if seen[section.level] <= MAX_HEADINGS_PER_LEVEL:
            kept.append((section, list(section.blocks)))
        else:
            (kept[-1][1] if kept else lead).extend(_as_blocks(section))
    over = ", ".join(f"{n} at level {level}" for level, n in sorted(counts.items())
                     if n > MAX_HEADINGS_PER_LEVEL)
    warning = (f"{doc.meta.source.path}: too many headings ({over}); after "
               f"{MAX_HEADINGS_PER_LEVEL} per level they are set as bold paragraphs")
    return dataclasses.replace(doc, lead=tuple(lead), sections=_nest(kept)), (warning,)


MAX_TABLE_COLUMNS = 20
"""Widest table kept as one: a wider one is cut into as few tables of at most this many
columns as will do, of even widths (the first column repeated in each as the row labels).
Print sets a table on landscape pages only when the portrait page cannot hold it
(:func:`lighthouse_docs.tables.print_class`)."""


def _columns(table: Table) -> int:
    return max((len(r.cells) for r in (*table.head, *table.body)), default=0)


SHORT_TABLE_ROWS = 8
"""A table of at most this many body rows that would need a landscape page is cut into two or
three parts that fit the portrait page instead (:func:`_portrait_parts`): stacked on the page
they take less paper than a landscape page of their own, mostly blank, and the reader does
not turn the paper. A longer table keeps its rows whole across landscape pages."""
MAX_PORTRAIT_PARTS = 3


def _split_table(table: Table, count: int | None = None) -> tuple[Table, ...]:
    """``table`` cut into ``count`` parts (by default as few of at most
    :data:`MAX_TABLE_COLUMNS` columns as will do), of as even widths as can be (23 columns:
    12 and 12, not 20 and 4), each part after the first repeating the first column; every
    part keeps the caption and knows its place (:class:`model.TableSplit`), so each says
    what it is."""
    width = _columns(table)
    rest = width - 1  # the first column goes into every part
    count = count or -(-rest // (MAX_TABLE_COLUMNS - 1))
    sizes = [rest // count + (1 if n < rest % count else 0) for n in range(count)]
    parts: list[Table] = []
    start = 1
    for number, size in enumerate(sizes, start=1):
        columns = (0, *range(start, start + size))
        align = tuple(table.align[i] if i < len(table.align) else table.align[-1]
                      for i in columns) if table.align else ()
        split = model.TableSplit(part=number, parts=count, first=1 if number == 1 else start + 1,
                                 last=start + size, columns=width)
        parts.append(dataclasses.replace(
            table, head=tables.pick_columns(table.head, columns),
            body=tables.pick_columns(table.body, columns), align=align, split=split,
            source=table.source if number == count else ()))
        start += size
    return tuple(parts)


def _portrait_parts(table: Table) -> tuple[Table, ...] | None:
    """``table``, short (:data:`SHORT_TABLE_ROWS`) but too wide for the portrait page, cut
    into the fewest parts that each fit it in small type; None when none do."""
    if len(table.body) > SHORT_TABLE_ROWS:
        return None
    for count in range(2, min(MAX_PORTRAIT_PARTS, _columns(table) - 1) + 1):
        parts = _split_table(table, count)
        if all(tables.fits_portrait(part) for part in parts):
            return parts
    return None


_TableNote: TypeAlias = tuple[int | None, int, tuple[Table, ...]]
"""A wide table's line, its column count and the tables it became (itself when not split)."""


def _map_tables(blocks: tuple[Block, ...], notes: list[_TableNote]
                ) -> tuple[Block, ...]:
    out: list[Block] = []
    changed = False
    for block in blocks:
        if isinstance(block, Table) and _columns(block) <= MAX_TABLE_COLUMNS:
            parts = _portrait_parts(block) if tables.landscape(block) else None
            if tables.landscape(block):
                notes.append((block.line, _columns(block), parts or (block,)))
            out.extend(parts or (block,))
            changed |= parts is not None
        elif isinstance(block, Table):
            parts = _split_table(block)
            notes.append((block.line, _columns(block), parts))
            out.extend(parts)
            changed = True
        elif isinstance(block, model.BulletList | model.OrderedList):
            items = tuple(_map_tables(item, notes) for item in block.items)
            changed |= items != block.items
            out.append(dataclasses.replace(block, items=items))
        elif isinstance(block, model.BlockQuote):
            inner = _map_tables(block.blocks, notes)
            changed |= inner != block.blocks
            out.append(dataclasses.replace(block, blocks=inner))
        else:
            out.append(block)
    return tuple(out) if changed else blocks


def _split_wide_tables(doc: Document) -> tuple[Document, tuple[Diagnostic, ...]]:
    """``doc`` with tables over :data:`MAX_TABLE_COLUMNS` columns cut into several (a warning:
    the reader sees other tables than the author made) and a note (``info``: what a wide table
    is meant to get, so ``--strict`` accepts it) for each printed on landscape pages."""
    notes: list[_TableNote] = []

    def section(s: Section) -> Section:
        return dataclasses.replace(s, blocks=_map_tables(s.blocks, notes),
                                   children=tuple(section(c) for c in s.children))

    lead = _map_tables(doc.lead, notes)
    sections = tuple(section(s) for s in doc.sections)
    footnotes = tuple(dataclasses.replace(f, blocks=_map_tables(f.blocks, notes))
                      for f in doc.footnotes)
    if not notes:
        return doc, ()
    path = doc.meta.source.path
    def split(parts: tuple[Table, ...]) -> str:
        return (f"split into {len(parts)} tables (columns "
                + ", ".join(f"{t.split.first}–{t.split.last}" for t in parts if t.split)
                + "), the first column repeated in each")

    # Cut because no page holds it: a warning (the reader sees other tables than the author
    # made). Set as print sets a wide table (landscape, or short and cut to fit the portrait
    # page): a note, so --strict accepts it.
    warnings = tuple(
        diagnostic(path, f"table of {columns} columns is too wide for a page; {split(parts)}"
                   + (", printed in small type on landscape pages"
                      if any(tables.landscape(t) for t in parts) else ""),
                   line=line, code="table-wide")
        if columns > MAX_TABLE_COLUMNS else
        diagnostic(path, f"table of {columns} columns is too wide for a portrait page; "
                   f"{split(parts)}, in small type on the portrait page", line=line,
                   code="table-wide", severity="info")
        if len(parts) > 1 else
        diagnostic(path, f"table of {columns} columns is too wide for a portrait page; printed "
                   "in small type on a landscape page of its own", line=line,
                   code="table-wide", severity="info")
        for line, columns, parts in notes)
    return dataclasses.replace(doc, lead=lead, sections=sections, footnotes=footnotes), warnings


MAX_WORD_CHARS = 200
"""Longest run of characters without a break opportunity left as it is. Longer ones (a
200,000-character token) get a zero-width space every :data:`WORD_CHUNK_CHARS` characters:
breaking one huge word anywhere costs the layout engine time quadratic in its length."""
WORD_CHUNK_CHARS = 40
_LONG_WORD = re.compile(rf"[^\s\u200b]{{{MAX_WORD_CHARS + 1},}}")


def _break_long_words(text: str) -> str:
    if len(text) <= MAX_WORD_CHARS:
        return text
    return _LONG_WORD.sub(lambda m: "\u200b".join(
        m.group()[i:i + WORD_CHUNK_CHARS] for i in range(0, len(m.group()), WORD_CHUNK_CHARS)),
        text)


def _map_words(value: Any, count: list[int]) -> Any:
    """``value`` (a model object or tuple of them) with long words broken in every text."""
    if isinstance(value, Text | model.Code | model.CodeBlock):
        broken = _break_long_words(value.text)
        if broken == value.text:
            return value
        count[0] += 1
        return dataclasses.replace(value, text=broken)
    return map_children(value, lambda _parent, child, _name: _map_words(child, count))


def _break_words(doc: Document) -> tuple[Document, tuple[str, ...]]:
    count = [0]
    changed = dataclasses.replace(
        doc, lead=_map_words(doc.lead, count), sections=_map_words(doc.sections, count),
        footnotes=_map_words(doc.footnotes, count))
    if not count[0]:
        return doc, ()
    return changed, (f"{doc.meta.source.path}: words longer than {MAX_WORD_CHARS} characters "
                     f"are given a break opportunity every {WORD_CHUNK_CHARS} characters",)




MAX_PARAGRAPH_CHARS = 50_000
"""The longest run of a paragraph's text without a line break kept as one paragraph (some
8,000 words; real paragraphs, legal ones included, stay within a few thousand characters).
WeasyPrint cuts each line from the rest of its paragraph, so laying out one paragraph costs
time that grows with the square of its length: 200,000 characters took some 10 s, and a
text of 5 MB saved as one line ran into the build's time limit. A longer one is cut into
paragraphs of at most :data:`PARAGRAPH_PIECE_CHARS` at sentence ends, with a warning."""
PARAGRAPH_PIECE_CHARS = 2_000
_SENTENCE_BREAK = re.compile(r"[.!?…][\"'”’»)\]]*\s+")
_ANY_BREAK = re.compile(r"[\s\u200b]+")


def _longest_run(inlines: Iterable[model.Inline]) -> int:
    """The most characters ``inlines`` hold between two line breaks."""
    longest = run = 0
    for inline in inlines:
        if isinstance(inline, model.LineBreak):
            run = 0
        else:
            run += len(plain_text((inline,)))
            longest = max(longest, run)
    return longest


def _cut_point(text: str, budget: int) -> int | None:
    """Where to end a piece of at most ``budget`` characters of ``text``: after its last
    sentence end in the second half of the budget, else at its last space; None if none."""
    window = text[:budget + 1]
    ends = [m.end() for m in _SENTENCE_BREAK.finditer(window) if m.end() > budget // 2]
    if ends:
        return ends[-1]
    spaces = [m.start() for m in _ANY_BREAK.finditer(window) if m.start() > 0]
    return spaces[-1] if spaces else None


def _cut_paragraph(paragraph: model.Paragraph) -> list[model.Paragraph]:
    """``paragraph`` as pieces of at most about :data:`PARAGRAPH_PIECE_CHARS` characters, cut
    inside its plain text runs (a link or an emphasis is never cut)."""
    pieces: list[list[model.Inline]] = [[]]
    size = 0
    for inline in paragraph.inlines:
        if not isinstance(inline, Text):
            pieces[-1].append(inline)
            size += len(plain_text((inline,)))
            continue
        text = inline.text
        while size + len(text) > PARAGRAPH_PIECE_CHARS:
            cut = _cut_point(text, PARAGRAPH_PIECE_CHARS - size)
            if cut is None and size:
                pieces.append([])
                size = 0
                continue
            cut = cut or PARAGRAPH_PIECE_CHARS
            if head := text[:cut].rstrip():
                pieces[-1].append(Text(text=head))
            pieces.append([])
            size = 0
            text = text[cut:].lstrip()
        if text:
            pieces[-1].append(Text(text=text))
            size += len(text)
    return [model.Paragraph(inlines=tuple(p), line=paragraph.line)
            for p in pieces if any(not isinstance(i, model.LineBreak) for i in p)]


def _cut_long_paragraphs(value: Any, cut: list[tuple[int | None, int, int]]) -> Any:
    """``value`` (a model object or tuple of them) with every paragraph longer than
    :data:`MAX_PARAGRAPH_CHARS` replaced by its pieces; ``cut`` collects (line, characters,
    pieces) of each."""
    if isinstance(value, tuple):
        items: list[Any] = []
        for item in value:
            if (isinstance(item, model.Paragraph)
                    and _longest_run(item.inlines) > MAX_PARAGRAPH_CHARS):
                pieces = _cut_paragraph(item)
                cut.append((item.line, len(plain_text(item.inlines)), len(pieces)))
                items.extend(pieces)
            else:
                items.append(_cut_long_paragraphs(item, cut))
        return value if len(items) == len(value) and all(
            a is b for a, b in zip(items, value, strict=True)) else tuple(items)
    if isinstance(value, model.Section | model.BlockQuote | model.BulletList
                  | model.OrderedList | model.Footnote):
        return map_children(value, lambda _parent, child, _name: _cut_long_paragraphs(
            child, cut) if isinstance(child, tuple) else child)
    return value


def _cut_paragraphs(doc: Document) -> tuple[Document, tuple[str, ...]]:
    cut: list[tuple[int | None, int, int]] = []
    changed = dataclasses.replace(
        doc, lead=_cut_long_paragraphs(doc.lead, cut),
        sections=_cut_long_paragraphs(doc.sections, cut),
        footnotes=_cut_long_paragraphs(doc.footnotes, cut))
    if not cut:
        return doc, ()
    path = doc.meta.source.path
    # In plain text one line is one paragraph; elsewhere a blank line (or Enter) ends one.
    fix = ("put each paragraph on a line of its own" if doc.meta.source.format == "text"
           else "put a blank line between the paragraphs")
    return changed, tuple(
        (f"{path}:{line}: " if line is not None else f"{path}: ")
        + f"a paragraph of {chars:,} characters without a break is cut into {pieces:,} "
        f"paragraphs of at most {PARAGRAPH_PIECE_CHARS:,} characters at sentence ends "
        f"(it could not be laid out in time); {fix}"
        for line, chars, pieces in cut)


def _document_text(doc: Document) -> str:
    blocks = [*doc.lead, *(b for s in _flatten(doc.sections) for b in s.blocks)]
    return language_sample(doc.meta.title, blocks)


def bound_document(doc: Document) -> Document:
    """``doc`` within the sizes a brief can lay out in reasonable time, with a warning for
    every cap applied: author key points (:data:`MAX_AUTHOR_KEY_POINTS`, each at most
    :data:`MAX_KEY_POINT_CHARS`), the marking (:data:`MAX_MARKING_CHARS`) and the sections
    per heading level (:data:`MAX_HEADINGS_PER_LEVEL`); a paragraph too long to lay out is cut
    into several (:data:`MAX_PARAGRAPH_CHARS`)."""
    path = doc.meta.source.path
    warnings: list[Diagnostic | str] = []
    meta = doc.meta
    points = meta.key_points
    if len(points) > MAX_AUTHOR_KEY_POINTS:
        warnings.append(f"{path}: {len(points)} key points in the front matter; the first "
                        f"{MAX_AUTHOR_KEY_POINTS} are used")
        points = points[:MAX_AUTHOR_KEY_POINTS]
    if any(len(p) > MAX_KEY_POINT_CHARS for p in points):
        warnings.append(f"{path}: key points longer than {MAX_KEY_POINT_CHARS} characters "
                        "are cut")
        points = tuple(_shorten(p, MAX_KEY_POINT_CHARS) for p in points)
    marking, marking_warnings = bound_marking(meta.marking, path)
    warnings.extend(marking_warnings)
    from ..lang import normalize_tag

    lang = normalize_tag(meta.lang) or ""
    if not lang:
        lang = detect_language(_document_text(doc))
        warnings.append(f"{path}: language {_shorten(meta.lang, 40)!r} is not a language tag "
                        f"(such as en or pt-BR); detected {lang!r} instead")
    if points != meta.key_points or marking != meta.marking or lang != meta.lang:
        meta = dataclasses.replace(meta, key_points=points, marking=marking, lang=lang)
    doc, heading_warnings = _cap_headings(dataclasses.replace(doc, meta=meta))
    warnings.extend(heading_warnings)
    doc, table_warnings = _split_wide_tables(doc)
    warnings.extend(table_warnings)
    doc, word_warnings = _break_words(doc)
    warnings.extend(word_warnings)
    doc, paragraph_warnings = _cut_paragraphs(doc)
    warnings.extend(paragraph_warnings)
    if not warnings:
        return doc
    return dataclasses.replace(doc, warnings=(*doc.warnings, *warnings))


def fallback_title(path: str) -> str:
    """The title of an article that gives none: its file name without the suffix, ``_`` and
    ``-`` as spaces, the first letter capitalised (``korut_rusia-2.md`` -> "Korut rusia 2");
    "Untitled" when there is no name."""
    stem = PurePath(path).stem.replace("_", " ").replace("-", " ").strip()
    return stem[:1].upper() + stem[1:] if stem else "Untitled"
