"""Document or pack -> the final print HTML that WeasyPrint lays out (and the HTML preview).

Everything a template needs is computed here into small frozen views (labels, dates, key
points, note numbers, prefixed ids), so the templates in ``templates/print/`` only place data.
Article text reaches them as data and is escaped by the environment's autoescape.

Footnotes are set as endnotes at the end of each article: WeasyPrint's ``float: footnote``
would need the note body at the call site, which the shared block macros do not have, and
endnotes keep the tagged-PDF reading order simple.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ..brief import brief_of
from ..config import Presentation
from ..i18n import Labels, format_date, labels
from ..links import link_notes, printed_address, shows_address
from ..model import Document, Footnote, FootnoteRef, Link, Pack, Section
from ..outline import iter_sections, plain_text, query
from ..typography import no_runt
from . import Front, RenderContext, RenderOptions, cover_date, environment, front_of, safe_href

Mode = Literal["print", "screen"]
ImageURL = Callable[[str], str | None]


def w3c_datetime(moment: dt.datetime) -> str:
    """``moment`` in UTC, as WeasyPrint reads ``dcterms`` dates: ``2026-11-26T00:00:00Z``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True, kw_only=True)
class CoverView:
    """A cover, or a part's head in a combined brief: title, byline, date, source, marking."""

    prefix: str
    """Prepended to the ids it emits."""
    labels: Labels
    title: str
    subtitle: str | None
    publisher: str | None
    short_title: str
    authors: str | None
    date: dt.date | None
    date_text: str | None
    date_label: str
    """"Published", or "Compiled" for a build date (see ``render.cover_date``)."""
    source_publisher: str | None
    """The publisher named as the source (an article's; a pack cites no source)."""
    source_url: str | None
    """The source URL if a reader may follow it."""
    source_text: str | None
    """The source URL as written."""
    marking: str | None
    reading_time: str
    presentation: Presentation | None = None
    """The cover's institutional details (organisation, reference, version, prepared for);
    None for a part's head in a combined brief."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleView:
    """One article as the print templates see it."""

    doc: Document
    prefix: str
    """Prepended to every id of the article (unique ids across a pack)."""
    labels: Labels
    cover: CoverView
    key_points: tuple[str, ...]
    notes: tuple[tuple[int, Footnote], ...]
    short_title: str
    ctx: RenderContext

    def sid(self, section: Section) -> str:
        """The HTML id of ``section`` in this output."""
        return f"{self.prefix}{section.id}"

    def text(self, section: Section) -> str:
        """The plain heading text of ``section``."""
        return plain_text(section.heading)


@dataclass(frozen=True, slots=True, kw_only=True)
class TocEntry:
    """One line of the printed contents: a part (combined brief), a section or subsection."""

    href: str
    text: str
    depth: int
    part: bool = False
    children: tuple[TocEntry, ...] = ()


def _keep_src(src: str) -> str | None:
    # The print HTML keeps sources as written: the confined fetcher decides what is read.
    return src


def prefixed_link(prefix: str, targets: Collection[str] | None = None
                  ) -> Callable[[str], str | None]:
    """Link mapping for an article whose ids carry ``prefix``: ``#x`` -> ``#<prefix>x``; when
    ``targets`` are given, a link to any other ``#x`` is shown as its text (the check
    ``link-target-missing`` has said so at its line), as in the EPUB."""

    def link_href(href: str) -> str | None:
        href = href.strip()
        if href.startswith("#") and len(href) > 1:
            if targets is not None and href[1:] not in targets:
                return None
            return f"#{prefix}{href[1:]}"
        return safe_href(href)

    return link_href


def _cover(front: Front, prefix: str, source_publisher: str | None,
           options: RenderOptions | None = None) -> CoverView:
    """A cover (``options`` given: it always carries a date, the build's when the source has
    none, and the configured details) or a part's head (the article's own date, if any)."""
    lab = labels(front.lang)
    url = front.source_url
    when = cover_date(front, options) if options is not None else None
    return CoverView(
        prefix=prefix, labels=lab, title=front.title, subtitle=front.subtitle,
        publisher=front.publisher, short_title=front.short_title,
        authors=", ".join(front.authors) or None,
        date=when.date if when else front.date,
        date_text=when.text if when else (format_date(front.date, front.lang)
                                          if front.date else None),
        date_label=when.label if when else lab.published,
        source_publisher=source_publisher, source_url=safe_href(url) if url else None,
        source_text=url, marking=front.marking,
        reading_time=lab.reading_time(front.reading_minutes),
        presentation=options.presentation if options is not None else None)


def _link_address(link: Link) -> str | None:
    return printed_address(link.href) if shows_address(link) else None


def _foot_notes(doc: Document) -> Callable[[str], Footnote | None]:
    """The note to set at the foot of the page at a call: each note once, at its first call
    (the template asks in reading order)."""
    notes = {note.id: note for note in doc.footnotes}
    placed: set[str] = set()

    def foot_note(note_id: str) -> Footnote | None:
        if note_id in placed:
            return None
        placed.add(note_id)
        return notes.get(note_id)

    return foot_note


def _article_view(doc: Document, options: RenderOptions, prefix: str,
                  image_url: ImageURL = _keep_src, mode: Mode = "print") -> ArticleView:
    paper = mode == "print"
    policy = options.presentation
    if paper and policy.links == "notes":
        doc = link_notes(doc)
    numbers = {note.id: n for n, note in enumerate(doc.footnotes, start=1)}
    foot = paper and policy.notes == "foot"
    called = {ref.id for ref in query((doc.lead, doc.sections), FootnoteRef)}
    ctx = RenderContext(
        mode="print",
        note_numbers=numbers,
        note_href=lambda note_id: f"#{prefix}fn-{note_id}",
        image_url=image_url,
        id_prefix=prefix,
        link_href=prefixed_link(prefix, {s.id for s in iter_sections(doc.sections)}
                                | {f"fn-{note.id}" for note in doc.footnotes}),
        labels=labels(doc.meta.lang),
        paper=paper,
        lang=doc.meta.lang,
    )
    if paper and policy.links == "inline":
        ctx = dataclasses.replace(ctx, link_address=_link_address)
    if foot:
        ctx = dataclasses.replace(ctx, foot_note=_foot_notes(doc))
    derived = brief_of(doc)
    return ArticleView(
        doc=doc,
        prefix=prefix,
        labels=labels(doc.meta.lang),
        cover=_cover(front_of(doc), prefix, doc.meta.publisher),
        key_points=tuple(map(no_runt, derived.key_points)) if options.key_points else (),
        # At the foot of the page, only the notes nothing calls are left for the end.
        notes=tuple((numbers[n.id], n) for n in doc.footnotes
                    if not foot or n.id not in called),
        short_title=derived.short_title,
        ctx=ctx,
    )


TOC_LEVELS = 2
"""Heading levels an article's entries in the printed contents go down to: its sections and
their subsections (BRIEF-DESIGN: "H2 entries and indented H3 entries"). Deeper headings (a
Markdown ``####``) are in the PDF bookmarks and the EPUB navigation, not on the contents page,
where they stood flush left among the sections."""


def _toc(view: ArticleView, sections: tuple[Section, ...], depth: int,
         last: int) -> tuple[TocEntry, ...]:
    """Entries for ``sections`` at ``depth`` and their subsections down to depth ``last``."""
    if depth > last:
        return ()
    return tuple(TocEntry(href=f"#{view.sid(s)}", text=view.text(s), depth=depth,
                          children=_toc(view, s.children, depth + 1, last)) for s in sections)


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


def _head(front: Front, options: RenderOptions) -> HeadView:
    description = front.description
    if front.marking:
        # The marking leads the /Subject so any PDF viewer's properties dialog shows it.
        description = f"[{front.marking}] {description or ''}".strip()
    return HeadView(
        title=front.title, lang=front.lang,
        authors=front.authors or ((front.publisher,) if front.publisher else ()),
        description=description, keywords=front.keywords, marking=front.marking,
        created=w3c_datetime(options.modified),
    )


_FONT_FACES = ((400, "normal", "Regular"), (400, "italic", "It"), (600, "normal", "Semibold"),
               (600, "italic", "SemiboldIt"), (700, "normal", "Bold"), (700, "italic", "BoldIt"))
"""Weight, style and file name part of each pinned face, serif and sans alike."""


@lru_cache(maxsize=1)
def font_face_css() -> str:
    """``@font-face`` rules for the pinned Source Serif/Sans Pro files (built once). Plain
    text, no template: the PDF writer's warm-up needs it before anything is rendered, and a
    single-article build's process then never imports Jinja2."""
    from ..writers.resources import font_dirs

    serif, sans = (folder.as_uri() for folder in font_dirs())
    return "".join(
        f'@font-face {{ font-family: "LH Source Serif"; font-weight: {weight}; '
        f'font-style: {style}; src: url("{serif}/SourceSerifPro-{file}.ttf"); }}\n'
        f'@font-face {{ font-family: "LH Source Sans"; font-weight: {weight}; '
        f'font-style: {style}; src: url("{sans}/SourceSansPro-{file}.ttf"); }}\n'
        for weight, style, file in _FONT_FACES)


def render_print_html(subject: Document | Pack, options: RenderOptions, *,
                      mode: Mode = "print",
                      image_url_for: Callable[[Document], ImageURL] | None = None,
                      css: str = "", marking_band: bool = False) -> str:
    """The final HTML of a brief (cover, key points, contents, body, notes) or of a combined
    brief (a pack cover, one contents, one part per article): the one render entry of the
    printed formats, through the one template ``print/brief.html.j2``.

    ``image_url_for(doc)`` gives each article its own image resolver (its images resolve
    against its own folder); without it sources are kept as written. ``mode="screen"`` gives
    the same content for the self-contained HTML preview, with ``css`` (markup-safe theme CSS)
    inlined. ``marking_band`` adds the element the built-in marking band of the PDF reads
    the marking from (``templates/print/marking.css``).
    """
    front = front_of(subject)
    articles = tuple(
        _article_view(doc, options, prefix=f"a{n}-" if front.parts else "", mode=mode,
                      image_url=image_url_for(doc) if image_url_for else _keep_src)
        for n, doc in enumerate(front.documents, start=1)
    )
    if front.parts:
        toc = tuple(TocEntry(href=f"#{a.prefix}title", text=a.doc.meta.title, depth=1,
                             part=True, children=_toc(a, a.doc.sections, 2, 1 + TOC_LEVELS))
                    for a in articles)
    else:
        toc = tuple(entry for a in articles
                    for entry in _toc(a, a.doc.sections, 1, TOC_LEVELS))
    return environment().get_template("print/brief.html.j2").render(
        head=_head(front, options), cover=_cover(front, "", None if front.parts else
                                                 front.publisher, options),
        articles=articles, parts=front.parts, toc=toc, labels=labels(front.lang),
        mode=mode, paper=options.paper, css=css, marking_band=marking_band,
    )
