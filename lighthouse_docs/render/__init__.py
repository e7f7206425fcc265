"""Model -> markup, through Jinja2 templates only.

:func:`environment` is the one Jinja2 environment of the project: templates come from the
package (``lighthouse_docs/templates``), autoescape is always on and undefined names fail
loudly. Article text is only ever passed to templates as data, never compiled as a template.

``templates/_blocks.html.j2`` renders each block and inline kind once, as XHTML-compatible
HTML5, for both the print HTML and the EPUB documents. Callers pass a :class:`RenderContext`
that says how footnote references and image sources resolve in their output.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeAlias
from urllib.parse import urlsplit

from .. import tables
from ..config import Presentation
from ..i18n import Labels, format_date, labels
from ..model import (
    Block,
    Document,
    Footnote,
    Inline,
    Link,
    Pack,
    Paragraph,
    Section,
    Table,
    Text,
)
from ..outline import plain_text
from ..theme import Theme

if TYPE_CHECKING:
    import jinja2

CACHE_ENV = "LIGHTHOUSE_DOCS_CACHE"
"""Environment variable naming the cache folder (default ``$XDG_CACHE_HOME/lighthouse-docs``,
else ``~/.cache/lighthouse-docs``); ``none`` switches the caches off (compiled templates,
web-font subsets)."""

SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def safe_href(href: str) -> str | None:
    """``href`` if a reader may follow it (web, mail, in-document fragment), else None."""
    href = href.strip()
    if href.startswith("#"):
        return href
    try:
        scheme = urlsplit(href).scheme.lower()
    except ValueError:
        return None
    return href if scheme in SAFE_LINK_SCHEMES else None


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderOptions:
    """What every output (PDF, EPUB, HTML) of one build needs besides the document."""

    theme: Theme
    base_dir: Path
    """The source's folder: relative images resolve here, and nothing outside it is read
    (besides the theme folder and the package's own data)."""
    modified: dt.datetime
    """Timezone-aware build time: ``SOURCE_DATE_EPOCH`` when set, else the source's mtime."""
    paper: Literal["a4", "letter"] = "a4"
    pdf_variant: str | None = "pdf/ua-1"
    """WeasyPrint's ``pdf_variant``; None for a plain (untagged) PDF."""
    key_points: bool = True
    """Show the key points box."""
    presentation: Presentation = field(default_factory=Presentation)
    """Notes, printed links and the cover's institutional details (``config.Presentation``)."""
    image_max_side: int = 1600
    """Longest side in pixels of an image in the EPUB and the HTML preview."""
    image_dpi: int = 300
    """Resolution of an image in the PDF at the largest size it prints."""


@dataclass(frozen=True, slots=True)
class RenderContext:
    """How one output resolves what a block refers to."""

    mode: str
    """``"print"`` or ``"epub"``; templates branch on it where the two differ."""
    note_numbers: Mapping[str, int] = field(default_factory=dict)
    """Footnote id -> the number shown for it."""
    note_href: Callable[[str], str] = lambda note_id: f"#fn-{note_id}"
    """Footnote id -> the link target of its reference."""
    image_url: Callable[[str], str | None] = lambda src: src
    """Image source as written -> URL to emit, or None when the image was refused."""
    id_prefix: str = ""
    """Prepended to ids the block macros emit (``fnref-...``): unique ids when several
    documents share one HTML file (the combined PDF brief)."""
    link_href: Callable[[str], str | None] = safe_href
    """Link target as written -> href to emit, or None to show the link text only. Outputs
    that split or combine articles map in-article ``#anchor`` links to their new ids."""
    link_address: Callable[[Link], str | None] = lambda link: None
    """A link -> the address to print after its text for paper readers (``links = "inline"``
    in the PDF), or None."""
    foot_note: Callable[[str], Footnote | None] = lambda note_id: None
    """Footnote id -> the note to set at the foot of the page at this call (``notes =
    "foot"`` in the PDF; only at a note's first call), or None for an endnote."""
    labels: Labels = field(default_factory=lambda: labels(None))
    """The words of the article's language that blocks show ("(continued)" on a part of a
    split table)."""
    paper: bool = False
    """Set for paper (the PDF): code and written-out addresses are cut into pieces a line
    may break between (:func:`break_pieces`)."""
    lang: str = ""
    """The document's language: runs of text in another script are tagged with theirs
    (:func:`script_runs`)."""
    rtl: bool = False
    """The enclosing block is set right to left (a paragraph of mostly Arabic)."""

    def runs(self, text: str) -> tuple[ScriptRun, ...] | None:
        """``text``'s runs of other scripts (:func:`script_runs`); None: plain text."""
        return script_runs(text, self.lang, self.rtl)

    def right_to_left(self) -> RenderContext:
        """This context inside a block set right to left."""
        return dataclasses.replace(self, rtl=True)

    def in_heading(self) -> RenderContext:
        """This context for a heading: its code is not cut into pieces (a heading is set
        ragged, and its text becomes the PDF bookmark and the running head, which must not
        carry the pieces' zero-width spaces)."""
        return dataclasses.replace(self, paper=False) if self.paper else self


def cache_dir(name: str = "jinja2") -> Path | None:
    """The cache folder ``name`` (``jinja2``: compiled templates; ``webfonts``: the HTML
    preview's font subsets), or None when caching is switched off."""
    given = os.environ.get(CACHE_ENV, "").strip()
    if given.lower() == "none":
        return None
    if given:
        return Path(given).expanduser() / name
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "lighthouse-docs" / name


def private_cache(name: str) -> Path | None:
    """The cache folder ``name`` (:func:`cache_dir`), created mode 0700 if needed; None when
    caching is off or the folder is not a real folder of ours that nobody else may write
    (what it holds is trusted: compiled code, fonts embedded in outputs)."""
    try:
        folder = cache_dir(name)
    except RuntimeError:  # no home folder to expand
        return None
    return folder if folder is not None and _private_folder(folder) else None


def store_in_cache(path: Path, data: bytes) -> None:
    """Write the cache entry ``path`` (in a :func:`private_cache` folder) whole or not at all:
    other builds may read it meanwhile. A cache that cannot be written is no error."""
    import contextlib
    import tempfile  # not at the top: most runs never write a cache entry

    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _private_folder(path: Path) -> bool:
    """Create ``path`` (mode 0700) if needed; True only when it is a real folder of ours that
    nobody else may write: compiled templates are code, loaded with ``marshal``."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.lstat()
    except (OSError, RuntimeError):  # RuntimeError: no home folder to expand
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """A file cache of the packaged templates' compiled code: a new process loads them in a
    few milliseconds instead of compiling them again (~0.15 s for all of them). Entries are
    keyed by template name and checked against the source's checksum and Jinja2's version, so
    an edited template or another Jinja2 is compiled afresh. None: no usable folder."""
    import jinja2

    folder = private_cache("jinja2")
    return None if folder is None else jinja2.FileSystemBytecodeCache(str(folder))


@dataclass(frozen=True, slots=True, kw_only=True)
class Front:
    """A publication as every format's render sees it: what its cover and title page show,
    and its articles. A brief is a publication of one article whose own metadata is the
    front; a combined brief has the pack's front and its articles become parts, each with
    its own title. This is the one place where a brief and a combined brief differ in kind.
    """

    title: str
    lang: str
    subtitle: str | None
    publisher: str | None
    authors: tuple[str, ...]
    """The byline of the publication itself (a pack has none of its own)."""
    date: dt.date | None
    marking: str | None
    source_url: str | None
    description: str | None
    """The article's description; a pack's lists its articles' titles."""
    keywords: tuple[str, ...]
    reading_minutes: int
    short_title: str
    """For the running head."""
    documents: tuple[Document, ...]
    parts: bool
    """The articles are parts with their own title, byline and key points (a combined
    brief); False: the one article's metadata is the front."""


def front_of(subject: Document | Pack) -> Front:
    """The :class:`Front` of a brief (a publication of one article) or of a combined brief."""
    from ..brief import brief_of  # here: a build with nothing to render never needs it

    if isinstance(subject, Document):
        meta, derived = subject.meta, brief_of(subject)
        return Front(title=meta.title, lang=meta.lang, subtitle=meta.subtitle,
                     publisher=meta.publisher, authors=meta.authors, date=meta.date,
                     marking=meta.marking, source_url=meta.source.url,
                     description=derived.description, keywords=meta.keywords,
                     reading_minutes=derived.reading_minutes,
                     short_title=derived.short_title, documents=(subject,), parts=False)
    docs = subject.documents
    return Front(title=subject.title, lang=subject.lang, subtitle=None,
                 publisher=subject.publisher, authors=(), date=subject.date,
                 marking=subject.marking, source_url=None,
                 description="; ".join(d.meta.title for d in docs) or None,
                 keywords=tuple(dict.fromkeys(k for d in docs for k in d.meta.keywords)),
                 reading_minutes=sum(brief_of(d).reading_minutes for d in docs),
                 short_title=subject.title, documents=docs, parts=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class CoverDate:
    """The date a cover, title page and EPUB cover image show, the same in every format."""

    date: dt.date
    text: str
    """The date as the language writes it ("2 Januari 2026")."""
    label: str
    """What the date is: "Published" for the source's own date, "Compiled" for the build's."""
    built: bool
    """The source gave no date: this is the build date."""


def cover_date(front: Front, options: RenderOptions) -> CoverDate:
    """The publication's own date (front matter, the page's metadata, a pack's configured
    date), else the build date (``options.modified``), labelled as such."""
    words = labels(front.lang)
    if front.date is not None:
        return CoverDate(date=front.date, text=format_date(front.date, front.lang),
                         label=words.published, built=False)
    moment = options.modified
    built = (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    return CoverDate(date=built.date(), text=format_date(built.date(), front.lang),
                     label=words.compiled, built=True)


def reads_right_to_left(text: str) -> bool:
    """Whether ``text`` runs right to left: its first strongly directional character is Arabic
    or Hebrew (Unicode bidi classes AL, R), as the HTML ``dir="auto"`` rule decides (which
    WeasyPrint does not implement)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def is_rtl(inlines: Iterable[Inline]) -> bool:
    """Whether the text of ``inlines`` is set right to left as a whole: most of its letters
    are Arabic or Hebrew (Unicode bidi classes AL, R). A paragraph that mixes an Arabic quote
    with an English translation of it reads left to right, the Arabic in a right-to-left run
    of its own (:func:`script_runs`); setting all of it right to left sends the English
    words' punctuation to the wrong end of the lines."""
    rtl = ltr = 0
    for char in plain_text(inlines):
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            rtl += 1
        elif kind == "L":
            ltr += 1
    return rtl > ltr


# Scripts whose runs are tagged with a language inside text of another one, by code point.
_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0590, 0x05FF, "Hebr"), (0x0600, 0x06FF, "Arab"), (0x0750, 0x077F, "Arab"),
    (0x0870, 0x08FF, "Arab"), (0x0E00, 0x0E7F, "Thai"), (0x1100, 0x11FF, "Hang"),
    (0x3040, 0x30FF, "Kana"), (0x3130, 0x318F, "Hang"), (0x31F0, 0x31FF, "Kana"),
    (0x3400, 0x4DBF, "Hani"), (0x4E00, 0x9FFF, "Hani"), (0xAC00, 0xD7AF, "Hang"),
    (0xF900, 0xFAFF, "Hani"), (0xFB1D, 0xFB4F, "Hebr"), (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFC, "Arab"), (0x20000, 0x2FA1F, "Hani"),
)
_SCRIPT_STARTS = tuple(start for start, _, _ in _SCRIPT_RANGES)
_TAGGED_SCRIPT = re.compile(
    "[" + "".join(f"{chr(a)}-{chr(b)}" for a, b, _ in _SCRIPT_RANGES) + "]")
_RTL_SCRIPTS = frozenset({"Arab", "Hebr"})
_SCRIPT_OF_LANGUAGE = {
    "ar": "Arab", "fa": "Arab", "ur": "Arab", "ps": "Arab", "ug": "Arab", "sd": "Arab",
    "ckb": "Arab", "he": "Hebr", "yi": "Hebr", "th": "Thai", "zh": "CJK", "ja": "CJK",
    "ko": "CJK",
}
"""The script group a language is written in, where it is one :func:`script_runs` tags."""
ScriptRun: TypeAlias = tuple[str, str | None, str | None]
"""``(text, lang, dir)`` of a run of one script; lang and dir None: plain text."""


def block_language(inlines: Iterable[Inline], lang: str) -> str | None:
    """The ``lang`` to set on a block set right to left (:func:`is_rtl`) in a document whose
    language is not written in its script: ``"ar"`` or ``"he"``; else None."""
    own = _SCRIPT_OF_LANGUAGE.get(lang.split("-")[0].lower(), "")
    counts = {"Arab": 0, "Hebr": 0}
    for char in plain_text(inlines):
        group = _script_group(char)
        if group in counts:
            counts[group] += 1
    group = max(counts, key=lambda g: counts[g])
    return None if group == own or not counts[group] else _run_lang(group, "")


TASK_BOXES = ("☐ ", "☒ ")
"""How the Markdown reader writes a task-list item's box (pandoc's plain-text ballot boxes)."""


def is_task_list(block: Block) -> bool:
    """Whether every item of a bullet list opens with a task box: set without bullets."""
    items = getattr(block, "items", ())
    return bool(items) and all(
        item and isinstance(item[0], Paragraph) and plain_text(item[0].inlines).startswith(
            TASK_BOXES) for item in items)


def quote_is_rtl(blocks: Iterable[Block]) -> bool:
    """Whether a block quote is set right to left (its rule on the right): it holds
    paragraphs, and every one of them is (:func:`is_rtl`)."""
    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    return bool(paragraphs) and all(is_rtl(p.inlines) for p in paragraphs)


def _script_group(char: str) -> str | None:
    """The tagged script group of ``char`` ("Arab", "Hebr", "Thai", "CJK"), "" for a letter
    of any other script, None for a character of none (space, punctuation, digit)."""
    if unicodedata.category(char)[0] not in "LM":
        return None
    code = ord(char)
    i = bisect.bisect_right(_SCRIPT_STARTS, code) - 1
    if i >= 0 and code <= _SCRIPT_RANGES[i][1]:
        kind = _SCRIPT_RANGES[i][2]
        return "CJK" if kind in ("Hani", "Kana", "Hang") else kind
    return ""


def _run_lang(group: str, text: str) -> str:
    if group == "CJK":
        if any(0x3040 <= ord(c) <= 0x30FF or 0x31F0 <= ord(c) <= 0x31FF for c in text):
            return "ja"
        if any(0xAC00 <= ord(c) <= 0xD7AF or 0x1100 <= ord(c) <= 0x11FF
               or 0x3130 <= ord(c) <= 0x318F for c in text):
            return "ko"
        return "zh"
    return {"Arab": "ar", "Hebr": "he", "Thai": "th"}[group]


def script_runs(text: str, lang: str, rtl: bool = False) -> tuple[ScriptRun, ...] | None:
    """``text`` cut into runs of one script, each with the ``lang`` and ``dir`` to set on it,
    or None when all of it is in the script of its block (the common case: no markup).

    ``lang`` is the document's language, ``rtl`` whether the block is set right to left
    (:func:`is_rtl`). A run of Arabic or Hebrew letters in a left-to-right block gets
    ``dir="rtl"`` (an isolated run: the English around it keeps its order), and
    ``lang="ar"``/``"he"``; a run of Thai gets ``lang="th"``, one of Chinese characters
    ``"zh"`` (``"ja"`` with kana, ``"ko"`` with Hangul), unless the document is written in
    that script; a run of other letters in a right-to-left block gets ``dir="ltr"`` (and the
    document's language, when it is not written in a script tagged here). Spaces and
    punctuation between two letters of one script belong to its run; any other, to the
    block's text. A screen reader then reads each run in its own voice, and the PDF's
    structure tree carries the language of each."""
    own = _SCRIPT_OF_LANGUAGE.get(lang.split("-")[0].lower(), "")
    if not rtl and not _TAGGED_SCRIPT.search(text):
        return None
    groups = [_script_group(c) for c in text]
    strong = [i for i, g in enumerate(groups) if g is not None]
    if rtl:
        counts: dict[str, int] = {}
        for i in strong:
            if groups[i] in _RTL_SCRIPTS:
                counts[groups[i] or ""] = counts.get(groups[i] or "", 0) + 1
        base = max(counts, key=lambda g: counts[g]) if counts else own
    else:
        base = own if own not in _RTL_SCRIPTS else ""
    if all(groups[i] == base for i in strong):
        return None
    # Each character's run: a strong one its own group's; neutral ones between two strong
    # characters of one group that group's, else the block's.
    owner: list[str] = [base] * len(text)
    for n, i in enumerate(strong):
        owner[i] = groups[i] or ""
        if n + 1 < len(strong):
            j = strong[n + 1]
            if groups[j] == groups[i]:
                owner[i + 1:j] = [groups[i] or ""] * (j - i - 1)
    runs: list[ScriptRun] = []
    start = 0
    for k in range(1, len(text) + 1):
        if k == len(text) or owner[k] != owner[start]:
            run = _run(text[start:k], owner[start], base, own, lang)
            if runs and runs[-1][1:] == run[1:]:
                runs[-1] = (runs[-1][0] + run[0], *run[1:])
            else:
                runs.append(run)
            start = k
    return tuple(runs) if any(r[1] or r[2] for r in runs) else None


def _run(text: str, group: str, base: str, own: str, lang: str) -> ScriptRun:
    if group == base:
        return (text, None, None)
    if group == "":
        if base not in _RTL_SCRIPTS:
            return (text, None, None)
        return (text, lang if own == "" else None, "ltr")
    tag = None if group == own else _run_lang(group, text)
    if group in _RTL_SCRIPTS:
        return (text, tag, "rtl")
    return (text, tag, "ltr" if base in _RTL_SCRIPTS else None)


LONG_WORD = 12
"""A word of code or an address longer than this many characters gets break opportunities
(:func:`break_pieces`); a shorter one is never broken."""
MAX_PIECE = 24
"""The longest piece :func:`break_pieces` leaves without a break opportunity; a longer run
without punctuation is cut into even parts no longer than this."""
_SPACES = re.compile(r"(\s+)")
_AFTER = frozenset("/_.,:;=&?#|\\@")
"""Characters a long code word or address may break after (Chicago: at the punctuation of
an address; never at a hyphen, which would read as part of it)."""
_OPEN_ONLY = re.compile(r"^[\w]+$")
_BREAKS_INSIDE = re.compile(r"[-‐/?!](?=.)")
"""A piece the line breaker could break inside (after a hyphen or a slash that is not its
last character, UAX #14): it is set in a ``.nobr`` span; any other needs no markup."""


def break_pieces(text: str) -> tuple[tuple[str, str], ...]:
    """``text`` (inline code, a web address) cut for print as ``(kind, text)`` items:
    ``"space"`` (a run of white space, a line may break there), ``"word"`` (a piece no line
    may break inside: ``--from``, ``cgi-bin/``), ``"text"`` (a piece the line breaker would
    not break anyway: ``+EXTENSION``, ``gauges_``) and ``"break"`` (a break opportunity inside
    a word, without a hyphen). Code and addresses are never hyphenated (the print theme).

    A long identifier or address may break after its punctuation (``mrc_`` / ``gauges_``,
    ``wiki/`` / ``Office_Open_XML``), a run without punctuation longer than :data:`MAX_PIECE`
    characters in even parts, so a justified line never has to be stretched to push it whole
    onto the next line; a piece is shorter than 3 characters only where a longer one would
    exceed :data:`MAX_PIECE`."""
    out: list[tuple[str, str]] = []
    for part in _SPACES.split(text):
        if not part:
            continue
        if part.isspace():
            out.append(("space", part))
        elif len(part) <= LONG_WORD:
            out.append(("word" if _BREAKS_INSIDE.search(part) else "text", part))
        else:
            for n, piece in enumerate(_word_pieces(part)):
                if n:
                    out.append(("break", ""))
                out.append(("word" if _BREAKS_INSIDE.search(piece) else "text", piece))
    return tuple(out)


def _word_pieces(word: str) -> list[str]:
    pieces: list[str] = []
    current = ""
    for n, char in enumerate(word):
        current += char
        following = word[n + 1] if n + 1 < len(word) else ""
        if char in _AFTER and following and following not in _AFTER and len(current) >= 3:
            pieces.append(current)
            current = ""
    if current:
        if pieces and len(current) < 3 and len(pieces[-1]) + len(current) <= MAX_PIECE:
            pieces[-1] += current
        else:
            pieces.append(current)
    # A long run without punctuation is cut into even parts ("TextFormattingRules" whole,
    # not "TextFormattingRule" / "s").
    even: list[str] = []
    for piece in pieces:
        parts = -(-len(piece) // MAX_PIECE)
        size = -(-len(piece) // parts)
        even.extend(piece[i:i + size] for i in range(0, len(piece), size))
    return even


def looks_like_address(inlines: Iterable[Inline]) -> bool:
    """Whether ``inlines`` are a web or mail address written out (a bare link's text)."""
    items = tuple(inlines)
    return (len(items) == 1 and isinstance(items[0], Text)
            and _ADDRESS.fullmatch(items[0].text.strip()) is not None)


_ADDRESS = re.compile(r"(?:[a-z][a-z0-9+.\-]*://|www\.|mailto:)\S+|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+",
                      re.IGNORECASE)


def table_class(table: Table) -> str:
    """The print classes of ``table``: ``""``, ``"wide"``, ``"wide tight"`` or ``"wide
    landscape"`` (:func:`lighthouse_docs.tables.print_class`)."""
    return tables.print_class(table)


KEEP_WHOLE_ROWS = 8
"""A table of at most this many body rows prints whole, on one page (:func:`keeps_whole`)."""


def keeps_whole(table: Table) -> bool:
    """Whether print keeps ``table`` on one page (class ``keep``): a short one, which, split,
    left a row or two on the next page under the repeated header while the page before had
    room (the short-last-page rebalancing moves whole blocks, not table rows). Long tables
    break between rows and repeat their header."""
    return len(table.body) <= KEEP_WHOLE_ROWS


LEAD_IN_CHARACTERS = 280
"""A paragraph of at most this many characters (some four lines) right before a landscape
table introduces it, and is printed with it on its landscape page (:func:`introduces_landscape`)."""


def _landscape(block: Block | None) -> bool:
    return isinstance(block, Table) and tables.landscape(block)


def introduces_landscape(block: Block, following: Block | None) -> bool:
    """Whether ``block``, followed by ``following``, goes on a landscape table's page ahead of
    it: a short paragraph (:data:`LEAD_IN_CHARACTERS`) right before a landscape table. (The
    print theme puts a landscape table on a page of its own; its lead-in must not stay behind,
    alone at the foot of the portrait page.)"""
    return isinstance(block, Paragraph) and _landscape(following) \
        and len(plain_text(block.inlines)) <= LEAD_IN_CHARACTERS


def continues_landscape(following: Block | None) -> bool:
    """Whether ``following``, the block after a landscape table, is a later part of the same
    table cut by columns (:class:`lighthouse_docs.model.TableSplit`) that goes on landscape
    pages too: it follows on the same landscape page, the pages turn back only after it."""
    return _landscape(following) and isinstance(following, Table) \
        and following.split is not None and following.split.part > 1


def opens_with_landscape(section: Section) -> bool:
    """Whether ``section``'s heading goes on a landscape table's page: the section opens with
    the table (after at most a short lead-in, :func:`introduces_landscape`), or has no text of
    its own and its first subsection opens so. A heading is never left alone on the portrait
    page before the landscape one."""
    blocks = section.blocks
    if not blocks:
        return bool(section.children) and opens_with_landscape(section.children[0])
    return _landscape(blocks[0]) or (
        len(blocks) > 1 and introduces_landscape(blocks[0], blocks[1]))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The project's Jinja2 environment (built once per process; templates cached in memory
    and, compiled, in :func:`cache_dir`)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("lighthouse_docs", "templates"),
        bytecode_cache=_bytecode_cache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["safe_href"] = safe_href
    env.globals["table_class"] = table_class
    env.globals["keeps_whole"] = keeps_whole
    env.globals["table_layout"] = tables.layout
    env.globals["print_cells"] = tables.print_cells
    env.globals["introduces_landscape"] = introduces_landscape
    env.globals["opens_with_landscape"] = opens_with_landscape
    env.globals["continues_landscape"] = continues_landscape
    env.globals["break_pieces"] = break_pieces
    env.tests["rtl"] = is_rtl
    env.tests["rtl_quote"] = quote_is_rtl
    env.tests["task_list"] = is_task_list
    env.globals["block_language"] = block_language
    env.tests["address"] = looks_like_address
    return env


def warm_templates() -> None:
    """Load every output template into :func:`environment` now (compiled, or from the
    bytecode cache), so that processes forked from this one render without loading them."""
    env = environment()
    for name in env.list_templates(extensions=["j2"]):
        if not name.startswith("serve/"):
            env.get_template(name)
