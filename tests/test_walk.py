"""The generic walk/query/rewrite over the model (outline.py), used by checks and renderers."""

from __future__ import annotations

from lighthouse_docs.model import (
    BlockQuote,
    BulletList,
    Document,
    Emphasis,
    Footnote,
    FootnoteRef,
    Image,
    Inline,
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
from lighthouse_docs.outline import plain_text, query, rewrite, rewrite_runs, walk


def _doc() -> Document:
    nested = Paragraph(inlines=(Text(text="a"), Link(children=(Emphasis(
        children=(FootnoteRef(id="deep"),)),), href="https://example.org")))
    child = Section(id="c", level=3, heading=(Text(text="Child"), FootnoteRef(id="h")),
                    blocks=(BulletList(items=((nested,),)),))
    top = Section(id="t", level=2, heading=(Text(text="Top"),),
                  blocks=(Paragraph(inlines=(FootnoteRef(id="first"),)),), children=(child,))
    return Document(meta=Metadata(title="T", source=SourceInfo(path="a.md", format="markdown")),
                    lead=(Image(src="x.png", alt="x"),), sections=(top,),
                    footnotes=(Footnote(id="n", blocks=(Paragraph(
                        inlines=(FootnoteRef(id="in-note"),)),)),))


def test_query_finds_nodes_at_any_depth_in_reading_order() -> None:
    assert [r.id for r in query(_doc(), FootnoteRef)] == ["first", "h", "deep", "in-note"]
    assert [i.src for i in query(_doc(), Image)] == ["x.png"]


def test_walk_yields_a_node_before_its_children() -> None:
    kinds = [type(node).__name__ for node in walk(_doc().sections[0])]
    assert kinds[:3] == ["Section", "Text", "Paragraph"]
    assert kinds.index("Section", 1) < kinds.index("BulletList")


def test_rewrite_replaces_every_match_and_keeps_untouched_parts() -> None:
    doc = _doc()
    seen: list[str] = []

    def rename(ref: FootnoteRef) -> FootnoteRef:
        seen.append(ref.id)
        return FootnoteRef(id=ref.id.upper())

    new = rewrite(doc, FootnoteRef, rename)
    assert seen == ["first", "h", "deep", "in-note"]
    assert [r.id for r in query(new, FootnoteRef)] == ["FIRST", "H", "DEEP", "IN-NOTE"]
    assert new.lead is doc.lead and new.meta is doc.meta
    assert rewrite(doc, Image, lambda image: image) is not None


def test_rewrite_runs_reaches_every_run_of_text_and_headings_only_when_asked() -> None:
    cell = TableCell(inlines=(Text(text="cell"),))
    table = Table(head=(TableRow(cells=(cell,)),), body=(TableRow(cells=(cell,)),),
                  caption=(Text(text="table caption"),), source=(Text(text="table source"),))
    figure = Image(src="x.png", alt="x", caption=(Text(text="figure caption"),),
                   source=(Text(text="figure source"),))
    doc = _doc()
    doc = Document(meta=doc.meta, lead=(figure, BlockQuote(blocks=(table,))),
                   sections=doc.sections, footnotes=doc.footnotes)
    seen: list[str] = []

    def shout(run: tuple[Inline, ...]) -> tuple[Inline, ...]:
        seen.append(plain_text(run))
        return (Text(text=plain_text(run).upper()),)

    new = rewrite_runs(doc, shout)
    assert seen == ["figure caption", "figure source", "cell", "cell", "table caption",
                    "table source", "", "a", ""]  # then paragraphs, not headings; a note
    # (the link and the emphasis inside "a"'s paragraph are part of its run, not runs)
    assert [plain_text(s.heading) for s in new.sections] == ["Top"]
    assert new.meta is doc.meta
    assert plain_text(new.lead[1].blocks[0].body[0].cells[0].inlines) == "CELL"
    seen.clear()
    with_headings = rewrite_runs(doc.sections, shout, headings=True)
    assert seen[0] == "Top" and "Child" in seen
    assert plain_text(with_headings[0].heading) == "TOP"
    unchanged = rewrite_runs(doc, lambda run: run)
    assert unchanged is doc
