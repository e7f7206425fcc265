"""The standfirst is the lead paragraph only, in print and in the EPUB."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from lighthouse_docs.brief import attach
from lighthouse_docs.model import Document, SourceInfo
from lighthouse_docs.readers import text
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.render.epub import render_epub
from lighthouse_docs.render.print import render_print_html
from lighthouse_docs.theme import resolve_theme

NEWS = """portnews.example, Dockworkers Strike at Three Ports. MANILA — Dockworkers walked off \
the job at three of the country's largest ports on Monday, stranding hundreds of containers.
The union said the strike would continue until the port authority reopens talks on wages.
Shipping lines warned that delays could spread to exporters of electronics and fruit.
The labour ministry has called both sides to a meeting on Wednesday.
"""
OPTIONS = RenderOptions(theme=resolve_theme(None), base_dir=Path("."),
                        modified=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))


def _news() -> Document:
    return attach(text.parse(NEWS, SourceInfo(path="news.txt", format="text")))


def test_a_news_piece_without_headings_prints_only_its_lead_as_standfirst() -> None:
    html = render_print_html(_news(), OPTIONS)
    standfirst = re.search(r'<div class="standfirst"[^>]*>(.*?)</div>', html, re.S)
    assert standfirst is not None
    assert standfirst.group(1).count("<p") == 1 and "MANILA" in standfirst.group(1)
    after = html[standfirst.end():]
    for words in ("The union said", "Shipping lines warned", "The labour ministry"):
        assert words in after


def test_the_epub_lead_box_holds_the_lead_paragraph_only() -> None:
    parts = render_epub(_news(), OPTIONS, [{}])
    page = next(p.xhtml.decode() for p in parts.pages if b'class="lead"' in p.xhtml)
    box = re.search(r'<div class="lead"[^>]*>(.*?)</div>', page, re.S)
    assert box is not None and box.group(1).count("<p") == 1
    assert "The labour ministry" in page[box.end():]
