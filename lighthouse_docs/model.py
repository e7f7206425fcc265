"""The document model: frozen, typed, free of I/O.

Readers produce it, renderers consume it. Every container is a tuple so that a document is
hashable and can never change under a renderer's feet. Blocks and inlines carry a ``kind``
class variable that templates dispatch on (``{% if block.kind == "paragraph" %}``).

Readers emit a *flat* stream of blocks and :class:`Heading` markers; only
:func:`lighthouse_docs.outline.sectionize` turns that stream into the section tree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar, Literal, TypeAlias

from .diagnostics import Diagnostic

# --------------------------------------------------------------------------- inlines


@dataclass(frozen=True, slots=True, kw_only=True)
class Text:
    """A run of plain text (whitespace inside is significant, never markup)."""

    kind: ClassVar[str] = "text"
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Emphasis:
    """Emphasised (usually italic) inlines."""

    kind: ClassVar[str] = "emphasis"
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Strong:
    """Strongly emphasised (usually bold) inlines."""

    kind: ClassVar[str] = "strong"
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Strikethrough:
    """Deleted text."""

    kind: ClassVar[str] = "strikethrough"
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Superscript:
    """Raised text (pandoc's ``2^10^``, HTML ``<sup>``)."""

    kind: ClassVar[str] = "superscript"
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Subscript:
    """Lowered text (pandoc's ``H~2~O``, HTML ``<sub>``)."""

    kind: ClassVar[str] = "subscript"
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Code:
    """Inline code, set in a monospaced face."""

    kind: ClassVar[str] = "code"
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """A hyperlink; ``href`` is kept as written, renderers decide what is safe to emit."""

    kind: ClassVar[str] = "link"
    children: tuple[Inline, ...]
    href: str
    title: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class InlineImage:
    """An image inside running text (Markdown ``![alt](src)`` within a paragraph)."""

    kind: ClassVar[str] = "inline_image"
    src: str
    alt: str
    title: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FootnoteRef:
    """A reference to :class:`Footnote` ``id`` of the same document."""

    kind: ClassVar[str] = "footnote_ref"
    id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LineBreak:
    """A hard line break inside a block."""

    kind: ClassVar[str] = "line_break"


Inline: TypeAlias = (
    Text | Emphasis | Strong | Strikethrough | Superscript | Subscript | Code | Link
    | InlineImage | FootnoteRef | LineBreak
)

# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True, slots=True, kw_only=True)
class Paragraph:
    """A paragraph of running text."""

    kind: ClassVar[str] = "paragraph"
    inlines: tuple[Inline, ...]
    line: int | None = None
    """1-based source line where the paragraph starts, for messages."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BulletList:
    """An unordered list; each item is a tuple of blocks."""

    kind: ClassVar[str] = "bullet_list"
    items: tuple[tuple[Block, ...], ...]
    line: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderedList:
    """A numbered list starting at ``start``."""

    kind: ClassVar[str] = "ordered_list"
    items: tuple[tuple[Block, ...], ...]
    start: int = 1
    line: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BlockQuote:
    """Quoted blocks."""

    kind: ClassVar[str] = "block_quote"
    blocks: tuple[Block, ...]
    line: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeBlock:
    """Preformatted text; ``language`` is an info string such as ``python`` or None."""

    kind: ClassVar[str] = "code_block"
    text: str
    language: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Image:
    """A stand-alone figure. ``alt`` is required reading for screen readers; may be empty."""

    kind: ClassVar[str] = "image"
    src: str
    alt: str
    title: str | None = None
    caption: tuple[Inline, ...] = ()
    source: tuple[Inline, ...] = ()
    """Where the figure comes from, as the article says it ("Source: BPS", "Foto: Antara")."""
    label: str | None = None
    """The caption's number as shown ("Figure 1", "Gambar 1"); set by ``captions.number``
    between reading and rendering, None for an uncaptioned image."""
    line: int | None = None


Alignment: TypeAlias = Literal["left", "center", "right"] | None


@dataclass(frozen=True, slots=True, kw_only=True)
class TableCell:
    """One cell of a table. A table's rows are a grid: a cell that spans columns or rows
    (HTML ``colspan``/``rowspan``) stands at its first position, and every other position it
    covers holds a ``covered`` cell, so ``row.cells[k]`` is always column ``k``."""

    inlines: tuple[Inline, ...]
    colspan: int = 1
    """How many columns this cell spans (the outputs' ``colspan``)."""
    rowspan: int = 1
    """How many rows this cell spans, within its head or body (the outputs' ``rowspan``)."""
    covered: bool = False
    """A position another cell's span covers: empty, not rendered."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TableRow:
    """One row of a table."""

    cells: tuple[TableCell, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class TableSplit:
    """Where one part of a table cut by columns (too wide for a page) stands in the whole:
    the part holds the whole's columns ``first`` to ``last`` (1-based, of ``columns``), and
    every part after the first repeats the whole's first column as its row labels."""

    part: int
    parts: int
    first: int
    last: int
    columns: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """A table with optional header rows; ``align`` has one entry per column."""

    kind: ClassVar[str] = "table"
    head: tuple[TableRow, ...]
    body: tuple[TableRow, ...]
    align: tuple[Alignment, ...] = ()
    caption: tuple[Inline, ...] = ()
    source: tuple[Inline, ...] = ()
    """Where the data come from, as the article says it ("Sumber: BPS")."""
    label: str | None = None
    """The caption's number as shown ("Table 1", "Tabel 1"); see :attr:`Image.label`. Every
    part of a split table has the number of the whole."""
    split: TableSplit | None = None
    """Set on each part of a table cut by columns (the readers cut tables too wide for a
    page); the outputs say so in its caption ("Table 1 (continued)... (columns 13-23 of 23)")."""
    line: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ThematicBreak:
    """A scene break / horizontal rule."""

    kind: ClassVar[str] = "thematic_break"
    line: int | None = None


Block: TypeAlias = (
    Paragraph | BulletList | OrderedList | BlockQuote | CodeBlock | Image | Table | ThematicBreak
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Heading:
    """A heading in a reader's flat stream; :func:`outline.sectionize` consumes it."""

    kind: ClassVar[str] = "heading"
    level: int
    inlines: tuple[Inline, ...]
    line: int | None = None
    id: str | None = None
    """An explicit id from the source (Markdown ``{#id}``, HTML ``id=``), else None."""


FlowItem: TypeAlias = Block | Heading
"""What a reader's flat stream holds."""

# --------------------------------------------------------------------------- document


@dataclass(frozen=True, slots=True, kw_only=True)
class Footnote:
    """A note referenced by :class:`FootnoteRef` with the same ``id``."""

    id: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """A heading and everything under it up to the next heading of the same or a higher level."""

    id: str
    """Slug unique within the document; usable as an HTML/XML id."""
    level: int
    """2 for top-level sections (the title is level 1), 3 for their subsections, ..."""
    heading: tuple[Inline, ...]
    blocks: tuple[Block, ...] = ()
    children: tuple[Section, ...] = ()
    line: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceInfo:
    """Where a document came from."""

    path: str
    """The source path as given (relative to the project when possible)."""
    format: Literal["text", "markdown", "html", "docx"]
    url: str | None = None
    folder: str | None = field(default=None, compare=False)
    """Absolute folder of the source file, where its relative images resolve (and nothing
    outside it is read); None for text parsed from a string. A combined brief needs it
    because its articles may come from different folders."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Metadata:
    """Everything known about a document besides its content."""

    title: str
    source: SourceInfo
    lang: str = "en"
    """BCP 47 tag, detected or given."""
    subtitle: str | None = None
    publisher: str | None = None
    authors: tuple[str, ...] = ()
    date: dt.date | None = None
    summary: str | None = None
    marking: str | None = None
    """Handling marking / classification, e.g. "TERBATAS"; printed on every page when set."""
    keywords: tuple[str, ...] = ()
    key_points: tuple[str, ...] = ()
    """Author-given key points (front matter); empty means "extract them"."""
    front_matter_keys: tuple[str, ...] = field(default=(), compare=False)
    """The front matter's keys as written (``checks`` validates them against the schema)."""
    front_matter_lines: tuple[int | None, ...] = field(default=(), compare=False)
    """The source line of each of :attr:`front_matter_keys`, when known."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Brief:
    """What a brief derives from its article, computed once (``brief.derive``) between reading
    and rendering, so every format shows the same key points, reading time and description."""

    key_points: tuple[str, ...]
    reading_minutes: int
    description: str | None
    """The summary, else the lead, shortened at a word (PDF /Subject, ``dc:description``)."""
    short_title: str
    """The title as the running head shows it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """One article: metadata, the lead (blocks before the first heading) and the section tree."""

    meta: Metadata
    lead: tuple[Block, ...] = ()
    sections: tuple[Section, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    brief: Brief | None = field(default=None, compare=False)
    """Derived once by ``brief.attach`` (the build does it after the checks); None until then."""
    warnings: tuple[Diagnostic | str, ...] = field(default=(), compare=False)
    """Problems a reader noticed (e.g. "decoded as windows-1252"), as
    :class:`~lighthouse_docs.diagnostics.Diagnostic` records (or plain strings, which become
    warnings with a generic code)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Pack:
    """A combined brief: several documents bound as parts of one publication."""

    title: str
    documents: tuple[Document, ...]
    lang: str = "en"
    date: dt.date | None = None
    marking: str | None = None
    publisher: str | None = None
