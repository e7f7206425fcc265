"""Model -> the XHTML content documents and navigation of an EPUB 3 (pure, no I/O).

A brief becomes: cover page, title page, contents (the EPUB navigation document), a page with
the key points and the lead, then one page per top-level (H2) section with its subsections
inside. A combined brief repeats title page, lead and sections for every article.

Every page is rendered by a Jinja2 template, stripped of characters XML cannot carry and
parsed back as XML before it is returned, so no article text can reach ebooklib as ill-formed
XHTML (ebooklib would only fail late, in nav generation, with an unhelpful lxml message).

Footnotes become EPUB 3 endnotes (``epub:type="noteref"`` -> a titled ``endnotes`` section
at the end of the page that references them first, each number linking back to its call).
Footnote ids are renamed ``n1``, ``n2``... (and a second reference to the same note gets
``n1-2``) so that any reader's ids are valid XML ids and, in a combined brief, unique across
the book.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from ..brief import brief_of
from ..errors import RenderError
from ..i18n import Labels, format_date, labels
from ..model import Block, Document, FootnoteRef, Pack, Section
from ..outline import iter_sections, plain_text, query, rewrite
from . import Front, RenderContext, RenderOptions, cover_date, environment, front_of, safe_href

CSS_HREF = "style.css"
COVER_HREF = "images/cover.png"
NAV_FILE = "nav.xhtml"
COVER_FILE = "cover.xhtml"
NAV_DEPTH = 3
"""Section levels the contents list: H2 and H3 (a combined brief adds the article level)."""

_XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True, kw_only=True)
class NavEntry:
    """One entry of the table of contents (nav.xhtml and toc.ncx)."""

    title: str
    href: str
    children: tuple[NavEntry, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Landmark:
    """One entry of the landmarks nav (``epub:type`` cover, toc, bodymatter)."""

    type: str
    title: str
    href: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """One XHTML content document, in spine order."""

    uid: str
    """Manifest id (also an XML id: starts with a letter)."""
    file_name: str
    """Path inside the package folder, e.g. ``s01.xhtml``."""
    title: str
    xhtml: bytes
    is_nav: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class EpubParts:
    """Everything the EPUB writer packs besides metadata, stylesheet and images."""

    lang: str
    pages: tuple[Page, ...]
    """Spine order; exactly one of them is the navigation document."""
    toc: tuple[NavEntry, ...]
    landmarks: tuple[Landmark, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class _Note:
    number: int
    anchor: str
    backref: str
    blocks: tuple[Block, ...]


@dataclass(slots=True)
class _PagePlan:
    uid: str
    file_name: str
    title: str
    template: str
    content: tuple[Any, ...]
    """The model objects whose footnote references count for this page."""
    variables: dict[str, Any]


# --------------------------------------------------------------------------- model walking


def _renumber_notes(doc: Document, prefix: str) -> tuple[Document, dict[str, str]]:
    """The document with footnote ids ``<prefix>n<i>``; returns it and ref id -> note id."""
    new_ids = {note.id: f"{prefix}n{i}" for i, note in enumerate(doc.footnotes, start=1)}
    seen: dict[str, int] = {}
    ref_to_note: dict[str, str] = {}

    def rename(ref: FootnoteRef) -> FootnoteRef:
        note_id = new_ids.get(ref.id)
        if note_id is None:
            return ref  # a dangling reference renders as nothing
        seen[note_id] = seen.get(note_id, 0) + 1
        ref_id = note_id if seen[note_id] == 1 else f"{note_id}-{seen[note_id]}"
        ref_to_note[ref_id] = note_id
        return FootnoteRef(id=ref_id)

    lead = rewrite(doc.lead, FootnoteRef, rename)
    sections = rewrite(doc.sections, FootnoteRef, rename)
    footnotes = tuple(
        dataclasses.replace(note, id=new_ids[note.id],
                            blocks=rewrite(note.blocks, FootnoteRef, rename))
        for note in doc.footnotes
    )
    renamed = dataclasses.replace(doc, lead=lead, sections=sections, footnotes=footnotes)
    return renamed, ref_to_note


# --------------------------------------------------------------------------- rendering


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (control characters, surrogates)."""
    return _XML_INVALID.sub("", text)


def _finish(xhtml: str, file_name: str) -> bytes:
    """Encode a rendered page, guaranteed well-formed XML."""
    data = xml_text(xhtml).encode("utf-8")
    try:
        etree.fromstring(data)
    except etree.XMLSyntaxError as error:  # a template bug, never article text
        raise RenderError(f"EPUB page {file_name} is not well-formed XHTML: {error}") from None
    return data


def _render(template: str, file_name: str, **variables: Any) -> bytes:
    text = environment().get_template(f"epub/{template}").render(**variables)
    return _finish(text, file_name)


def _heading_title(section: Section, words: Labels) -> str:
    return xml_text(" ".join(plain_text(section.heading).split())) or words.untitled


