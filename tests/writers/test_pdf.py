"""writers.pdf on small documents built from the model: resource safety and options."""

from __future__ import annotations

import datetime as dt
import http.server
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pikepdf
import pytest
from PIL import Image as PILImage
from pypdf import PdfReader

from lighthouse_docs.model import (
    Document,
    Image,
    Metadata,
    OrderedList,
    Paragraph,
    Section,
    SourceInfo,
    Text,
)
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.theme import resolve_theme
from lighthouse_docs.writers.pdf import build_pdf, html_to_pdf, places_marking

MODIFIED = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)


def options(base_dir: Path) -> RenderOptions:
    return RenderOptions(theme=resolve_theme(None), base_dir=base_dir, modified=MODIFIED)


def doc_with_images(*srcs: str, lang: str = "en") -> Document:
    blocks = tuple(Image(src=src, alt=f"picture {n}") for n, src in enumerate(srcs))
    return Document(
        meta=Metadata(title="Images", source=SourceInfo(path="a.md", format="markdown"),
                      lang=lang),
        lead=(Paragraph(inlines=(Text(text="A lead paragraph."),)),),
        sections=(Section(id="one", level=2, heading=(Text(text="One"),),
                          blocks=(*blocks, Paragraph(inlines=(Text(text="Body."),)))),),
    )


def image_count(data: bytes) -> int:
    """Image XObjects in the file (pages may share one resource dictionary)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return sum(1 for obj in pdf.objects
                   if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image")


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        buffer = io.BytesIO()
        PILImage.new("RGB", (4, 4), "red").save(buffer, "PNG")
        self.wfile.write(buffer.getvalue())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    _Recorder.requests = []
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", _Recorder.requests
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def source_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "src"
    folder.mkdir()
    PILImage.new("RGB", (40, 20), "blue").save(folder / "ok.png")
    PILImage.new("RGB", (40, 20), "green").save(tmp_path / "outside.png")
    return folder


def test_allowed_local_image_is_embedded(source_dir: Path) -> None:
    out = build_pdf(doc_with_images("ok.png"), options(source_dir))
    assert out.warnings == ()
    assert image_count(out.data) == 1


def test_network_image_is_refused_without_a_request(source_dir: Path,
                                                    server: tuple[str, list[str]]) -> None:
    base, requests = server
    url = f"{base}/tracker.png"
    out = build_pdf(doc_with_images(url, "ok.png"), options(source_dir))
    assert requests == []
    assert any(url in w and "refused" in w for w in out.warnings)
    assert image_count(out.data) == 1  # only the allowed one
    assert b"tracker" not in out.data


def test_local_files_outside_the_source_folder_are_refused(source_dir: Path) -> None:
    srcs = ("file:///etc/passwd", "../outside.png", str(source_dir.parent / "outside.png"))
    out = build_pdf(doc_with_images(*srcs), options(source_dir))
    # The last two name the same file: one warning per reference as written.
    assert len(out.warnings) == 3, out.warnings
    assert "/etc/passwd" in out.warnings[0] and "outside.png" in out.warnings[1]
    assert str(source_dir.parent / "outside.png") in out.warnings[2]
    assert all("refused" in w for w in out.warnings)
    assert image_count(out.data) == 0
    assert b"root:" not in out.data


def test_symlink_escape_is_refused(source_dir: Path) -> None:
    (source_dir / "sneaky.png").symlink_to(source_dir.parent / "outside.png")
    out = build_pdf(doc_with_images("sneaky.png"), options(source_dir))
    assert len(out.warnings) == 1 and "sneaky.png" in out.warnings[0]
    assert image_count(out.data) == 0


def test_attachment_links_outside_are_not_embedded(source_dir: Path, tmp_path: Path,
                                                   server: tuple[str, list[str]]) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the launch codes", encoding="utf-8")
    base, requests = server
    html = (
        '<!DOCTYPE html><html lang="en"><head><title>x</title>'
        f'<link rel="attachment" href="{secret.as_uri()}"/></head><body>'
        f'<p><a rel="attachment" href="{secret.as_uri()}">codes</a> '
        f'<a rel="attachment" href="{base}/x.txt">remote</a></p></body></html>'
    )
    out = html_to_pdf(html, options(source_dir))
    assert requests == []
    assert "/EmbeddedFiles" not in str(PdfReader(io.BytesIO(out.data)).trailer["/Root"])
    assert sum(str(secret) in w or secret.as_uri() in w for w in out.warnings) >= 1
    assert any(base in w for w in out.warnings)


def test_unknown_variant_is_a_render_error(source_dir: Path) -> None:
    from dataclasses import replace

    from lighthouse_docs.errors import RenderError

    with pytest.raises(RenderError, match="pdf/x-99"):
        build_pdf(doc_with_images(), replace(options(source_dir), pdf_variant="pdf/x-99"))


@pytest.mark.parametrize(("css", "places"), [
    ("@page { @top-right { content: string(marking); } }", True),
    ("@page{@bottom-center{content:\"x \" string( marking )}}", True),
    ("@page :first { @top-center { content: string(marking); } }", False),
    ("@page cover { @top-center { content: string(marking); } }", False),
    ("/* @page { @top-center { content: string(marking); } } */", False),
    ("@page { @top-center { content: string(doctitle); } }", False),
    (".x { content: string(marking); }", False),
    ("", False),
])
def test_a_theme_places_the_marking_only_in_a_box_of_every_page(css: str, places: bool) -> None:
    assert places_marking(css) is places


def test_the_default_theme_places_the_marking_itself() -> None:
    theme = resolve_theme(None)
    assert places_marking(theme.read(theme.print_css).decode("utf-8"))


def test_an_ordered_list_starting_at_four_is_numbered_from_four(tmp_path: Path) -> None:
    # WeasyPrint ignores <ol start>: "4. Update the grid codes" came out as "1.".
    items = tuple((Paragraph(inlines=(Text(text=t),)),) for t in ("Update codes", "Pay for it"))
    doc = Document(
        meta=Metadata(title="Steps", source=SourceInfo(path="a.md", format="markdown")),
        lead=(Paragraph(inlines=(Text(text="A lead paragraph."),)),),
        sections=(Section(id="one", level=2, heading=(Text(text="One"),),
                          blocks=(OrderedList(items=items, start=4),)),))
    text = "".join(page.extract_text() for page in
                   PdfReader(io.BytesIO(build_pdf(doc, options(tmp_path)).data)).pages)
    assert "4." in text and "5." in text
    assert "1." not in text.replace("2026", "")
