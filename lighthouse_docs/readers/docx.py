"""The Word reader: a ``.docx`` package -> semantic HTML (mammoth) -> the HTML reader's flow.

Steps: the package is checked (a zip with ``word/document.xml``; an encrypted or old binary
file is an OLE container, not a zip); ``styles.xml`` says which paragraph styles are headings
(outline level 0-2, or a heading name in any of several languages: "Heading 1",
"Überschrift 1", "Judul 1", "Titre 1"...) and which give the title and subtitle; mammoth
converts the body with a style map built from that, without reading any file outside the
package and without honouring a style map embedded in the document; footnote and endnote
references become :class:`FootnoteRef`, embedded images become ``data:`` URIs (the writers
embed them; nothing is written or fetched); core properties (title, creator, created,
language, keywords) fill the metadata.

The markup then goes through the HTML reader's sanitiser and block mapping, so a Word document
can carry no more than a saved web page can. A document that uses no heading styles but has
"looks like a heading" paragraphs (bold, short, on their own) goes through the plain-text
structure inference (:func:`lighthouse_docs.readers.text.parse`) to decide which of them are
headings and at what level.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import io
import re
import zipfile
from collections.abc import Iterable
from typing import Any

import lxml.etree
import lxml.html

from .. import model
from ..errors import InputError
from ..model import Block, Document, Emphasis, FlowItem, Footnote, Heading, Paragraph, Strong, Text
from ..outline import iter_sections, plain_text, sectionize
from . import _common
from ._common import clean_text, language_sample

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""Compound File header: password-protected Office files and old binary .doc files."""
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
"""A package that unpacks to more than this is refused (a zip bomb, not a brief)."""
MAX_IMAGE_BYTES = 20 * 1024 * 1024
"""An embedded image larger than this is left out with a warning."""
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}
"""Image types embedded (others, e.g. EMF/WMF drawings, are left out with a warning)."""
HEADING_LEVELS = 3
"""Heading 1-3 are sections; deeper heading styles read as bold paragraphs."""

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_NAME = re.compile(
    r"^(?:heading|überschrift|uberschrift|titre|judul|título|titulo|titolo|kop|rubrik|"
    r"overskrift|otsikko|nagłówek|cabeçalho|encabezado|intestazione)\s*([1-9])$",
    re.IGNORECASE)
_TITLE_NAMES = frozenset({"title", "titel", "titre", "título", "titulo", "titolo", "judul",
                          "tittel", "otsikko"})
_SUBTITLE_NAMES = frozenset({"subtitle", "untertitel", "sous-titre", "subtítulo", "subtitulo",
                             "sottotitolo", "subjudul", "ondertitel", "undertittel"})
_AUTHOR_NAMES = frozenset({"author", "autor", "auteur", "penulis"})
_DATE_NAMES = frozenset({"date", "datum", "tanggal", "fecha"})
# Styles every word processor uses for ordinary text: no warning when the style map lacks them.
_ORDINARY_STYLES = frozenset(
    s.casefold() for s in (
        "Normal", "Default Paragraph Style", "Standard", "Body Text", "Body Text 2",
        "Body Text 3", "Text Body", "Normal (Web)", "List Paragraph", "List Bullet",
        "List Number", "List Bullet 2", "List Number 2", "List", "Footnote Text",
        "Endnote Text", "Footnote", "Endnote", "Table Contents", "Table Heading",
        "Frame Contents", "Caption", "No Spacing", "Compact", "First Paragraph",
        "Footnote Reference", "Endnote Reference", "Hyperlink", "Internet Link", "Strong",
        "Emphasis", "Default Paragraph Font", "Footnote Characters", "Endnote Characters",
        "Footnote Symbol", "Endnote Symbol", "Footnote anchor", "Endnote anchor",
        "Index", "Contents Heading", "Horizontal Line", "Block Text", "Plain Text",
        "Table Paragraph", "Quotations"))
_NOTE_REF = re.compile(r"#(footnote|endnote)-(\d+)")
_UNRECOGNISED = re.compile(r"Unrecognised (paragraph|run) style: '?(.*?)'? \(Style ID: (.*)\)")
_HEADING_LIKE_MAX_WORDS = 12
_SPACES = re.compile(r"\s+")

# Namespaces of docProps/core.xml.
_CORE = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}


