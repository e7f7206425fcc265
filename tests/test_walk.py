"""The generic walk/query/rewrite over the model (outline.py), used by checks and renderers."""

from __future__ import annotations

from lighthouse_docs.model import (
    BulletList,
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
    Text,
)
from lighthouse_docs.outline import query, rewrite, walk


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