def _nav_entries(sections: Sequence[Section], file_name: str, prefix: str,
                 words: Labels, depth: int) -> tuple[NavEntry, ...]:
    if depth <= 0:
        return ()
    return tuple(
        NavEntry(title=_heading_title(s, words), href=f"{file_name}#{prefix}{s.id}",
                 children=_nav_entries(s.children, file_name, prefix, words, depth - 1))
        for s in sections
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class _Article:
    pages: tuple[Page, ...]
    toc: tuple[NavEntry, ...]
    title_href: str | None
    body_href: str | None


def _article(doc: Document, options: RenderOptions, images: Mapping[str, str], *,
             prefix: str, title_page: bool) -> _Article:
    """The pages of one article: [title page], [key points + lead], one page per H2."""
    words = labels(doc.meta.lang)
    doc, ref_to_note = _renumber_notes(doc, prefix)
    common: dict[str, Any] = {"lang": doc.meta.lang, "css_href": CSS_HREF, "labels": words,
                              "p": prefix}

    plans: list[_PagePlan] = []
    derived = brief_of(doc)
    if title_page:
        plans.append(_title_plan(front_of(doc), prefix))
    points = derived.key_points if options.key_points else ()
    if points or doc.lead:
        plans.append(_PagePlan(
            uid=f"{prefix}lead", file_name=f"{prefix}lead.xhtml",
            title=words.key_points if points else doc.meta.title, template="lead.xhtml.j2",
            content=doc.lead, variables={"key_points": points, "lead": doc.lead}))
    for number, section in enumerate(doc.sections, start=1):
        plans.append(_PagePlan(
            uid=f"{prefix}s{number:02d}", file_name=f"{prefix}s{number:02d}.xhtml",
            title=_heading_title(section, words), template="section.xhtml.j2",
            content=(section,), variables={"section": section}))

    # Each note lives on the page of its first reference; the rest go to the last page.
    note_file: dict[str, str] = {}
    notes_on: dict[str, list[str]] = {plan.file_name: [] for plan in plans}
    for plan in plans:
        for ref in query(plan.content, FootnoteRef):
            note_id = ref_to_note.get(ref.id)
            if note_id is not None and note_id not in note_file:
                note_file[note_id] = plan.file_name
                notes_on[plan.file_name].append(note_id)
    order = [n for plan in plans for n in notes_on[plan.file_name]]
    loose_ids = [note.id for note in doc.footnotes if note.id not in note_file]
    body_plans = [plan for plan in plans if plan.template != "titlepage.xhtml.j2"]
    if loose_ids and not body_plans:
        body_plans.append(_PagePlan(
            uid=f"{prefix}notes", file_name=f"{prefix}notes.xhtml", title=words.notes,
            template="lead.xhtml.j2", content=(), variables={"key_points": (), "lead": ()}))
        plans.append(body_plans[-1])
    if loose_ids:
        notes_on.setdefault(body_plans[-1].file_name, [])
        for note_id in loose_ids:
            note_file[note_id] = body_plans[-1].file_name
    numbers = {note_id: i for i, note_id in enumerate([*order, *loose_ids], start=1)}
    by_id = {note.id: note for note in doc.footnotes}

    # In-article "#anchor" links point at a section, which now lives in its own file.
    section_file = {
        s.id: plan.file_name
        for plan in plans if plan.template == "section.xhtml.j2"
        for s in iter_sections(plan.content)
    }

    def link_href(href: str) -> str | None:
        href = href.strip()
        if href.startswith("#"):
            target = href[1:]
            file_name = section_file.get(target)
            return f"{file_name}#{prefix}{target}" if file_name else None
        return safe_href(href)

    ctx = RenderContext(
        mode="epub",
        note_numbers={ref: numbers[note] for ref, note in ref_to_note.items()},
        note_href=lambda ref: f"{note_file[ref_to_note[ref]]}#fn-{ref_to_note[ref]}",
        image_url=lambda src: images.get(src),
        link_href=link_href,
        labels=words,
        lang=doc.meta.lang,
    )

    def note(note_id: str) -> _Note:
        return _Note(number=numbers[note_id], anchor=f"fn-{note_id}",
                     backref=f"fnref-{note_id}", blocks=by_id[note_id].blocks)

    last_body = body_plans[-1].file_name if body_plans else None
    pages = tuple(
        Page(uid=plan.uid, file_name=plan.file_name, title=plan.title,
             xhtml=_render(plan.template, plan.file_name, page_title=plan.title, ctx=ctx,
                           page_uid=plan.uid, notes=[note(n) for n in notes_on[plan.file_name]],
                           loose=[note(n) for n in loose_ids] if plan.file_name == last_body
                           else [],
                           **common, **plan.variables))
        for plan in plans
    )
    section_files = [plan.file_name for plan in plans if plan.template == "section.xhtml.j2"]
    toc = tuple(
        NavEntry(title=_heading_title(s, words), href=f"{f}#{prefix}{s.id}",
                 children=_nav_entries(s.children, f, prefix, words, NAV_DEPTH - 2))
        for s, f in zip(doc.sections, section_files, strict=True)
    )
    return _Article(pages=pages, toc=toc,
                    title_href=pages[0].file_name if title_page else None,
                    body_href=body_plans[0].file_name if body_plans else None)


def _cover_page(title: str, publisher: str | None, marking: str | None, lang: str,
                words: Labels) -> Page:
    # The cover image shows the marking in bands: its text alternative says it too.
    alt = f"{title} — {publisher}" if publisher else title
    if marking:
        alt = f"{alt} ({words.marking}: {marking})"
    return Page(uid="cover", file_name=COVER_FILE, title=words.cover,
                xhtml=_render("cover.xhtml.j2", COVER_FILE, lang=lang, css_href=CSS_HREF,
                              page_title=words.cover, cover_href=COVER_HREF, cover_alt=alt))


def _nav_page(toc: tuple[NavEntry, ...], landmarks: tuple[Landmark, ...], lang: str,
              words: Labels) -> Page:
    return Page(uid="nav", file_name=NAV_FILE, title=words.contents, is_nav=True,
                xhtml=_render("nav.xhtml.j2", NAV_FILE, lang=lang, css_href=CSS_HREF,
                              page_title=words.contents, labels=words, toc=toc,
                              landmarks=landmarks))


def _landmarks(words: Labels, body_href: str | None) -> tuple[Landmark, ...]:
    marks = [Landmark(type="cover", title=words.cover, href=COVER_FILE),
             Landmark(type="toc", title=words.contents, href=f"{NAV_FILE}#toc")]
    if body_href:
        marks.append(Landmark(type="bodymatter", title=words.start_of_content, href=body_href))
    return tuple(marks)


def _title_plan(front: Front, prefix: str, parts: tuple[NavEntry, ...] = (),
                options: RenderOptions | None = None) -> _PagePlan:
    """The title page of a publication (``options`` given: it always carries a date and the
    configured cover details; ``parts`` lists a combined brief's articles) or of a part."""
    words = labels(front.lang)
    when = cover_date(front, options) if options is not None else None
    if when is None and front.date is not None:
        date_text: str | None = format_date(front.date, front.lang)
    else:
        date_text = when.text if when else None
    return _PagePlan(
        uid=f"{prefix}titlepage", file_name=f"{prefix}title.xhtml", title=front.title,
        template="titlepage.xhtml.j2", content=(),
        variables={
            "title": front.title, "subtitle": front.subtitle, "publisher": front.publisher,
            "authors": front.authors, "marking": front.marking,
            "date_text": date_text, "date_label": when.label if when else words.published,
            "extra": options.presentation if options is not None else None,
            "reading_time": words.reading_time(front.reading_minutes)
            if front.documents else None,
            "source_url": front.source_url,
            "parts": [{"title": e.title, "href": e.href} for e in parts],
        })


def render_epub(subject: Document | Pack, options: RenderOptions,
                images: Sequence[Mapping[str, str]]) -> EpubParts:
    """The pages of the EPUB of a brief or of a combined brief: the one EPUB render path.

    Cover, title page and contents come first, then the articles' pages. A brief's article is
    the publication itself: its title page is the book's, its sections are the contents. In a
    combined brief each article is a part with its own title page, and files and ids
    prefixed ``a<i>-`` (unique across the book); the contents then has three levels: article,
    section, subsection.

    :param images: per document (in order), image source as written -> its path in the
        package; sources missing from it were refused and are replaced by their alt text.
    :raises RenderError: a template produced ill-formed XHTML (a bug).
    """
    front = front_of(subject)
    words = labels(front.lang)
    articles = [
        _article(doc, options, hrefs, prefix=f"a{i}-" if front.parts else "",
                 title_page=front.parts)
        for i, (doc, hrefs) in enumerate(zip(front.documents, images, strict=True), start=1)
    ]
    if front.parts:
        toc = tuple(
            NavEntry(title=xml_text(doc.meta.title) or words.untitled,
                     href=article.title_href or "", children=article.toc)
            for doc, article in zip(front.documents, articles, strict=True))
        body_href = articles[0].title_href if articles else None
    else:
        toc = tuple(entry for article in articles for entry in article.toc)
        body_href = articles[0].body_href
    title = _title_plan(front, "", toc if front.parts else (), options)
    # EPUB requires at least one entry in the table of contents (nav and NCX): an article
    # without headings is listed by its title, pointing at where its text starts.
    toc = toc or (NavEntry(title=front.title, href=body_href or title.file_name),)
    landmarks = _landmarks(words, body_href)
    title_page = Page(uid=title.uid, file_name=title.file_name, title=title.title,
                      xhtml=_render(title.template, title.file_name, lang=front.lang,
                                    css_href=CSS_HREF, page_title=title.title, labels=words,
                                    p="", **title.variables))
    pages = (_cover_page(front.title, front.publisher, front.marking, front.lang, words),
             title_page, _nav_page(toc, landmarks, front.lang, words),
             *(page for article in articles for page in article.pages))
    return EpubParts(lang=front.lang, pages=pages, toc=toc, landmarks=landmarks)
