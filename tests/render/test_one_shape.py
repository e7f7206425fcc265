"""A brief and a combined brief go through one render path per format (issue 14.3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2
import pytest

from lighthouse_docs.brief import attach, make_pack
from lighthouse_docs.model import Document, Pack
from lighthouse_docs.readers import load
from lighthouse_docs.render import RenderOptions, environment, front_of
from lighthouse_docs.render.epub import render_epub
from lighthouse_docs.render.print import render_print_html
from lighthouse_docs.theme import resolve_theme

ROOT = Path(__file__).resolve().parents[2]
MARKDOWN = ROOT / "tests" / "fixtures" / "markdown"
OPTIONS = RenderOptions(theme=resolve_theme(None), base_dir=MARKDOWN,
                        modified=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))


@pytest.fixture(scope="module")
def doc() -> Document:
    return attach(load(MARKDOWN / "images_table_footnotes.md"))


@pytest.fixture(scope="module")
def other() -> Document:
    return attach(load(MARKDOWN / "opini_front_matter.md"))


def _templates(monkeypatch: pytest.MonkeyPatch, render: Any) -> set[str]:
    env = environment()
    asked: set[str] = set()
    real = env.get_template

    def spy(name: str | jinja2.Template, *args: Any, **kw: Any) -> jinja2.Template:
        asked.add(str(name))
        return real(name, *args, **kw)

    with monkeypatch.context() as patch:
        patch.setattr(env, "get_template", spy)
        render()
    return asked


def test_a_brief_and_a_combined_brief_print_through_one_template(
        doc: Document, other: Document, monkeypatch: pytest.MonkeyPatch) -> None:
    pack = make_pack("Weekly", [doc, other])
    single = _templates(monkeypatch, lambda: render_print_html(doc, OPTIONS))
    combined = _templates(monkeypatch, lambda: render_print_html(pack, OPTIONS))

    def pages(asked: set[str]) -> set[str]:  # partials (``_x``) and CSS left out
        return {name for name in asked if name.endswith(".html.j2")
                and not name.split("/")[-1].startswith("_")}

    assert pages(single) == pages(combined) == {"print/brief.html.j2"}


def test_the_front_is_the_one_difference_between_a_brief_and_a_pack(
        doc: Document, other: Document) -> None:
    brief = front_of(doc)
    assert (brief.title, brief.parts, brief.documents) == (doc.meta.title, False, (doc,))
    assert brief.subtitle == doc.meta.subtitle and brief.authors == doc.meta.authors
    pack = front_of(make_pack("Weekly", [doc, other]))
    assert (pack.title, pack.parts, pack.documents) == ("Weekly", True, (doc, other))
    assert pack.description == f"{doc.meta.title}; {other.meta.title}"
    assert pack.reading_minutes == brief.reading_minutes + front_of(other).reading_minutes


def _without_prefix(xhtml: bytes, prefix: str) -> bytes:
    return xhtml.replace(prefix.encode(), b"")


def test_an_article_reads_the_same_as_a_brief_and_as_a_part(
        doc: Document, other: Document) -> None:
    # The brief's pages after its title page and contents are the part's pages, ids unprefixed.
    single = render_epub(doc, OPTIONS, [{}])
    combined = render_epub(Pack(title="Weekly", documents=(doc, other), lang="en"), OPTIONS,
                           [{}, {}])
    assert [p.file_name for p in single.pages[:3]] == ["cover.xhtml", "title.xhtml",
                                                        "nav.xhtml"]
    body = single.pages[3:]
    part = [p for p in combined.pages if p.file_name.startswith("a1-")]
    assert part[0].file_name == "a1-title.xhtml"  # a part has its own title page
    assert [p.file_name for p in body] == [p.file_name.removeprefix("a1-") for p in part[1:]]
    assert [p.xhtml for p in body] == [_without_prefix(p.xhtml, "a1-") for p in part[1:]]
    # ... and its title page is the brief's, with the part's ids.
    assert _without_prefix(part[0].xhtml, "a1-") == single.pages[1].xhtml


def test_print_html_of_a_part_is_the_brief_body_with_prefixed_ids(doc: Document) -> None:
    html = render_print_html(doc, OPTIONS)
    packed = render_print_html(make_pack("W", [doc]), OPTIONS)
    body = html.split('<main class="article" id="main">', 1)[1].split("</main>", 1)[0]
    part = packed.split("</header>", 1)[1].split("</article>", 1)[0]
    # Same blocks, same notes; headings one level down and ids prefixed in the part.
    assert body.count("<p>") == part.count("<p>") > 0
    assert body.count('class="note"') == part.count('class="note"') > 0
    assert 'id="a1-' in part and 'id="a1-' not in body
