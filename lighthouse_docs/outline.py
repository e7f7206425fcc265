"""From a reader's flat stream to the section tree, and from the tree to plain data.

Pure functions only. :func:`sectionize` is the one place that builds the hierarchy and hands
out section ids (as Pandoc's ``makeSections``/``uniqueIdent`` do), so every reader gets the
same rules for level normalisation and id uniqueness.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, TypeGuard, TypeVar, get_args, get_type_hints

from slugify import slugify

from . import model
from .model import Block, Document, Heading, Paragraph, Section

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

RESERVED_IDS = frozenset(
    {"cover", "title", "titlepage", "toc", "toc-title", "contents", "key-points",
     "key-points-title", "lead", "footnotes", "notes", "nav", "main", "landmarks",
     "landmarks-title", "part"}
)
"""Ids the templates use for their own elements; a section never takes one of them."""
_RESERVED_ID_PATTERN = re.compile(r"^(?:fn-|fnref-|n\d+$|a\d+-)")
"""Families of template ids (footnotes, note references, pack article prefixes): a section id
that would look like one of them gets an ``s-`` in front."""

LEAD_WORDS = 8
"""How many words of the lead ``to_outline_json`` quotes as ``lead_starts_with`` (words as
``\\w+`` runs, so "baru-baru" counts two: the corpus golden's "Korea Utara dan Rusia baru-baru
ini semakin")."""
_WORD = re.compile(r"\w+")

_XML_ID_START = re.compile(r"^[a-z]")


def plain_text(inlines: Iterable[model.Inline]) -> str:
    """The text a reader sees, without markup (footnote references dropped, images as alt)."""
    parts: list[str] = []
    for inline in inlines:
        if isinstance(inline, model.Text | model.Code):
            parts.append(inline.text)
        elif isinstance(inline, model.Emphasis | model.Strong | model.Strikethrough
                        | model.Superscript | model.Subscript | model.Link):
            parts.append(plain_text(inline.children))
        elif isinstance(inline, model.InlineImage):
            parts.append(inline.alt)
        elif isinstance(inline, model.LineBreak):
            parts.append(" ")
    return "".join(parts)


def block_text(block: Block) -> str:
    """All the words of a block as one string (list items and cells joined by spaces)."""
    if isinstance(block, Paragraph):
        return plain_text(block.inlines)
    if isinstance(block, model.BulletList | model.OrderedList):
        return " ".join(block_text(b) for item in block.items for b in item)
    if isinstance(block, model.BlockQuote):
        return " ".join(block_text(b) for b in block.blocks)
    if isinstance(block, model.CodeBlock):
        return block.text
    if isinstance(block, model.Image):
        return " ".join(filter(None, [block.alt, plain_text(block.caption)]))
    if isinstance(block, model.Table):
        rows = (*block.head, *block.body)
        cells = [plain_text(c.inlines) for r in rows for c in r.cells]
        return " ".join(filter(None, [*cells, plain_text(block.caption)]))
    if isinstance(block, model.ThematicBreak):
        return ""
    raise TypeError(f"not a block: {block!r}")  # pragma: no cover - the union is closed


_Node = TypeVar("_Node")


def walk(value: object) -> Iterator[object]:
    """Every model node in and under ``value`` (a document, pack, section, block, inline or a
    tuple of them), pre-order, in reading order: a node comes before its children, fields in
    declaration order (a section's heading, then its blocks, then its subsections)."""
    stack: list[object] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, tuple):
            stack.extend(reversed(node))
            continue
        if not _is_node(node):
            continue
        yield node
        children = [getattr(node, f.name) for f in dataclasses.fields(node)]
        stack.extend(reversed([c for c in children if isinstance(c, tuple) or _is_node(c)]))


def query(value: object, kind: type[_Node]) -> Iterator[_Node]:
    """The nodes of type ``kind`` in and under ``value``, in reading order (:func:`walk`)."""
    return (node for node in walk(value) if isinstance(node, kind))


