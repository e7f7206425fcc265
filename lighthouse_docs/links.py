"""Links for readers of every output: bare addresses linked, addresses printed for paper (pure).

:func:`linkify` runs once per document between reading and rendering: a web address or an
e-mail address written as plain text (``https://…``, ``www.…``, ``name@example.org``) becomes
a link in every format, whatever the source format (Markdown, plain text, HTML, Word). Text
inside code and inside existing links is left alone.

:func:`link_notes` is the print-only ``links = "notes"`` policy: each outside link gets a note
call after its text and a note giving its address, numbered with the article's own notes in
reading order, so a paper reader can type it (a link inside a note has its address after it).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from . import model
from .model import Block, Document, FootnoteRef, Inline, Link, Paragraph, Section, Text
from .outline import plain_text, query, rewrite_runs

_ADDRESS = re.compile(
    r"(?<![\w@/.\-])(?:(?:https?://|www\.)[^\s<>\"“”‘’«»]+|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[a-z]{2,})",
    re.IGNORECASE)
_TRAILING = ".,;:!?'’\"”)]}>…"


def _trim(address: str) -> str:
    """An address without the sentence punctuation that follows it ("(see x.org/a)." ->
    "x.org/a"); a closing bracket stays when the address opened one (Wikipedia links)."""
    while address and address[-1] in _TRAILING:
        if address[-1] == ")" and address.count("(") >= address.count(")"):
            break
        address = address[:-1]
    return address


def href_for(address: str) -> str:
    """The link target of an address written in text."""
    lower = address.lower()
    if lower.startswith(("http://", "https://")):
        return address
    if lower.startswith("www."):
        return f"https://{address}"
    return f"mailto:{address}"


def _split(text: str) -> list[Inline]:
    parts: list[Inline] = []
    pos = 0
    for match in _ADDRESS.finditer(text):
        address = _trim(match.group(0))
        if not address or (address.lower().startswith("www.") and "." not in address[4:]):
            continue
        start, end = match.start(), match.start() + len(address)
        if start > pos:
            parts.append(Text(text=text[pos:start]))
        parts.append(Link(children=(Text(text=address),), href=href_for(address)))
        pos = end
    if pos < len(text):
        parts.append(Text(text=text[pos:]))
    return parts


def linkify_inlines(items: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """A run of inlines with its bare addresses made links (code and links as they are)."""
    result: list[Inline] = []
    changed = False
    for item in items:
        if isinstance(item, Text) and ("@" in item.text or "http" in item.text.lower()
                                       or "www." in item.text.lower()):
            parts = _split(item.text)
            changed = changed or parts != [item]
            result.extend(parts)
        elif isinstance(item, model.Emphasis | model.Strong | model.Strikethrough
                          | model.Superscript | model.Subscript):
            children = linkify_inlines(item.children)
            changed = changed or children is not item.children
            result.append(item if children is item.children
                          else dataclasses.replace(item, children=children))
        else:
            result.append(item)
    return tuple(result) if changed else items


def linkify(doc: Document) -> Document:
    """``doc`` with the bare web and e-mail addresses of its text made links (headings as
    they are)."""
    lead, sections, notes = rewrite_runs((doc.lead, doc.sections, doc.footnotes),
                                         linkify_inlines)
    return dataclasses.replace(doc, lead=lead, sections=sections, footnotes=notes)


# --------------------------------------------------------------------------- links as notes


def shows_address(link: Link) -> bool:
    """Whether a printed link needs its address spelled out: an outside link (web or mail)
    whose text does not already say it."""
    href = link.href.strip()
    scheme = urlsplit(href).scheme.lower() if not href.startswith("#") else ""
    if scheme not in ("http", "https", "mailto"):
        return False
    shown = " ".join(plain_text(link.children).split()).rstrip("/")
    address = href.removeprefix("mailto:").rstrip("/")
    return shown not in (address, address.split("://", 1)[-1], address.removeprefix("www."))


def printed_address(href: str) -> str:
    """How a link's address is printed: without ``mailto:``."""
    return href.strip().removeprefix("mailto:")


def link_notes(doc: Document) -> Document:
    """``doc`` with every outside link followed by a note call, its address in that note;
    notes (the article's own and these) are ordered by their first call."""
    counter = itertools.count(1)
    added: list[model.Footnote] = []

    def run(items: tuple[Inline, ...]) -> tuple[Inline, ...]:
        result: list[Inline] = []
        for item in items:
            if isinstance(item, Link):
                result.append(item)
                if shows_address(item):
                    note_id = f"link-{next(counter)}"
                    address = printed_address(item.href)
                    added.append(model.Footnote(id=note_id, blocks=(Paragraph(inlines=(
                        Link(children=(Text(text=address),), href=item.href),)),)))
                    result.append(FootnoteRef(id=note_id))
            elif isinstance(item, model.Emphasis | model.Strong | model.Strikethrough
                          | model.Superscript | model.Subscript):
                result.append(dataclasses.replace(item, children=run(item.children)))
            else:
                result.append(item)
        return tuple(result)

    def inline(items: tuple[Inline, ...]) -> tuple[Inline, ...]:
        # Inside a note a link cannot have a note of its own: its address follows its text.
        result: list[Inline] = []
        for item in items:
            result.append(item)
            if isinstance(item, Link) and shows_address(item):
                result.append(Text(text=f" ({printed_address(item.href)})"))
        return tuple(result)

    lead = rewrite_runs(doc.lead, run)
    sections = rewrite_runs(doc.sections, run)
    own = rewrite_runs(doc.footnotes, inline)
    if not added and own == doc.footnotes:
        return doc
    notes = {n.id: n for n in (*own, *added)}
    order = list(dict.fromkeys(ref.id for ref in _refs(lead, sections) if ref.id in notes))
    order += [n for n in notes if n not in order]
    return dataclasses.replace(doc, lead=lead, sections=sections,
                               footnotes=tuple(notes[n] for n in order))


def _refs(lead: tuple[Block, ...], sections: tuple[Section, ...]) -> Iterator[FootnoteRef]:
    yield from query(lead, FootnoteRef)
    yield from query(sections, FootnoteRef)
