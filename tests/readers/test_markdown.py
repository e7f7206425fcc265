"""The Markdown reader, on small inputs, on the case fixtures and on big real-world documents."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from external_corpus import external_file

from lighthouse_docs.errors import InputError
from lighthouse_docs.model import (
    BlockQuote,
    BulletList,
    Code,
    CodeBlock,
    Document,
    Emphasis,
    FootnoteRef,
    Image,
    InlineImage,
    LineBreak,
    Link,
    OrderedList,
    Paragraph,
    SourceInfo,
    Strikethrough,
    Strong,
    Subscript,
    Superscript,
    Table,
    Text,
    ThematicBreak,
)
from lighthouse_docs.outline import block_text, heading_texts, iter_sections, plain_text, to_json
from lighthouse_docs.readers import load
from lighthouse_docs.readers.markdown import parse

FIXTURES = Path(__file__).parents[1] / "fixtures" / "markdown"


def md(text: str, **kwargs: str) -> Document:
    return parse(text, SourceInfo(path="case.md", format="markdown"), **kwargs)


def all_text(doc: Document) -> str:
    """Every word the reader kept, lead, sections and footnotes."""
    parts = [doc.meta.title, *(block_text(b) for b in doc.lead)]
    for section in iter_sections(doc.sections):
        parts.append(plain_text(section.heading))
        parts.extend(block_text(b) for b in section.blocks)
    parts.extend(block_text(b) for note in doc.footnotes for b in note.blocks)
    return " ".join(parts)


# --------------------------------------------------------------------------- title and levels


def test_first_h1_is_the_title_and_leaves_the_flow() -> None:
    doc = md("# The Title\n\nLead.\n\n## One\n\nText.\n\n### One A\n\nMore.\n")
    assert doc.meta.title == "The Title"
    assert heading_texts(doc.sections) == [(2, "One"), (3, "One A")]
    assert "The Title" not in " ".join(block_text(b) for b in doc.lead)


def test_front_matter_title_keeps_h1_as_top_sections() -> None:
    doc = md("---\ntitle: Given\nlang: id\n---\n# Bab Satu\n\nIsi.\n\n## Sub\n\nIsi.\n# Bab Dua\n")
    assert doc.meta.title == "Given"
    assert doc.meta.lang == "id"
    assert heading_texts(doc.sections) == [(2, "Bab Satu"), (3, "Sub"), (2, "Bab Dua")]


@pytest.mark.parametrize("h1", ["# Maritime Corridors: Who Holds Them?",
                                "# maritime corridors:  who holds them",
                                "# Maritime Corridors: Who Holds Them? Briefing for the Desk"])
def test_an_h1_repeating_the_given_title_is_dropped_and_levels_kept(h1: str) -> None:
    doc = md('---\ntitle: "Maritime Corridors: Who Holds Them?"\nsubtitle: Briefing for the Desk'
             f"\n---\n\n{h1}\n\nLead.\n\n## Background\n\nText.\n\n### Actors\n\nMore.\n")
    assert heading_texts(doc.sections) == [(2, "Background"), (3, "Actors")]
    assert block_text(doc.lead[0]) == "Lead."


def test_an_h1_repeating_a_title_block_is_dropped_but_a_later_one_stays() -> None:
    doc = md("% The Title\n\n# The Title\n\nLead.\n\n# Part\n\n## Sub\n\n# The Title\n")
    assert heading_texts(doc.sections) == [(2, "Part"), (3, "Sub"), (2, "The Title")]


def test_lang_argument_beats_front_matter() -> None:
    assert md("---\nlang: id\n---\nText here.\n", lang="en").meta.lang == "en"


def test_language_is_detected_without_front_matter() -> None:
    text = ("# Judul\n\nPemerintah daerah akan membangun jembatan baru di atas sungai itu tahun "
            "depan, kata kepala dinas pekerjaan umum kepada wartawan pada hari Senin.\n")
    assert md(text).meta.lang == "id"


def test_no_title_anywhere_falls_back_to_file_name_with_a_warning() -> None:
    doc = parse("## Only a section\n\nText.\n",
                SourceInfo(path="notes/field-report.md", format="markdown"))
    assert doc.meta.title == "Field report"
    assert any("no title" in w for w in doc.warnings)
    assert heading_texts(doc.sections) == [(2, "Only a section")]


def test_pandoc_title_block_is_metadata_not_text() -> None:
    doc = md("% A Title\n% Ann One; Bo Two\n% 2024-05-01\n\nBody text.\n")
    assert doc.meta.title == "A Title"
    assert doc.meta.authors == ("Ann One", "Bo Two")
    assert str(doc.meta.date) == "2024-05-01"
    assert block_text(doc.lead[0]) == "Body text."


def test_heading_attributes_give_the_id_and_leave_the_text() -> None:
    doc = md("# T\n\n## Options {#opts .unnumbered}\n\n## Set {x} here\n\n### Ext ### {#ext}\n")
    assert [(s.id, plain_text(s.heading)) for s in iter_sections(doc.sections)] == [
        ("opts", "Options"), ("set-x-here", "Set {x} here"), ("ext", "Ext")]


def test_section_ids_are_pandocs_auto_identifiers() -> None:
    doc = md("# T\n\n## Reader options\n\n### Extension: `auto_identifiers`\n\n"
             "## Reader options\n\n## 1. Dogs?--in *my* house?\n\n## Ünïcode 2.0\n\n## 42\n")
    assert [s.id for s in iter_sections(doc.sections)] == [
        "reader-options", "extension-auto_identifiers", "reader-options-1",
        "dogs--in-my-house", "ünïcode-2.0", "section"]


def test_a_heading_repeating_the_dropped_title_counts_it_as_pandoc_does() -> None:
    doc = md("---\ntitle: Overview\n---\n# Overview\n\nLead.\n\n## Overview\n\nText.\n")
    assert [s.id for s in iter_sections(doc.sections)] == ["overview-1"]


def test_implicit_header_references_link_to_their_headings() -> None:
    doc = md("# T\n\nSee [Reader options], [Reader options][], [these][reader OPTIONS] and "
             "[the ids][Extension: `auto_identifiers`], not [Nothing here].\n\n"
             "## Reader options\n\n## Extension: `auto_identifiers`\n\n"
             "[these]: https://example.org/own\n")
    (para,) = doc.lead
    assert isinstance(para, Paragraph)
    links = [(plain_text(i.children), i.href) for i in para.inlines if isinstance(i, Link)]
    assert links == [("Reader options", "#reader-options"), ("Reader options", "#reader-options"),
                     ("these", "#reader-options"),
                     ("the ids", "#extension-auto_identifiers")]
    assert "[Nothing here]" in plain_text(para.inlines)


def test_the_sources_own_reference_definitions_win_over_headings() -> None:
    doc = md("# T\n\nSee [Options].\n\n## Options\n\n[Options]: https://example.org/o\n")
    (para,) = doc.lead
    assert isinstance(para, Paragraph)
    assert [i.href for i in para.inlines if isinstance(i, Link)] == ["https://example.org/o"]


def test_hash_lines_inside_code_are_not_headings() -> None:
    doc = md("# T\n\n```\n# not a heading\n```\n\n    # nor this\n")
    assert doc.sections == ()
    assert [b.text for b in doc.lead if isinstance(b, CodeBlock)] == [
        "# not a heading", "# nor this"]


def test_source_lines_count_from_the_original_file() -> None:
    doc = md("---\ntitle: X\n---\n\nFirst.\n\n## Head\n\nSecond.\n")
    assert doc.lead[0].line == 5
    assert doc.sections[0].line == 7
    assert doc.sections[0].blocks[0].line == 9


# --------------------------------------------------------------------------- blocks and inlines


def test_inline_markup_maps_to_the_model() -> None:
    doc = md("# T\n\nA *b* **c** `d` [e](https://x.org \"t\") ~~f~~ g\\\nh ![i](p.png) j\n")
    (para,) = doc.lead
    assert isinstance(para, Paragraph)
    kinds = [type(i) for i in para.inlines]
    assert kinds == [Text, Emphasis, Text, Strong, Text, Code, Text, Link, Text, Strikethrough,
                     Text, LineBreak, Text, InlineImage, Text]
    link = next(i for i in para.inlines if isinstance(i, Link))
    assert (link.href, link.title, plain_text(link.children)) == ("https://x.org", "t", "e")


def test_image_alone_in_a_paragraph_is_a_figure_block_captioned_by_its_title() -> None:
    doc = md("# T\n\n![A bar chart](chart.png \"Stocks\")\n")
    assert doc.lead == (Image(src="chart.png", alt="A bar chart",
                              caption=(Text(text="Stocks"),), line=3),)


def test_caption_and_source_lines_under_an_image_make_one_figure() -> None:
    doc = md("# T\n\n![Bars](c.png \"Ignored\")\n**Figure 3:** Stocks *rose*\nSource: BPS, 2025\n\n"
             "Body text.\n")
    image, body = doc.lead
    assert isinstance(image, Image) and image.alt == "Bars"
    assert image.caption == (Text(text="Stocks "), Emphasis(children=(Text(text="rose"),)))
    assert image.source == (Text(text="Source: BPS, 2025"),)
    assert plain_text(body.inlines) == "Body text."  # type: ignore[union-attr]


@pytest.mark.parametrize("after", ["Gambar 2. Harga beras naik", "*Harga beras naik*"])
def test_a_caption_paragraph_after_an_image_becomes_its_caption(after: str) -> None:
    doc = md(f"# T\n\n![Grafik](g.png)\n\n{after}\n\nSumber: BPS\n\nTeks.\n")
    image, body = doc.lead
    assert isinstance(image, Image)
    assert plain_text(image.caption) == "Harga beras naik"
    assert plain_text(image.source) == "Sumber: BPS"
    assert plain_text(body.inlines) == "Teks."  # type: ignore[union-attr]


def test_an_ordinary_paragraph_after_an_image_stays_body_text() -> None:
    doc = md("# T\n\n![Grafik](g.png)\n\nFigures 2 and 3 show the trend.\n")
    image, body = doc.lead
    assert isinstance(image, Image) and image.caption == (Text(text="Grafik"),)  # its alt
    assert isinstance(body, Paragraph)


def test_an_image_with_only_alt_text_is_captioned_by_it_as_pandoc_does() -> None:
    doc = md("# T\n\n![Mekong sub-region overview](map.jpg)\n\n![](bare.png)\n")
    captioned, bare = doc.lead
    assert isinstance(captioned, Image) and isinstance(bare, Image)
    assert captioned.caption == (Text(text="Mekong sub-region overview"),)
    assert bare.caption == ()


@pytest.mark.parametrize("title", ["Figure source: MPA Singapore", "Source: MPA Singapore"])
def test_a_title_that_names_the_source_is_the_source_and_the_alt_the_caption(title: str) -> None:
    doc = md(f'# T\n\n![Trade volumes through the Straits](t.png "{title}")\n')
    (image,) = doc.lead
    assert isinstance(image, Image)
    assert image.caption == (Text(text="Trade volumes through the Straits"),)
    assert image.source == (Text(text=title),)


@pytest.mark.parametrize("text", [
    "Table: Stocks by port\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n\nTable 4: Stocks by port\n\nSource: Port data\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n: Stocks by port\n",
])
def test_table_captions_before_or_after_the_table(text: str) -> None:
    doc = md(f"# T\n\n{text}")
    [table] = doc.lead
    assert isinstance(table, Table)
    assert plain_text(table.caption) == "Stocks by port"
    assert plain_text(table.source) in ("", "Source: Port data")


def test_lists_keep_start_numbers_and_nesting() -> None:
    doc = md("# T\n\n3. three\n4. four\n   - inner\n\n- loose\n\n- list\n")
    ordered, bullets = doc.lead
    assert isinstance(ordered, OrderedList) and ordered.start == 3
    assert isinstance(ordered.items[1][1], BulletList)
    assert block_text(ordered.items[1][1]) == "inner"
    assert isinstance(bullets, BulletList)
    assert [block_text(b) for item in bullets.items for b in item] == ["loose", "list"]


def test_pandoc_sub_and_superscript_and_task_lists() -> None:
    doc = md("# T\n\nH~2~O, 2^10^, ~~x~~ and a note^[here].\n\n"
             "- [x] Done\n- [ ] To do\n- [y] no\n")
    para, tasks = doc.lead
    assert isinstance(para, Paragraph) and isinstance(tasks, BulletList)
    assert para.inlines[:4] == (Text(text="H"), Subscript(children=(Text(text="2"),)),
                                Text(text="O, 2"), Superscript(children=(Text(text="10"),)))
    assert [block_text(item[0]) for item in tasks.items] == ["☒ Done", "☐ To do", "[y] no"]
    assert len(doc.footnotes) == 1


@pytest.mark.parametrize(("table", "cells"), [
    ("| a | b | c | d\n|---|---|---\n| 1 | 2 | 3 | 4 |\n", (4, 3)),
    ("> | a | b |\n> |---|\n", (2, 1)),
])
def test_a_table_whose_separator_does_not_match_its_header_is_a_warning(
        table: str, cells: tuple[int, int]) -> None:
    doc = md(f"# T\n\nText.\n\n{table}")
    (found,) = [w for w in doc.warnings if not isinstance(w, str)]
    assert (found.line, found.code) == (5, "table-malformed")
    assert found.message == (f"table header has {cells[0]} cells but its separator row "
                             f"{cells[1]}; printed as text")
    assert not md("# T\n\n| a | b |\n|---|---|\n| 1 | 2 |\n").warnings


def test_table_keeps_header_body_and_alignment() -> None:
    doc = md("# T\n\n| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n")
    (table,) = doc.lead
    assert isinstance(table, Table)
    assert table.align == ("left", "center", "right")
    assert [plain_text(c.inlines) for c in table.head[0].cells] == ["a", "b", "c"]
    assert [plain_text(c.inlines) for c in table.body[0].cells] == ["1", "2", "3"]


def test_quotes_code_and_breaks() -> None:
    doc = md("# T\n\n> quoted\n\n```python extra\nx = 1\n```\n\n---\n")
    quote, code, rule = doc.lead
    assert isinstance(quote, BlockQuote) and block_text(quote) == "quoted"
    assert code == CodeBlock(text="x = 1", language="python", line=5)
    assert isinstance(rule, ThematicBreak)


def test_footnotes_are_collected_and_referenced() -> None:
    doc = md("# T\n\nClaim.[^a] Another.^[Inline note.]\n\n[^a]: The *source*.\n")
    refs = [i.id for i in doc.lead[0].inlines if isinstance(i, FootnoteRef)]  # type: ignore[union-attr]
    assert refs == [n.id for n in doc.footnotes] == ["fn-1", "fn-2"]
    assert [block_text(n.blocks[0]) for n in doc.footnotes] == ["The source.", "Inline note."]


def test_raw_html_never_survives_as_markup() -> None:
    doc = md("# T\n\nA <b onclick=\"x()\">bold</b> word <!-- hidden -->\n\n"
             "<script>alert('boom')</script>\n\n<div>Block <i>text</i></div>\n\n"
             "<style>p{}</style>\n")
    dumped = json.dumps(to_json(doc))
    for forbidden in ("<", "onclick", "alert", "hidden", "p{}"):
        assert forbidden not in dumped
    assert [block_text(b) for b in doc.lead] == ["A bold word", "Block text"]


def test_javascript_links_are_not_links() -> None:
    doc = md("# T\n\n[bad](javascript:alert(1)) and <javascript:alert(2)>\n")
    assert not any(isinstance(i, Link) for i in doc.lead[0].inlines)  # type: ignore[union-attr]


def test_invalid_xml_characters_are_removed() -> None:
    doc = md("# T\x0b\n\nText\x01 here.\n")
    assert doc.meta.title == "T"
    assert block_text(doc.lead[0]) == "Text here."


def test_bad_front_matter_is_an_input_error() -> None:
    with pytest.raises(InputError, match="front matter"):
        md("---\ntitle: [unclosed\n---\nText\n")


def test_parse_is_deterministic() -> None:
    text = (FIXTURES / "images_table_footnotes.md").read_text(encoding="utf-8")
    assert md(text) == md(text)


# --------------------------------------------------------------------------- fixtures


def test_images_table_footnotes_fixture_has_everything_the_epub_needs() -> None:
    doc = load(FIXTURES / "images_table_footnotes.md")
    assert doc.meta.authors == ("Maya Hart", "Daniel Osei")
    assert doc.meta.subtitle == "A quarterly look at storage, prices and transport"
    blocks = [*doc.lead, *(b for s in iter_sections(doc.sections) for b in s.blocks)]
    images = [b for b in blocks if isinstance(b, Image)]
    assert [i.src for i in images] == ["chart.png"]
    assert images[0].alt.startswith("Bar chart")
    assert (FIXTURES / images[0].src).is_file()
    assert any(isinstance(b, Table) for b in blocks)
    assert any(isinstance(b, OrderedList) for b in blocks)
    assert len(doc.footnotes) == 2
    assert len(doc.footnotes[1].blocks) == 2


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.md")), ids=lambda p: p.stem)
def test_fixture_matches_its_golden_outline(path: Path) -> None:
    from lighthouse_docs.outline import to_outline_json

    golden = json.loads(path.with_suffix(".outline.json").read_text(encoding="utf-8"))
    assert to_outline_json(load(path)) == golden


# --------------------------------------------------------------------------- real-world documents


def _normalise(text: str) -> str:
    # pandoc's smart typography (curly apostrophes, non-breaking space after "vs.") is the only
    # expected difference from the reference lists.
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split())


@pytest.mark.parametrize("name", ["pandoc-testsuite", "pandoc-MANUAL", "commonmark-spec"])
def test_headings_match_the_reference_lists(name: str) -> None:
    source = external_file(f"{name}.txt")
    reference = external_file(f"{name}.headings.json")
    expected = json.loads(reference.read_text(encoding="utf-8"))
    doc = parse(source.read_text(encoding="utf-8"), SourceInfo(path=source.name, format="markdown"))
    got = heading_texts(doc.sections)
    # Every file has a title in its metadata, so each source level n sits at model level n + 1.
    assert [(level - 1, _normalise(text)) for level, text in got] == [
        (h["level"], _normalise(h["text"])) for h in expected["headings"]]


def test_pandoc_manual_parses() -> None:
    # How fast is measured by bench/ (a wall-clock bound fails on a loaded machine).
    source = external_file("pandoc-MANUAL.txt")
    text = source.read_text(encoding="utf-8")
    info = SourceInfo(path=source.name, format="markdown")
    doc = parse(text, info)
    assert doc.meta.title == "Pandoc User's Guide"


@pytest.mark.parametrize(("byline", "names"), [
    ("By Ahmad Yani", ("Ahmad Yani",)),
    ("Oleh: Budi", ("Budi",)),
    ("Penulis: Rina", ("Rina",)),
    ("*By Ahmad Yani and Sari Dewi*", ("Ahmad Yani", "Sari Dewi")),
])
def test_a_byline_under_the_title_is_the_authors_and_the_next_paragraph_the_lead(
        byline: str, names: tuple[str, ...]) -> None:
    doc = md(f"# Jakarta floods\n\n{byline}\n\nThe river rose overnight.\n\n"
                 "## Damage\n\nRoads closed.\n")
    assert doc.meta.authors == names
    assert [block_text(b) for b in doc.lead] == ["The river rose overnight."]
    assert byline.strip("*") not in all_text(doc)


def test_front_matter_authors_win_over_a_byline_which_still_leaves_the_body() -> None:
    doc = md("---\ntitle: Floods\nauthors: [Desk Editor]\n---\n\nOleh: Budi\n\n"
                 "The river rose overnight.\n")
    assert doc.meta.authors == ("Desk Editor",)
    assert [block_text(b) for b in doc.lead] == ["The river rose overnight."]


@pytest.mark.parametrize("body", [
    "By the way, the river rose overnight.\n\nMore text.\n",  # a sentence, not a byline
    "By Ahmad Yani\nwho walked the flooded streets at dawn.\n\nMore text.\n",  # two lines
    "The river rose overnight.\n\nBy Ahmad Yani\n\nMore text.\n",  # not before the text
    "## Damage\n\nBy Ahmad Yani\n\nMore text.\n",  # under a section heading
])
def test_only_a_one_line_byline_opening_the_body_leaves_it(body: str) -> None:
    doc = md(f"# Jakarta floods\n\n{body}")
    assert doc.meta.authors == ()
    assert body.split("\n\n")[0].split("\n")[0].lstrip("# ") in all_text(doc)