@dataclasses.dataclass(frozen=True, slots=True)
class _Styles:
    headings: dict[str, int]
    """Paragraph style name -> heading level (1-9)."""
    title: frozenset[str]
    subtitle: frozenset[str]
    default_lang: str | None
    author: frozenset[str] = frozenset()
    """Styles of a paragraph naming one author (pandoc writes one "Author" paragraph each)."""
    date: frozenset[str] = frozenset()
    """Styles of the document's date line (pandoc's "Date")."""


def _open_package(data: bytes, path: str) -> zipfile.ZipFile:
    """The .docx zip, checked. :raises InputError: encrypted, corrupt, or not a Word file."""
    if data.startswith(OLE_MAGIC):
        raise InputError("is password-protected or an old binary Word file (.doc), not a "
                         ".docx package; save it unprotected as .docx", path=path)
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        names = set(package.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise InputError("is not a valid .docx file (corrupt or not a zip package)",
                         path=path) from None
    if "word/document.xml" not in names:
        if "EncryptedPackage" in names or "EncryptionInfo" in names:
            raise InputError("is password-protected; save it unprotected as .docx", path=path)
        raise InputError("is a zip file but not a Word document (no word/document.xml)",
                         path=path)
    if sum(info.file_size for info in package.infolist()) > MAX_UNCOMPRESSED_BYTES:
        raise InputError("unpacks to more than 200 MiB; refusing to read it", path=path)
    return package


def _xml(package: zipfile.ZipFile, name: str, path: str) -> Any | None:
    """A package part parsed safely (no entities, no network), or None when absent."""
    try:
        raw = package.read(name)
    except KeyError:
        return None
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        raise InputError(f"is corrupt: part {name} cannot be read", path=path) from None
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return lxml.etree.fromstring(raw, parser=parser)
    except lxml.etree.XMLSyntaxError:
        raise InputError(f"is corrupt: part {name} is not well-formed XML", path=path) from None


def _read_styles(package: zipfile.ZipFile, path: str) -> _Styles:
    root = _xml(package, "word/styles.xml", path)
    headings: dict[str, int] = {}
    title: set[str] = set()
    subtitle: set[str] = set()
    author: set[str] = set()
    date: set[str] = set()
    default_lang = None
    if root is None:
        return _Styles(headings={}, title=frozenset(), subtitle=frozenset(), default_lang=None)
    lang_el = root.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr/{_W}lang")
    if lang_el is not None:
        default_lang = lang_el.get(f"{_W}val")
    by_id: dict[str, Any] = {}
    for style in root.iter(f"{_W}style"):
        if style.get(f"{_W}type") == "paragraph" and style.get(f"{_W}styleId"):
            by_id[style.get(f"{_W}styleId")] = style

    def outline_level(style: Any, seen: int = 0) -> int | None:
        lvl = style.find(f"{_W}pPr/{_W}outlineLvl")
        if lvl is not None:
            try:
                return int(lvl.get(f"{_W}val"))
            except (TypeError, ValueError):
                return None
        based = style.find(f"{_W}basedOn")
        if based is not None and seen < 10:
            parent = by_id.get(based.get(f"{_W}val") or "")
            if parent is not None:
                return outline_level(parent, seen + 1)
        return None

    for style_id, style in by_id.items():
        name_el = style.find(f"{_W}name")
        name = (name_el.get(f"{_W}val") if name_el is not None else None) or style_id
        key = name.strip().casefold()
        if key in _TITLE_NAMES or style_id == "Title":
            title.add(name)
            continue
        if key in _SUBTITLE_NAMES or style_id == "Subtitle":
            subtitle.add(name)
            continue
        if key in _AUTHOR_NAMES:
            author.add(name)
            continue
        if key in _DATE_NAMES:
            date.add(name)
            continue
        match = _HEADING_NAME.match(name.strip()) or _HEADING_NAME.match(style_id)
        level = int(match.group(1)) if match else None
        if level is None:
            outline = outline_level(style)
            # Level 9 means "body text" in Word.
            level = outline + 1 if outline is not None and outline < 9 else None
        if level is not None:
            headings[name] = level
    return _Styles(headings=headings, title=frozenset(title), subtitle=frozenset(subtitle),
                   default_lang=default_lang, author=frozenset(author), date=frozenset(date))


def _quoted(name: str) -> str:
    return "'" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _style_map(styles: _Styles) -> str:
    lines = [f"p[style-name={_quoted(n)}] => p.lh-doc-title:fresh" for n in styles.title]
    lines += [f"p[style-name={_quoted(n)}] => p.lh-doc-subtitle:fresh" for n in styles.subtitle]
    lines += [f"p[style-name={_quoted(n)}] => p.lh-doc-author:fresh" for n in styles.author]
    lines += [f"p[style-name={_quoted(n)}] => p.lh-doc-date:fresh" for n in styles.date]
    for name, level in sorted(styles.headings.items()):
        target = f"h{level}:fresh" if level <= HEADING_LEVELS else "p.lh-minor-heading:fresh"
        lines.append(f"p[style-name={_quoted(name)}] => {target}")
    # Captions: Word's own "Caption" style, pandoc's "Captioned Figure" (the paragraph holding
    # the image), "Image Caption" and "Table Caption" (see _fold_captions).
    lines += ["p[style-name='Caption'] => p.lh-caption:fresh",
              "p[style-name='Captioned Figure'] => p.lh-figure:fresh",
              "p[style-name='Image Caption'] => p.lh-figure-caption:fresh",
              "p[style-name='Table Caption'] => p.lh-table-caption:fresh"]
    lines += ["p[style-name='Quote'] => blockquote > p:fresh",
              "p[style-name='Intense Quote'] => blockquote > p:fresh",
              "p[style-name='Quotations'] => blockquote > p:fresh",
              "r[style-name='Emphasis'] => em", "r[style-name='Strong'] => strong",
              "r[style-name='Strong Emphasis'] => strong"]
    return "\n".join(lines)


@dataclasses.dataclass
class _Images:
    """Embedded images met during conversion: placeholder src -> data: URI."""

    uris: dict[str, str] = dataclasses.field(default_factory=dict)
    warnings: list[str] = dataclasses.field(default_factory=list)

    def convert(self, image: Any) -> dict[str, str]:
        number = len(self.uris) + len(self.warnings) + 1
        content_type = (image.content_type or "").lower()
        alt = (image.alt_text or "").strip()
        suffix = IMAGE_TYPES.get(content_type)
        if suffix is None:
            self.warnings.append(f"image {number} ({content_type or 'unknown type'}) left out: "
                                 "only PNG, JPEG and GIF images are embedded")
            return {"src": "", "alt": alt}
        try:
            with image.open() as handle:
                data = handle.read(MAX_IMAGE_BYTES + 1)
        except (OSError, KeyError, zipfile.BadZipFile):
            self.warnings.append(f"image {number} left out: it is missing from the package")
            return {"src": "", "alt": alt}
        if len(data) > MAX_IMAGE_BYTES:
            self.warnings.append(f"image {number} left out: larger than 20 MiB")
            return {"src": "", "alt": alt}
        # A relative placeholder survives the sanitiser (which drops data: URLs everywhere).
        placeholder = f"docx-image-{number:03d}.{suffix}"
        self.uris[placeholder] = (f"data:{content_type};base64,"
                                  f"{base64.b64encode(data).decode('ascii')}")
        return {"src": placeholder, "alt": alt}


def _core_properties(package: zipfile.ZipFile, path: str) -> dict[str, Any]:
    import datetime as dt

    root = _xml(package, "docProps/core.xml", path)
    fields: dict[str, Any] = {}
    if root is None:
        return fields

    def text(tag: str) -> str | None:
        el = root.find(tag, _CORE)
        value = clean_text(_SPACES.sub(" ", el.text or "")).strip() if el is not None else ""
        return value or None

    if title := text("dc:title"):
        fields["title"] = title
    if creator := text("dc:creator"):
        fields["authors"] = tuple(a.strip() for a in re.split(r";|\band\b", creator)
                                  if a.strip())
    if created := text("dcterms:created"):
        with contextlib.suppress(ValueError):
            fields["date"] = dt.date.fromisoformat(created[:10])
    if language := text("dc:language"):
        fields["lang"] = language
    if keywords := text("cp:keywords"):
        fields["keywords"] = tuple(k.strip() for k in re.split(r"[,;]", keywords) if k.strip())
    if subject := text("dc:subject"):
        fields["subject"] = subject
    return fields


def _unknown_style_warnings(messages: Iterable[Any], path: str) -> list[str]:
    """One warning per style mammoth had no mapping for (ordinary text styles excepted)."""
    seen: dict[str, str] = {}
    for message in messages:
        match = _UNRECOGNISED.match(str(message.message))
        if match is None:
            continue
        kind, name, style_id = match.groups()
        name = name if name and name != "None" else style_id
        if name.casefold() in _ORDINARY_STYLES or style_id.casefold() in {
                s.replace(" ", "") for s in _ORDINARY_STYLES}:
            continue
        seen.setdefault(name, kind)
    return [f"{path}: Word {kind} style {name!r} is not recognised; its text reads as "
            "ordinary text" for name, kind in seen.items()]


# --------------------------------------------------------------------------- markup


def _text_of(el: Any) -> str:
    return clean_text(_SPACES.sub(" ", str(el.text_content()))).strip()


def _take_notes(root: Any) -> dict[str, str]:
    """Remove the footnote/endnote lists mammoth appends; returns note id -> inner markup."""
    notes: dict[str, str] = {}
    for li in list(root.iter("li")):
        match = re.fullmatch(r"(footnote|endnote)-(\d+)", li.get("id") or "")
        if match is None:
            continue
        for back in list(li.iter("a")):
            if re.fullmatch(r"#(footnote|endnote)-ref-\d+", back.get("href") or ""):
                back.drop_tree()
        note_id = f"{'fn' if match.group(1) == 'footnote' else 'en'}{match.group(2)}"
        notes[note_id] = "".join(lxml.html.tostring(child, encoding="unicode")
                                 for child in li) or (li.text or "")
        parent = li.getparent()
        li.drop_tree()
        if parent is not None and parent.tag in ("ol", "ul") and len(parent) == 0:
            parent.drop_tree()
    return notes


def _heading_like(el: Any) -> bool:
    """A paragraph set entirely in bold, short, not ending like a sentence."""
    if el.tag != "p" or el.get("class"):
        return False
    text = _text_of(el)
    if not text or len(text.split()) > _HEADING_LIKE_MAX_WORDS or text[-1] in ".,;!?":
        return False
    if (el.text or "").strip():
        return False
    children = list(el)
    if not children or any(c.tag not in ("strong", "b") for c in children):
        return False
    return all(not (c.tail or "").strip() for c in children)


def _infer_headings(root: Any, title: str, source: model.SourceInfo, lang: str | None) -> int:
    """Turn bold "looks like a heading" paragraphs into headings, as plain text would.

    The document's top-level blocks are written out as a plain-text article (title line, one
    line per paragraph, ``- `` per list item) and parsed by the plain-text reader; candidates
    it makes headings become ``<h2>``/``<h3>`` at its level. Returns how many were converted.
    """
    from . import text as text_reader

    candidates: dict[str, Any] = {}
    lines = [title]
    for el in root:
        if el.tag in ("ul", "ol"):
            lines.extend(f"- {_text_of(li)}" for li in el if li.tag == "li" and _text_of(li))
        elif el.tag in ("p", "blockquote"):
            line = _text_of(el)
            if line:
                lines.append(line)
                if _heading_like(el):
                    candidates.setdefault(line, el)
    if not candidates:
        return 0
    synthetic = model.SourceInfo(path=source.path, format="text")
    try:
        inferred = text_reader.parse("\n".join(lines) + "\n", synthetic, lang=lang or "en")
    except InputError:
        return 0
    converted = 0
    for section in iter_sections(inferred.sections):
        heading = _SPACES.sub(" ", plain_text(section.heading)).strip()
        el = candidates.pop(heading, None)
        if el is None:
            continue
        el.tag = f"h{min(section.level, HEADING_LEVELS)}"
        for child in list(el):  # the bold is the heading's own look, not emphasis
            child.drop_tag()
        converted += 1
    return converted


def _image_only(el: Any) -> bool:
    """A paragraph holding one image and no text (Word's picture paragraph)."""
    return el.tag == "p" and len(el.findall(".//img")) == 1 and not _text_of(el)


def _fold_captions(root: Any) -> None:
    """Caption paragraphs into what they caption, as the HTML reader reads them.

    A caption-style paragraph (``Caption``, pandoc's ``Image Caption``) right after a picture
    paragraph becomes its ``<figcaption>`` (a written "Figure 2:" is dropped there: figures are
    numbered again); pandoc's ``Table Caption`` right before or after a table without one its
    ``<caption>``. Anywhere else a caption paragraph stays text (Word's ``Caption`` next to a
    table is read by :func:`~lighthouse_docs.readers.captions.attach_captions`, like any
    "Table 1: ..." line).
    """
    for el in list(root):
        kind = el.get("class") if el.tag == "p" else None
        if kind in ("lh-caption", "lh-figure-caption"):
            picture = el.getprevious()
            if picture is None or not _image_only(picture):
                continue
            figure = lxml.html.Element("figure")
            picture.addprevious(figure)
            el.tag, el.tail, picture.tail = "figcaption", None, None
            el.attrib.pop("class")
            figure.extend([picture, el])
        elif kind == "lh-table-caption":
            for table in (el.getnext(), el.getprevious()):
                if table is not None and table.tag == "table" and table.find("caption") is None:
                    el.tag, el.tail = "caption", None
                    el.attrib.pop("class")
                    table.insert(0, el)
                    break


def _leading_h1(root: Any) -> Any | None:
    """The document's first block when it is its only Heading 1 (the bookmarks Word and
    pandoc put before a heading, empty ``<a id>``, do not count), else None."""
    first = next((el for el in root
                  if not (el.tag == "a" and len(el) == 0 and not _text_of(el))), None)
    if first is None or first.tag != "h1" or sum(el.tag == "h1" for el in root) != 1:
        return None
    return first


# --------------------------------------------------------------------------- model rewrite


def _rewrite_inlines(inlines: Iterable[model.Inline], images: dict[str, str]
                     ) -> tuple[model.Inline, ...]:
    out: list[model.Inline] = []
    for inline in inlines:
        if isinstance(inline, model.Link):
            match = _NOTE_REF.fullmatch(inline.href)
            if match is not None:
                kind = "fn" if match.group(1) == "footnote" else "en"
                out.append(model.FootnoteRef(id=f"{kind}{match.group(2)}"))
                continue
            out.append(dataclasses.replace(
                inline, children=_rewrite_inlines(inline.children, images)))
        elif isinstance(inline, Emphasis | Strong | model.Strikethrough):
            out.append(dataclasses.replace(
                inline, children=_rewrite_inlines(inline.children, images)))
        elif isinstance(inline, model.InlineImage):
            if inline.src in images:
                out.append(dataclasses.replace(inline, src=images[inline.src]))
            elif inline.alt:
                out.append(Text(text=inline.alt))
        else:
            out.append(inline)
    return tuple(out)


def _rewrite_block(block: Block, images: dict[str, str]) -> Block | None:
    def blocks(items: Iterable[Block]) -> tuple[Block, ...]:
        return tuple(b for item in items if (b := _rewrite_block(item, images)) is not None)

    if isinstance(block, Paragraph):
        inlines = _rewrite_inlines(block.inlines, images)
        return dataclasses.replace(block, inlines=inlines) if inlines else None
    if isinstance(block, model.BulletList | model.OrderedList):
        return dataclasses.replace(block, items=tuple(blocks(item) for item in block.items))
    if isinstance(block, model.BlockQuote):
        return dataclasses.replace(block, blocks=blocks(block.blocks))
    if isinstance(block, model.Table):
        def rows(items: tuple[model.TableRow, ...]) -> tuple[model.TableRow, ...]:
            return tuple(model.TableRow(cells=tuple(
                dataclasses.replace(c, inlines=_rewrite_inlines(c.inlines, images))
                for c in r.cells))
                for r in items)
        return dataclasses.replace(block, head=rows(block.head), body=rows(block.body),
                                   caption=_rewrite_inlines(block.caption, images))
    if isinstance(block, model.Image):
        if block.src not in images:
            return Paragraph(inlines=_rewrite_inlines([model.InlineImage(src=block.src,
                                                                         alt=block.alt)], images)
                             ) if block.alt else None
        return dataclasses.replace(block, src=images[block.src],
                                   caption=_rewrite_inlines(block.caption, images))
    return block


def _rewrite(flow: Iterable[FlowItem], images: dict[str, str]) -> list[FlowItem]:
    out: list[FlowItem] = []
    for item in flow:
        if isinstance(item, Heading):
            out.append(dataclasses.replace(item, inlines=_rewrite_inlines(item.inlines, images)))
        elif (block := _rewrite_block(item, images)) is not None:
            out.append(block)
    return out


# --------------------------------------------------------------------------- entry point


def parse_bytes(data: bytes, source: model.SourceInfo, *, lang: str | None = None) -> Document:
    """Parse the bytes of a ``.docx`` file into a :class:`Document`.

    Title: the Title-style paragraph, else the core title, else a lone Heading 1 (removed from
    the flow), else the file name. Language: ``lang``, else the document's (core property or
    default style), unless confident detection on the text disagrees, else detected.

    :raises InputError: password-protected, corrupt, or not a Word document; no text.
    """
    import mammoth

    from .html import choose_language, flow_from_markup

    path = source.path
    package = _open_package(data, path)
    styles = _read_styles(package, path)
    core = _core_properties(package, path)
    images = _Images()
    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data), style_map=_style_map(styles), include_embedded_style_map=False,
            external_file_access=False, ignore_empty_paragraphs=True,
            convert_image=mammoth.images.img_element(images.convert))
    except (KeyError, ValueError, LookupError, zipfile.BadZipFile, lxml.etree.LxmlError,
            AttributeError, TypeError, IndexError) as exc:
        raise InputError(f"is a damaged Word document mammoth cannot read "
                         f"({exc.__class__.__name__})", path=path) from None
    warnings = _unknown_style_warnings(result.messages, path)
    warnings += [f"{path}: {w}" for w in images.warnings]

    root = lxml.html.fragment_fromstring(result.value or "<p></p>", create_parent="div")
    notes = _take_notes(root)
    title_els = [el for el in root.iter("p") if el.get("class") == "lh-doc-title"]
    subtitle_els = [el for el in root.iter("p") if el.get("class") == "lh-doc-subtitle"]
    title = " ".join(_text_of(el) for el in title_els[:1]) or core.get("title")
    subtitle = " ".join(_text_of(el) for el in subtitle_els[:1]) or None
    for el in title_els[:1] + subtitle_els[:1]:
        el.drop_tree()
    # Author and Date paragraphs (what pandoc writes from `author:` and `date:`) are metadata,
    # not text: the names visible in the document win over the core "creator".
    authors = tuple(name for el in root.iter("p") if el.get("class") == "lh-doc-author"
                    if (name := _text_of(el)))
    date = core.get("date")
    for el in [el for el in root.iter("p") if el.get("class") in ("lh-doc-author",
                                                                    "lh-doc-date")]:
        if el.get("class") == "lh-doc-date":
            found = _common.written_date(_text_of(el))
            if found is None:
                warnings.append(f"{path}: the Date paragraph {_text_of(el)[:40]!r} is not a "
                                "date (such as 2026-03-02 or 2 March 2026); kept as text")
                continue
            date = found
        el.drop_tree()
    _fold_captions(root)
    for el in root.iter("p"):
        if el.get("class") == "lh-minor-heading":  # Heading 4+: a bold line, not a section
            el.attrib.pop("class")
            bold = lxml.html.Element("strong")
            bold.text, el.text = el.text, None
            for child in list(el):
                bold.append(child)
            el.append(bold)
        elif el.get("class"):
            el.attrib.pop("class")
    if title is None and (first := _leading_h1(root)) is not None:
        # As in Markdown, a Heading 1 opening the document is its title when nothing else
        # gives one (pandoc writes "# Title" so); its bookmarks go with it.
        title = _text_of(first)
        while (mark := first.getprevious()) is not None:
            mark.drop_tree()
        first.drop_tree()
    if title is None:
        title = _common.fallback_title(path)
    if (not any(el.tag in ("h1", "h2", "h3") for el in root.iter())
            and _infer_headings(root, title, source, lang)):
        warnings.append(f"{path}: no heading styles; headings inferred from bold lines")

    markup = lxml.html.tostring(root, encoding="unicode")
    flow = _rewrite(flow_from_markup(markup), images.uris)
    footnotes = tuple(
        Footnote(id=note_id, blocks=tuple(b for b in _rewrite(flow_from_markup(inner),
                                                              images.uris)
                                          if not isinstance(b, Heading)))
        for note_id, inner in notes.items())
    referenced = _referenced_notes(flow)
    footnotes = tuple(n for n in footnotes if n.blocks and n.id in referenced)
    if not any(not isinstance(item, Heading) for item in flow):
        raise InputError("has no text: nothing to build", path=path)
    doc_lang = lang or choose_language(core.get("lang") or styles.default_lang,
                                       language_sample(title, flow), path, warnings)
    lead, sections = sectionize(flow)
    metadata = model.Metadata(
        title=title, subtitle=subtitle, source=source, lang=doc_lang,
        authors=authors or core.get("authors", ()), date=date,
        keywords=core.get("keywords", ()), summary=core.get("subject"))
    return Document(meta=metadata, lead=lead, sections=sections, footnotes=footnotes,
                    warnings=tuple(warnings))


def _referenced_notes(flow: Iterable[FlowItem]) -> set[str]:
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, model.FootnoteRef):
            found.add(value.id)
        elif isinstance(value, tuple | list):
            for item in value:
                walk(item)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name))

    walk(list(flow))
    return found


def parse(text: str, source: model.SourceInfo, *, lang: str | None = None) -> Document:
    """Word documents are binary: they are read by :func:`parse_bytes`, never as text."""
    raise InputError("a .docx file is read from its bytes, not as text", path=source.path)

