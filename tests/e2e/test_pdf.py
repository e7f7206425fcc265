"""The printed brief read back with pypdf and poppler: what a reader of the PDF would notice."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from lighthouse_docs.model import Document
from lighthouse_docs.outline import heading_texts, iter_sections, plain_text
from lighthouse_docs.writers import Output
from lighthouse_docs.writers.pdf import build_pdf

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = [ROOT / "tests" / "fixtures" / "korut-rusia.outline.json",
          Path("/work/shared/corpus/korut-rusia.outline.json")]


def reader(output: Output) -> PdfReader:
    return PdfReader(io.BytesIO(output.data))


def page_texts(output: Output) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in reader(output).pages]


def outline_tree(pdf: PdfReader, items: list[Any] | None = None) -> list[dict[str, Any]]:
    """The PDF outline as nested {heading, children} dicts."""
    items = pdf.outline if items is None else items
    tree: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, list):
            tree[-1]["children"] = outline_tree(pdf, item)
        else:
            tree.append({"heading": item.title, "children": []})
    return tree


def golden_headings(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"heading": e["heading"], "children": golden_headings(e["children"])}
            for e in entries]


def test_outline_mirrors_golden_headings(example_pdf: Output) -> None:
    golden_file = next(p for p in GOLDEN if p.is_file())
    golden = json.loads(golden_file.read_text(encoding="utf-8"))
    assert outline_tree(reader(example_pdf)) == golden_headings(golden["sections"])


def test_cover_shows_title_and_publisher_without_page_furniture(example_pdf: Output,
                                                                example_doc: Document) -> None:
    cover = page_texts(example_pdf)[0]
    assert "Analisis Strategis: Korut dan Dukungan untuk Rusia" in cover
    assert "thelighthousepeople.com" in cover
    assert "menit baca" in cover
    assert "Halaman" not in cover


def test_toc_page_numbers_are_where_headings_are(example_pdf: Output,
                                                 example_doc: Document) -> None:
    texts = page_texts(example_pdf)
    toc = texts[1].lower()
    assert "daftar isi" in toc and "poin penting" in toc
    for _, heading in heading_texts(example_doc.sections):
        match = re.search(re.escape(heading) + r"[ .]*?(\d+)\b", texts[1])
        assert match, f"{heading!r} missing from the contents"
        # A running head only repeats an H2 from the page where it starts, so the first
        # body page carrying the heading is where it really is.
        first = next(n for n, text in enumerate(texts, start=1) if n > 2 and heading in text)
        assert int(match.group(1)) == first, heading


def test_contents_leaders_never_touch_the_title(example_pdf: Output, example_doc: Document,
                                                tmp_path: Path) -> None:
    # "Barat....." reads as a title ending in a full stop: a gap comes before the dots.
    target = tmp_path / "brief.pdf"
    target.write_bytes(example_pdf.data)
    contents = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", str(target), "-"],
                              capture_output=True, text=True, check=True).stdout
    for _, heading in heading_texts(example_doc.sections):
        assert heading in contents, heading
        assert not re.search(re.escape(heading) + r"\.", contents), heading


def test_every_page_after_cover_has_running_head_and_page_x_of_y(example_pdf: Output) -> None:
    texts = page_texts(example_pdf)
    total = len(texts)
    assert total == example_pdf.pages and total >= 4
    for number, text in enumerate(texts[1:], start=2):
        assert f"Halaman {number} dari {total}" in text
        assert "Analisis Strategis: Korut dan Dukungan untuk Rusia" in text
    # The head names the H2 section in force at the top of the page (test_layout_rules.py
    # checks which): none on the lead's page, one on every body page after it.
    assert "\u00b7" not in texts[2]
    assert all("Analisis Strategis: Korut dan Dukungan untuk Rusia \u00b7 " in text
               for text in texts[3:]), texts[3:]


def test_metadata_language_and_tags(example_pdf: Output, example_doc: Document) -> None:
    pdf = reader(example_pdf)
    info = pdf.metadata
    assert info is not None
    assert info.title == example_doc.meta.title
    assert info.author == "thelighthousepeople.com"
    assert info.subject and info.subject.startswith("Korea Utara dan Rusia")
    assert info["/CreationDate"].startswith("D:20260102030405")
    assert info["/ModDate"].startswith("D:20260102030405")
    root = pdf.trailer["/Root"]
    assert root["/Lang"] == "id"
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])


def used_fonts(output: Output) -> dict[str, bool]:
    """BaseFont -> embedded, for every font on every page."""
    fonts: dict[str, bool] = {}
    for page in reader(output).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            desc = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            embedded = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"]).split("+")[-1]] = embedded
    return fonts


def test_every_font_embedded_and_text_is_source_serif(example_pdf: Output) -> None:
    fonts = used_fonts(example_pdf)
    assert fonts and all(fonts.values()), fonts
    assert all("Source" in name for name in fonts), fonts
    assert any("Source-Serif" in name for name in fonts)


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils missing")
def test_pdffonts_agrees(example_pdf: Output, tmp_path: Path) -> None:
    target = tmp_path / "brief.pdf"
    target.write_bytes(example_pdf.data)
    listing = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    assert listing
    for line in listing:
        assert "Source" in line and " yes yes " in line, line


def test_two_builds_are_byte_identical(example_doc: Document, example_pdf: Output,
                                       make_options: Any, example_path: Path) -> None:
    again = build_pdf(example_doc, make_options(example_path))
    assert again.data == example_pdf.data


def test_english_document_labels_and_notes(english_pdf: Output, english_doc: Document) -> None:
    texts = page_texts(english_pdf)
    # A 100-word article is read faster than key points would be: it gets none; and with
    # two sections on one page it needs no contents: cover and one page.
    assert len(texts) == 2
    assert "contents" not in texts[1].lower() and "key points" not in texts[1].lower()
    total = len(texts)
    for number, text in enumerate(texts[1:], start=2):
        assert f"Page {number} of {total}" in text
    body = " ".join(texts[1:])
    assert "notes" in body.lower() and "Quarterly Bulletin" in body
    assert "48,200" in body  # the table
    assert english_pdf.warnings == ()
    assert reader(english_pdf).trailer["/Root"]["/Lang"] == "en"
    # Lists, notes, italics and tables need no glyph from a system fallback font.
    assert all("Source" in name for name in used_fonts(english_pdf)), used_fonts(english_pdf)


def test_key_points_present_and_optional(example_pdf: Output, example_doc: Document,
                                         make_options: Any, example_path: Path) -> None:
    from lighthouse_docs.brief import key_points

    points = key_points(example_doc)
    assert points
    assert " ".join(points[0].split()[:6]) in page_texts(example_pdf)[1]
    without = build_pdf(example_doc, make_options(example_path, key_points=False))
    assert "Poin Penting" not in page_texts(without)[1]


def test_marking_on_every_page_and_in_metadata(marked_pdf: Output) -> None:
    for text in page_texts(marked_pdf):
        assert text.count("TERBATAS") >= 2, text[:200]
    info = reader(marked_pdf).metadata
    assert info is not None
    assert info.subject.startswith("[TERBATAS]")
    assert info["/marking"] == "TERBATAS"


def test_spaced_capitals_stay_whole_words_for_search(example_doc: Document, make_options: Any,
                                                    example_path: Path, tmp_path: Path) -> None:
    # Letter-spaced capitals (the cover's marking bands, the publisher) came out of text
    # extraction as "O FFICIAL-SENSITIVE": a search of the PDF for its marking missed them.
    meta = dataclasses.replace(example_doc.meta, marking="OFFICIAL-SENSITIVE")
    target = tmp_path / "marked.pdf"
    target.write_bytes(build_pdf(dataclasses.replace(example_doc, meta=meta),
                                 make_options(example_path)).data)
    pages = len(PdfReader(target).pages)
    for page in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(target), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert text.count("OFFICIAL-SENSITIVE") >= 2, (page, text[:300])
        if page == 1:
            assert "THELIGHTHOUSEPEOPLE.COM" in text, text[:300]


def test_letter_paper_and_plain_variant(example_doc: Document, make_options: Any,
                                        example_path: Path) -> None:
    plain = build_pdf(example_doc, make_options(example_path, paper="letter", pdf_variant=None))
    pdf = reader(plain)
    width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (612, 792)
    assert "/StructTreeRoot" not in pdf.trailer["/Root"]
    tagged_a = build_pdf(example_doc, make_options(example_path, pdf_variant="pdf/a-3a"))
    assert "/StructTreeRoot" in reader(tagged_a).trailer["/Root"]


def test_pack_has_three_level_outline_and_unique_ids(pack_pdf: Output,
                                                     pack_docs: tuple[Document, ...]) -> None:
    tree = outline_tree(reader(pack_pdf))
    assert [t["heading"] for t in tree] == [d.meta.title for d in pack_docs]
    first = tree[0]["children"]
    assert [c["heading"] for c in first] == [plain_text(s.heading)
                                             for s in pack_docs[0].sections]
    assert first[0]["children"], "the third level (subsections) is missing"
    texts = page_texts(pack_pdf)
    assert "Briefing Pack" in texts[0] and "INTERNAL" in texts[0]
    # Each article's running head names the article.
    english = pack_docs[1].meta.title
    start = next(i for i, t in enumerate(texts) if "part 2" in t.lower())
    assert english in texts[start + 1] or english in texts[start]
    assert sum(1 for _ in iter_sections(pack_docs[0].sections)) <= len(texts) * 20


def test_different_marking_gives_different_bytes(example_doc: Document, marked_pdf: Output,
                                                  make_options: Any, example_path: Path) -> None:
    other = dataclasses.replace(example_doc.meta, marking="RAHASIA")
    changed = build_pdf(dataclasses.replace(example_doc, meta=other), make_options(example_path))
    assert changed.data != marked_pdf.data


def test_pack_html_ids_are_unique(pack_docs: tuple[Document, ...], make_options: Any,
                                  example_path: Path) -> None:
    from collections import Counter

    from lighthouse_docs.model import Pack
    from lighthouse_docs.render.print import render_print_html

    twice = (*pack_docs, pack_docs[1])  # the same article twice: same section and note ids
    html = render_print_html(Pack(title="P", documents=twice), make_options(example_path))
    counts = Counter(re.findall(r' id="([^"]+)"', html))
    assert [k for k, n in counts.items() if n > 1] == []
