"""links: bare addresses become links; links as numbered notes for paper (print policy)."""

from __future__ import annotations

import pytest

from lighthouse_docs.links import link_notes, linkify, shows_address
from lighthouse_docs.model import (
    Code,
    Document,
    Emphasis,
    Footnote,
    FootnoteRef,
    Image,
    Link,
    Metadata,
    Paragraph,
    Section,
    SourceInfo,
    Table,
    TableCell,
    TableRow,
    Text,
)
from lighthouse_docs.outline import plain_text, query


def _doc(*inlines: Text | Code | Link | Emphasis | FootnoteRef,
         notes: tuple[Footnote, ...] = ()) -> Document:
    meta = Metadata(title="T", source=SourceInfo(path="a.txt", format="text"))
    section = Section(id="s", level=2, heading=(Text(text="S"),),
                      blocks=(Paragraph(inlines=inlines),))
    return Document(meta=meta, sections=(section,), footnotes=notes)


def _inlines(doc: Document) -> tuple[object, ...]:
    return doc.sections[0].blocks[0].inlines  # type: ignore[union-attr]


@pytest.mark.parametrize(("text", "href", "after"), [
    ("Data at https://example.org/d-1.", "https://example.org/d-1", "."),
    ("(see www.bps.go.id/x).", "https://www.bps.go.id/x", ")."),
    ("Write to desk@example.org, today", "mailto:desk@example.org", ", today"),
    ("https://en.wikipedia.org/wiki/A_(b)", "https://en.wikipedia.org/wiki/A_(b)", ""),
])
def test_bare_addresses_become_links(text: str, href: str, after: str) -> None:
    out = _inlines(linkify(_doc(Text(text=text))))
    [link] = [i for i in out if isinstance(i, Link)]
    assert link.href == href
    assert plain_text(out).endswith(after)  # type: ignore[arg-type]
    assert plain_text(out) == text  # type: ignore[arg-type]


def test_code_links_and_plain_text_are_left_alone() -> None:
    existing = Link(children=(Text(text="https://a.org"),), href="https://b.org")
    doc = _doc(Code(text="curl https://x.org"), existing, Text(text=" version 1.2, a@b"),
               Emphasis(children=(Text(text="www.c.org"),)))
    out = _inlines(linkify(doc))
    assert out[:3] == _inlines(doc)[:3]
    assert isinstance(out[3], Emphasis) and isinstance(out[3].children[0], Link)


def test_links_as_notes_are_numbered_with_the_articles_notes_in_call_order() -> None:
    own = Footnote(id="own", blocks=(Paragraph(inlines=(Text(text="Own note."),)),))
    doc = _doc(Link(children=(Text(text="the report"),), href="https://x.org/r"),
               Text(text=" and "), FootnoteRef(id="own"),
               Link(children=(Text(text="https://x.org/r"),), href="https://x.org/r"),
               Link(children=(Text(text="section"),), href="#s"), notes=(own,))
    out = link_notes(doc)
    inlines = _inlines(out)
    assert isinstance(inlines[1], FootnoteRef) and inlines[1].id == "link-1"
    assert [n.id for n in out.footnotes] == ["link-1", "own"]
    assert plain_text(out.footnotes[0].blocks[0].inlines) == "https://x.org/r"  # type: ignore[union-attr]
    assert link_notes(_doc(Text(text="none"))) == _doc(Text(text="none"))


def test_which_links_need_their_address_printed() -> None:
    def link(text: str, href: str) -> Link:
        return Link(children=(Text(text=text),), href=href)

    assert shows_address(link("the data", "https://x.org/d"))
    assert shows_address(link("write", "mailto:a@x.org"))
    assert not shows_address(link("x.org/d", "https://x.org/d"))
    assert not shows_address(link("a@x.org", "mailto:a@x.org"))
    assert not shows_address(link("above", "#intro"))
    assert not shows_address(link("run", "javascript:alert(1)"))


def test_links_in_captions_and_table_heads_get_notes_too() -> None:
    def link(n: int) -> Link:
        return Link(children=(Text(text=f"source {n}"),), href=f"https://x.org/{n}")

    head = TableRow(cells=(TableCell(inlines=(link(1),)),))
    body = TableRow(cells=(TableCell(inlines=(link(2),)),))
    table = Table(head=(head,), body=(body,), caption=(link(3),))
    figure = Image(src="c.png", alt="chart", caption=(link(4),), source=(link(5),))
    meta = Metadata(title="T", source=SourceInfo(path="a.txt", format="text"))
    out = link_notes(Document(meta=meta, lead=(table, figure)))
    calls = [ref.id for ref in query(out.lead, FootnoteRef)]
    assert len(calls) == 5 == len(out.footnotes)
    addresses = [plain_text(n.blocks[0].inlines) for n in out.footnotes]  # type: ignore[union-attr]
    assert sorted(addresses) == [f"https://x.org/{n}" for n in range(1, 6)]


def test_linkify_reaches_captions_cells_and_notes_but_not_headings() -> None:
    cell = TableCell(inlines=(Text(text="see www.a.org"),))
    table = Table(head=(TableRow(cells=(cell,)),), body=(), caption=(Text(text="www.b.org"),))
    note = Footnote(id="n", blocks=(Paragraph(inlines=(Text(text="www.c.org"),)),))
    meta = Metadata(title="T", source=SourceInfo(path="a.txt", format="text"))
    section = Section(id="s", level=2, heading=(Text(text="www.d.org"),), blocks=(table,))
    out = linkify(Document(meta=meta, sections=(section,), footnotes=(note,)))
    assert [link.href for link in query(out, Link)] == [
        "https://www.a.org", "https://www.b.org", "https://www.c.org"]
