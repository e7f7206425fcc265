"""Runs of other scripts in a block: their language and direction (render.script_runs), and
which blocks are set right to left as a whole (render.is_rtl)."""

from __future__ import annotations

from lighthouse_docs.model import Paragraph, Text
from lighthouse_docs.render import block_language, is_rtl, quote_is_rtl, script_runs

ARABIC = "إن أمن الممرات البحرية مسؤولية مشتركة"
MIXED = f"«{ARABIC}» (The security of maritime corridors is a shared responsibility.)"


def test_a_paragraph_of_mostly_english_is_not_set_right_to_left() -> None:
    assert not is_rtl((Text(text=MIXED),))
    assert is_rtl((Text(text=f"{ARABIC} (UNCLOS)"),))


def test_an_arabic_run_in_english_text_is_isolated_and_tagged() -> None:
    assert script_runs(MIXED, "en") == (
        ("«", None, None), (ARABIC, "ar", "rtl"),
        ("» (The security of maritime corridors is a shared responsibility.)", None, None))


def test_thai_chinese_japanese_and_hebrew_runs_get_their_languages() -> None:
    runs = script_runs("China (中国), คลองไทย, 日本語のテキスト and שלום עולם.", "en")
    assert runs is not None
    assert [(text, lang, d) for text, lang, d in runs if lang] == [
        ("中国", "zh", None), ("คลองไทย", "th", None), ("日本語のテキスト", "ja", None),
        ("שלום עולם", "he", "rtl")]


def test_text_in_the_documents_own_script_needs_no_markup() -> None:
    assert script_runs("plain English text, 2.8 km", "en") is None
    assert script_runs("日本語のテキスト", "ja") is None
    assert script_runs(ARABIC, "ar", rtl=True) is None


def test_latin_words_in_a_right_to_left_block_run_left_to_right() -> None:
    runs = script_runs(f"{ARABIC} (Malacca Strait) {ARABIC}", "en", rtl=True)
    assert runs == ((f"{ARABIC} (", None, None), ("Malacca Strait", "en", "ltr"),
                    (f") {ARABIC}", None, None))


def test_a_right_to_left_block_carries_its_language_and_a_quote_of_them_its_direction() -> None:
    para = Paragraph(inlines=(Text(text=ARABIC),))
    assert block_language(para.inlines, "en") == "ar"
    assert block_language(para.inlines, "ar") is None
    assert quote_is_rtl((para, para))
    assert not quote_is_rtl((para, Paragraph(inlines=(Text(text=MIXED),))))
