"""Rendered EPUB parts + metadata -> the bytes of a reproducible, accessible EPUB 3.

ebooklib assembles the package (OPF metadata, manifest, spine, NCX) through its public API
only (``EpubBook``, ``EpubItem``, ``write_epub``); we hand it whole XHTML documents as bytes in
plain ``EpubItem``s, which it stores as given. ebooklib stamps zip entries with the current
time, so its container (written uncompressed, to memory) is turned into the EPUB file in one
deterministic pass, as Sphinx's ``build_epub`` writes it: ``mimetype`` first and stored,
every entry with the build's fixed timestamp and permissions, in ebooklib's order (the order
we added items in). Two builds of the same input are byte-identical.

The identifier is ``urn:uuid:`` + uuid5 of the source path and the title: the same article
keeps its identity across rebuilds and edits of its text (so e-readers keep reading
positions), while another article, or the same file retitled, is a new book.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import uuid
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ebooklib import epub

from ..errors import OutputError, RenderError
from ..i18n import labels
from ..images import SUFFIXES, ImageRefused, fit, screen_box, vet
from ..model import Document, Image, InlineImage, Pack
from ..outline import walk
from ..render import Front, RenderOptions, cover_date, front_of
from ..render.epub import (
    COVER_HREF,
    CSS_HREF,
    EpubParts,
    NavEntry,
    render_epub,
    xml_text,
)
from . import Output
from .cover import Stacks, cover_png, cover_warnings, lacks_glyphs
from .resources import describe, load_image, refusal, source_folder

_ID_NAMESPACE = uuid.UUID("6f1c1d0e-4b8a-5c2e-9a57-6c1f0c7e2b10")
"""Fixed namespace for our uuid5 identifiers (any constant works; it must never change)."""

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_MIN_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
ACCESS_FEATURES = ("structuralNavigation", "tableOfContents", "readingOrder")
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"


# --------------------------------------------------------------------------- images


def _images(doc: Document) -> Iterator[Image | InlineImage]:
    """Every image of ``doc`` (figures and inline), in reading order, notes last."""
    return (node for node in walk((doc.lead, doc.sections, doc.footnotes))
            if isinstance(node, Image | InlineImage))


@dataclasses.dataclass(frozen=True, slots=True)
class _Asset:
    href: str
    media_type: str
    data: bytes


def _collect_images(docs: Iterable[Document], base_dir: Path, max_side: int
                    ) -> tuple[list[dict[str, str]], list[_Asset], list[str]]:
    """Embed local images, downscaled to ``max_side`` pixels; returns src -> href per
    document, the files to pack, and warnings.

    Each document's relative sources resolve in its own source folder (``base_dir`` when it
    has none), so two articles of a pack may both say ``img/map.png`` and mean two files.
    """
    per_doc: list[dict[str, str]] = []
    assets: list[_Asset] = []
    warnings: list[str] = []
    by_content: dict[bytes, str] = {}
    for doc in docs:
        hrefs: dict[str, str] = {}
        per_doc.append(hrefs)
        refused: set[str] = set()
        folder = source_folder(doc, base_dir)
        for src in (image.src for image in _images(doc)):
            if src in hrefs or src in refused:
                continue
            image = load_image(src, folder)
            if isinstance(image, str):
                refused.add(src)
                warnings.append(refusal(src, image))
                continue
            try:
                # Identified by content, sanitised (SVG) or converted to PNG (TIFF, BMP...).
                vetted = fit(vet(image.data, core_only=True), screen_box(max_side))
            except ImageRefused as error:
                refused.add(src)
                warnings.append(f"refused resource {describe(src)}: {error}")
                continue
            warnings.extend(f"image {describe(src)}: {note}" for note in vetted.notes)
            digest = hashlib.sha256(vetted.data).digest()
            if digest not in by_content:
                href = f"images/img{len(assets) + 1:03d}{SUFFIXES[vetted.media_type]}"
                assets.append(_Asset(href=href, media_type=vetted.media_type, data=vetted.data))
                by_content[digest] = href
            hrefs[src] = by_content[digest]
    return per_doc, assets, warnings


# --------------------------------------------------------------------------- metadata


def book_identifier(*parts: str) -> str:
    """``urn:uuid:`` of a uuid5 over ``parts`` (source path and title): stable per source."""
    return f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, chr(31).join(parts))}"


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:  # a naive time is taken as UTC rather than local time
        return moment.replace(microsecond=0)
    return moment.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)


def _page(*, uid: str, file_name: str, content: bytes, nav: bool) -> Any:
    """A whole XHTML content document, stored exactly as rendered (``EpubItem`` returns its
    content as given; ``EpubHtml`` would rebuild it). ``properties`` is the manifest's list,
    which ebooklib's writer reads from any item (``nav`` marks the navigation document)."""
    item = epub.EpubItem(uid=uid, file_name=file_name, media_type="application/xhtml+xml",
                         content=content)
    item.properties = ["nav"] if nav else []
    return item


