"""Language tags: normalised where they enter, refused when invalid, and checked against text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lighthouse_docs import lang
from lighthouse_docs.config import settings_from_mapping
from lighthouse_docs.errors import ConfigError
from lighthouse_docs.lang import declared_or_detected, detect_confident, normalize_tag
from lighthouse_docs.model import SourceInfo
from lighthouse_docs.readers import html, load, markdown

CLI = Path(sys.executable).with_name("lighthouse-docs")
ID_TEXT = ("Pemerintah Indonesia menyatakan bahwa kerja sama pertahanan dengan negara tetangga "
           "akan terus diperkuat pada tahun depan, termasuk latihan bersama, patroli "
           "terkoordinasi dan pertukaran informasi di kawasan perbatasan laut yang selama ini "
           "rawan penyelundupan. Menteri Pertahanan mengatakan bahwa anggaran untuk program "
           "tersebut sudah disetujui oleh Dewan Perwakilan Rakyat pekan lalu. ") * 2


@pytest.mark.parametrize(("given", "expected"), [
    ("en_US", "en-US"), ("EN-gb", "en-GB"), ("id", "id"), ("in", "id"), ("eng", "en"),
    ("zh_hant_tw", "zh-Hant-TW"), (" de ", "de"), ("pt-br", "pt-BR"),
    ("klingon", None), ("english", None), ("", None), ("en--US", None), ("12", None),
])
def test_normalize_tag(given: str, expected: str | None) -> None:
    assert normalize_tag(given) == expected


@pytest.mark.parametrize("tag", sorted(lang._CANONICAL))
def test_a_tag_taken_as_it_is_is_what_langcodes_makes_of_it(tag: str) -> None:
    """The tags normalize_tag returns without asking langcodes are registered and canonical:
    langcodes' own answer for each is the tag itself."""
    import langcodes

    assert str(langcodes.standardize_tag(tag)) == tag
    assert langcodes.tag_is_valid(tag)


def test_a_common_language_is_normalised_without_loading_the_registry() -> None:
    """Parsing an Indonesian source (detected, then normalised) does not import langcodes."""
    code = ("import sys; from lighthouse_docs.lang import normalize_tag; "
            "assert normalize_tag('id') == 'id' and normalize_tag('en-GB') == 'en-GB'; "
            "print('langcodes' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    assert out.strip() == "False"


def test_confident_detection_needs_enough_text() -> None:
    assert detect_confident("Selamat pagi") is None
    assert detect_confident(ID_TEXT) == "id"


def test_declared_kept_when_detection_agrees_or_is_unsure() -> None:
    assert declared_or_detected("id-ID", ID_TEXT, "x") == ("id-ID", None)
    assert declared_or_detected("en", "Short text.", "x") == ("en", None)
    assert declared_or_detected(None, ID_TEXT, "x") == (None, None)
    lang, warning = declared_or_detected("en", ID_TEXT, "page.html")
    assert lang == "id" and warning is not None and "page.html" in warning


def test_config_language_is_normalised_or_refused(tmp_path: Path) -> None:
    file = tmp_path / "lighthouse.toml"
    assert settings_from_mapping({"language": "en_US"}, file).lang == "en-US"
    with pytest.raises(ConfigError, match=r"language: expected a language tag .* got 'klingon'"):
        settings_from_mapping({"language": "klingon"}, file)


def test_front_matter_lang_is_normalised_or_replaced(tmp_path: Path) -> None:
    source = SourceInfo(path="a.md", format="markdown")
    doc = markdown.parse("---\nlang: en_US\ntitle: T\n---\n\nText.\n", source)
    assert doc.meta.lang == "en-US"
    # An invalid one is replaced by the detected language, with a warning (readers.load).
    path = tmp_path / "a.md"
    path.write_text("---\nlang: klingon\n---\n\nThis is plainly an English text about the "
                    "weather and the sea, long enough to be detected.\n", encoding="utf-8")
    doc = load(path)
    assert doc.meta.lang == "en"
    assert any("'klingon' is not a language tag" in str(w) for w in doc.warnings)


def test_mislabelled_page_gets_the_detected_language() -> None:
    page = (f"<html lang='en'><head><title>Kerja sama</title></head><body><article>"
            f"<h1>Kerja sama pertahanan</h1><p>{ID_TEXT}</p></article></body></html>")
    doc = html.parse(page, SourceInfo(path="p.html", format="html"))
    assert doc.meta.lang == "id"
    assert any("declares language 'en'" in w for w in doc.warnings)
    forced = html.parse(page, SourceInfo(path="p.html", format="html"), lang="en")
    assert forced.meta.lang == "en"


def test_invalid_page_language_is_ignored_with_a_warning() -> None:
    page = (f"<html lang='klingon'><body><article><h1>Kerja</h1><p>{ID_TEXT}</p></article>"
            "</body></html>")
    doc = html.parse(page, SourceInfo(path="p.html", format="html"))
    assert doc.meta.lang == "id"
    assert any("klingon" in w for w in doc.warnings)


def test_cli_lang_usage_error(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    for command in (["build", "--lang", "klingon"],
                    ["inspect", "sources/a.md", "--lang", "klingon"]):
        result = subprocess.run([str(CLI), *command], cwd=tmp_path, capture_output=True,
                                text=True, timeout=120, check=False)
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "expected a language tag" in lines[0]
        assert "got 'klingon'" in lines[0]
    result = subprocess.run([str(CLI), "inspect", "sources/a.md", "--lang", "en_us"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 0 and "[lang=en-US]" in result.stdout
