"""captions: captioned figures and tables numbered in reading order, in the article's language."""

from __future__ import annotations

import dataclasses

from lighthouse_docs.captions import number
from lighthouse_docs.model import (
    BulletList,
    Document,
    Image,
    Metadata,
    Section,
    SourceInfo,
    Table,
    TableCell,
    TableRow,
    Text,
)
from lighthouse_docs.readers.html import flow_from_markup

CAPTION = (Text(text="A caption"),)
ROW = TableRow(cells=(TableCell(inlines=(Text(text="1"),)),))


def _doc(lang: str) -> Document:
    images = (Image(src="a.png", alt="a", caption=CAPTION), Image(src="logo.png", alt="logo"))
    table = Table(head=(), body=(ROW,), caption=CAPTION)
    nested = BulletList(items=((Image(src="b.png", alt="b", caption=CAPTION),),))
    section = Section(id="s", level=2, heading=(Text(text="S"),),
                      blocks=(table, nested, dataclasses.replace(table, caption=())))
    meta = Metadata(title="T", source=SourceInfo(path="a.md", format="markdown"), lang=lang)
    return Document(meta=meta, lead=images, sections=(section,))


def test_captioned_figures_and_tables_are_numbered_in_reading_order() -> None:
    doc = number(_doc("id"))
    first, logo = doc.lead
    table, nested, plain_table = doc.sections[0].blocks
    assert (first.label, logo.label) == ("Gambar 1", None)  # type: ignore[union-attr]
    assert nested.items[0][0].label == "Gambar 2"  # type: ignore[union-attr]
    assert (table.label, plain_table.label) == ("Tabel 1", None)  # type: ignore[union-attr]
    english = number(_doc("en-GB"))
    assert english.lead[0].label == "Figure 1"  # type: ignore[union-attr]
    assert english.sections[0].blocks[0].label == "Table 1"  # type: ignore[union-attr]


def test_html_figcaption_loses_its_written_number_and_a_source_paragraph_is_kept() -> None:
    flow = flow_from_markup(
        '<figure><img src="c.png" alt="Chart"><figcaption>Figure 7: Rice prices'
        "</figcaption></figure><p>Source: BPS</p><p>Body.</p>"
        "<table><caption>Stocks</caption><tr><td>1</td></tr></table><p>Sumber: Bulog</p>")
    image, body, table = flow
    assert isinstance(image, Image) and image.caption == (Text(text="Rice prices"),)
    assert image.source == (Text(text="Source: BPS"),)
    assert isinstance(table, Table) and table.source == (Text(text="Sumber: Bulog"),)
    assert body.kind == "paragraph"
