"""Print policies for notes and links (``notes``, ``links`` in the project file), on the print
HTML: the PDF's, and the HTML preview's, which keeps plain links and endnotes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from lighthouse_docs.config import Presentation
from lighthouse_docs.model import (
    Document,
    Footnote,
    FootnoteRef,
    Link,
    Metadata,
    Paragraph,
    Section,
    SourceInfo,
    Text,
)
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.render.print import render_print_html
from lighthouse_docs.theme import resolve_theme

NOTE = Footnote(id="1", blocks=(Paragraph(inlines=(Text(text="The note."),)),))


def _doc() -> Document:
    para = Paragraph(inlines=(
        Text(text="See "), Link(children=(Text(text="the data"),), href="https://x.org/d"),
        Text(text=" and "), Link(children=(Text(text="x.org/raw"),), href="https://x.org/raw"),
        Text(text=" here."), FootnoteRef(id="1")))
    section = Section(id="s", level=2, heading=(Text(text="S"),), blocks=(para,))
    meta = Metadata(title="T", source=SourceInfo(path="a.md", format="markdown"), lang="en")
    return Document(meta=meta, sections=(section,), footnotes=(NOTE,))


def _html(tmp_path: Path, mode: str = "print", **policy: str) -> str:
    options = RenderOptions(theme=resolve_theme(None), base_dir=tmp_path,
                            modified=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
                            presentation=Presentation(**policy))  # type: ignore[arg-type]
    return render_print_html(_doc(), options, mode=mode)  # type: ignore[arg-type]


def test_inline_addresses_follow_outside_links_whose_text_does_not_say_them(
        tmp_path: Path) -> None:
    html = _html(tmp_path, links="inline")
    # The address may break after its punctuation, never inside a piece (render.break_pieces).
    assert ('the data</a><span class="link-address"> (<span class="nobr">https://</span>'
            '&#8203;<span class="nobr">x.org/d</span>)</span>') in html
    assert html.count('class="link-address"') == 1  # "x.org/raw" already says its address


@pytest.mark.parametrize("policy", [{"links": "hidden"}, {"links": "inline"}])
def test_hidden_addresses_and_the_html_preview_print_none(tmp_path: Path,
                                                          policy: dict[str, str]) -> None:
    mode = "print" if policy["links"] == "hidden" else "screen"
    html = _html(tmp_path, mode=mode, **policy)
    assert '<span class="link-address"' not in html
    assert '<a href="https://x.org/d">the data</a>' in html


def test_links_as_notes_take_numbers_in_call_order(tmp_path: Path) -> None:
    html = _html(tmp_path, links="notes")
    assert 'href="#fn-link-1">1</a>' in html and 'href="#fn-1">2</a>' in html
    assert html.index('id="fn-link-1"') < html.index('id="fn-1"')


def test_foot_notes_sit_at_their_call_and_leave_no_end_section(tmp_path: Path) -> None:
    html = _html(tmp_path, notes="foot", links="hidden")
    call = html.index('id="fnref-1"')
    note = html.index('<span class="footnote" id="fn-1">')
    assert call < note < html.index("</p>", call)
    assert '<a class="note-number" href="#fnref-1">1</a> The note.</span>' in html
    assert 'class="notes"' not in html
    end = _html(tmp_path, notes="end")
    assert 'class="footnote"' not in end and 'class="notes"' in end
    screen = _html(tmp_path, mode="screen", notes="foot")
    assert 'class="footnote"' not in screen and 'class="notes"' in screen


def test_presentation_is_the_default_for_other_outputs() -> None:
    options = RenderOptions(theme=resolve_theme(None), base_dir=Path("."),
                            modified=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    assert dataclasses.replace(options).presentation == Presentation()
