"""fonts: scripts of a text, font coverage, and the one-warning-per-script glyph check."""

from __future__ import annotations

from pathlib import Path

import pytest

from lighthouse_docs import fonts
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
from lighthouse_docs.writers.resources import font_dirs

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


# Every variant of Noto CJK covers the same Han characters; fontconfig happened to list TC
# first, so doctor named TC while the PDF of a Chinese (Simplified) brief used SC.
CJK = FontCoverage.of([
    ("Source Serif Pro", parse_charset("20-7e")), ("Source Sans Pro", parse_charset("20-7e")),
    *((f"Noto {kind} CJK {variant}", parse_charset("3000-303f 4e00-9fff ff0c"))
      for variant in ("TC", "JP", "SC") for kind in ("Sans", "Serif"))])


def _default_print_css() -> str:
    from lighthouse_docs.theme import resolve_theme

    theme = resolve_theme(None)
    return theme.read(theme.print_css).decode()


@pytest.mark.parametrize(("lang", "variant"), [
    ("zh", "SC"), ("zh-CN", "SC"), ("en", "SC"), ("zh-TW", "TC"), ("zh-Hant", "TC"),
    ("ja", "JP")])
def test_doctor_names_the_cjk_font_the_default_theme_draws_with(lang: str,
                                                                 variant: str) -> None:
    stacks = fonts.theme_font_stacks(_default_print_css(), lang)
    [row] = [r for r in script_report({"a.md": "北京 is big"}, CJK, {"a.md": stacks})
             if r.name == "Han"]
    assert row.drawn == (f"Noto Serif CJK {variant}", f"Noto Sans CJK {variant}")
    assert row.families[:2] == row.drawn


def test_theme_font_stacks_follow_the_cascade_and_skip_generic_families() -> None:
    css = """/* :root { --serif: "Commented"; } */
    :root { --serif: "LH Source Serif", "Noto Serif CJK SC", serif; --sans: "A"; }
    @page { @top-left { content: "x" } }
    :lang(zh-TW), :lang(zh-HK) { --serif: "LH Source Serif", "Noto Serif CJK TC", serif; }
    :lang(zh) { color: red }
    """
    assert fonts.theme_font_stacks(css, "zh-TW") == (
        ("Source Serif Pro", "Noto Serif CJK TC"), ("A",))
    assert fonts.theme_font_stacks(css, "zh-tw-x") == fonts.theme_font_stacks(css, "zh-TW")
    assert fonts.theme_font_stacks(css, "zh") == (("Source Serif Pro", "Noto Serif CJK SC"),
                                                  ("A",))
    assert fonts.theme_font_stacks("body { color: red }", "en") == ()


def test_rtl_is_decided_by_the_first_strong_character() -> None:
    assert is_rtl((Text(text="« قال الرئيس » English"),))
    assert is_rtl((Text(text="שלום"),))
    assert not is_rtl((Text(text="2024: The statement قال"),))
    assert not is_rtl((Text(text="123 ..."),))


def test_web_font_subsets_are_cached_as_the_bytes_subsetting_makes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIGHTHOUSE_DOCS_CACHE", str(tmp_path))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    made: list[tuple[str, frozenset[int]]] = []
    real_subset = fonts._subset

    def counting(path: Path, unicodes: frozenset[int]) -> bytes:
        made.append((path.name, unicodes))
        # The real subsetter once; afterwards a stand-in (0.4 s of CPU a face saved).
        return real_subset(path, unicodes) if len(made) == 1 else b"wOF2" + repr(
            made[-1]).encode()

    monkeypatch.setattr(fonts, "_subset", counting)
    woff2 = fonts._woff2.__wrapped__  # without the in-process lru_cache
    serif = font_dirs()[0] / fonts.WEB_FACES[0][4]
    plain, accented = fonts._ALWAYS, fonts._ALWAYS | {ord("ü")}
    first = woff2(0, plain)
    assert first[:4] == b"wOF2" and first == real_subset(serif, plain) and len(made) == 1
    folder = tmp_path / "webfonts"
    entries = list(folder.iterdir())
    assert len(entries) == 1 and folder.stat().st_mode & 0o077 == 0
    assert woff2(0, plain) == first and len(made) == 1  # from the cache
    # Other characters, another face or another SOURCE_DATE_EPOCH: another entry.
    assert woff2(0, accented) != first and made[-1] == (serif.name, accented)
    woff2(1, plain)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225601")
    woff2(0, plain)
    assert len(made) == 4 and len(list(folder.iterdir())) == 4
    # A damaged entry is made again; with caching switched off nothing is read or written.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    entries[0].write_bytes(b"garbage")
    assert woff2(0, plain) != b"garbage" and len(made) == 5
    monkeypatch.setenv("LIGHTHOUSE_DOCS_CACHE", "none")
    woff2(0, plain)
    assert len(made) == 6 and len(list(folder.iterdir())) == 4