def _meta(book: epub.EpubBook, prop: str, value: str) -> None:
    book.add_metadata(None, "meta", value, {"property": prop})


def _toc_links(entries: tuple[NavEntry, ...], counter: list[int]) -> list[Any]:
    items: list[Any] = []
    for entry in entries:
        counter[0] += 1
        link = epub.Link(entry.href, entry.title, f"np{counter[0]}")
        items.append((link, _toc_links(entry.children, counter)) if entry.children else link)
    return items


def _clean(front: Front) -> Front:
    """The front with its metadata strings fit for XML: ebooklib raises deep inside lxml
    otherwise."""
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(front):
        value = getattr(front, f.name)
        if isinstance(value, str):
            changes[f.name] = xml_text(value)
        elif isinstance(value, tuple) and all(isinstance(v, str) for v in value):
            changes[f.name] = tuple(xml_text(v) for v in value)
    return dataclasses.replace(front, **changes)


def _identifier(front: Front) -> str:
    """The book's ``urn:uuid:``: from a brief's source path and title, or from a combined
    brief's title and its articles' source paths."""
    paths = [d.meta.source.path for d in front.documents]
    if front.parts:
        return book_identifier(front.title, *paths)
    return book_identifier(*paths, front.title)


def _creators(front: Front) -> tuple[str, ...]:
    """The byline of the book: the brief's authors, or every author of the pack's articles."""
    return front.authors or tuple(dict.fromkeys(
        a for d in front.documents for a in d.meta.authors))


def _assemble(identifier: str, meta: Front, parts: EpubParts, css: bytes, cover: bytes,
              assets: list[_Asset], modified: dt.datetime, has_images: bool,
              all_alt: bool) -> bytes:
    """The ebooklib book, written to memory (zip entries still carry ebooklib's times)."""
    book = epub.EpubBook()
    book.set_identifier(identifier)
    book.set_title(meta.title)
    book.set_language(meta.lang)
    for creator_number, creator in enumerate(_creators(meta), start=1):
        book.add_author(creator, uid=f"creator{creator_number}")
    if meta.publisher:
        book.add_metadata("DC", "publisher", meta.publisher)
    if meta.date is not None:
        # The publication date: e-reader libraries show it as such. A source without one
        # has none (the build's time is dcterms:modified), never the day it was built.
        book.add_metadata("DC", "date", meta.date.isoformat())
    if meta.source_url:
        book.add_metadata("DC", "source", meta.source_url)
    if meta.description:
        book.add_metadata("DC", "description", meta.description)
    for subject in meta.keywords:
        book.add_metadata("DC", "subject", subject)
    if meta.marking:
        # dcterms:accessRights is "an indication of the resource's security status" (DCMI).
        _meta(book, "dcterms:accessRights", meta.marking)

    _meta(book, "schema:accessMode", "textual")
    _meta(book, "schema:accessMode", "visual")
    _meta(book, "schema:accessModeSufficient", "textual" if all_alt else "textual,visual")
    for feature in ACCESS_FEATURES:
        _meta(book, "schema:accessibilityFeature", feature)
    if has_images and all_alt:
        _meta(book, "schema:accessibilityFeature", "alternativeText")
    _meta(book, "schema:accessibilityHazard", "none")
    _meta(book, "schema:accessibilitySummary", labels(meta.lang).accessibility_summary)
    _meta(book, "dcterms:conformsTo", CONFORMS_TO)

    book.set_cover(COVER_HREF, cover, create_page=False)
    book.add_item(epub.EpubItem(uid="style", file_name=CSS_HREF, media_type="text/css",
                                content=css))
    spine: list[Any] = []
    for page in parts.pages:
        item = _page(uid=page.uid, file_name=page.file_name, content=page.xhtml,
                     nav=page.is_nav)
        book.add_item(item)
        spine.append(item)
    for number, asset in enumerate(assets, start=1):
        book.add_item(epub.EpubItem(uid=f"img{number:03d}", file_name=asset.href,
                                    media_type=asset.media_type, content=asset.data))
    book.add_item(epub.EpubNcx())
    book.toc = _toc_links(parts.toc, [0])
    book.spine = spine

    buffer = io.BytesIO()
    # compresslevel 0: ebooklib's container is only an intermediate; the one compressing,
    # deterministic pass is ``package``.
    options = {"mtime": _utc(modified), "raise_exceptions": True, "epub3_pages": False,
               "epub2_guide": False, "epub3_landmark": False, "compresslevel": 0}
    try:
        epub.write_epub(buffer, book, options)
    except (OSError, ValueError) as error:
        raise OutputError(f"could not assemble the EPUB: {error}") from error
    return buffer.getvalue()


