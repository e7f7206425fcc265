"""A combined brief's marking reaches every page, the EPUB cover and metadata; the HTML
preview printed from a browser carries it on every page (real writers, real CLI)."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from e2e_support import run_checkout_cli
from pypdf import PdfReader

EPOCH = "1767225600"
MARKED = ("---\ntitle: Sensitive Item\nmarking: OFFICIAL-SENSITIVE\n---\n\nLead of the sensitive "
          "item.\n\n## Detail\n\n" + "A sentence of detail that fills the page. " * 120 + "\n")
PLAIN = ("---\ntitle: Open Item\n---\n\nLead of the open item.\n\n## More\n\n"
         + "Open text that fills another page. " * 120 + "\n")


PLAIN_THEME = """@page { size: A4; margin: 20mm; @top-center { content: "Plain theme"; } }
@page :first { @bottom-center { content: string(marking); } }
body { font-family: serif; }
"""


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_checkout_cli(args, cwd, epoch=EPOCH)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("marked")
    (root / "sources").mkdir()
    (root / "sources" / "a-open.md").write_text(PLAIN, encoding="utf-8")
    (root / "sources" / "b-sensitive.md").write_text(MARKED, encoding="utf-8")
    built = _cli(["build", "sources/a-open.md", "sources/b-sensitive.md", "--combine", "Pack",
                  "--pdf", "--epub", "-j", "1"], root)
    assert built.returncode == 0, built.stderr
    single = _cli(["build", "sources/b-sensitive.md", "--html", "-j", "1"], root)
    assert single.returncode == 0, single.stderr
    # A custom theme that places no marking anywhere (its own top-centre box included).
    plain = root / "styles" / "plain"
    plain.mkdir(parents=True)
    (plain / "print.css").write_text(PLAIN_THEME, encoding="utf-8")
    (plain / "epub.css").write_text("", encoding="utf-8")
    themed = _cli(["build", "sources/b-sensitive.md", "--pdf", "--style", "plain",
                   "-o", "plain-out", "-j", "1"], root)
    assert themed.returncode == 0, themed.stderr
    return root


def test_every_page_of_the_pack_pdf_carries_the_highest_marking(project: Path) -> None:
    reader = PdfReader(project / "output" / "pack.pdf")
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) >= 4
    missing = [i + 1 for i, text in enumerate(texts) if "OFFICIAL-SENSITIVE" not in text.upper()]
    assert missing == []
    assert reader.metadata is not None
    assert "[OFFICIAL-SENSITIVE]" in (reader.metadata.subject or "")


def test_a_theme_without_the_marking_still_prints_it_on_every_page(project: Path) -> None:
    # The theme shows the marking on its first page only (and the marking string is never
    # even set): the built-in band puts it on every page, over the theme's own top centre.
    texts = [page.extract_text() for page in PdfReader(project / "plain-out" / "b-sensitive.pdf")
             .pages]
    assert len(texts) >= 2
    assert [text.upper().count("OFFICIAL-SENSITIVE") >= 2 for text in texts] == \
        [True] * len(texts), texts
    assert not any("Plain theme" in text for text in texts)


def test_the_pack_epub_carries_the_marking_in_metadata_and_title_page(project: Path) -> None:
    with zipfile.ZipFile(project / "output" / "pack.epub") as book:
        opf = book.read("EPUB/content.opf").decode("utf-8")
        pages = {n: book.read(n).decode("utf-8") for n in book.namelist()
                 if n.endswith(".xhtml")}
    assert '<meta property="dcterms:accessRights">OFFICIAL-SENSITIVE</meta>' in opf
    assert "OFFICIAL-SENSITIVE" in pages["EPUB/title.xhtml"]
    # The cover image draws the marking in bands; its text alternative says so too.
    assert "Marking: OFFICIAL-SENSITIVE" in pages["EPUB/cover.xhtml"]


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_the_html_preview_prints_the_marking_on_every_page(project: Path,
                                                           tmp_path: Path) -> None:
    html = project / "output" / "b-sensitive.html"
    pdf = tmp_path / "printed.pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={pdf}",
                    "--no-pdf-header-footer", html.as_uri()],
                   capture_output=True, timeout=120, check=True)
    texts = [page.extract_text() for page in PdfReader(pdf).pages]
    assert len(texts) >= 2
    assert all(text.upper().count("OFFICIAL-SENSITIVE") >= 2 for text in texts), texts
