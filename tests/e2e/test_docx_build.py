"""Word documents through the real CLI: bookmarks equal the headings, EPUBCheck 0/0.

Two documents: one made with python-docx (title, two heading levels, list, table, footnote,
image) and one made by LibreOffice Writer from ``tests/fixtures/docx/libreoffice_brief.fodt``
(``soffice --headless --convert-to docx``).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from e2e_support import load_epubcheck
from pypdf import PdfReader

from lighthouse_docs.model import Document
from lighthouse_docs.readers import load

ROOT = Path(__file__).resolve().parents[2]
FODT = ROOT / "tests" / "fixtures" / "docx" / "libreoffice_brief.fodt"
CLI = Path(sys.executable).with_name("lighthouse-docs")
EPOCH = "1767225600"

pytestmark = pytest.mark.slow


def _module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


epubcheck = load_epubcheck()
factory = _module("lighthouse_docx_factory",
                  ROOT / "tests" / "readers" / "docx_factory.py")


def libreoffice_docx(folder: Path) -> Path:
    """The fixture .fodt converted to .docx by LibreOffice Writer (own profile, headless)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it")
    profile = (folder / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(folder),
                    str(FODT)], capture_output=True, timeout=180, check=True)
    return folder / "libreoffice_brief.docx"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("docx-project")
    sources = root / "sources"
    sources.mkdir()
    factory.make_report_docx(sources / "report.docx")
    converted = libreoffice_docx(tmp_path_factory.mktemp("lo"))
    shutil.copy(converted, sources / "libreoffice_brief.docx")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    result = subprocess.run([str(CLI), "build", "--pdf", "--epub", "--jobs", "1"], cwd=root,
                            env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    # Any tag a user types is normalised before it reaches the package.
    result = subprocess.run([str(CLI), "build", "sources/report.docx", "--epub", "-o",
                             "out-lang", "--lang", "en_gb"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return root


def _pdf_for(project: Path, doc: Document) -> Path:
    matches = [p for p in (project / "output").glob("*.pdf")
               if PdfReader(p).metadata.title == doc.meta.title]
    assert len(matches) == 1
    return matches[0]


def _outline(pdf: PdfReader, items: list[Any] | None = None) -> list[Any]:
    items = pdf.outline if items is None else items
    tree: list[Any] = []
    for item in items:
        if isinstance(item, list):
            tree[-1][1] = _outline(pdf, item)
        else:
            tree.append([item.title, []])
    return tree


def _headings(sections: Any) -> list[Any]:
    from lighthouse_docs.outline import plain_text

    return [[plain_text(s.heading), _headings(s.children)] for s in sections]


@pytest.mark.parametrize("name", ["report", "libreoffice_brief"])
def test_pdf_bookmarks_equal_the_document_headings(project: Path, name: str) -> None:
    doc = load(project / "sources" / f"{name}.docx")
    assert len(list(doc.sections)) == 2
    pdf = PdfReader(_pdf_for(project, doc))
    assert _outline(pdf) == _headings(doc.sections)
    text = " ".join(page.extract_text() or "" for page in pdf.pages)
    assert doc.meta.title.split()[0] in text


def _epub_for(project: Path, doc: Document, folder: str = "output") -> Path:
    for path in (project / folder).glob("*.epub"):
        with zipfile.ZipFile(path) as book:
            opf = book.read("EPUB/content.opf").decode("utf-8")
        if f">{doc.meta.title}<" in opf:
            return path
    raise AssertionError(f"no EPUB titled {doc.meta.title!r}")


@pytest.mark.parametrize("name", ["report", "libreoffice_brief"])
def test_epub_embeds_the_image_with_its_alt_text(project: Path, name: str) -> None:
    doc = load(project / "sources" / f"{name}.docx")
    with zipfile.ZipFile(_epub_for(project, doc)) as book:
        images = [n for n in book.namelist()
                  if n.startswith("EPUB/images/") and not n.endswith("/cover.png")]
        pages = "".join(book.read(n).decode("utf-8") for n in book.namelist()
                        if n.endswith(".xhtml"))
    assert len(images) == 1
    alt = "Map of the joint patrol zone" if name == "report" else "Peta jaringan listrik ASEAN"
    assert f'alt="{alt}"' in pages
    assert "data:image" not in pages


def test_epubcheck_clean(project: Path) -> None:
    reason = epubcheck.available()
    if reason:
        pytest.skip(f"EPUBCheck cannot run: {reason}")
    books = [*sorted((project / "output").glob("*.epub")),
             *sorted((project / "out-lang").glob("*.epub"))]
    assert len(books) == 3
    reports = epubcheck.check(books)
    for path, report in reports.items():
        assert report.ok, f"{path.name}: {report.summary}\n" + "\n".join(report.messages)
    with zipfile.ZipFile(books[2]) as book:
        opf = ET.fromstring(book.read("EPUB/content.opf"))
    languages = [el.text for el in opf.iter("{http://purl.org/dc/elements/1.1/}language")]
    assert languages == ["en-GB"]
