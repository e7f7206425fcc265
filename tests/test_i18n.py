"""i18n: one label table per language, fallbacks, dates, and no label hard-coded in an output."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from lxml import etree, html

from lighthouse_docs import i18n
from lighthouse_docs.i18n import TABLES, Labels, format_date, labels, pack_language
from lighthouse_docs.model import (
    Document,
    Footnote,
    FootnoteRef,
    Metadata,
    Pack,
    Paragraph,
    Section,
    SourceInfo,
    Text,
)
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.render.epub import render_epub
from lighthouse_docs.render.print import render_print_html
from lighthouse_docs.theme import resolve_theme

FIELDS = [f.name for f in dataclasses.fields(Labels) if f.name not in ("lang", "babel_locale")]


@pytest.mark.parametrize("lang", sorted(TABLES))
def test_every_table_is_complete(lang: str) -> None:
    table = TABLES[lang]
    for name in FIELDS:
        assert getattr(table, name).strip(), f"{lang}.{name} is empty"
    assert "{n}" in table.minutes_read
    assert table.reading_time(7).count("7") == 1


def test_indonesian_and_english_words() -> None:
    assert labels("id").reading_time(7) == "7 menit baca"
    assert labels("en").reading_time(7) == "7 min read"
    assert labels("id").page_x_of_y(2, 9) == "Halaman 2 dari 9"
    assert labels("en").page_x_of_y(2, 9) == "Page 2 of 9"
    assert (labels("id").contents, labels("id").key_points) == ("Daftar Isi", "Poin Penting")
    assert (labels("en").contents, labels("en").key_points) == ("Contents", "Key points")


def test_malay_has_its_own_words_not_indonesian() -> None:
    """Malay writes "daripada", "minit", "Kandungan" and "Disember" (trial 5: it got Indonesian)."""
    ms = labels("ms")
    assert ms is not labels("id")
    assert ms.page_x_of_y(2, 3) == "Halaman 2 daripada 3"
    assert ms.reading_time(2) == "2 minit bacaan"
    assert (ms.contents, ms.figure, ms.table) == ("Kandungan", "Rajah", "Jadual")
    assert format_date(dt.date(2026, 12, 1), "ms") == "1 Disember 2026"
    assert format_date(dt.date(2026, 8, 17), "ms-MY") == "17 Ogos 2026"


@pytest.mark.parametrize(("tag", "expected"), [
    ("id", "id"), ("id-ID", "id"), ("ID_id", "id"), ("en-US", "en"), ("ms", "ms"), ("ms-MY", "ms"),
    ("pt", "en"), ("", "en"), (None, "en"), ("zz-Latn", "en"), ("de-AT", "de"),
])
def test_language_choice_falls_back_to_english(tag: str | None, expected: str) -> None:
    assert labels(tag) is TABLES[expected]


def test_dates_follow_the_locale() -> None:
    day = dt.date(2026, 1, 2)
    assert format_date(day, "id") == "2 Januari 2026"
    assert format_date(day, "en") == "2 January 2026"
    assert format_date(day, "de") == "2. Januar 2026"
    assert format_date(day, "xx") == "2 January 2026"


@pytest.mark.parametrize(("langs", "override", "expected"), [
    (["id", "en", "id"], None, "id"),
    (["en", "id", "en"], None, "en"),
    (["en", "id"], None, "en"),  # a tie goes to the earlier article
    (["id", "en"], None, "id"),
    (["id", "en", "id"], "en", "en"),
    ([], None, "en"),
])
def test_pack_language(langs: list[str], override: str | None, expected: str) -> None:
    assert pack_language(langs, override) == expected


# --------------------------------------------------------------------------- no literal labels

def _fake(name: str) -> str:
    return f"Q{name.replace('_', '')}Q"


FAKE = Labels(lang="xx", babel_locale="en_GB", **{name: _fake(name) for name in FIELDS})
FAKE = dataclasses.replace(FAKE, minutes_read="QminutesreadQ {n}")
WORD = re.compile(r"[^\W\d_]{2,}")
# Article text and metadata are made of words no label uses, so any other word is chrome.
ARTICLE_WORDS = {"Zeta", "Lorem", "ipsum", "dolor", "Sit", "amet", "Qux", "Kabar", "Warta"}


def _doc(title: str = "Zeta Lorem") -> Document:
    note = Footnote(id="1", blocks=(Paragraph(inlines=(Text(text="dolor."),)),))
    sub = Section(id="sub", level=3, heading=(Text(text="Qux"),),
                  blocks=(Paragraph(inlines=(Text(text="ipsum amet."),)),))
    section = Section(id="sit", level=2, heading=(Text(text="Sit"),),
                      blocks=(Paragraph(inlines=(Text(text="Lorem ipsum. "),
                                                 FootnoteRef(id="1"))),),
                      children=(sub,))
    meta = Metadata(
        title=title, lang="xx", publisher="Kabar Warta", authors=("Zeta",),
        date=dt.date(2026, 1, 2), marking="Qux", key_points=("Lorem ipsum.",),
        source=SourceInfo(path="a.md", format="markdown", url="https://example.org/zeta"))
    return Document(meta=meta, lead=(Paragraph(inlines=(Text(text="Lorem dolor."),)),),
                    sections=(section,), footnotes=(note,))


def _visible(markup: bytes | str) -> list[str]:
    """Text nodes and the attributes readers show or speak (alt, title, aria-label, data-*)."""
    root = html.fromstring(markup) if isinstance(markup, str) else etree.fromstring(markup)
    found: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str) or etree.QName(element).localname in (
                "style", "script"):
            continue
        found += [element.text or "", element.tail or ""]
        found += [v for k, v in element.attrib.items()
                  if k in ("alt", "title", "aria-label", "content") or k.startswith("data-")]
    return found


def _leaks(texts: list[str]) -> set[str]:
    allowed = ARTICLE_WORDS | {"January", "https", "example", "org", "zeta", "lighthouse",
                               "docs", "utf", "xx", "Qux", "width", "device", "initial",
                               "scale"}
    words = {w for t in texts for w in WORD.findall(t)}
    return {w for w in words if w not in allowed and not (w.startswith("Q") and w.endswith("Q"))}


@pytest.fixture()
def fake_language(monkeypatch: pytest.MonkeyPatch) -> Labels:
    monkeypatch.setitem(i18n.TABLES, "xx", FAKE)
    i18n.format_date.cache_clear()
    return FAKE


def _options(tmp_path: Path) -> RenderOptions:
    return RenderOptions(theme=resolve_theme(None), base_dir=tmp_path,
                         modified=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))


def test_print_html_shows_only_table_words(fake_language: Labels, tmp_path: Path) -> None:
    out = render_print_html(_doc(), _options(tmp_path))
    assert not _leaks(_visible(out))
    for name in ("contents", "key_points", "page", "of", "notes", "published", "source",
                 "marking", "by"):
        assert _fake(name) in out, name
    assert "QminutesreadQ 1" in out


def test_pack_html_shows_only_table_words(fake_language: Labels, tmp_path: Path) -> None:
    pack = Pack(title="Zeta", documents=(_doc(), _doc("Lorem Zeta")), lang="xx",
                date=dt.date(2026, 1, 2), marking="Qux", publisher="Kabar")
    out = render_print_html(pack, _options(tmp_path))
    assert not _leaks(_visible(out))
    assert "QpartQ 2" in out


def test_epub_pages_show_only_table_words(fake_language: Labels, tmp_path: Path) -> None:
    single = render_epub(_doc(), _options(tmp_path), [{}])
    pack = render_epub(Pack(title="Zeta", documents=(_doc(), _doc("Lorem Zeta")), lang="xx"),
                       _options(tmp_path), [{}, {}])
    for parts in (single, pack):
        for page in parts.pages:
            assert not _leaks([*_visible(page.xhtml), page.title]), page.file_name
        assert all(not _leaks([m.title]) for m in parts.landmarks)
    titles = [p.title for p in single.pages]
    assert "QcoverQ" in titles and "QcontentsQ" in titles
