"""The on-disk copy of pyphen's parsed hyphenation dictionaries (``writers._hyphenation``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyphen
import pytest

from lighthouse_docs import render
from lighthouse_docs.writers import _hyphenation

WORDS = {
    "id": ["pemerintahan", "kebijakan", "perundingan", "keamanan", "internasional"],
    "en": ["hyphenation", "international", "government", "negotiations", "security"],
    # Hungarian has non-standard hyphenation (pyphen's DataInt with alternatives): "ssz".
    "hu": ["asszonnyal", "összeggel", "kormányzati", "megállapodás", "tárgyalások"],
}


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An empty cache folder, and pyphen's per-process cache emptied (restored after)."""
    monkeypatch.setenv(render.CACHE_ENV, str(tmp_path / "cache"))
    saved = dict(pyphen.hdcache)
    pyphen.hdcache.clear()
    yield tmp_path / "cache" / "hyphenation"
    pyphen.hdcache.clear()
    pyphen.hdcache.update(saved)


def _hyphenated(lang: str) -> list[str]:
    dic = pyphen.Pyphen(lang=lang)  # what WeasyPrint asks for
    return [dic.inserted(word) for word in WORDS[lang]]


def _pyphen_own(lang: str) -> list[str]:
    dic = pyphen.Pyphen(lang=lang, cache=False)  # parsed by pyphen itself, not cached
    return [dic.inserted(word) for word in WORDS[lang]]


@pytest.mark.parametrize("lang", sorted(WORDS))
def test_a_dictionary_from_the_cache_hyphenates_as_pyphen_parsing_it(
        cache: Path, lang: str) -> None:
    assert _hyphenation.load(lang)
    [stored] = list(cache.iterdir())  # written on first use
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    pyphen.hdcache.clear()
    parsed: list[object] = []
    original = pyphen.HyphDict.__init__

    def counting(self: object, path: object) -> None:
        parsed.append(path)
        original(self, path)

    pyphen.HyphDict.__init__ = counting  # type: ignore[method-assign]
    try:
        assert _hyphenation.load(lang)
        from_cache = _hyphenated(lang)
    finally:
        pyphen.HyphDict.__init__ = original  # type: ignore[method-assign]
    assert parsed == [], "the cached copy was not used"
    assert stored.exists()
    assert from_cache == _pyphen_own(lang)
    assert any("-" in word for word in from_cache)


def test_a_damaged_copy_is_parsed_again_and_replaced(cache: Path) -> None:
    assert _hyphenation.load("en")
    [stored] = list(cache.iterdir())
    stored.write_bytes(b"not a pickle")
    pyphen.hdcache.clear()
    assert _hyphenation.load("en")
    assert _hyphenated("en") == _pyphen_own("en")
    assert stored.read_bytes() != b"not a pickle"


def test_without_a_cache_folder_pyphen_parses_as_always(
        monkeypatch: pytest.MonkeyPatch, cache: Path) -> None:
    monkeypatch.setenv(render.CACHE_ENV, "none")
    assert _hyphenation.load("id")
    assert not cache.exists()
    assert _hyphenated("id") == _pyphen_own("id")


def test_a_language_pyphen_has_no_dictionary_for(cache: Path) -> None:
    assert not _hyphenation.load("zz")
    assert _hyphenation.dictionary_path("en-US") == pyphen.LANGUAGES["en_US"]
