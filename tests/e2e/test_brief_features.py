"""Issue #8 end to end, through the real CLI: key points, marking, localisation, combined briefs.

Three sources in three folders (Indonesian .txt, English .md, Indonesian .md with front-matter
key points); the two Markdown articles both show ``img/chart.png`` but mean two different files
of their own folders, and one tries to read the other's image with ``../``. Built once per
session: two single briefs, one combined brief (PDF, EPUB, HTML) and one HTML without key
points. PDFs are read with pypdf, EPUBs by unzipping and lxml, and all EPUBs go through
EPUBCheck in one JVM.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pytest
from e2e_support import load_epubcheck, run_checkout_cli
from lxml import etree
from PIL import Image

from lighthouse_docs.project import example_article

pytestmark = pytest.mark.slow

EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
MARKING = "TERBATAS"
PACK_TITLE = "Weekly Brief 48"
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}

ENGLISH = """\
---
title: Grain Corridor Outlook
publisher: Harbour Monitor
date: 2026-01-05
url: https://example.org/grain
lang: en
summary: Dr. Smith of the U.S. grain council said exports rose 2.5 percent in December.
  Analysts expect volumes to recover by March.
---

Shipping through the corridor resumed last week after a pause of nine days.

## Current Situation

Dr. Smith of the U.S. grain council said exports rose 2.5 percent in December. Insurers
remain cautious. See [the outlook](#outlook) for what comes next.

![Monthly exports](img/chart.png)

### Ports

Three ports handle most of the cargo. Two of them were hit last month.

## Outlook {#outlook}

Analysts expect volumes to recover by March. Risks remain high.

### Prices

Prices for wheat fell for the third month in a row.
"""

INDONESIAN = """\
---
title: Menata Ulang Angkutan Kota
publisher: Kabar Kota
date: 2025-12-20
lang: id
key_points:
  - Rute angkutan kota berhenti di batas wilayah.
  - Tarif terpadu memangkas biaya perjalanan warga.
---

Kota-kota menengah di Indonesia tumbuh lebih cepat daripada jaringan angkutan umumnya.

## Persoalan Pokok

Ada tiga persoalan yang muncul di hampir semua kota yang kami kunjungi, yaitu rute, tarif,
dll. Semuanya saling terkait.

![Peta rute](img/chart.png)

![Bukan milik artikel ini](../en/img/chart.png)

### Rute yang Tidak Terhubung

Banyak rute berhenti di batas wilayah administrasi. Warga harus berganti kendaraan.

## Jalan Keluar

Pemerintah kota dapat menyatukan tarif dan rute. Hasilnya terlihat dalam setahun.
"""


def _png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), colour).save(out, format="PNG")
    return out.getvalue()


BLUE, RED = _png((20, 60, 200)), _png((200, 30, 30))



def lighthouse(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = run_checkout_cli(args, cwd, epoch=EPOCH)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@dataclass(frozen=True)
class Built:
    root: Path
    single: Path
    pack: Path
    plain: Path
    pack_log: str

    def one(self, folder: Path, suffix: str, contains: str = "") -> Path:
        found = [p for p in folder.rglob(f"*.{suffix}") if contains in p.name]
        assert len(found) == 1, (folder, suffix, contains, list(folder.iterdir()))
        return found[0]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("brief")
    src = root / "sources"
    for folder in ("id", "en/img", "kota/img"):
        (src / folder).mkdir(parents=True)
    (src / "id" / "korut-rusia.txt").write_bytes(example_article().read_bytes())
    (src / "en" / "grain.md").write_text(ENGLISH, encoding="utf-8")
    (src / "en" / "img" / "chart.png").write_bytes(BLUE)
    (src / "kota" / "angkutan.md").write_text(INDONESIAN, encoding="utf-8")
    (src / "kota" / "img" / "chart.png").write_bytes(RED)
    (root / "lighthouse.toml").write_text("jobs = 2\n")
    sources = ["sources/id/korut-rusia.txt", "sources/en/grain.md", "sources/kota/angkutan.md"]
    lighthouse(["build", sources[0], sources[1], "--pdf", "--epub", "--marking", MARKING,
                "-o", "single"], root)
    pack = lighthouse(["build", *sources, "--combine", PACK_TITLE, "--pdf", "--epub", "--html",
                       "--marking", MARKING, "-o", "pack", "-v"], root)
    lighthouse(["build", sources[1], "--html", "--no-key-points", "-o", "plain"], root)
    return Built(root=root, single=root / "single", pack=root / "pack", plain=root / "plain",
                 pack_log=pack.stdout + pack.stderr)


def _pages(path: Path) -> list[str]:
    """The text of each page, case-folded: the theme sets labels and heads in capitals."""
    return [" ".join((page.extract_text() or "").split()).casefold()
            for page in pypdf.PdfReader(path).pages]


def _has(text: str, *words: str) -> bool:
    return all(word.casefold() in text for word in words)


def _zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _xml(data: bytes) -> Any:
    return etree.fromstring(data)


def _text(root: Any) -> str:
    return " ".join("".join(root.itertext()).split())


def _opf(files: dict[str, bytes]) -> Any:
    return _xml(next(v for k, v in files.items() if k.endswith(".opf")))


# --------------------------------------------------------------------------- single briefs


@pytest.mark.parametrize(("contains", "words"), [
    ("korut", ("Daftar Isi", "Poin Penting", "Halaman 2 dari", "menit baca", "Sumber")),
    # The grain brief fits on cover + one page: it has no contents to label (issue 13).
    ("grain", ("Key points", "Page 2 of", "min read", "Source")),
])
def test_pdf_labels_follow_the_document_language(built: Built, contains: str,
                                                 words: tuple[str, ...]) -> None:
    text = " ".join(_pages(built.one(built.single, "pdf", contains)))
    for word in words:
        assert _has(text, word), word
    other = ("Contents", "Key points") if contains == "korut" else ("Daftar Isi", "Poin Penting")
    assert not any(_has(text, w) for w in other)


def test_pdf_key_points_come_after_the_cover(built: Built) -> None:
    pages = _pages(built.one(built.single, "pdf", "grain"))
    assert not _has(pages[0], "Key points")
    box = next(p for p in pages if _has(p, "Key points")).split("key points", 1)[1]
    # The box ends at the contents, or, on a brief of cover + one page, at the lead.
    box = box.split("contents", 1)[0].split("shipping through the corridor", 1)[0]
    assert _has(box, "Dr. Smith of the U.S. grain council said exports rose 2.5 percent in "
                "December.", "Analysts expect volumes to recover by March.")
    assert not _has(box, "Insurers remain cautious")


@pytest.mark.parametrize("contains", ["korut", "grain"])
def test_marking_on_every_pdf_page_top_and_bottom_and_in_metadata(built: Built,
                                                                  contains: str) -> None:
    path = built.one(built.single, "pdf", contains)
    pages = _pages(path)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert text.count(MARKING.casefold()) >= 2, f"page {number}: {text[:200]}"
    info = pypdf.PdfReader(path).metadata
    assert info is not None
    assert MARKING in str(info.get("/Subject")) and info.get("/marking") == MARKING


def test_page_numbers_count_every_page(built: Built) -> None:
    pages = _pages(built.one(built.single, "pdf", "grain"))
    assert _has(pages[1], f"Page 2 of {len(pages)}")


def test_source_attribution_on_the_cover_and_in_the_metadata(built: Built) -> None:
    cover = _pages(built.one(built.single, "pdf", "grain"))[0]
    for fact in ("Harbour Monitor", "https://example.org/grain", "5 January 2026",
                 "Published", "min read", MARKING):
        assert _has(cover, fact), fact
    files = _zip(built.one(built.single, "epub", "grain"))
    opf = _opf(files)
    assert opf.findtext(".//dc:publisher", namespaces=NS) == "Harbour Monitor"
    assert opf.findtext(".//dc:source", namespaces=NS) == "https://example.org/grain"
    assert opf.findtext(".//dc:date", namespaces=NS) == "2026-01-05"


@pytest.mark.parametrize(("contains", "words"), [
    ("korut", ("Klasifikasi", "menit baca", "thelighthousepeople.com")),
    ("grain", ("Marking", "min read", "Published", "Harbour Monitor", "example.org/grain")),
])
def test_epub_title_page_marking_reading_time_and_metadata(built: Built, contains: str,
                                                           words: tuple[str, ...]) -> None:
    files = _zip(built.one(built.single, "epub", contains))
    title = _text(_xml(files["EPUB/title.xhtml"]))
    assert MARKING in title
    for word in words:
        assert word in title, word
    rights = _opf(files).xpath("//opf:meta[@property='dcterms:accessRights']/text()",
                               namespaces=NS)
    assert rights == [MARKING]


def test_epub_key_points_and_localised_nav(built: Built) -> None:
    files = _zip(built.one(built.single, "epub", "korut"))
    lead = _text(_xml(files["EPUB/lead.xhtml"]))
    assert lead.startswith("Poin Penting")
    nav = _xml(files["EPUB/nav.xhtml"])
    assert nav.findtext(".//x:h1", namespaces=NS) == "Daftar Isi"
    summary = _opf(files).xpath("//opf:meta[@property='schema:accessibilitySummary']/text()",
                                namespaces=NS)
    assert summary and summary[0].startswith("Publikasi ini")


def test_no_key_points_turns_the_box_off(built: Built) -> None:
    html = built.one(built.plain, "html").read_text(encoding="utf-8")
    assert "Key points" not in html and 'class="key-points"' not in html
    assert "Contents" in html


# --------------------------------------------------------------------------- combined brief


def _outline(reader: pypdf.PdfReader, items: list[Any], depth: int = 1
             ) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for item in items:
        if isinstance(item, list):
            found += _outline(reader, item, depth + 1)
        else:
            found.append((depth, str(item.title)))
    return found


def test_pack_pdf_outline_has_three_levels_in_the_given_order(built: Built) -> None:
    reader = pypdf.PdfReader(built.one(built.pack, "pdf"))
    outline = _outline(reader, reader.outline)
    articles = [title for depth, title in outline if depth == 1]
    assert articles == ["Analisis Strategis: Korut dan Dukungan untuk Rusia",
                        "Grain Corridor Outlook", "Menata Ulang Angkutan Kota"]
    assert (2, "Current Situation") in outline and (3, "Ports") in outline
    assert (2, "Persoalan Pokok") in outline and (3, "Rute yang Tidak Terhubung") in outline
    assert (3, "Perlawanan Bersama Terhadap Barat") in outline
    assert max(depth for depth, _ in outline) == 3


def test_pack_pdf_is_in_the_pack_language_with_marking_and_running_heads(built: Built) -> None:
    pages = _pages(built.one(built.pack, "pdf"))
    whole = " ".join(pages)
    # Two Indonesian articles and one English: the pack speaks Indonesian.
    assert _has(whole, "Daftar Isi", "Bagian 3", "menit baca")
    assert _has(pages[1], f"Halaman 2 dari {len(pages)}") and _has(pages[0], PACK_TITLE)
    assert all(text.count(MARKING.casefold()) >= 2 for text in pages)
    # The running head names the article a page belongs to.
    wheat = next(p for p in pages if _has(p, "Prices for wheat fell"))
    assert _has(wheat, "Grain Corridor Outlook")
    last = next(p for p in pages if _has(p, "menyatukan tarif dan rute"))
    assert _has(last, "Menata Ulang Angkutan Kota") and not _has(last, "Grain Corridor")
    # Key points: the English article's summary, the Indonesian one's own key points.
    assert _has(whole, "Key points", "Tarif terpadu memangkas biaya perjalanan warga.")


def test_pack_images_resolve_in_each_articles_own_folder(built: Built) -> None:
    files = _zip(built.one(built.pack, "epub"))
    images = {k: v for k, v in files.items() if "/images/img" in k}
    assert sorted(images.values()) == sorted([BLUE, RED])
    html = built.one(built.pack, "html").read_text(encoding="utf-8")
    assert len(set(re.findall(r'src="(data:image/png;base64,[^"]+)"', html))) == 2
    assert "Bukan milik artikel ini" in html  # the escaping image shows its alt text only
    reader = pypdf.PdfReader(built.one(built.pack, "pdf"))
    # WeasyPrint shares one resource dictionary between pages: count distinct images.
    pictures = {img.data for page in reader.pages for img in page.images}
    assert len(pictures) == 2
    assert "../en/img/chart.png" in built.pack_log


def test_pack_in_article_anchor_links_are_prefixed(built: Built) -> None:
    html = built.one(built.pack, "html").read_text(encoding="utf-8")
    assert 'href="#a2-outlook"' in html and 'id="a2-outlook"' in html
    assert 'href="#outlook"' not in html
    files = _zip(built.one(built.pack, "epub"))
    page = files["EPUB/a2-s01.xhtml"].decode("utf-8")
    assert 'href="a2-s02.xhtml#a2-outlook"' in page


def test_pack_epub_nav_has_one_part_per_article_three_levels(built: Built) -> None:
    files = _zip(built.one(built.pack, "epub"))
    nav = _xml(files["EPUB/nav.xhtml"])
    parts = nav.xpath("//x:nav[@epub:type='toc']/x:ol/x:li", namespaces=NS)
    assert [p.findtext("x:a", namespaces=NS) for p in parts] == [
        "Analisis Strategis: Korut dan Dukungan untuk Rusia", "Grain Corridor Outlook",
        "Menata Ulang Angkutan Kota"]
    grain = parts[1]
    assert grain.xpath("x:ol/x:li/x:a/text()", namespaces=NS) == ["Current Situation",
                                                                  "Outlook"]
    assert grain.xpath("x:ol/x:li/x:ol/x:li/x:a/text()", namespaces=NS) == ["Ports", "Prices"]
    title = _text(_xml(files["EPUB/title.xhtml"]))
    assert PACK_TITLE in title and MARKING in title and "menit baca" in title
    assert nav.findtext(".//x:h1", namespaces=NS) == "Daftar Isi"


def test_every_epub_passes_epubcheck(built: Built) -> None:
    epubcheck = load_epubcheck()
    reason = epubcheck.available()
    if reason is not None:
        pytest.skip(reason)
    books = [*sorted(built.single.rglob("*.epub")), built.one(built.pack, "epub")]
    assert len(books) == 3
    reports = epubcheck.check(books)
    for path, report in reports.items():
        assert report.ok, (path.name, report.summary, report.messages)