def _fresh_coverage() -> FontCoverage:
    fonts.installed_coverage.cache_clear()
    return fonts.installed_coverage()


def test_the_coverage_is_kept_for_the_next_build_and_read_back_equal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIGHTHOUSE_DOCS_CACHE", str(tmp_path))
    computed = _fresh_coverage()
    assert computed == FontCoverage.of((*fonts._pinned_fonts(), *fonts._system_fonts()))
    assert len(list((tmp_path / "font-coverage").iterdir())) == 1

    def not_again() -> FontCoverage:
        raise AssertionError("computed again")

    monkeypatch.setattr(fonts, "_pinned_fonts", not_again)
    assert _fresh_coverage() == computed
    fonts.installed_coverage.cache_clear()


def test_another_font_listing_or_a_damaged_entry_is_computed_afresh(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIGHTHOUSE_DOCS_CACHE", str(tmp_path))
    listing = "Serif\t/x/serif.ttf\t0\t80\t0\t20-7e\nHangul\t/x/h.ttf\t0\t80\t0\tac00-d7a3\n"
    monkeypatch.setattr(fonts, "_fc_listing", lambda: listing)
    fonts.system_faces.cache_clear()
    first = _fresh_coverage()
    assert first.covers("\uac00")
    # A font installed since: fontconfig's answer differs, so does the key.
    monkeypatch.setattr(fonts, "_fc_listing", lambda: listing.replace("ac00-d7a3", "600-6ff"))
    fonts.system_faces.cache_clear()
    second = _fresh_coverage()
    assert not second.covers("\uac00") and second.covers("\u0627")
    assert len(list((tmp_path / "font-coverage").iterdir())) == 2
    for entry in (tmp_path / "font-coverage").iterdir():
        entry.write_bytes(b"\x00damaged")
    assert _fresh_coverage() == second
    fonts.system_faces.cache_clear()
    fonts.installed_coverage.cache_clear()


def test_without_a_cache_the_coverage_is_computed(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIGHTHOUSE_DOCS_CACHE", "none")
    assert _fresh_coverage() == FontCoverage.of((*fonts._pinned_fonts(),
                                                 *fonts._system_fonts()))
    fonts.installed_coverage.cache_clear()


def test_a_font_files_code_points_are_kept_and_read_back_equal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fontTools import ttLib

    monkeypatch.setenv("LIGHTHOUSE_DOCS_CACHE", str(tmp_path / "cache"))
    font = tmp_path / "SourceSerifPro-Regular.ttf"
    font.write_bytes((font_dirs()[0] / font.name).read_bytes())
    with ttLib.TTFont(font, lazy=True) as opened:
        expected = frozenset(opened.getBestCmap())
    fonts.font_file_points.cache_clear()
    assert fonts.font_file_points(font) == expected
    fonts.font_file_points.cache_clear()

    def not_read(*args: object, **kwargs: object) -> None:
        raise AssertionError("read again")

    with monkeypatch.context() as patched:
        patched.setattr(ttLib, "TTFont", not_read)
        assert fonts.font_file_points(font) == expected  # from the cache folder
    fonts.font_file_points.cache_clear()
    entries = list((tmp_path / "cache" / "font-coverage").iterdir())
    assert len(entries) == 1
    entries[0].write_bytes(b"damaged")
    assert fonts.font_file_points(font) == expected
    fonts.font_file_points.cache_clear()
