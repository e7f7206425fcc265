"""Issue #13 items 1, 2, 3, 5, 6 end to end, through the checkout's CLI: key points, typography,
captions, cover dates and details, notes and links, read back from the PDF (pypdf), the EPUB
(unzip + lxml, EPUBCheck, DAISY Ace) and the HTML preview.

Built once per session: an English Markdown brief (front matter, figure, table, notes, quotes,
code, a bare address) and the Indonesian example, one by one and as a pack; the same English
brief with notes at the foot, links as notes and the cover details of a project file; a
French article; and an article with a note call in every paragraph, so that calls fall at
page ends.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pypdf
import pytest
from e2e_support import run_checkout_cli
from lxml import etree

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).with_name("data")
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z: the build date of every output here
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
NBSP = "\u00a0"

FRENCH = """\
---
title: "L'énergie en Asie"
lang: fr
date: 2026-01-20
---

Le ministre a dit : "nous n'attendrons pas". Vraiment ? Oui !
"""


def _notes_article() -> str:
    paragraph = ("Regional grid operators reported their reserve margins for the quarter, and "
                 "most of them fell short of the planning standard by a wide margin again")
    body = "\n\n".join(f"{paragraph}, in report number {n}.[^n{n}]" for n in range(1, 31))
    notes = "\n".join(f"[^n{n}]: Note {n} gives the operator's own figure." for n in range(1, 31))
    return f"---\ntitle: Notes at page ends\nlang: en\n---\n\n## Reports\n\n{body}\n\n{notes}\n"


def _load_helper(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"lighthouse_content_{name}",
                                                  Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def lighthouse(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The checkout's own CLI (``python -m lighthouse_docs``), at a fixed build time."""
    result = run_checkout_cli(args, cwd, epoch=EPOCH, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@dataclass(frozen=True)
class Built:
    plain: Path
    styled: Path

    def path(self, folder: str, name: str) -> Path:
        base = self.plain if folder in ("out", "pack") else self.styled
        return base / folder / name


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    plain = tmp_path_factory.mktemp("content")
    src = plain / "sources"
    shutil.copytree(DATA, src)
    shutil.copy(ROOT / "sources" / "korut-rusia.txt", src / "korut-rusia.txt")
    (src / "energie.md").write_text(FRENCH, encoding="utf-8")
    (src / "notes.md").write_text(_notes_article(), encoding="utf-8")
    (plain / "lighthouse.toml").write_text("jobs = 2\n")
    both = ["sources/storage_brief.md", "sources/korut-rusia.txt"]
    lighthouse(["build", *both, "sources/energie.md", "--pdf", "--epub", "--html", "-o", "out"],
               plain)
    lighthouse(["build", *both, "--combine", "Weekly Brief 48", "--pdf", "--epub", "--html",
                "-o", "pack"], plain)

    styled = tmp_path_factory.mktemp("content-styled")
    shutil.copytree(src, styled / "sources")
    shutil.copy(DATA / "img" / "chart.png", styled / "logo.png")
    (styled / "lighthouse.toml").write_text(
        'jobs = 2\nnotes = "foot"\nlinks = "notes"\norganisation = "Ministry of Energy"\n'
        'reference = "PU/2026/014"\nversion = "1.2"\nlogo = "logo.png"\n'
        'prepared_for = "Director-General of Electricity"\n', encoding="utf-8")
    lighthouse(["build", "sources/storage_brief.md", "sources/notes.md", "--pdf", "--epub",
                "-o", "foot"], styled)
    return Built(plain=plain, styled=styled)


def _pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _text(data: bytes) -> str:
    return " ".join("".join(etree.fromstring(data).itertext()).split())


def _links(path: Path) -> list[tuple[int, str]]:
    """(page index, destination or URI) of every link annotation."""
    found = []
    for index, page in enumerate(pypdf.PdfReader(path).pages):
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            target = a.get("/Dest") or (a.get("/A") or {}).get("/URI")
            found.append((index, str(target)))
    return found


def _key_points_box(path: Path) -> str:
    page = _flat(_pages(path)[1])
    return page.split("KEY POINTS", 1)[1].split("CONTENTS", 1)[0]


# --------------------------------------------------------------------------- 1. key points


def test_key_points_are_scored_sentences_never_questions_lead_ins_or_the_lead(
        built: Built) -> None:
    box = _key_points_box(built.path("out", "storage_brief.pdf"))
    assert "Storage in Southeast Asia is held back by rules, not by cost." in box
    for never in ("why is so little storage being built", "We group the options",
                  "For regulators and ministries", "This brief explains",
                  "Battery storage costs have fallen"):
        assert never not in box, never
    assert 3 <= box.count(".") <= 6
    # The same points in the EPUB.
    lead = _text(_zip(built.path("out", "storage_brief.epub"))["EPUB/lead.xhtml"])
    assert "Storage in Southeast Asia is held back by rules, not by cost." in lead
    assert "We group the options" not in lead
    # The example: its "this article will discuss" sentence is no key point.
    korut = _flat(_pages(built.path("out", "korut-rusia.pdf"))[1])
    assert "POIN PENTING" in korut and "Artikel ini akan membahas" not in korut


def test_inspect_key_points_shows_scores_and_reasons(built: Built) -> None:
    out = lighthouse(["inspect", "sources/storage_brief.md", "--key-points"], built.plain).stdout
    assert out.startswith("Key points (extracted):")
    assert re.search(r"^x +\d+ 0\.\d{3} .*why is so little storage.*\[question\]$", out, re.M)
    assert re.search(r"^\* +\d+ 0\.\d{3} .*Storage in Southeast Asia is held back", out, re.M)
    short = lighthouse(["inspect", "sources/energie.md", "--key-points"], built.plain).stdout
    assert "too short to need them" in short


# --------------------------------------------------------------------------- 2. typography


def test_typographic_punctuation_in_every_output_but_never_in_code(built: Built) -> None:
    pdf = _flat(" ".join(_pages(built.path("out", "storage_brief.pdf"))))
    epub = _zip(built.path("out", "storage_brief.epub"))
    html = built.path("out", "storage_brief.html").read_text(encoding="utf-8")
    for text in (pdf, _text(epub["EPUB/s01.xhtml"]) + _text(epub["EPUB/s03.xhtml"]), html):
        assert "the “levelised” cost" in text
        assert "storage for peak capacity – often twice" in text
        assert "pay for only one of them… and some" in text
        assert "we don’t need cheaper batteries" in text
    assert '"levelised"' not in pdf and " -- " not in pdf and "..." not in pdf
    # Code keeps its typewriter characters.
    assert "(run with --strict)" in pdf
    assert "<code>--strict</code>" in html


def test_french_quotes_and_spaces(built: Built) -> None:
    text = _flat(" ".join(_pages(built.path("out", "energie.pdf"))).replace(NBSP, " "))
    assert "« nous n’attendrons pas »" in text and '"' not in text
    page = built.path("out", "energie.html").read_text(encoding="utf-8")
    assert f"«{NBSP}nous n’attendrons pas{NBSP}»" in page
    assert f"Vraiment{NBSP}? Oui{NBSP}!" in page and f"dit{NBSP}:" in page
    assert "L’énergie en Asie" in page


# --------------------------------------------------------------------------- 3. captions


def test_figures_and_tables_are_numbered_with_captions_above_tables(built: Built) -> None:
    pdf = _flat(" ".join(_pages(built.path("out", "storage_brief.pdf"))))
    assert "Figure 1. Installed battery storage by country" in pdf
    assert "Source: Regional grid operators’ annual reports" in pdf
    caption = pdf.index("Table 1. Installed and planned battery storage, end of 2025")
    assert caption < pdf.index("Country Installed (MW)")  # above the table
    assert "Table: Installed" not in pdf
    epub = _zip(built.path("out", "storage_brief.epub"))["EPUB/s01.xhtml"]
    [figcaption] = etree.fromstring(epub).iterfind(".//x:figcaption", NS)
    assert "".join(figcaption.itertext()).startswith("Figure 1. Installed battery storage")
    html = built.path("out", "storage_brief.html").read_text(encoding="utf-8")
    assert '<caption><span class="caption-label">Table 1.</span> Installed and planned' in html


# --------------------------------------------------------------------------- 5. cover and dates


def test_a_source_without_a_date_shows_the_build_date_labelled_in_every_format(
        built: Built) -> None:
    cover = _flat(_pages(built.path("out", "korut-rusia.pdf"))[0])
    assert "DISUSUN 1 Januari 2026" in cover
    title = _text(_zip(built.path("out", "korut-rusia.epub"))["EPUB/title.xhtml"])
    assert "Disusun 1 Januari 2026" in title
    html = built.path("out", "korut-rusia.html").read_text(encoding="utf-8")
    assert '<dt>Disusun</dt><dd><time datetime="2026-01-01">1 Januari 2026</time>' in html
    # A dated source keeps its own date, labelled as published.
    dated = _flat(_pages(built.path("out", "storage_brief.pdf"))[0])
    assert "PUBLISHED 10 February 2026" in dated


def test_a_pack_is_dated_when_built_not_by_its_newest_article(built: Built) -> None:
    cover = _flat(_pages(built.path("pack", "weekly-brief-48.pdf"))[0])
    assert "COMPILED 1 January 2026" in cover and "February" not in cover
    title = _text(_zip(built.path("pack", "weekly-brief-48.epub"))["EPUB/title.xhtml"])
    assert "Compiled 1 January 2026" in title


def test_cover_details_from_the_project_file(built: Built) -> None:
    cover = _flat(_pages(built.path("foot", "storage_brief.pdf"))[0])
    for text in ("MINISTRY OF ENERGY", "PREPARED FOR Director-General of Electricity",
                 "REFERENCE PU/2026/014", "VERSION 1.2"):
        assert text in cover, text
    title_page = _zip(built.path("foot", "storage_brief.epub"))["EPUB/title.xhtml"]
    title = _text(title_page)
    assert "Ministry of Energy" in title and "Reference: PU/2026/014" in title
    # The logo: one image more than the same brief without it (WeasyPrint shares one image
    # dictionary among pages), and on the EPUB title page.
    def images(path: Path) -> int:
        return len(pypdf.PdfReader(path).pages[0].images)

    assert images(built.path("foot", "storage_brief.pdf")) == images(
        built.path("out", "storage_brief.pdf")) + 1
    [logo] = etree.fromstring(title_page).iterfind(".//x:img", NS)
    assert logo.get("src", "").startswith("data:image/png;base64,")
    assert logo.get("alt") == "Ministry of Energy"


# --------------------------------------------------------------------------- 6. notes and links


def test_pdf_note_numbers_link_back_and_addresses_are_printed(built: Built) -> None:
    path = built.path("out", "storage_brief.pdf")
    targets = [t for _, t in _links(path)]
    calls = [t for t in targets if t.startswith("fn-")]
    backs = [t for t in targets if t.startswith("fnref-")]
    assert len(calls) == 2 and sorted(backs) == sorted(f"fnref-{c[3:]}" for c in calls)
    pdf = _flat(" ".join(_pages(path)))
    assert "Philippine reserve market (https://example.org/ph-reserve)" in pdf.replace(
        "https:// ", "https://")
    # A bare address in the text is a link in every format.
    assert "https://example.org/data/storage-2025" in targets
    epub = _zip(built.path("out", "storage_brief.epub"))["EPUB/s03.xhtml"].decode()
    assert '<a href="https://example.org/data/storage-2025">' in epub


def test_epub_notes_are_a_titled_section_with_backlinks(built: Built) -> None:
    page = etree.fromstring(_zip(built.path("out", "storage_brief.epub"))["EPUB/s01.xhtml"])
    [notes] = [s for s in page.iterfind(".//x:section", NS)
               if s.get(f"{{{NS['epub']}}}type") == "endnotes"]
    assert notes.findtext("x:h2", namespaces=NS) == "Notes"
    back = notes.find("x:ol/x:li/x:p/x:a", NS)
    assert back is not None and back.get("role") == "doc-backlink"


def test_foot_notes_sit_on_the_page_of_their_call_even_at_page_ends(built: Built) -> None:
    path = built.path("foot", "notes.pdf")
    links = _links(path)
    calls = {t.removeprefix("fn-fn-"): page for page, t in links if t.startswith("fn-")}
    backs = {t.removeprefix("fnref-fn-"): page for page, t in links if t.startswith("fnref-")}
    assert len(calls) == 30 and calls == backs
    pages = _pages(path)
    assert len({calls[k] for k in calls}) >= 3  # the calls run over several pages
    for n in range(1, 31):
        [page] = [p for p, text in enumerate(pages) if f"Note {n} gives" in text]
        assert page == calls[str(n)], n
    assert "NOTES" not in _flat(pages[-1])  # no end section left


def test_links_as_notes_in_print_only(built: Built) -> None:
    path = built.path("foot", "storage_brief.pdf")
    pdf = _flat(" ".join(_pages(path)))
    assert "reserve market (https://" not in pdf
    # A call right after the link; its note, at the foot of the same page, is the address.
    links = _links(path)
    targets = [t for _, t in links]
    link = targets.index("https://example.org/ph-reserve")
    assert targets[link + 1] == "fn-link-1"
    assert links[link + 1][0] == dict((t, p) for p, t in links)["fnref-link-1"]
    assert re.search(r"\d https://example\.org/ph-reserve", pdf)
    # Inside a note, the address follows the link.
    assert "data portal (https://example.org/portal)" in pdf.replace("https:// ", "https://")
    epub = _text(_zip(built.path("foot", "storage_brief.epub"))["EPUB/s03.xhtml"])
    assert "example.org/ph-reserve" not in epub


# --------------------------------------------------------------------------- validators


@pytest.fixture(scope="session")
def epubs(built: Built) -> list[Path]:
    return [built.path("out", "storage_brief.epub"), built.path("out", "korut-rusia.epub"),
            built.path("pack", "weekly-brief-48.epub"), built.path("foot", "storage_brief.epub")]


def test_epubcheck_still_reports_nothing(epubs: list[Path]) -> None:
    epubcheck = _load_helper("epubcheck")
    reason = epubcheck.available()
    if reason:
        pytest.skip(f"EPUBCheck cannot run: {reason}")
    for path, report in epubcheck.check(epubs).items():
        assert report.ok, f"{path.name}: {report.summary}\n" + "\n".join(report.messages)


def test_ace_still_reports_no_violations(epubs: list[Path], tmp_path: Path) -> None:
    ace = shutil.which("ace-cli") or shutil.which("ace")
    if ace is None:
        if os.environ.get("LIGHTHOUSE_REQUIRE_ACE"):
            pytest.fail("LIGHTHOUSE_REQUIRE_ACE is set but DAISY Ace is not installed")
        pytest.skip("DAISY Ace (npm @daisy/ace-cli) is not installed")
    env = dict(os.environ)
    env.setdefault("PUPPETEER_EXECUTABLE_PATH", shutil.which("chromium") or "/usr/bin/chromium")
    # The foot-notes variant only: it is the storage brief with the cover's institutional
    # details and a logo on top (a superset of the plain brief's pages); the pack: test_epub.
    for path in epubs[3:]:
        out = tmp_path / path.parent.name
        run = subprocess.run([ace, "--force", "--silent", "--outdir", str(out), str(path)],
                             capture_output=True, text=True, env=env, timeout=600, check=False)
        assert run.returncode == 0, run.stdout + run.stderr
        report: dict[str, Any] = json.loads((out / "report.json").read_text(encoding="utf-8"))
        violations = [(a["earl:testSubject"]["url"], v["earl:test"]["dct:title"])
                      for a in report["assertions"] for v in a["assertions"]]
        assert violations == [], path