def package(data: bytes, modified: dt.datetime, lang: str) -> bytes:
    """The EPUB file, written in one deterministic pass over ebooklib's container:
    ``mimetype`` first and stored, then every entry in ebooklib's order (the order we added
    items in) with the build's fixed timestamp and permissions, compressed once; the package
    document gets ``xml:lang`` (the language of its metadata), which ebooklib does not write.
    """
    stamp = max(_utc(modified).timetuple()[:6], _MIN_ZIP_TIME)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        if "mimetype" not in names:
            raise RenderError("ebooklib wrote no mimetype entry")
        for name in ["mimetype", *(n for n in names if n != "mimetype")]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3  # "Unix", whatever machine builds it
            info.external_attr = 0o644 << 16
            stored = name == "mimetype"
            content = source.read(name)
            if name.endswith(".opf"):
                content = _with_package_lang(content, lang)
            target.writestr(info, content,
                            compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED,
                            compresslevel=None if stored else 9)
    return out.getvalue()


def _with_package_lang(opf: bytes, lang: str) -> bytes:
    from lxml import etree

    root = etree.fromstring(opf)
    root.set(_XML_LANG, lang)
    data: bytes = etree.tostring(root, pretty_print=True, encoding="utf-8",
                                 xml_declaration=True)
    return data


def _collect_embedded(docs: Iterable[Document], images: Sequence[Mapping[str, str]]
                      ) -> Iterator[Image | InlineImage]:
    for doc, hrefs in zip(docs, images, strict=True):
        for img in _images(doc):
            if img.src in hrefs:
                yield img


def _cover_stacks(options: RenderOptions, lang: str,
                  texts: Iterable[str | None]) -> Stacks:
    """The print theme's font stacks for ``lang`` (text, headings), where the cover image looks
    first for a font that draws what its own fonts lack (as the PDF does); read only for a
    cover with such characters, empty when the theme's stylesheet cannot be read."""
    if not any(text and (lacks_glyphs(text, "serif-bold") or lacks_glyphs(text, "sans-regular"))
               for text in texts):
        return ()
    from ..errors import LighthouseError
    from ..fonts import theme_font_stacks

    try:
        css = options.theme.read(options.theme.print_css).decode("utf-8", "replace")
    except LighthouseError:
        return ()
    return theme_font_stacks(css, lang)


def build_epub(subject: Document | Pack, options: RenderOptions) -> Output:
    """The EPUB 3 of a brief, or of a combined brief (one part per article, in order).

    :returns: the file's bytes and the warnings met (refused images), byte-identical for the
        same input and options.
    :raises RenderError: the stylesheet cannot be read or a template is broken.
    """
    front = front_of(subject)
    identifier = _identifier(front)
    meta = _clean(front)
    # The cover image shows the date the title page shows, labelled when it is the build's.
    when = cover_date(front, options)
    date_text = f"{when.label} {when.text}" if when.built else when.text
    docs = meta.documents
    images, assets, warnings = _collect_images(docs, options.base_dir, options.image_max_side)
    parts = render_epub(subject, options, images)
    css = options.theme.read(options.theme.epub_css)
    texts = (meta.title, meta.publisher, meta.subtitle, date_text, meta.marking)
    stacks = _cover_stacks(options, meta.lang, texts)
    cover = cover_png(*texts, meta.lang, stacks)
    warnings.extend(cover_warnings(*texts, stacks))
    embedded = list(_collect_embedded(docs, images))
    has_images = bool(embedded)
    all_alt = all(img.alt.strip() for img in embedded)
    raw = _assemble(identifier, meta, parts, css, cover, assets, options.modified, has_images,
                    all_alt)
    return Output(data=package(raw, options.modified, meta.lang), warnings=tuple(warnings))


def warm_up(options: RenderOptions, sample: Document) -> None:
    """Build and drop the EPUB of ``sample`` (:func:`lighthouse_docs.warmup.sample_document`):
    the render processes forked after this start with what a first EPUB loads (the cover's
    fonts, ebooklib's and lxml's lazily built parts)."""
    build_epub(sample, options)
