"""The EPUB as a reader gets it: valid (EPUBCheck), accessible (DAISY Ace), navigable, complete.

Books are built once per session into a temporary folder; EPUBCheck checks all of them in one
JVM and Ace runs once per book.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from e2e_support import load_epubcheck

from lighthouse_docs.model import Document, Pack
from lighthouse_docs.readers import load
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.theme import Theme, packaged_styles_dir
from lighthouse_docs.writers import Output
from lighthouse_docs.writers.epub import build_epub

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "sources" / "korut-rusia.txt"
MARKDOWN = ROOT / "tests" / "fixtures" / "markdown"
MODIFIED = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


epubcheck = load_epubcheck()


def options(base_dir: Path, **changes: Any) -> RenderOptions:
    theme = Theme(name="default", root=(packaged_styles_dir() / "default").resolve())
    return dataclasses.replace(
        RenderOptions(theme=theme, base_dir=base_dir, modified=MODIFIED), **changes)


class Book:
    """An EPUB read back: its zip, OPF, nav and pages as ElementTrees."""

    def __init__(self, path: Path, output: Output) -> None:
        self.path = path
        self.output = output
        self.zip = zipfile.ZipFile(path)
        self.opf = ET.fromstring(self.zip.read("EPUB/content.opf"))
        self.nav = self.page("nav.xhtml")

    def page(self, name: str) -> ET.Element:
        return ET.fromstring(self.zip.read(f"EPUB/{name}"))

    def meta(self, prop: str) -> list[str]:
        return [m.text or "" for m in self.opf.iterfind("opf:metadata/opf:meta", NS)
                if m.get("property") == prop]

    def dc(self, name: str) -> list[str]:
        return [e.text or "" for e in self.opf.iterfind(f"opf:metadata/dc:{name}", NS)]

    def spine(self) -> list[str]:
        items = self.opf.iterfind("opf:manifest/opf:item", NS)
        manifest = {i.get("id"): i.get("href") for i in items}
        return [manifest[r.get("idref")] for r in self.opf.iterfind("opf:spine/opf:itemref", NS)]

    def toc(self) -> list[dict[str, Any]]:
        nav = next(n for n in self.nav.iter(f"{{{NS['x']}}}nav") if n.get(EPUB_TYPE) == "toc")
        return _entries(nav.find("x:ol", NS))


def _entries(ol: ET.Element | None) -> list[dict[str, Any]]:
    if ol is None:
        return []
    return [{"heading": "".join(li.find("x:a", NS).itertext()),  # type: ignore[union-attr]
             "href": li.find("x:a", NS).get("href"),  # type: ignore[union-attr]
             "children": _entries(li.find("x:ol", NS))}
            for li in ol.findall("x:li", NS)]


def _hostile() -> Document:
    """Article text full of markup and characters XML cannot carry."""
    text = load(MARKDOWN / "images_table_footnotes.md")
    meta = dataclasses.replace(text.meta, title="<script>alert('x')</script> & \x0b]]> \"Q\"",
                               marking="A&B <i>", source=dataclasses.replace(
                                   text.meta.source, url="javascript:alert(1)"))
    return dataclasses.replace(text, meta=meta)


@pytest.fixture(scope="session")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Book]:
    folder = tmp_path_factory.mktemp("epub")
    example = load(EXAMPLE)
    english = load(MARKDOWN / "images_table_footnotes.md")
    pack = Pack(title="Briefing Pack", lang="en", date=dt.date(2026, 1, 2), marking="INTERNAL",
                publisher="Lighthouse",
                documents=(example, english, load(MARKDOWN / "opini_front_matter.md")))
    outputs = {
        "example": build_epub(dataclasses.replace(example, meta=dataclasses.replace(
            example.meta, marking="TERBATAS")), options(EXAMPLE.parent)),
        "markdown": build_epub(english, options(MARKDOWN)),
        "pack": build_epub(pack, options(MARKDOWN)),
        "hostile": build_epub(_hostile(), options(MARKDOWN)),
    }
    result = {}
    for name, output in outputs.items():
        path = folder / f"{name}.epub"
        path.write_bytes(output.data)
        result[name] = Book(path, output)
    return result


@pytest.fixture(scope="session")
def epubcheck_reports(books: dict[str, Book]) -> dict[str, Any]:
    reason = epubcheck.available()
    if reason:
        pytest.skip(f"EPUBCheck cannot run: {reason}")
    reports = epubcheck.check([b.path for b in books.values()])
    return {name: reports[b.path] for name, b in books.items()}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["example", "markdown", "pack", "hostile"])
def test_epubcheck_reports_no_errors_or_warnings(epubcheck_reports: dict[str, Any],
                                                 name: str) -> None:
    report = epubcheck_reports[name]
    assert report.ok, f"{report.summary}\n" + "\n".join(report.messages)
    assert report.raw["publication"]["ePubVersion"].startswith("3")


def _ace_command() -> list[str] | None:
    ace = shutil.which("ace-cli") or shutil.which("ace")
    if ace:
        return [ace]
    node = shutil.which("node")
    npm = shutil.which("npm")
    if node and npm:
        root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True,
                              check=False).stdout.strip()
        script = Path(root) / "@daisy" / "ace-cli" / "bin" / "ace.js"
        if script.is_file():
            return [node, str(script)]
    return None


@pytest.mark.slow
# Ace (a Chromium per run) checks the pack only: it holds the example and the Markdown article
# as parts, and a brief's pages are a part's pages (tests/render/test_one_shape.py), so the
# two single books add a browser each and no page kind the pack lacks.
@pytest.mark.parametrize("name", ["pack"])
def test_ace_reports_no_accessibility_violations(books: dict[str, Book], name: str,
                                                 tmp_path: Path) -> None:
    command = _ace_command()
    if command is None:
        if os.environ.get("LIGHTHOUSE_REQUIRE_ACE"):
            pytest.fail("LIGHTHOUSE_REQUIRE_ACE is set but DAISY Ace (ace-cli) is not installed")
        pytest.skip("DAISY Ace (npm @daisy/ace-cli) is not installed")
    env = dict(os.environ)
    env.setdefault("PUPPETEER_EXECUTABLE_PATH", shutil.which("chromium") or "/usr/bin/chromium")
    run = subprocess.run([*command, "--force", "--silent", "--outdir", str(tmp_path),
                          str(books[name].path)], capture_output=True, text=True, env=env,
                         timeout=600, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    violations = [(a["earl:testSubject"]["url"], v["earl:test"]["dct:title"])
                  for a in report["assertions"] for v in a["assertions"]]
    assert violations == []
    assert report["earl:result"]["earl:outcome"] == "pass"
    assert set(report["a11y-metadata"]["present"]) >= {
        "schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
        "schema:accessibilityHazard", "schema:accessibilitySummary", "dcterms:conformsTo"}


def _golden_outline() -> dict[str, Any]:
    for candidate in (ROOT / "tests" / "fixtures" / "korut-rusia.outline.json",
                      ROOT.parent / "shared" / "corpus" / "korut-rusia.outline.json"):
        if candidate.is_file():
            data: dict[str, Any] = json.loads(candidate.read_text(encoding="utf-8"))
            return data
    pytest.skip("korut-rusia.outline.json not found")


def _headings(entries: list[dict[str, Any]]) -> list[Any]:
    return [(e["heading"], _headings(e["children"])) for e in entries]


def test_nav_equals_the_articles_outline(books: dict[str, Book]) -> None:
    golden = _golden_outline()
    expected = [(s["heading"], [(c["heading"], []) for c in s["children"]])
                for s in golden["sections"]]
    assert _headings(books["example"].toc()) == expected


def test_nav_links_reach_the_sections(books: dict[str, Book]) -> None:
    book = books["example"]
    for entry in book.toc():
        for item in [entry, *entry["children"]]:
            file_name, fragment = item["href"].split("#")
            ids = {e.get("id") for e in book.page(file_name).iter()}
            assert fragment in ids


def test_spine_reads_cover_title_contents_lead_then_one_page_per_h2(
        books: dict[str, Book]) -> None:
    assert books["example"].spine() == ["cover.xhtml", "title.xhtml", "nav.xhtml", "lead.xhtml",
                                        "s01.xhtml", "s02.xhtml", "s03.xhtml", "s04.xhtml"]
    s01 = books["example"].page("s01.xhtml")
    assert [h.text for h in s01.iter(f"{{{NS['x']}}}h2")] == [
        "Latar Belakang Hubungan Korea Utara dan Rusia"]
    assert len(list(s01.iter(f"{{{NS['x']}}}h3"))) == 2


def test_landmarks_name_cover_toc_and_bodymatter(books: dict[str, Book]) -> None:
    nav = next(n for n in books["example"].nav.iter(f"{{{NS['x']}}}nav")
               if n.get(EPUB_TYPE) == "landmarks")
    marks = {a.get(EPUB_TYPE): a.get("href") for a in nav.iter(f"{{{NS['x']}}}a")}
    assert marks == {"cover": "cover.xhtml", "toc": "nav.xhtml#toc", "bodymatter": "lead.xhtml"}


def test_ncx_lists_the_sections_for_older_readers(books: dict[str, Book]) -> None:
    ncx = ET.fromstring(books["example"].zip.read("EPUB/toc.ncx"))
    labels = [t.text for t in ncx.iterfind("ncx:navMap/ncx:navPoint/ncx:navLabel/ncx:text", NS)]
    assert labels[-1] == "Kesimpulan" and len(labels) == 4


def test_metadata_describes_the_brief(books: dict[str, Book]) -> None:
    book = books["markdown"]
    assert book.dc("title") == ["Grain Stocks in the Eastern Provinces"]
    assert book.dc("language") == ["en"]
    assert book.dc("publisher") == ["Lighthouse Review"]
    assert book.dc("creator") == ["Maya Hart", "Daniel Osei"]
    assert book.dc("date") == ["2026-02-14"]
    assert book.dc("subject") == ["grain", "logistics", "prices"]
    assert book.dc("description")[0].startswith("Grain reserves in the eastern provinces")
    assert book.dc("identifier")[0].startswith("urn:uuid:")
    assert book.meta("dcterms:modified") == ["2026-01-02T03:04:05Z"]
    assert book.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert "alternativeText" in book.meta("schema:accessibilityFeature")
    assert book.meta("schema:accessibilityHazard") == ["none"]
    assert book.opf.get(XML_LANG) == "en"


def test_a_source_without_a_date_has_no_publication_date(books: dict[str, Book]) -> None:
    # Not the build's day either: e-reader libraries would show it as the publication date.
    # The build's time is dcterms:modified; a dated source keeps its own date (above).
    book = books["example"]
    assert book.dc("date") == []
    assert book.meta("dcterms:modified") == ["2026-01-02T03:04:05Z"]
    assert books["example"].meta("dcterms:accessRights") == ["TERBATAS"]
    assert books["example"].dc("language") == ["id"]


def test_every_page_declares_its_language(books: dict[str, Book]) -> None:
    for name in ("example", "pack"):
        book = books[name]
        for href in book.spine():
            root = book.page(href)
            assert root.get("lang") and root.get("lang") == root.get(XML_LANG), href
    assert books["pack"].page("a1-s01.xhtml").get("lang") == "id"


def test_cover_image_is_declared_and_shown(books: dict[str, Book]) -> None:
    book = books["example"]
    items = {i.get("href"): i for i in book.opf.iterfind("opf:manifest/opf:item", NS)}
    assert items["images/cover.png"].get("properties") == "cover-image"
    legacy = [m for m in book.opf.iterfind("opf:metadata/opf:meta", NS) if m.get("name") == "cover"]
    assert legacy and legacy[0].get("content") == items["images/cover.png"].get("id")
    img = next(book.page("cover.xhtml").iter(f"{{{NS['x']}}}img"))
    assert img.get("src") == "images/cover.png" and "Korut" in (img.get("alt") or "")
    assert len(book.zip.read("EPUB/images/cover.png")) < 1_000_000


def test_title_page_tells_source_date_reading_time_and_marking(books: dict[str, Book]) -> None:
    text = " ".join(books["example"].page("title.xhtml").itertext())
    for expected in ("Analisis Strategis", "thelighthousepeople.com", "TERBATAS", "menit baca"):
        assert expected in text


def test_notes_are_a_titled_endnotes_section_of_the_referencing_page(
        books: dict[str, Book]) -> None:
    book = books["markdown"]
    for name, note in (("lead.xhtml", "fn-n1"), ("s02.xhtml", "fn-n2")):
        page = book.page(name)
        [section] = [s for s in page.iter(f"{{{NS['x']}}}section")
                     if s.get(EPUB_TYPE) == "endnotes"]
        assert section.findtext("x:h2", namespaces=NS) == "Notes"
        items = section.findall("x:ol/x:li", NS)
        assert [li.get("id") for li in items] == [note]
        assert items[0].get(EPUB_TYPE) == "endnote"
        refs = [a for a in page.iter(f"{{{NS['x']}}}a") if a.get(EPUB_TYPE) == "noteref"]
        assert refs and refs[0].get("href").endswith(f"#{note}")  # type: ignore[union-attr]
        back = items[0].find("x:p/x:a", NS)
        assert back is not None and back.get("role") == "doc-backlink"
        assert back.get("href") == f"#{refs[0].get('id')}"
        # The section comes after the page's text, never inside it.
        assert list(page.find("x:body", NS))[-1] is section  # type: ignore[arg-type]


def test_images_are_embedded_with_alt_text(books: dict[str, Book]) -> None:
    book = books["markdown"]
    items = {i.get("href"): i.get("media-type")
             for i in book.opf.iterfind("opf:manifest/opf:item", NS)}
    assert items["images/img001.png"] == "image/png"
    imgs = list(book.page("lead.xhtml").iter(f"{{{NS['x']}}}img"))
    assert imgs[0].get("src") == "images/img001.png"
    assert imgs[0].get("alt", "").startswith("Bar chart")


def test_pack_has_three_level_nav_and_unique_ids(books: dict[str, Book]) -> None:
    book = books["pack"]
    toc = book.toc()
    assert [e["href"] for e in toc] == ["a1-title.xhtml", "a2-title.xhtml", "a3-title.xhtml"]
    assert toc[0]["children"][0]["children"], "the third level (subsections) is missing"
    ids: list[str] = []
    for href in book.spine():
        ids.extend(e.get("id") for e in book.page(href).iter() if e.get("id"))  # type: ignore[misc]
    assert len(ids) == len(set(ids))
    title = " ".join(book.page("title.xhtml").itertext())
    assert "Briefing Pack" in title and "INTERNAL" in title


def test_article_text_cannot_break_the_xhtml(books: dict[str, Book]) -> None:
    book = books["hostile"]
    title = book.page("title.xhtml")
    assert not list(title.iter(f"{{{NS['x']}}}script"))
    assert "<script>alert('x')</script>" in "".join(title.itertext())
    assert book.dc("title")[0].startswith("<script>")
    links = [a.get("href") for a in title.iter(f"{{{NS['x']}}}a")]
    assert "javascript:alert(1)" not in links


def test_two_builds_are_byte_identical(books: dict[str, Book]) -> None:
    again = build_epub(load(MARKDOWN / "images_table_footnotes.md"), options(MARKDOWN))
    assert again.data == books["markdown"].output.data
    infos = books["markdown"].zip.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert {i.date_time for i in infos} == {(2026, 1, 2, 3, 4, 4)}


def test_a_warm_build_does_not_draw_the_cover_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # Counted, not timed (a wall-clock bound fails on a loaded machine; bench/ times it): the
    # cover is most of a warm EPUB build, and a rebuild of the same brief reuses it.
    from lighthouse_docs.writers import cover

    doc = load(EXAMPLE)
    first = build_epub(doc, options(EXAMPLE.parent))
    drawn: list[str] = []
    real = cover._draw

    def counting(title: str, *args: Any) -> Any:
        drawn.append(title)
        return real(title, *args)

    monkeypatch.setattr(cover, "_draw", counting)
    again = build_epub(doc, options(EXAMPLE.parent))
    assert drawn == [] and again.data == first.data
