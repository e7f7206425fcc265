"""Where code and written-out addresses may break in print (render.break_pieces)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lighthouse_docs.render import MAX_PIECE, break_pieces


def test_a_long_identifier_breaks_only_after_its_underscores() -> None:
    pieces = break_pieces("mrc_gauges_summary_final")
    assert [t for kind, t in pieces if kind != "break"] == ["mrc_", "gauges_", "summary_", "final"]
    assert [kind for kind, _ in pieces].count("break") == 3
    # Nothing in them a line could break at: no markup needed to keep them whole.
    assert "word" not in [kind for kind, _ in pieces]


def test_options_stay_whole_and_plain_words_are_left_alone() -> None:
    assert break_pieces("--from +EXTENSION cgi-bin") == (
        ("word", "--from"), ("space", " "), ("text", "+EXTENSION"), ("space", " "),
        ("word", "cgi-bin"))
    assert break_pieces("pandoc") == (("text", "pandoc"),)


def test_a_long_run_without_punctuation_breaks_every_few_characters() -> None:
    words = [t for kind, t in break_pieces("x" * (2 * MAX_PIECE + 2)) if kind != "break"]
    assert len(words) == 3 and max(map(len, words)) - min(map(len, words)) <= 1
    assert break_pieces("TextFormattingRules))") == (("text", "TextFormattingRules))"),)


def test_an_address_breaks_after_its_slashes_and_dots() -> None:
    pieces = break_pieces("https://en.wikipedia.org/wiki/Office")
    words = [t for kind, t in pieces if kind != "break"]
    assert words == ["https://", "en.", "wikipedia.", "org/", "wiki/", "Office"]


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200))
def test_pieces_keep_every_character_and_none_is_too_long(text: str) -> None:
    pieces = break_pieces(text)
    assert "".join(t for _, t in pieces) == text
    assert all(len(t) <= MAX_PIECE for kind, t in pieces if kind != "space")
