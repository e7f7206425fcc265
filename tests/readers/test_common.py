"""Shared reader helpers: decoding, cleaning, front matter, metadata fields, language."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from lighthouse_docs.diagnostics import Diagnostic
from lighthouse_docs.errors import InputError
from lighthouse_docs.model import BlockQuote, Paragraph, SourceInfo, Table, TableSplit
from lighthouse_docs.outline import plain_text
from lighthouse_docs.readers import text as text_reader
from lighthouse_docs.readers._common import (
    MAX_AUTHOR_KEY_POINTS,
    MAX_COMBINING_MARKS,
    MAX_HEADINGS_PER_LEVEL,
    MAX_MARKING_CHARS,
    MAX_PARAGRAPH_CHARS,
    MAX_TABLE_COLUMNS,
    PARAGRAPH_PIECE_CHARS,
    SHORT_TABLE_ROWS,
    WORD_CHUNK_CHARS,
    bound_document,
    clean_text,
    decode,
    detect_language,
    metadata_fields,
    split_front_matter,
    written_date,
)


def test_decode_utf8_with_bom_and_crlf() -> None:
    text, warnings = decode("\ufeffJudul\r\nIsi\rLagi\n".encode(), "a.txt")
    assert text == "Judul\nIsi\nLagi\n"
    assert warnings == ()


def test_decode_cp1252_by_detection_with_a_warning() -> None:
    data = "Les élèves de Montréal apprécient les cafés près de l'école.".encode("cp1252") * 3
    text, warnings = decode(data, "a.txt")
    assert "élèves" in text
    assert len(warnings) == 1 and "a.txt" in warnings[0] and "not UTF-8" in warnings[0]


ENCODINGS = Path(__file__).resolve().parents[1] / "fixtures" / "encodings"


@pytest.mark.parametrize(("name", "expected"), [
    ("latin1-en.bytes", "Power Prices and the Ministère's Next Move"),
    ("cp1252-en.bytes", "“Around 40 million” people"),
])
def test_western_8bit_text_is_read_as_windows_1252_not_as_a_detectors_guess(
        name: str, expected: str) -> None:
    """Articles saved by Windows in a Western 8-bit encoding (found by the fourth new-user
    trial): a detector took these for Chinese Big5 ("Minist鋨e") and Baltic cp775
    ("ōAround 40 millionö"); accents and quotes standing alone between ASCII letters are
    Windows-1252."""
    text, warnings = decode((ENCODINGS / name).read_bytes(), "a.txt")
    assert expected in text
    assert warnings == ("a.txt: not UTF-8; decoded as windows-1252",)


SAMPLES = {
    "big5": "經濟部表示，今年出口成長率預計將達百分之五，主要受惠於半導體需求。",
    "cp1251": "Министерство экономики сообщило, что рост экспорта составит пять процентов.",
    "shift_jis": "経済産業省は、今年の輸出の伸びが五パーセントに達すると発表した。",
}


@pytest.mark.parametrize("encoding", sorted(SAMPLES))
def test_a_text_in_a_multibyte_or_non_latin_encoding_is_still_detected(encoding: str) -> None:
    sample = SAMPLES[encoding]
    text, _ = decode((sample * 4).encode(encoding), "a.txt")
    assert sample in text


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"), (b" \n\t\r\n", "empty"), (b"\xef\xbb\xbf", "empty"),
    (b"GIF89a\x00\x01\x02", "binary"),
])
def test_decode_rejects_empty_and_binary(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        decode(data, "bad.txt")
    assert str(info.value).startswith("bad.txt: ")


def test_clean_text_drops_what_xml_cannot_carry_and_keeps_the_rest() -> None:
    assert clean_text("a\x00b\x1fc\ud800d\ufffee\tf\ng\u00a0h") == "abcde\tf\ng\u00a0h"


def test_front_matter_split_keeps_body_and_line_number() -> None:
    fm = split_front_matter("---\ntitle: T\nlang: id\n---\nBody line\n", "a.txt")
    assert fm.data == {"title": "T", "lang": "id"}
    assert fm.body == "Body line\n"
    assert fm.body_first_line == 5


def test_no_front_matter_and_empty_front_matter() -> None:
    assert split_front_matter("Just text\n", "a.txt").data == {}
    fm = split_front_matter("---\n---\nText", "a.txt")
    assert fm.data == {} and fm.body == "Text"


@pytest.mark.parametrize("text", [
    "---\ntitle: [unclosed\n---\nx", "---\n- a list\n---\nx", "---\ndate: 2024-13-45\n---\nx",
    "---\njust a string\n---\nx",
])
def test_bad_front_matter_is_one_input_error(text: str) -> None:
    with pytest.raises(InputError, match="front matter"):
        split_front_matter(text, "a.txt")


def test_front_matter_errors_name_the_problem_and_its_line() -> None:
    with pytest.raises(InputError) as bad_date:
        split_front_matter("---\ntitle: T\ndate: 2025-13-45\n---\nx", "a.md")
    assert bad_date.value.line == 3 and "2025-13-45 is not a date" in str(bad_date.value)
    with pytest.raises(InputError) as bad_yaml:
        split_front_matter("---\ntitle: [unclosed\n---\nx", "a.md")
    assert "Error" not in str(bad_yaml.value)  # the problem, not the exception's class name
    with pytest.raises(InputError, match="not closed"):
        split_front_matter("---\ntitle: Not closed\nauthors: A\n\nThe text.\n", "a.md")
    # A thematic break at the top of a text is not front matter.
    assert split_front_matter("---\nThe text starts here.\n", "a.md").data == {}


def test_metadata_fields_accept_aliases_and_types() -> None:
    fields = metadata_fields({
        "Title": "T", "site": "S", "author": "A, B", "date": dt.date(2025, 1, 2),
        "classification": "TERBATAS", "tags": ["x", "y"], "key-points": "One point",
        "source_url": "https://e.org", "unknown": 1,
    }, "a.txt")
    assert fields == {
        "title": "T", "publisher": "S", "authors": ("A", "B"), "date": dt.date(2025, 1, 2),
        "marking": "TERBATAS", "keywords": ("x", "y"), "key_points": ("One point",),
        "url": "https://e.org",
        # Every key as written, for the checks (unknown and marking-like keys are reported).
        "front_matter_keys": ("Title", "site", "author", "date", "classification", "tags",
                              "key-points", "source_url", "unknown"),
    }


@pytest.mark.parametrize(("line", "message"), [
    ("authors: 42", "front matter authors: expected text or a list of texts, got the number "
                    '42; if that is the text you mean, put it in quotes: authors: "42"'),
    ("title: [Part one, Part two]", "front matter title: expected text, got a list"),
    ("lang: no", "front matter lang: expected text, got false (YAML reads yes/no/on/off as "
                 'true/false); if that is the text you mean, put it in quotes: lang: "no"'),
    ("subtitle: {a: 1}", "front matter subtitle: expected text, got a mapping"),
    ("keywords: [trade, 2024]", "front matter keywords: every item must be text, got the "
                                "number 2024"),
    ("date: 2024", "front matter date: expected a date (YYYY-MM-DD), got the number 2024"),
    ("date: soon", "front matter date: 'soon' is not a date (YYYY-MM-DD)"),
    ("marking: true", "front matter marking: expected text, got true"),
    ("description: [one, two]", "front matter description: expected text, got a list "
                                "(several points go under key_points:)"),
])
def test_a_value_of_the_wrong_type_is_an_input_error_at_its_line(line: str,
                                                                   message: str) -> None:
    # Before: authors: 42 printed "BY 42", a list title was joined with commas, lang: no
    # became the language "False"; a bad date named no line.
    front = split_front_matter(f"---\nsummary: S\n{line}\n---\nText.\n", "a.md")
    with pytest.raises(InputError) as error:
        metadata_fields(front.data, "a.md")
    assert (error.value.path, error.value.line) == ("a.md", 3)
    assert str(error.value).startswith(f"a.md:3: {message}")


def test_front_matter_keeps_each_keys_line_for_the_checks() -> None:
    front = split_front_matter("---\ntitle: T\n\n# a comment\ntilte: X\n---\nText.\n", "a.md")
    fields = metadata_fields(front.data, "a.md")
    assert fields["front_matter_keys"] == ("title", "tilte")
    assert fields["front_matter_lines"] == (2, 5)
    assert fields["title"] == "T"


def test_metadata_date_must_be_iso() -> None:
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        metadata_fields({"date": "14 March 2025"}, "a.txt")


def test_detect_language_indonesian_english_and_short_text() -> None:
    assert detect_language("Korea Utara dan Rusia semakin mempererat hubungan diplomatik dan "
                           "strategis di tengah tekanan negara-negara Barat.") == "id"
    assert detect_language("North Korea and Russia have tightened their diplomatic and "
                           "strategic ties amid pressure from Western countries.") == "en"
    assert detect_language("Ya.", default="id") == "id"


def test_decode_utf16_with_bom() -> None:
    text, warnings = decode(b"\xff\xfe" + "Judul\r\nIsi artikel.".encode("utf-16-le"), "a.txt")
    assert text == "Judul\nIsi artikel."
    assert warnings and "UTF-16" in warnings[0]


# --------------------------------------------------------------------------- caps (issue 16)


def _parsed(text: str) -> Any:
    from lighthouse_docs.readers import parse
    from lighthouse_docs.readers._common import bound_document

    doc = parse(text, SourceInfo(path="a.md", format="markdown"))
    return bound_document(doc)


def test_combining_marks_are_capped_with_a_warning() -> None:
    text, warnings = decode(("Z" + "\u0301" * 100_000 + " e\u0301t\u00e9\n").encode(), "a.txt")
    assert text == "Z" + "\u0301" * MAX_COMBINING_MARKS + " e\u0301t\u00e9\n"
    assert warnings == (f"a.txt: {100_000 - MAX_COMBINING_MARKS} combining marks dropped "
                        f"(more than {MAX_COMBINING_MARKS} on one character)",)


def test_author_key_points_and_marking_are_capped() -> None:
    points = "".join(f"  - point {i}\n" for i in range(5000))
    doc = _parsed(f"---\ntitle: T\nmarking: {'SECRET ' * 500}\nkey_points:\n{points}---\n\nx\n")
    assert len(doc.meta.key_points) == MAX_AUTHOR_KEY_POINTS
    assert doc.meta.marking is not None and len(doc.meta.marking) == MAX_MARKING_CHARS
    assert doc.meta.marking.startswith("SECRET SECRET")
    assert any("5000 key points" in w for w in doc.warnings)
    assert any("marking is" in w for w in doc.warnings)


def test_headings_over_the_cap_become_bold_paragraphs_in_order() -> None:
    count = MAX_HEADINGS_PER_LEVEL + 20
    doc = _parsed("---\ntitle: T\n---\n\nLead.\n\n" + "".join(
        f"## H{i}\n\nText {i}.\n\n" for i in range(count)))
    assert len(doc.sections) == MAX_HEADINGS_PER_LEVEL
    last = doc.sections[-1]
    words = [plain_text(b.inlines) for b in last.blocks if isinstance(b, Paragraph)]
    assert words[:3] == [f"Text {MAX_HEADINGS_PER_LEVEL - 1}.", f"H{MAX_HEADINGS_PER_LEVEL}",
                         f"Text {MAX_HEADINGS_PER_LEVEL}."]
    assert words[-1] == f"Text {count - 1}."
    assert any("too many headings" in w for w in doc.warnings)


def test_wide_tables_are_split_and_keep_every_cell() -> None:
    cols = 45
    table = ("| " + " | ".join(f"h{i}" for i in range(cols)) + " |\n|" + "---|" * cols + "\n"
             + "| " + " | ".join(f"c{i}" for i in range(cols)) + " |\n")
    doc = _parsed(f"---\ntitle: T\n---\n\nLead.\n\n## S\n\n{table}")
    tables = [b for b in doc.sections[0].blocks if isinstance(b, Table)]
    # As few parts as will do, of even widths (not 20 + 20 + 7), each knowing its place.
    assert [len(t.head[0].cells) for t in tables] == [16, 16, 15]
    assert all(len(t.head[0].cells) <= MAX_TABLE_COLUMNS for t in tables)
    assert [t.split for t in tables] == [
        TableSplit(part=1, parts=3, first=1, last=16, columns=45),
        TableSplit(part=2, parts=3, first=17, last=31, columns=45),
        TableSplit(part=3, parts=3, first=32, last=45, columns=45)]
    cells = [plain_text(c.inlines) for t in tables for c in t.body[0].cells[1:]]
    assert cells == [f"c{i}" for i in range(1, cols)]
    assert all(plain_text(t.body[0].cells[0].inlines) == "c0" for t in tables)
    split = [w for w in doc.warnings if isinstance(w, Diagnostic) and w.code == "table-wide"]
    assert [(w.line, w.severity) for w in split] == [(9, "warning")]
    assert ("table of 45 columns is too wide for a page; split into 3 tables (columns 1–16, "
            "17–31, 32–45), the first column repeated in each") in split[0].message


def test_a_short_table_too_wide_for_the_portrait_page_is_cut_into_parts_that_fit_it() -> None:
    def markdown(rows: int) -> str:
        head = "| Region | " + " | ".join(f"Q{k}-26" for k in range(1, 16)) + " |"
        body = "\n".join("| Region " + str(n) + " | " + " | ".join(
            f"-{n * 100 + k}.75 %" for k in range(1, 16)) + " |" for n in range(rows))
        return f"---\ntitle: T\n---\n\nLead.\n\n## S\n\n{head}\n|{'---|' * 16}\n{body}\n"

    doc = _parsed(markdown(SHORT_TABLE_ROWS))
    tables = [b for b in doc.sections[0].blocks if isinstance(b, Table)]
    assert [len(t.head[0].cells) for t in tables] == [9, 8]
    [note] = [w for w in doc.warnings if isinstance(w, Diagnostic) and w.code == "table-wide"]
    assert note.severity == "info" and "split into 2 tables (columns 1–9, 10–16)" in note.message
    # A longer table keeps its rows whole, on landscape pages.
    doc = _parsed(markdown(SHORT_TABLE_ROWS + 1))
    assert len([b for b in doc.sections[0].blocks if isinstance(b, Table)]) == 1
    [note] = [w for w in doc.warnings if isinstance(w, Diagnostic) and w.code == "table-wide"]
    assert note.severity == "info" and "landscape page of its own" in note.message


def test_long_words_get_break_opportunities() -> None:
    word = "x" * 1000
    doc = _parsed(f"---\ntitle: T\n---\n\nLead {word} end. `{word}`\n")
    text = plain_text(doc.lead[0].inlines)
    assert text.replace("\u200b", "") == f"Lead {word} end. {word}"
    assert max(len(w) for w in re.split(r"[\s\u200b]", text)) == WORD_CHUNK_CHARS
    assert any("break opportunity" in w for w in doc.warnings if isinstance(w, str))


def test_a_paragraph_too_long_to_lay_out_is_cut_at_sentence_ends_with_a_warning() -> None:
    sentence = "Words of a text that was saved without any paragraph breaks. "
    run = (sentence * (MAX_PARAGRAPH_CHARS // len(sentence) + 1)).strip()
    doc = _parsed(f"---\ntitle: T\n---\n\nLead.\n\n{run} [a link](https://x.org) *end*\n")
    pieces = doc.lead[1:]
    assert len(pieces) > MAX_PARAGRAPH_CHARS // PARAGRAPH_PIECE_CHARS
    texts = [plain_text(p.inlines) for p in pieces]
    assert all(len(t) <= PARAGRAPH_PIECE_CHARS for t in texts)
    assert all(t.endswith(("breaks.", "end")) for t in texts)  # cut at sentence ends
    assert " ".join(texts) == f"{run} a link end"  # every word kept, in order
    assert all(p.line == 7 for p in pieces)
    [warning] = [w for w in doc.warnings if "paragraph of" in w]
    assert warning.startswith(f"a.md:7: a paragraph of {len(run) + 11:,} characters without "
                              "a break is cut into"), warning
    assert warning.endswith("put a blank line between the paragraphs")
    # In plain text one line is one paragraph: the fix says so (fourth new-user trial).
    flat = bound_document(text_reader.parse(f"kabar.id, Judul. Lead.\n{run}\n",
                                            SourceInfo(path="a.txt", format="text")))
    [advice] = [w for w in flat.warnings if isinstance(w, str) and "paragraph of" in w]
    assert advice.endswith("put each paragraph on a line of its own"), advice
    # The same text broken into lines (a poem, an address, <br>-separated runs) or into
    # paragraphs is left alone; so is a long paragraph in a quote, cut like any other.
    lines = "  \n".join([sentence.strip()] * (MAX_PARAGRAPH_CHARS // len(sentence) + 1))
    assert len(_parsed(f"Lead.\n\n{lines}\n").lead) == 2
    quoted = _parsed(f"Lead.\n\n> {run}\n").lead[1]
    assert isinstance(quoted, BlockQuote) and len(quoted.blocks) > 20
    # A run without a sentence end is cut at spaces, a giant word at its break opportunities.
    for text in ("word " * 20_000, "abcdefghij" * 20_000):
        cut = _parsed(f"Lead.\n\n{text}\n").lead[1:]
        assert len(cut) > 1
        assert "".join(plain_text(p.inlines) for p in cut).replace(" ", "").replace(
            "\u200b", "") == text.replace(" ", "")


def test_a_language_that_is_not_a_tag_is_replaced() -> None:
    doc = _parsed("---\ntitle: T\nlang: 'en\" onload=\"x'\n---\n\nThis is plainly an English "
                  "text about the weather and the sea.\n")
    assert doc.meta.lang == "en"
    assert any("is not a language tag" in w for w in doc.warnings)


def test_articles_without_a_title_are_named_after_their_file_alike_in_every_format(
        tmp_path: Path) -> None:
    import docx as python_docx

    from lighthouse_docs.readers import docx as docx_reader
    from lighthouse_docs.readers import html as html_reader
    from lighthouse_docs.readers import markdown as markdown_reader
    from lighthouse_docs.readers._common import fallback_title

    assert fallback_title("sources/korut_rusia-2.md") == "Korut rusia 2"
    assert fallback_title("") == "Untitled"
    body = "Some text of an article without any title, long enough to be one. " * 3
    word = python_docx.Document()
    word.add_paragraph(body)
    word.save(tmp_path / "a.docx")
    name = "sources/korut_rusia-2"
    docs = [
        markdown_reader.parse(body, SourceInfo(path=f"{name}.md", format="markdown")),
        html_reader.parse(f"<html><body><p>{body}</p></body></html>",
                          SourceInfo(path=f"{name}.html", format="html")),
        docx_reader.parse_bytes((tmp_path / "a.docx").read_bytes(),
                                SourceInfo(path=f"{name}.docx", format="docx")),
    ]
    assert [doc.meta.title for doc in docs] == ["Korut rusia 2"] * 3


@pytest.mark.parametrize(("text", "expected"), [
    ("2006-07-17", dt.date(2006, 7, 17)),
    ("2006-07-17T10:00:00Z", dt.date(2006, 7, 17)),
    ("2006/07/17", dt.date(2006, 7, 17)),
    ("July 17, 2006", dt.date(2006, 7, 17)),
    ("Jul 17th 2006", dt.date(2006, 7, 17)),
    ("17 July 2006", dt.date(2006, 7, 17)),
    ("Monday, July 17, 2006", dt.date(2006, 7, 17)),
    ("Senin, 17 Agustus 2026", dt.date(2026, 8, 17)),
    ("1 Disember 2026", dt.date(2026, 12, 1)),
    ("March 2026", dt.date(2026, 3, 1)),
    ("07/08/2006", None),  # day and month cannot be told apart
    ("February 30, 2006", None),
    ("Summer 2006", None),
    ("soon", None),
])
def test_written_date_reads_common_forms(text: str, expected: dt.date | None) -> None:
    assert written_date(text) == expected
