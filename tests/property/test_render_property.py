"""Property tests for the whole path from source text to print HTML and EPUB XHTML.

Hypothesis writes article-shaped sources (a title, headings, paragraphs, lists, odd
whitespace) from any Unicode — astral characters, right-to-left scripts, combining marks,
zero-width characters, controls, markup and template syntax — in all three source formats.
Every reader must either give a document or refuse with an :class:`InputError`; every document
must render to print HTML and to EPUB pages that are well-formed XML with a non-empty table of
contents, without any template evaluating article text.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from lighthouse_docs.errors import InputError
from lighthouse_docs.model import Document, SourceInfo
from lighthouse_docs.readers import parse
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.render.epub import render_epub
from lighthouse_docs.render.print import render_print_html
from lighthouse_docs.theme import resolve_theme

SPECIALS = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u200f", "\u0301",
            "\u0654", "\U0001f600", "\U00010348", "\U0001d11e", "\u05d0\u05dc\u05e3",
            "\u0627\u0644\u0639", "\u00a0", "\u3000", "\x00", "\x0b", "\x1b", "\ufffe",
            "{{ 7*191 }}", "{% raw %}", "]]>", "&amp;", "<b>", "</p>", "<script>", "\\", "`"]
# Surrogates cannot be encoded to UTF-8, so no file could contain them: leave them out.
any_char = st.characters(blacklist_categories=("Cs",))
token = st.one_of(st.text(any_char, min_size=1, max_size=8), st.sampled_from(SPECIALS),
                  st.from_regex(r"[A-Za-z]{1,8}", fullmatch=True))
spaces = st.sampled_from([" ", "  ", "\t", " \u00a0", "\u2003"])


@st.composite
def line(draw: st.DrawFn) -> str:
    parts = draw(st.lists(token, min_size=1, max_size=6))
    return draw(spaces).join(parts)


@st.composite
def article(draw: st.DrawFn, fmt: str) -> str:
    """A source in ``fmt`` ("text", "markdown" or "html") shaped like a short article."""
    title = draw(line())
    blocks: list[tuple[str, list[str]]] = draw(st.lists(
        st.tuples(st.sampled_from(["h2", "h3", "p", "ul", "ol"]),
                  st.lists(line(), min_size=1, max_size=3)), max_size=6))
    trailing = draw(st.sampled_from(["", "\n", "  \n\n", "\r\n"]))
    if fmt == "html":
        from html import escape

        body = "".join(
            f"<{k}>{''.join(f'<li>{escape(t)}</li>' for t in ts)}</{k}>" if k in ("ul", "ol")
            else f"<{k}>{escape(' '.join(ts))}</{k}>" for k, ts in blocks)
        return (f"<html><head><title>{escape(title)}</title></head><body><article>"
                f"<h1>{escape(title)}</h1>{body}</article></body></html>{trailing}")
    out = [f"# {title}" if fmt == "markdown" else title, ""]
    for kind, texts in blocks:
        if kind in ("h2", "h3"):
            marker = "#" * int(kind[1]) + " " if fmt == "markdown" else ""
            out += [marker + texts[0].upper() if fmt == "text" else marker + texts[0], ""]
        elif kind == "p":
            out += [*texts, ""]
        else:
            out += [f"{'-' if kind == 'ul' else f'{n}.'} {t}" for n, t in enumerate(texts, 1)]
            out += [""]
    return "\n".join(out) + trailing


@lru_cache(maxsize=1)
def _options() -> RenderOptions:
    return RenderOptions(theme=resolve_theme(None), base_dir=Path.cwd(),
                         modified=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


def _read(fmt: str, text: str) -> Document | None:
    # What readers.load does after decoding: the property covers parse on decoded text.
    suffix = {"text": "txt", "markdown": "md", "html": "html"}[fmt]
    cleaned = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        return parse(cleaned, SourceInfo(path=f"prop.{suffix}", format=fmt))  # type: ignore[arg-type]
    except InputError:
        return None


def _check_rendering(doc: Document) -> None:
    html = render_print_html(doc, _options())
    root = etree.fromstring(html.encode("utf-8"), etree.HTMLParser())
    assert root is not None and not root.xpath("//script")
    assert "1337" not in html
    parts = render_epub(doc, _options(), [{}])
    assert parts.toc, "an EPUB needs a non-empty table of contents"
    for page in parts.pages:
        tree = etree.fromstring(page.xhtml)  # raises unless well-formed XML
        assert not tree.xpath("//*[local-name()='script']"), page.file_name
        assert b"1337" not in page.xhtml


SETTINGS = settings(max_examples=75, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(article("text"))
def test_text_sources_read_and_render(text: str) -> None:
    doc = _read("text", text)
    if doc is not None:
        _check_rendering(doc)


@SETTINGS
@given(article("markdown"))
def test_markdown_sources_read_and_render(text: str) -> None:
    doc = _read("markdown", text)
    if doc is not None:
        _check_rendering(doc)


@SETTINGS
@given(article("html"))
def test_html_sources_read_and_render(text: str) -> None:
    doc = _read("html", text)
    if doc is not None:
        _check_rendering(doc)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["text", "markdown", "html"]), st.text(any_char, max_size=300))
def test_any_text_in_any_reader_gives_a_document_or_an_input_error(fmt: str,
                                                                   text: str) -> None:
    doc = _read(fmt, text)
    if doc is not None:
        _check_rendering(doc)
