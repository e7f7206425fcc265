"""fonts: scripts of a text, font coverage, and the one-warning-per-script glyph check."""

from __future__ import annotations

from lighthouse_docs.checks import glyphs
from lighthouse_docs.fonts import (
    FontCoverage,
    missing_by_script,
    parse_charset,
    script_name,
    script_report,
    scripts_of,
)
from lighthouse_docs.model import Document, Metadata, Paragraph, Section, SourceInfo, Text
from lighthouse_docs.render import is_rtl

LATIN_ONLY = FontCoverage.of([("Serif", parse_charset("20-7e a0-17f 2010-2027")),
                              ("Hangul", parse_charset("ac00-d7a3"))])


def test_parse_charset() -> None:
    assert parse_charset("20-7e a0 ac00-d7a3 zz") == ((0x20, 0x7E), (0xA0, 0xA0),
                                                     (0xAC00, 0xD7A3))


def test_scripts_of_skips_spaces_controls_and_marks() -> None:
    found = scripts_of("Kim (김정은)\u200d e\u0301 \t Путин 平壤")
    assert found == {"Latn": "Kime", "Zyyy": "()", "Hang": "김정은", "Cyrl": "Путин",
                     "Hani": "平壤"}
    assert script_name("Hang") == "Hangul" and script_name("Zyyy") == "symbols"


def test_coverage_merges_ranges_and_names_families() -> None:
    assert LATIN_ONLY.covers("a") and LATIN_ONLY.covers("김") and not LATIN_ONLY.covers("П")
    assert LATIN_ONLY.families_for("김정") == ("Hangul",)
    assert LATIN_ONLY.families_for("Пa") == ("Serif",)  # the most, when none has all
    assert missing_by_script("Putin Путин Пу 平", LATIN_ONLY) == {"Cyrl": "Путин", "Hani": "平"}


def _doc(*paragraphs: str, heading: str = "Head Путин") -> Document:
    return Document(
        meta=Metadata(title="Title", lang="en",
                      source=SourceInfo(path="sources/a.md", format="markdown")),
        lead=(),
        sections=(Section(id="s", level=2, heading=(Text(text=heading),),
                          blocks=tuple(Paragraph(inlines=(Text(text=p),)) for p in paragraphs)),),
    )


def test_one_warning_per_script_however_many_characters_and_places() -> None:
    doc = _doc("Путин и Лавров", "平壤 平壤 北京", "Путин again", *["Ещё"] * 30)
    found = glyphs(doc, LATIN_ONLY)
    assert [d.code for d in found] == ["glyph-missing", "glyph-missing"]
    assert "Cyrillic characters" in found[0].message and "Han characters" in found[1].message
    assert "4 Han characters (平 壤 北 京)" in found[1].message
    assert all(d.source == "sources/a.md" and d.severity == "warning" for d in found)
    assert glyphs(_doc("plain text", heading="Head"), LATIN_ONLY) == []


def test_script_report_rows() -> None:
    rows = script_report({"a.md": "Hello 김", "b.md": "Привет"}, LATIN_ONLY)
    assert [r.name for r in rows] == ["Latin", "Cyrillic", "Hangul"]
    cyrillic = rows[1]
    assert cyrillic.sources == ("b.md",) and cyrillic.missing == "Привет"
    assert rows[2].families == ("Hangul",) and rows[2].missing == ""


def test_rtl_is_decided_by_the_first_strong_character() -> None:
    assert is_rtl((Text(text="« قال الرئيس » English"),))
    assert is_rtl((Text(text="שלום"),))
    assert not is_rtl((Text(text="2024: The statement قال"),))
    assert not is_rtl((Text(text="123 ..."),))