def _is_node(value: object) -> TypeGuard[DataclassInstance]:
    """Whether ``value`` is a model node (a dataclass instance, not a class)."""
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def map_children(value: Any, change: Callable[[Any, Any, str], Any]) -> Any:
    """``value`` (a tuple or a model node) with each child replaced by
    ``change(value, child, field_name)`` (``field_name`` is "" for a tuple's items); the
    children of a node are its fields that hold a node or a tuple. Returns ``value`` itself
    when no child changed (compared by identity)."""
    if isinstance(value, tuple):
        items = tuple(change(value, item, "") for item in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if not _is_node(value):
        return value
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(value):
        child = getattr(value, f.name)
        if isinstance(child, tuple) or _is_node(child):
            new = change(value, child, f.name)
            if new is not child:
                changes[f.name] = new
    return dataclasses.replace(value, **changes) if changes else value


def rewrite(value: Any, kind: type[_Node], change: Callable[[_Node], _Node]) -> Any:
    """``value`` with every node of type ``kind`` in and under it replaced by ``change(node)``,
    called in reading order (as :func:`walk` meets them); a replacement is not descended
    into. Nodes with nothing replaced under them are returned as they are."""
    if isinstance(value, kind):
        return change(value)
    return map_children(value, lambda _parent, child, _name: rewrite(child, kind, change))


Run: TypeAlias = tuple[model.Inline, ...]
"""A run of inlines: a paragraph's text, a heading, a table cell, a caption or source line."""

_INLINE_KINDS = tuple(get_args(model.Inline))


@functools.cache
def _run_fields(cls: type) -> frozenset[str]:
    """The fields of a model class that hold a run of inlines (typed ``tuple[Inline, ...]``)."""
    if cls.__module__ != model.__name__:
        return frozenset()
    hints = get_type_hints(cls)
    return frozenset(f.name for f in dataclasses.fields(cls) if hints[f.name] == Run)


def rewrite_runs(value: Any, change: Callable[[Run], Run], *, headings: bool = False) -> Any:
    """``value`` with every run of inlines in and under it (a paragraph's, a cell's, a figure's
    or table's caption and source line; a section's heading too when ``headings``) replaced
    by ``change(run)``, called in reading order. ``change`` gets each outermost run whole: the
    runs inside emphasis or a link are its own to handle. Parts with no run changed are
    returned as they are."""
    if isinstance(value, _INLINE_KINDS):
        return value

    def child(parent: Any, item: Any, name: str) -> Any:
        kind: type = type(parent)
        if name and name in _run_fields(kind):
            skip = not headings and isinstance(parent, Section | Heading)
            return item if skip else change(item)
        return rewrite_runs(item, change, headings=headings)

    return map_children(value, child)


def iter_sections(sections: Iterable[Section]) -> Iterator[Section]:
    """Every section depth first, in reading order."""
    for section in sections:
        yield section
        yield from iter_sections(section.children)


class SlugRegistry:
    """Hands out ids unique within one document (``intro``, ``intro-2``, ...)."""

    def __init__(self, reserved: Iterable[str] = RESERVED_IDS) -> None:
        self._used: set[str] = set(reserved)
        # Next suffix to try per base, so that a thousand "Summary" headings cost linear time.
        self._next_suffix: dict[str, int] = {}

    def claim_id(self, explicit: str | None, text: str) -> str:
        """The id of a heading: from its ``explicit`` id when it has one, else its ``text``."""
        return self.claim(explicit or text)

    def claim(self, text: str, *, fallback: str = "section") -> str:
        """A new id derived from ``text``, valid in HTML and XML, never handed out before."""
        base = slugify(text, max_length=60, word_boundary=True) or fallback
        if not _XML_ID_START.match(base) or _RESERVED_ID_PATTERN.match(base):
            base = f"s-{base}"
        return self._unique(base, first_suffix=1)

    def _unique(self, base: str, *, first_suffix: int) -> str:
        """``base`` the first time, then ``base-N`` counting on from ``first_suffix + 1``
        (``intro-2`` here, pandoc's ``intro-1``), skipping ids already used."""
        n = self._next_suffix.get(base, first_suffix)
        candidate = base if n == first_suffix else f"{base}-{n}"
        while candidate in self._used:
            n += 1
            candidate = f"{base}-{n}"
        self._next_suffix[base] = n + 1
        self._used.add(candidate)
        return candidate


class PandocSlugs(SlugRegistry):
    """Ids as pandoc's ``auto_identifiers`` makes them, so that links written for pandoc
    (``#extension-auto_identifiers``, ``#reader-options-1``) find their section: the
    heading's text in lower case, spaces as hyphens, every character that is not a letter,
    digit, ``_``, ``-`` or ``.`` dropped, everything before the first letter dropped
    ("section" when nothing is left); a repeated id gets ``-1``, ``-2``... An explicit id
    (``{#intro}``) is kept as written when it is a valid one nobody has yet. Ids the
    templates use (:data:`RESERVED_IDS` and their families) are never handed out."""

    def claim_id(self, explicit: str | None, text: str) -> str:
        if explicit and _PANDOC_EXPLICIT.fullmatch(explicit) and explicit not in self._used \
                and not _RESERVED_ID_PATTERN.match(explicit):
            self._used.add(explicit)
            return explicit
        base = pandoc_identifier(text)
        if _RESERVED_ID_PATTERN.match(base):
            base = f"s-{base}"
        return self._unique(base, first_suffix=0)


_PANDOC_EXPLICIT = re.compile(r"[^\W\d_][\w.\-]*")
_PANDOC_DROPPED = re.compile(r"[^\w\s.\-]")


def pandoc_identifier(text: str) -> str:
    """The identifier pandoc's ``auto_identifiers`` derives from a heading's plain text."""
    ident = "-".join(_PANDOC_DROPPED.sub("", text.lower()).split())
    start = next((i for i, c in enumerate(ident) if c.isalpha()), len(ident))
    return ident[start:] or "section"


@dataclasses.dataclass(slots=True)
class _OpenSection:
    heading: Heading
    level: int
    id: str
    blocks: list[Block] = dataclasses.field(default_factory=list)
    children: list[Section] = dataclasses.field(default_factory=list)

    def close(self) -> Section:
        return Section(
            id=self.id,
            level=self.level,
            heading=self.heading.inlines,
            blocks=tuple(self.blocks),
            children=tuple(self.children),
            line=self.heading.line,
        )


def sectionize(
    items: Iterable[model.FlowItem], *, slugs: SlugRegistry | None = None
) -> tuple[tuple[Block, ...], tuple[Section, ...]]:
    """Split a flat stream into the lead and a section tree.

    A heading opens a section that runs to the next heading of the same or a higher rank.
    Levels are normalised by nesting, not copied: top-level sections are level 2 and a child is
    always one level below its parent, so a jump from ``##`` to ``####`` still gives level 3.

    :returns: ``(lead, sections)``; the lead holds the blocks before the first heading.
    """
    registry = slugs or SlugRegistry()
    lead: list[Block] = []
    top: list[Section] = []
    stack: list[_OpenSection] = []

    def close_top_of_stack() -> None:
        done = stack.pop().close()
        (stack[-1].children if stack else top).append(done)

    for item in items:
        if isinstance(item, Heading):
            while stack and stack[-1].heading.level >= item.level:
                close_top_of_stack()
            level = stack[-1].level + 1 if stack else 2
            explicit = item.id if item.id and item.id not in RESERVED_IDS else None
            section_id = registry.claim_id(explicit, plain_text(item.inlines))
            stack.append(_OpenSection(heading=item, level=level, id=section_id))
        elif stack:
            stack[-1].blocks.append(item)
        else:
            lead.append(item)
    while stack:
        close_top_of_stack()
    return tuple(lead), tuple(top)


def _outline_entry(section: Section) -> dict[str, Any]:
    return {
        "heading": plain_text(section.heading),
        "level": section.level,
        "paragraphs": sum(isinstance(b, Paragraph) for b in section.blocks),
        "children": [_outline_entry(child) for child in section.children],
    }


def lead_words(text: str) -> str:
    """``text`` up to the end of its :data:`LEAD_WORDS`-th word, spacing normalised."""
    words = list(_WORD.finditer(text))
    end = words[min(LEAD_WORDS, len(words)) - 1].end() if words else len(text)
    return " ".join(text[:end].split())


def to_outline_json(doc: Document) -> dict[str, Any]:
    """The outline in the corpus format (``shared/corpus/README.md``), as plain data."""
    first_paragraph = next((b for b in doc.lead if isinstance(b, Paragraph)), None)
    lead_start = None
    if first_paragraph is not None:
        lead_start = lead_words(plain_text(first_paragraph.inlines))
    return {
        "publisher": doc.meta.publisher,
        "title": doc.meta.title,
        "lang": doc.meta.lang,
        "lead_starts_with": lead_start,
        "lead_paragraphs": sum(isinstance(b, Paragraph) for b in doc.lead),
        "sections": [_outline_entry(s) for s in doc.sections],
    }


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data: dict[str, Any] = {}
        kind = getattr(type(value), "kind", None)
        if isinstance(kind, str):
            data["kind"] = kind
        for f in dataclasses.fields(value):
            if f.name == "kind":
                continue
            data[f.name] = _jsonable(getattr(value, f.name))
        return data
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def to_json(doc: Document) -> dict[str, Any]:
    """The whole model as plain data (each block and inline tagged with its ``kind``)."""
    result: dict[str, Any] = _jsonable(doc)
    return result


def heading_texts(sections: Sequence[Section]) -> list[tuple[int, str]]:
    """``(level, text)`` of every heading, depth first: what a TOC or PDF outline must show."""
    return [(s.level, plain_text(s.heading)) for s in iter_sections(sections)]
