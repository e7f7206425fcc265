"""The subset web fonts of the HTML preview, kept in the user's cache folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lighthouse_docs import fonts, render

TEXT = "Kim berkata: «ça va». "  # the characters decide the subset


@pytest.fixture
def font_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv(render.CACHE_ENV, str(tmp_path / "cache"))
    # One face keeps the test quick: subsetting takes about half a second per face.
    monkeypatch.setattr(fonts, "WEB_FACES", fonts.WEB_FACES[4:5])
    fonts._woff2.cache_clear()
    yield tmp_path / "cache" / "fonts"
    fonts._woff2.cache_clear()


def _no_subsetting(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path, unicodes: frozenset[int]) -> bytes:
        raise AssertionError(f"{path.name} subset again")

    monkeypatch.setattr(fonts, "_subset_woff2", refuse)


def test_a_subset_is_stored_and_read_back_by_the_next_process(
        font_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = fonts.web_font_css(TEXT)
    stored = sorted(font_cache.glob("*.woff2"))
    assert len(stored) == len(fonts.WEB_FACES)
    assert oct(font_cache.stat().st_mode & 0o777) == "0o700"
    fonts._woff2.cache_clear()  # as in a new process
    _no_subsetting(monkeypatch)
    assert fonts.web_font_css(TEXT) == first


def test_other_characters_are_another_subset(font_cache: Path) -> None:
    fonts.web_font_css(TEXT)
    fonts.web_font_css(TEXT + "Ωμέγα")
    assert len(list(font_cache.glob("*.woff2"))) == 2 * len(fonts.WEB_FACES)


def test_the_cache_keeps_a_bounded_number_of_fonts(
        font_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "FONT_CACHE_ENTRIES", 2)
    for extra in ("", "Ω", "Ωμ"):
        fonts.web_font_css(TEXT + extra)
    assert len(list(font_cache.glob("*.woff2"))) == 2


def test_no_cache_when_switched_off_or_writable_by_others(
        font_cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(render.CACHE_ENV, "none")
    fonts.web_font_css(TEXT)
    assert not font_cache.exists()
    shared = tmp_path / "shared"
    (shared / "fonts").mkdir(parents=True)
    (shared / "fonts").chmod(0o777)
    monkeypatch.setenv(render.CACHE_ENV, str(shared))
    fonts._woff2.cache_clear()
    fonts.web_font_css(TEXT)
    assert list((shared / "fonts").iterdir()) == []
