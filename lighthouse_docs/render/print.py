"""Document or pack -> the final print HTML that WeasyPrint lays out (and the HTML preview).

Everything a template needs is computed here into small frozen views (labels, dates, key
points, note numbers, prefixed ids), so the templates in ``templates/print/`` only place data.
Article text reaches them as data and is escaped by the environment's autoescape.

Footnotes are set as endnotes at the end of each article: WeasyPrint's ``float: footnote``
would need the note body at the call site, which the shared block macros do not have, and
endnotes keep the tagged-PDF reading order simple.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ..brief import brief_of
from ..i18n import Labels, format_date, labels
from ..model import Document, Footnote, Pack, Section
from ..outline import plain_text
from . import RenderContext, RenderOptions, environment, safe_href

Mode = Literal["print", "screen"]
ImageURL = Callable[[str], str | None]


def w3c_datetime(moment: dt.datetime) -> str:
    """``moment`` in UTC, as WeasyPrint reads ``dcterms`` dates: ``2026-11-26T00:00:00Z``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleView:
    """One article as the print templates see it."""

    doc: Document
    prefix: str
    """Prepended to every id of the article (unique ids across a pack)."""
    labels: Labels
    date: str | None
    reading_time: str
    key_points: tuple[str, ...]
    notes: tuple[tuple[int, Footnote], ...]
    source_url: str | None
    short_title: str
    ctx: RenderContext
    authors: str | None

    def sid(self, section: Section) -> str:
        """The HTML id of ``section`` in this output."""
        return f"{self.prefix}{section.id}"

    def text(self, section: Section) -> str:
        """The plain heading text of ``section``."""
        return plain_text(section.heading)


def _keep_src(src: str) -> str | None:
    # The print HTML keeps sources as written: the confined fetcher decides what is read.
    return src


def prefixed_link(prefix: str) -> Callable[[str], str | None]:
    """Link mapping for an article whose ids carry ``prefix``: ``#x`` -> ``#<prefix>x``."""

    def link_href(href: str) -> str | None:
        href = href.strip()
        if href.startswith("#") and len(href) > 1:
            return f"#{prefix}{href[1:]}"
        return safe_href(href)

    return link_href


def _article_view(doc: Document, options: RenderOptions, prefix: str,
                  image_url: ImageURL = _keep_src) -> ArticleView:
    lab = labels(doc.meta.lang)
    numbers = {note.id: n for n, note in enumerate(doc.footnotes, start=1)}
    ctx = RenderContext(
        mode="print",
        note_numbers=numbers,
        note_href=lambda note_id: f"#{prefix}fn-{note_id}",
        image_url=image_url,
        id_prefix=prefix,
        link_href=prefixed_link(prefix),
    )
    url = doc.meta.source.url
    derived = brief_of(doc)
    return ArticleView(
        doc=doc,
        prefix=prefix,
        labels=lab,
        date=format_date(doc.meta.date, doc.meta.lang) if doc.meta.date else None,
        reading_time=lab.reading_time(derived.reading_minutes),
        key_points=derived.key_points if options.key_points else (),
        notes=tuple((numbers[n.id], n) for n in doc.footnotes),
        source_url=safe_href(url) if url else None,
        short_title=derived.short_title,
        ctx=ctx,
        authors=", ".join(doc.meta.authors) or None,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class HeadView:
    """What goes into ``<head>``: WeasyPrint turns it into the PDF metadata."""

    title: str
    lang: str
    authors: tuple[str, ...]
    description: str | None
    keywords: tuple[str, ...]
    marking: str | None
    created: str


def _head(doc: Document, options: RenderOptions) -> HeadView:
    meta = doc.meta
    authors = meta.authors or ((meta.publisher,) if meta.publisher else ())
    subject = brief_of(doc).description
    if meta.marking:
        # The marking leads the /Subject so any PDF viewer's properties dialog shows it.
        subject = f"[{meta.marking}] {subject or ''}".strip()
    return HeadView(
        title=meta.title, lang=meta.lang, authors=authors, description=subject,
        keywords=meta.keywords, marking=meta.marking, created=w3c_datetime(options.modified),
    )


@lru_cache(maxsize=1)
def font_face_css() -> str:
    """``@font-face`` rules for the pinned Source Serif/Sans Pro files (built once)."""
    from ..writers.resources import font_dirs

    serif, sans = font_dirs()
    return environment().get_template("print/fonts.css.j2").render(
        serif=serif.as_uri(), sans=sans.as_uri())


def render_print_html(subject: Document | Pack, options: RenderOptions, *,
                      mode: Mode = "print",
                      image_url_for: Callable[[Document], ImageURL] | None = None,
                      css: str = "") -> str:
    """The final HTML of a brief (cover, key points, contents, body, notes) or of a combined
    brief (a pack cover, one contents, one part per article): the one render entry of the
    printed formats.

    ``image_url_for(doc)`` gives each article its own image resolver (its images resolve
    against its own folder); without it sources are kept as written. ``mode="screen"`` gives
    the same content for the self-contained HTML preview, with ``css`` (markup-safe theme CSS)
    inlined.
    """
    if isinstance(subject, Pack):
        return _pack_html(subject, options, mode=mode, image_url_for=image_url_for, css=css)
    doc = subject
    view = _article_view(doc, options, prefix="",
                         image_url=image_url_for(doc) if image_url_for else _keep_src)
    return environment().get_template("print/document.html.j2").render(
        head=_head(doc, options), a=view, mode=mode, paper=options.paper, css=css,
    )


def _pack_html(pack: Pack, options: RenderOptions, *, mode: Mode,
               image_url_for: Callable[[Document], ImageURL] | None, css: str) -> str:
    """The final HTML of a combined brief: a pack cover, one contents, one part per article.

    ``image_url_for(doc)`` gives each article its own image resolver (its images resolve
    against its own folder); without it sources are kept as written. ``mode`` and ``css`` as
    for :func:`render_print_html`.
    """
    lab = labels(pack.lang)
    views = tuple(
        _article_view(doc, options, prefix=f"a{n}-",
                      image_url=image_url_for(doc) if image_url_for else _keep_src)
        for n, doc in enumerate(pack.documents, start=1)
    )
    minutes = sum(brief_of(d).reading_minutes for d in pack.documents)
    authors = (pack.publisher,) if pack.publisher else ()
    keywords = tuple(dict.fromkeys(k for d in pack.documents for k in d.meta.keywords))
    head = HeadView(
        title=pack.title, lang=pack.lang, authors=authors,
        description=(f"[{pack.marking}] " if pack.marking else "")
        + "; ".join(d.meta.title for d in pack.documents),
        keywords=keywords, marking=pack.marking, created=w3c_datetime(options.modified),
    )
    return environment().get_template("print/pack.html.j2").render(
        head=head, articles=views, pack=pack, labels=lab, mode=mode, paper=options.paper,
        date=format_date(pack.date, pack.lang) if pack.date else None, css=css,
        reading_time=lab.reading_time(minutes),
    )

