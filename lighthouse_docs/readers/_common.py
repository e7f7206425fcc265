"""What every reader shares: decoding, text cleaning, front matter and language detection.

Pure functions; ``readers.load`` is the only caller that touches the file system.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from ..errors import InputError
from ..model import BlockQuote, BulletList, FlowItem, Inline, OrderedList, Paragraph, Text
from ..outline import block_text

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


def _decode_by_detection(data: bytes, path: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

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


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """A YAML front matter block split off the top of a source."""

    data: Mapping[str, Any]
    body: str
    body_first_line: int
    """1-based line number in the original text where ``body`` starts."""


class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader refusing aliases (``*name``): front matter never needs them, and
    nested aliases expand exponentially (a "billion laughs" of 542 bytes fills the memory)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in front matter",
                event.start_mark)
        return super().compose_node(parent, index)


def _load_yaml(raw: str) -> Any:
    loader = _NoAliasLoader(raw)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def split_front_matter(text: str, path: str) -> FrontMatter:
    """Separate a leading ``---`` YAML block (if any) from the body.

    :raises InputError: the block is not valid YAML or not a mapping.
    """
    match = _FRONT_MATTER.match(text)
    if match is None:
        return FrontMatter(data={}, body=text, body_first_line=1)
    raw = match.group(1) or ""
    try:
        data = _load_yaml(raw) if raw.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        problem = getattr(exc, "problem", None)
        if problem and "aliases" in problem:
            raise InputError(f"front matter: {problem}", path=path, line=line) from None
        raise InputError(f"front matter is not valid YAML ({exc.__class__.__name__})",
                         path=path, line=line) from None
    except (ValueError, RecursionError):
        # PyYAML raises plain ValueError for impossible timestamps ("date: 2024-13-45") and
        # recurses on deeply nested flow collections; both are the author's input problem.
        raise InputError("front matter is not valid YAML (bad value or nesting)",
                         path=path, line=1) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("front matter must be a mapping of keys to values", path=path, line=1)
    consumed = match.group(0)
    return FrontMatter(data=data, body=text[len(consumed):],
                       body_first_line=consumed.count("\n") + 1)


def _as_str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return clean_text(str(value)).strip() or None


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list | tuple):
        return tuple(clean_text(str(v)).strip() for v in value if str(v).strip())
    return (clean_text(str(value)).strip(),)


def _as_date(value: Any, path: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InputError(f"front matter date {value!r} is not YYYY-MM-DD", path=path) from None


def metadata_fields(data: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Front matter keys -> keyword arguments for :class:`~lighthouse_docs.model.Metadata`.

    Only keys that are present are returned, so readers can merge them over inferred values.
    Accepts the common aliases (``author``/``authors``, ``site``/``publisher``,
    ``classification``/``marking``, ``description``/``summary``, ``url``/``source_url``).
    """
    aliases = {
        "title": "title", "subtitle": "subtitle",
        "publisher": "publisher", "site": "publisher",
        "author": "authors", "authors": "authors",
        "date": "date", "lang": "lang", "language": "lang",
        "summary": "summary", "description": "summary", "abstract": "summary",
        "marking": "marking", "classification": "marking",
        "keywords": "keywords", "tags": "keywords",
        "key_points": "key_points", "key-points": "key_points",
        "url": "url", "source_url": "url", "source": "url",
    }
    out: dict[str, Any] = {}
    for key, value in data.items():
        field = aliases.get(str(key).lower())
        if field is None:
            continue
        if field in ("authors", "keywords"):
            out[field] = _as_tuple(value)
        elif field == "key_points":
            out[field] = _as_tuple([value] if isinstance(value, str) else value)
        elif field == "date":
            out[field] = _as_date(value, path)
        else:
            out[field] = _as_str(value)
    return out


def trim_inlines(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """A block's inline run without whitespace at either end (nor the empty text runs left)."""
    items = list(inlines)
    if items and isinstance(items[0], Text):
        items[0] = Text(text=items[0].text.lstrip())
    if items and isinstance(items[-1], Text):
        items[-1] = Text(text=items[-1].text.rstrip())
    return tuple(i for i in items if not (isinstance(i, Text) and not i.text))


LANGUAGE_SAMPLE_CHARS = 5000
"""How much running text language detection looks at (CLD2 is sure long before that)."""


def language_sample(title: str, flow: Iterable[FlowItem]) -> str:
    """The title and the first few thousand characters of running text of a reader's flow."""
    parts, size = [title], len(title)
    for item in flow:
        if isinstance(item, Paragraph | BlockQuote | BulletList | OrderedList):
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
