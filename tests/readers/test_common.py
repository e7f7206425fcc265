"""Shared reader helpers: decoding, cleaning, front matter, metadata fields, language."""

from __future__ import annotations

import datetime as dt

import pytest

from lighthouse_docs.errors import InputError
from lighthouse_docs.readers._common import (
    clean_text,
    decode,
    detect_language,
    metadata_fields,
    split_front_matter,
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
