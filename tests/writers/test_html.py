"""The self-contained HTML preview: one file, no external requests, article text escaped."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

from PIL import Image as PILImage

from lighthouse_docs.model import Document, Image, Metadata, Paragraph, Section, SourceInfo, Text
from lighthouse_docs.readers import load
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.theme import resolve_theme
from lighthouse_docs.writers.html import build_html

ROOT = Path(__file__).resolve().parents[2]
MODIFIED = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)


def options(base_dir: Path) -> RenderOptions:
    return RenderOptions(theme=resolve_theme(None), base_dir=base_dir, modified=MODIFIED)


class _Refs(HTMLParser):
    """Every URL the page would load by itself (not links a reader may click)."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("img", "script", "iframe", "source") and values.get("src"):
            self.loads.append(values["src"] or "")
        if tag == "link" and values.get("href"):
            self.loads.append(values["href"] or "")


def loads_of(html: str) -> list[str]:
    """Every URL the page loads, but the embedded fonts (``data:`` URIs, see below)."""
    parser = _Refs()
    parser.feed(html)
    css_urls = re.findall(r"url\(\s*['\"]?([^)'\"]+)", html)
    return [u for u in parser.loads + css_urls if not u.startswith("data:font/woff2;")]


def test_example_preview_is_self_contained() -> None:
    source = ROOT / "sources" / "korut-rusia.txt"
    out = build_html(load(source), options(source.parent))
    html = out.data.decode("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="id"' in html
    assert "<style>" in html and "--measure" in html  # the theme's screen.css
    # The theme's fonts travel inside the file.
    assert html.count('src: url("data:font/woff2;base64,') == 7
    assert "Daftar Isi" in html and "Poin Penting" in html
    assert "Analisis Strategis: Korut dan Dukungan untuk Rusia" in html
    assert loads_of(html) == []
    assert out.warnings == ()


def test_allowed_images_are_inlined_and_others_dropped(tmp_path: Path) -> None:
    PILImage.new("RGB", (8, 8), "blue").save(tmp_path / "ok.png")
    doc = Document(
        meta=Metadata(title="Pics", source=SourceInfo(path="a.md", format="markdown")),
        sections=(Section(id="s", level=2, heading=(Text(text="S"),), blocks=(
            Image(src="ok.png", alt="fine"),
            Image(src="http://example.org/t.png", alt="remote chart"),
            Image(src="file:///etc/passwd", alt="secret"),
        )),),
    )
    out = build_html(doc, options(tmp_path))
    html = out.data.decode("utf-8")
    assert all(u.startswith("data:image/png;base64,") for u in loads_of(html))
    assert len(loads_of(html)) == 1
    assert "remote chart" in html and "example.org" not in html
    assert len(out.warnings) == 2
    assert "/etc/passwd" in out.warnings[1]


def test_article_text_is_escaped(tmp_path: Path) -> None:
    evil = '<script>alert(1)</script></style>'
    doc = Document(
        meta=Metadata(title=evil, source=SourceInfo(path="a.md", format="markdown")),
        lead=(Paragraph(inlines=(Text(text=evil),)),),
    )
    html = build_html(doc, options(tmp_path)).data.decode("utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_marking_shown_in_preview(tmp_path: Path) -> None:
    doc = Document(meta=Metadata(title="T", source=SourceInfo(path="a.md", format="markdown"),
                                 marking="RAHASIA"))
    doc = dataclasses.replace(doc)
    assert "RAHASIA" in build_html(doc, options(tmp_path)).data.decode("utf-8")
