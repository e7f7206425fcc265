"""The HTML reader: a saved web article -> main content -> sanitised tree -> :class:`Document`.

Steps: metadata from the raw page (``<title>``, ``<html lang>``, ``<meta>``, Open Graph,
``<link rel=canonical>``, ``<time datetime>``); the main content extracted by readability-lxml;
that content sanitised by nh3 with a closed allow-list (no scripts, styles, event handlers,
frames, forms, objects, embedded media, external stylesheets or ``style`` attributes, and only
``http``, ``https``, ``mailto`` and relative URLs); then the remaining elements mapped to the model.

Readability is tuned for long pages: on short ones it drops lists and tables or keeps almost
nothing. So when the sanitised body (narrowed to the page's one ``<article>`` or ``<main>``,
page chrome such as ``<nav>``, ``<aside>``, ``<footer>``, forms and bylines already removed)
has at most ``SHORT_PAGE_WORDS`` words, is nested deeper than ``READABILITY_MAX_DEPTH``
elements, or readability fails or keeps no words, that body is used instead.

Deep nesting never costs recursion: transparent containers (``<div>``, ``<section>``...) are
walked with an explicit stack, lists and quotes past ``MAX_CONTAINER_DEPTH`` are read as
transparent, and inline markup past ``MAX_INLINE_DEPTH`` keeps only its text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html as html_lib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import lxml.etree
import lxml.html
import nh3
from readability import Document as ReadabilityDocument
from readability.readability import Unparseable

from .. import model
from ..diagnostics import Diagnostic, diagnostic
from ..errors import InputError
from ..lang import declared_or_detected, describe_invalid, normalize_tag
from ..model import Block, FlowItem, Heading, Inline, Paragraph, Strong, TableRow, Text
from ..outline import plain_text, sectionize
from . import _common, html_markup
from ._common import (
    MAX_CONTAINER_DEPTH,
    MAX_INLINE_DEPTH,
    clean_text,
    detect_language,
    language_sample,
    trim_inlines,
)
from .captions import attach_captions, strip_figure_label
from .html_markup import EMBED_HREF, LINE_ATTRIBUTE, NOTE_HREF, line_of

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_INLINE_TAGS = frozenset(
    {"a", "em", "i", "strong", "b", "code", "kbd", "samp", "tt", "br", "s", "del", "strike",
     "sub", "sup", "span", "time", "abbr", "cite", "q", "mark", "u", "small", "img", "ins",
     "dfn", "var", "bdi", "bdo", "wbr", "data"}
)
_BLOCK_TAGS = frozenset(
    {"p", *_HEADINGS, "ul", "ol", "li", "blockquote", "pre", "table", "thead", "tbody", "tfoot",
     "tr", "th", "td", "caption", "hr", "div", "section", "article", "main", "header", "figure",
     "figcaption", "dl", "dt", "dd", "address", "details", "summary", "center", "hgroup"}
)
ALLOWED_TAGS: frozenset[str] = _INLINE_TAGS | _BLOCK_TAGS
# Blocks that map to a nested model container (or recurse like one); past
# MAX_CONTAINER_DEPTH they are read as transparent, like a <div>.
_NESTING_TAGS = frozenset({"ul", "ol", "blockquote", "figure", "dl"})
# Blocks with a mapping of their own; every other block element is a transparent container.
_MAPPED_TAGS = _NESTING_TAGS | {"p", *_HEADINGS, "pre", "hr", "table", "img"}
"""Every element that survives sanitising; anything else is unwrapped (text kept) or dropped."""

DROPPED_WITH_CONTENT: frozenset[str] = frozenset(
    {"script", "style", "template", "iframe", "frame", "frameset", "object", "embed", "applet",
     "noscript", "form", "button", "input", "select", "textarea", "svg", "math", "canvas",
     "audio", "video", "dialog", "nav", "aside", "footer", "head", "title", "link", "meta",
     "base"}
)
"""Active content and page chrome: removed together with everything inside them."""

_ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {LINE_ATTRIBUTE},
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "pre": {"class"},
    "code": {"class"},
    **{h: {"id"} for h in _HEADINGS},
}
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
"""Schemes a link or image may keep (plus relative URLs); ``javascript:`` and ``data:`` go."""

SHORT_PAGE_WORDS = 300
"""Pages with at most this many body words skip readability (see the module docstring)."""
READABILITY_MAX_DEPTH = 256
"""Deeper pages skip readability: its work grows with depth times size (it serialises every
``<div>`` subtree), and no real article nests this deep (libxml2's own default cap)."""
# HTML collapses ASCII whitespace only; a no-break space is content and stays.
_WS = re.compile(r"[ \t\n\f\r]+")
# lxml refuses str input that declares an encoding; the text is already decoded, so it can go.
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_CHROME_CLASS = re.compile(
    r"(?:^|[\s_-])(?:byline|dateline|breadcrumbs?|share|sharing|social|related|newsletter|"
    r"comments?|post-meta|entry-meta|meta)(?:$|[\s_-])", re.IGNORECASE)
_CODE_LANGUAGE = re.compile(r"(?:^|\s)(?:language|lang)-([\w+#.-]+)")


def sanitize(markup: str) -> str:
    """``markup`` reduced to the allow-listed elements, attributes and URL schemes."""
    return nh3.clean(
        markup,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        strip_comments=True,
        link_rel=None,
    )


def _parser() -> lxml.html.HTMLParser:
    """A fresh parser (its error log is per parse) without libxml2's default 256-level cap.

    ``huge_tree`` lifts the cap to libxml2's hard limit of 2048 levels; deeper pages lose
    their bottom, which :func:`parse` reports as a warning.
    """
    return lxml.html.HTMLParser(huge_tree=True)


def _fragment(markup: str) -> lxml.html.HtmlElement:
    """Sanitised markup as a tree under one ``<div>``."""
    root: lxml.html.HtmlElement = lxml.html.fragment_fromstring(
        markup or "<p></p>", create_parent="div", parser=_parser())
    return root


def _deeper_than(tree: Any, limit: int) -> bool:
    """Whether ``tree`` nests elements more than ``limit`` deep (one linear pass)."""
    depth = 0
    for event, _ in lxml.etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > limit:
            return True
    return False


def _too_deep(parser: lxml.html.HTMLParser) -> bool:
    return any("Excessive depth" in entry.message for entry in parser.error_log)


# --------------------------------------------------------------------------- metadata


def _plain(value: str) -> str:
    """Metadata text without markup: ``<title>`` is raw text, so an unclosed one swallows tags."""
    if "<" in value:
        value = html_lib.unescape(nh3.clean(value, tags=set(),
                                            clean_content_tags=set(DROPPED_WITH_CONTENT)))
    return clean_text(_WS.sub(" ", value)).strip()


def _text_of(el: Any) -> str:
    return _plain(str(el.text_content()))


def _meta_content(page: Any, *keys: str) -> str | None:
    """The first non-empty ``<meta name|property=key content>`` for the keys, in order."""
    for key in keys:
        for el in page.iter("meta"):
            name = (el.get("name") or el.get("property") or "").strip().lower()
            value = el.get("content")
            if name == key and value and _plain(value):
                return _plain(value)
    return None


def _meta_all(page: Any, key: str) -> list[str]:
    """Every non-empty ``<meta name|property=key>`` value (comma lists split), in order."""
    out: list[str] = []
    for el in page.iter("meta"):
        name = (el.get("name") or el.get("property") or "").strip().lower()
        value = _plain(el.get("content") or "")
        if name == key and value:
            out.extend(v.strip() for v in value.split(",") if v.strip())
    return list(dict.fromkeys(out))


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


_DATE_CLASS = re.compile(r"date|byline|dateline|published|posted|timestamp|meta",
                         re.IGNORECASE)
BYLINE_MAX_WORDS = 16
"""A byline or date line longer than this is text, not a byline."""


BYLINE_MAX_CHARS = 200
BYLINE_MAX_ELEMENTS = 40


def _short_text(el: Any, limit: int) -> str | None:
    """``el``'s text when it has at most ``limit`` characters, else None (read lazily: a
    page's wrapper with a date class costs no more than a byline)."""
    for count, _ in enumerate(el.iter()):
        if count > BYLINE_MAX_ELEMENTS:
            return None
    pieces: list[str] = []
    size = 0
    for piece in el.itertext():
        size += len(piece)
        if size > limit:
            return None
        pieces.append(str(piece))
    return _plain("".join(pieces))


def _byline_date(page: Any) -> dt.date | None:
    """A full written date (day, month and year) in a short byline or date element
    ("Published 14 November 2026", "By A. Writer, 3 March 2025"), else None. A bare year or a
    month in the text is no date."""
    for el in page.iter():
        if not isinstance(el.tag, str) or not _DATE_CLASS.search(
                f"{el.get('class') or ''} {el.get('id') or ''}"):
            continue
        text = _short_text(el, BYLINE_MAX_CHARS)
        if text is not None and 0 < len(text.split()) <= BYLINE_MAX_WORDS and (
                date := _common.full_date_in(text)) is not None:
            return date
    return None


def _page_metadata(page: Any) -> dict[str, Any]:
    """What the page says about itself, before any content is read."""
    fields: dict[str, Any] = {}
    title_el = next(iter(page.iter("title")), None)
    fields["html_title"] = _text_of(title_el) if title_el is not None else None
    fields["og_title"] = _meta_content(page, "og:title")
    lang = (page.get("lang") or page.get("xml:lang") or "").strip()
    if lang:
        fields["lang"] = lang
    authors = _meta_all(page, "author") or _meta_all(page, "citation_author")
    if not authors and (author := _meta_content(page, "article:author", "dc.creator")):
        authors = [author]
    if authors:
        fields["authors"] = tuple(authors)
    if summary := _meta_content(page, "description", "og:description"):
        fields["summary"] = summary
    if keywords := _meta_content(page, "keywords"):
        fields["keywords"] = tuple(k.strip() for k in keywords.split(",") if k.strip())
    if publisher := _meta_content(page, "og:site_name"):
        fields["publisher"] = publisher
    published = _meta_content(page, "article:published_time", "dcterms.created",
                              "citation_publication_date")
    date = _parse_date(published.replace("/", "-") if published else None)
    if date is None:
        date = next((d for t in page.iter("time") if (d := _parse_date(t.get("datetime")))),
                    None)
    if date is None:
        date = _byline_date(page)
    fields["date"] = date
    canonical = next((el.get("href") for el in page.iter("link")
                      if "canonical" in (el.get("rel") or "").lower().split()), None)
    for url in (canonical, _meta_content(page, "og:url")):
        if url and url.strip().lower().startswith(("http://", "https://")):
            fields["url"] = clean_text(url.strip())
            break
    return fields


# --------------------------------------------------------------------------- inlines


def _merge(inlines: Sequence[Inline]) -> tuple[Inline, ...]:
    """Collapse HTML whitespace and join neighbouring text runs."""
    out: list[Inline] = []
    for inline in inlines:
        if isinstance(inline, Text):
            text = _WS.sub(" ", inline.text)
            if out and isinstance(out[-1], Text):
                joined = out[-1].text + text
                out[-1] = Text(text=joined.replace("  ", " "))
            elif text:
                out.append(Text(text=text))
        else:
            out.append(inline)
    return tuple(out)


def _image(el: Any) -> model.InlineImage | None:
    src = (el.get("src") or "").strip()
    if not src:  # the sanitiser removed an unsafe URL, or there never was one
        return None
    title = el.get("title")
    alt = clean_text(_WS.sub(" ", el.get("alt") or "")).strip()
    return model.InlineImage(src=clean_text(src), alt=alt,
                             title=clean_text(title) if title else None)


def _text(value: str | None) -> list[Inline]:
    return [Text(text=clean_text(value))] if value else []


def _inline_children(el: Any, depth: int = 0) -> list[Inline]:
    """The inlines inside ``el``, which sits ``depth`` inline elements deep."""
    if depth >= MAX_INLINE_DEPTH:
        return _flat_inline_children(el)
    out = _text(el.text)
    for child in el:
        out.extend(_inline(child, depth + 1))
        out.extend(_text(child.tail))
    return out


def _flat_inline_children(el: Any) -> list[Inline]:
    """The inlines inside ``el`` without their formatting: words, breaks and images in order.

    Walks iteratively, so a thousand nested ``<span>``/``<b>`` cost no recursion and give the
    model no depth.
    """
    out = _text(el.text)
    for event, node in lxml.etree.iterwalk(el, events=("start", "end")):
        if node is el:
            continue
        tag = node.tag if isinstance(node.tag, str) else None
        if event == "start":
            if tag == "br":
                out.append(model.LineBreak())
            elif tag == "img" and (image := _image(node)) is not None:
                out.append(image)
            elif tag in _BLOCK_TAGS:
                out.append(Text(text=" "))
            if tag is not None:  # a comment's "text" is the comment itself
                out.extend(_text(node.text))
        else:
            if tag in _BLOCK_TAGS:
                out.append(Text(text=" "))
            out.extend(_text(node.tail))
    return out


def _inline(el: Any, depth: int = 0) -> list[Inline]:
    """One element in running text -> inlines (its tail is the caller's business)."""
    if not isinstance(el.tag, str):  # comments and processing instructions carry no text
        return []
    tag = el.tag
    if tag in ("em", "i", "cite", "dfn", "var"):
        return [model.Emphasis(children=_merge(_inline_children(el, depth)))]
    if tag in ("strong", "b"):
        return [Strong(children=_merge(_inline_children(el, depth)))]
    if tag in ("s", "del", "strike"):
        return [model.Strikethrough(children=_merge(_inline_children(el, depth)))]
    if tag in ("code", "kbd", "samp", "tt"):
        return [model.Code(text=clean_text(str(el.text_content())))]
    if tag == "br":
        return [model.LineBreak()]
    if tag == "img":
        image = _image(el)
        return [image] if image is not None else []
    if tag == "a":
        children = _merge(_inline_children(el, depth))
        href = (el.get("href") or "").strip()
        if href.startswith(NOTE_HREF):  # a note call html_markup.take_notes marked
            return [model.FootnoteRef(id=href[len(NOTE_HREF):])]
        if href.startswith(EMBED_HREF):  # where a frame or player stood (parse warns)
            return []
        if not href:  # a javascript: link arrives here without href: keep only its words
            return list(children)
        title = el.get("title")
        return [model.Link(children=children, href=clean_text(href),
                           title=clean_text(title) if title else None)]
    if tag in _BLOCK_TAGS:  # a block inside running text (a <p> in a table cell): keep words apart
        return [Text(text=" "), *_inline_children(el, depth), Text(text=" ")]
    return _inline_children(el, depth)


# --------------------------------------------------------------------------- blocks


def _paragraph(inlines: list[Inline], line: int | None = None) -> list[Block]:
    content = trim_inlines(_merge(inlines))
    if not content:
        return []
    if len(content) == 1 and isinstance(content[0], model.InlineImage):
        img = content[0]
        return [model.Image(src=img.src, alt=img.alt, title=img.title, line=line)]
    return [Paragraph(inlines=content, line=line)]


MAX_SPAN = 100
"""The widest ``colspan`` read (wider ones are cut to it: tables of more than 20 columns are
cut into parts anyway); a ``rowspan`` never reaches past its head or body."""


def _span(cell: Any, name: str) -> int:
    try:
        value = int((cell.get(name) or "1").strip())
    except ValueError:
        return 1
    return max(1, min(value, MAX_SPAN))


_RawCell = tuple[model.TableCell, model.Alignment, int]
"""A cell as written (its rowspan aside), its alignment and its rowspan."""


def _cells(row: Any) -> tuple[list[_RawCell], bool]:
    cells: list[_RawCell] = []
    all_th = True
    for cell in row:
        if cell.tag not in ("td", "th"):
            continue
        all_th = all_th and cell.tag == "th"
        value = (cell.get("align") or "").lower()
        align: model.Alignment = value if value in ("left", "center", "right") else None  # type: ignore[assignment]
        cells.append((model.TableCell(inlines=trim_inlines(_merge(_inline_children(cell))),
                                      colspan=_span(cell, "colspan")),
                      align, _span(cell, "rowspan")))
    return cells, all_th and bool(cells)


def _cover_carried(cells: list[model.TableCell], align: list[model.Alignment],
                   carried: dict[int, int], below: dict[int, int]) -> None:
    """Append a covered cell for each column from here on that a rowspan from above holds."""
    while carried.get(len(cells), 0) > 0:
        column = len(cells)
        if carried[column] > 1:
            below[column] = carried[column] - 1
        cells.append(model.TableCell(inlines=(), covered=True))
        align.append(None)


def _grid(rows: list[list[_RawCell]]) -> list[tuple[tuple[model.TableCell, ...],
                                                     tuple[model.Alignment, ...]]]:
    """One group of rows (a table's head or body) laid on the grid: every position another
    cell's ``colspan`` or ``rowspan`` covers gets a ``covered`` cell, so no cell moves into a
    column it does not stand in (``model.TableCell``)."""
    out: list[tuple[tuple[model.TableCell, ...], tuple[model.Alignment, ...]]] = []
    carried: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    for index, raw in enumerate(rows):
        left = len(rows) - index  # rows of the group from this one on
        cells: list[model.TableCell] = []
        align: list[model.Alignment] = []
        below: dict[int, int] = {}
        for cell, cell_align, rowspan in raw:
            _cover_carried(cells, align, carried, below)
            rowspan = min(rowspan, left)
            column = len(cells)
            cells.append(replace(cell, rowspan=rowspan))
            align.append(cell_align)
            for k in range(cell.colspan):
                if k:
                    cells.append(model.TableCell(inlines=(), covered=True))
                    align.append(None)
                if rowspan > 1:
                    below[column + k] = rowspan - 1
        while any(column >= len(cells) and n > 0 for column, n in carried.items()):
            if carried.get(len(cells), 0) > 0:
                _cover_carried(cells, align, carried, below)
            else:  # a row too short to reach a span from above: an empty cell before it
                cells.append(model.TableCell(inlines=()))
                align.append(None)
        carried = below
        out.append((tuple(cells), tuple(align)))
    return out


def _table(el: Any) -> model.Table:
    align: tuple[model.Alignment, ...] = ()
    caption: tuple[Inline, ...] = ()

    def rows() -> Iterator[tuple[Any, bool]]:
        for child in el:
            if child.tag == "tr":
                yield child, False
            elif child.tag in ("thead", "tbody", "tfoot"):
                for row in child:
                    if row.tag == "tr":
                        yield row, child.tag == "thead"

    for child in el:
        if child.tag == "caption":
            caption = trim_inlines(_merge(_inline_children(child)))
    head_rows: list[list[_RawCell]] = []
    body_rows: list[list[_RawCell]] = []
    for row, in_thead in rows():
        cells, all_th = _cells(row)
        if not cells:
            continue
        if in_thead or (all_th and not body_rows):
            head_rows.append(cells)
        else:
            body_rows.append(cells)
    head = _grid(head_rows)
    body = _grid(body_rows)
    for _, row_align in (*head, *body):
        if len(row_align) > len(align):
            align = row_align
    return model.Table(head=tuple(TableRow(cells=cells) for cells, _ in head),
                       body=tuple(TableRow(cells=cells) for cells, _ in body),
                       align=align, caption=caption)


def _list_items(el: Any, depth: int) -> tuple[tuple[Block, ...], ...]:
    """The items of a list whose blocks sit ``depth`` containers deep."""
    items: list[tuple[Block, ...]] = []
    for child in el:
        if child.tag == "li":
            items.append(_contained(child, depth))
        elif child.tag in ("ul", "ol") and items:  # a sub-list misplaced outside its <li>
            items[-1] = (*items[-1], *_contained_list(child, depth))
    return tuple(items)


def _contained_list(el: Any, depth: int) -> list[Block]:
    return [b for b in _block(el, depth) if not isinstance(b, Heading)]


def _contained(el: Any, depth: int) -> tuple[Block, ...]:
    """Blocks inside a container; headings there are not sections, so they read as bold text."""
    out: list[Block] = []
    for item in _flow(el, depth):
        if isinstance(item, Heading):
            out.append(Paragraph(inlines=(Strong(children=item.inlines),)))
        else:
            out.append(item)
    return tuple(out)


def _start(el: Any) -> int:
    try:
        return int(el.get("start") or 1)
    except ValueError:
        return 1


def _block(el: Any, depth: int = 0) -> list[FlowItem]:
    """One block-level element, inside ``depth`` model containers -> flow items."""
    tag = el.tag
    if tag not in _MAPPED_TAGS or (tag in _NESTING_TAGS and depth >= MAX_CONTAINER_DEPTH):
        return _flow(el, depth)  # div, section, li outside a list, a too-deep list...
    line = line_of(el)
    if tag in _HEADINGS:
        inlines = trim_inlines(_merge(_inline_children(el)))
        if not plain_text(inlines).strip():  # an empty heading would be an untitled section
            return []
        explicit = (el.get("id") or "").strip() or None
        return [Heading(level=int(tag[1]), inlines=inlines, id=explicit, line=line)]
    if tag == "p":
        return list(_paragraph(_inline_children(el), line))
    if tag == "ul":
        items = _list_items(el, depth + 1)
        return [model.BulletList(items=items, line=line)] if items else []
    if tag == "ol":
        items = _list_items(el, depth + 1)
        return [model.OrderedList(items=items, start=_start(el), line=line)] if items else []
    if tag == "blockquote":
        blocks = _contained(el, depth + 1)
        return [model.BlockQuote(blocks=blocks, line=line)] if blocks else []
    if tag == "pre":
        classes = " ".join(filter(None, [el.get("class"),
                                         *(c.get("class") for c in el.iter("code"))]))
        match = _CODE_LANGUAGE.search(classes)
        text = clean_text(str(el.text_content())).strip("\n")
        language = match.group(1) if match else None
        return [model.CodeBlock(text=text, language=language, line=line)] if text else []
    if tag == "hr":
        return [model.ThematicBreak(line=line)]
    if tag == "table":
        table = replace(_table(el), line=line)
        return [table] if table.head or table.body else []
    if tag == "img":
        return list(_paragraph(_inline(el), line))
    if tag == "figure":
        return _figure(el, depth + 1)
    if tag == "dl":
        out: list[FlowItem] = []
        for child in el:
            if child.tag == "dt":
                term = trim_inlines(_merge(_inline_children(child)))
                if term:
                    out.append(Paragraph(inlines=(Strong(children=term),)))
            elif child.tag == "dd":
                out.extend(_contained(child, depth + 1))
        return out
    return []  # unreachable: every tag in _MAPPED_TAGS is handled above


def _figure(el: Any, depth: int) -> list[FlowItem]:
    images = [img for img in el.iter("img") if _image(img) is not None]
    caption_el = next(iter(el.iter("figcaption")), None)
    caption = strip_figure_label(trim_inlines(_merge(_inline_children(caption_el)))) \
        if caption_el is not None else ()
    if len(images) == 1:
        image = _image(images[0])
        assert image is not None
        return [model.Image(src=image.src, alt=image.alt, title=image.title, caption=caption,
                            line=line_of(el) or line_of(images[0]))]
    flow = [item for child in el if child.tag != "figcaption"
            for item in _block_or_inline(child, depth)]
    return [*flow, *_paragraph(list(caption))]


def _block_or_inline(el: Any, depth: int) -> list[FlowItem]:
    if isinstance(el.tag, str) and el.tag in _BLOCK_TAGS:
        return _block(el, depth)
    return list(_paragraph(_inline(el)))


def _transparent(tag: str, depth: int) -> bool:
    return tag in _BLOCK_TAGS and (
        tag not in _MAPPED_TAGS or (tag in _NESTING_TAGS and depth >= MAX_CONTAINER_DEPTH))


def _flow(el: Any, depth: int = 0) -> list[FlowItem]:
    """The children of a container: blocks as blocks, loose inline runs as paragraphs.

    Transparent containers (``<div>``, ``<section>``, lists past the depth limit...) are
    walked with an explicit stack, not recursion: a thousand nested ``<div>``s cost nothing.
    Each one still ends the inline run before and after it, as a block does.
    """
    out: list[FlowItem] = []
    pending: list[Inline] = _text(el.text)
    line = None  # of the first element in a loose inline run (an <img> between blocks)
    stack: list[tuple[Any, Iterator[Any]]] = [(el, iter(el))]
    while stack:
        container, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if stack:  # a nested transparent container ends; its tail runs on outside it
                out.extend(_paragraph(pending, line))
                pending, line = _text(container.tail), None
            continue
        tag = child.tag if isinstance(child.tag, str) else ""
        if _transparent(tag, depth):
            out.extend(_paragraph(pending, line))
            pending, line = _text(child.text), None
            stack.append((child, iter(child)))
            continue
        if tag in _BLOCK_TAGS:
            out.extend(_paragraph(pending, line))
            pending, line = [], None
            out.extend(_block(child, depth))
        else:
            if line is None and tag:
                line = line_of(child)
            pending.extend(_inline(child))
        pending.extend(_text(child.tail))
    out.extend(_paragraph(pending, line))
    return out


# --------------------------------------------------------------------------- extraction


def flow_from_markup(markup: str) -> list[FlowItem]:
    """Untrusted HTML markup (a fragment), sanitised and mapped to a flat flow.

    The Word reader's way into this reader: no extraction, no title or metadata logic.

    :raises InputError: the markup cannot be read (too deep, unparseable).
    """
    try:
        return attach_captions(_flow(_fragment(sanitize(markup))))
    except (lxml.etree.LxmlError, ValueError):
        raise InputError("content could not be read") from None
    except RecursionError:
        raise InputError("content is nested too deeply to read") from None


def _words(markup: str) -> int:
    return len(_fragment(markup).text_content().split())


Extractor = Literal["trafilatura", "readability"]
EXTRACTOR: Extractor = "trafilatura"
"""The main-content extractor builds use; ``bench/extraction.py`` measured both (see the
README's evaluation section)."""


def _main_content(raw: str, body_markup: str, extractor: Extractor = EXTRACTOR) -> str:
    """Sanitised markup of the article's main content (the extractor's, else the whole body)."""
    if extractor == "readability" and _words(body_markup) <= SHORT_PAGE_WORDS:
        return body_markup
    try:
        # Given a string, readability would parse it with libxml2's 256-level cap.
        page = lxml.html.document_fromstring(raw, parser=_parser())
        if _deeper_than(page, READABILITY_MAX_DEPTH):
            return body_markup
        if extractor == "trafilatura":
            return _trafilatura_projection(page, body_markup)
        summary = sanitize(ReadabilityDocument(page).summary(html_partial=True))
    except (Unparseable, ValueError, TypeError, lxml.etree.LxmlError):
        return body_markup
    return summary if _words(summary) else body_markup


_UNIT_TAGS = frozenset({"p", *_HEADINGS, "li", "pre", "table", "figure", "dt", "dd",
                        "blockquote", "img"})
_NON_WORD = re.compile(r"\W+", re.UNICODE)


def _key(text: str) -> str:
    """Text reduced to its letters and digits: trafilatura breaks lines at inline markup and
    ``text_content`` joins across ``<br>``, so only the characters themselves compare."""
    return _NON_WORD.sub("", text).casefold()


def _trafilatura_projection(page: Any, body_markup: str) -> str:
    """The body's own markup, kept where trafilatura found article text.

    trafilatura decides *which* text is the article, but its own HTML flattens structure
    (it drops headings after long paragraphs, figures and nested lists, and dedupes repeated
    paragraphs). So its plain text is only used as a verdict on the blocks of the sanitised
    body (paragraphs, list items, headings, tables, figures...): a block stays when its text
    is part of trafilatura's text. Between the first and the last kept block, unkept
    paragraphs and list items go (inline ads, promotions, read-also boxes) while headings,
    figures, tables and code stay; before the first and after the last, everything goes but
    the ``<h1>`` (comments, related lists, author boxes).

    On a short body (at most ``SHORT_PAGE_WORDS`` words) trafilatura's verdict is less sure:
    only unkept paragraphs, list items and headings outside the kept span go.
    """
    import trafilatura

    verdict = trafilatura.extract(
        page, output_format="txt", include_tables=True, include_images=False,
        include_links=False, include_formatting=False, include_comments=False,
        deduplicate=False, favor_recall=True)
    if not verdict:
        return body_markup
    kept_text = _key(str(verdict))
    root = _fragment(body_markup)
    thorough = _words(body_markup) > SHORT_PAGE_WORDS
    units = [el for el in root.iter()
             if isinstance(el.tag, str) and el.tag in _UNIT_TAGS
             and not any(isinstance(a.tag, str) and a.tag in _UNIT_TAGS
                         for a in el.iterancestors())]
    keys = [_key(str(el.text_content())) for el in units]
    kept = [bool(k) and el.tag not in _HEADINGS and k in kept_text
            for el, k in zip(units, keys, strict=True)]
    indexes = [i for i, k in enumerate(kept) if k]
    if not indexes:
        # No block of the body is article text by trafilatura's verdict (an article of text
        # runs between <br>s): the whole body, rather than lose words of the article.
        return body_markup
    first, last = indexes[0], indexes[-1]
    prose = ("p", "li", "dt", "dd")
    dropped = [False] * len(units)
    for i, el in enumerate(units):
        if kept[i] or el.tag in _HEADINGS:
            continue
        inside = first <= i <= last
        dropped[i] = (el.tag in prose and bool(keys[i])) if inside else (
            thorough or (el.tag in prose and bool(keys[i])))
    for i, el in enumerate(units):
        if el.tag in _HEADINGS and el.tag != "h1" and not first <= i <= last:
            # A heading outside the span goes with what it introduces ("3 Comments").
            following = []
            for j in range(i + 1, len(units)):
                if units[j].tag in _HEADINGS:
                    if int(units[j].tag[1]) <= int(el.tag[1]):
                        break
                    continue
                following.append(j)
            dropped[i] = (thorough and not following) or (
                bool(following) and all(dropped[j] for j in following))
    # A dropped block takes along the largest container around it that holds nothing kept:
    # a comment's author line and "Reply" link, an ad's label, a related list's heading.
    is_dropped = dict(zip(units, dropped, strict=True))
    doomed: list[Any] = []
    for el, drop in zip(units, dropped, strict=True):
        if not drop:
            continue
        top = el
        for anc in el.iterancestors():
            if anc is root or anc.tag in ("article", "main"):
                break
            contained = [u for u in anc.iter() if u in is_dropped]
            if not all(is_dropped[u] for u in contained) or any(
                    isinstance(h.tag, str) and h.tag == "h1" for h in anc.iter()):
                break
            top = anc
        doomed.append(top)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
    for el in list(root.iter("ul", "ol", "dl")):
        if not any(isinstance(c.tag, str) for c in el) and el.getparent() is not None:
            el.drop_tree()
    _trim_outside(root, units[first], units[last], only_links=not thorough)
    return str(lxml.html.tostring(root, encoding="unicode"))


def _trim_outside(root: Any, first: Any, last: Any, *, only_links: bool) -> None:
    """Drop loose text and containers lying wholly before ``first`` or after ``last``.

    :param only_links: drop only containers made of links or of nothing ("Download PDF",
        tag lists), keeping loose text (a short page's verdict is less sure).
    """
    for edge, sibling, text_of in ((first, "getprevious", "text"), (last, "getnext", "tail")):
        node = edge
        while node is not None and node is not root:
            neighbour = getattr(node, sibling)()
            while neighbour is not None:
                following = getattr(neighbour, sibling)()
                keep = any(isinstance(h.tag, str) and h.tag == "h1" for h in neighbour.iter())
                if only_links:  # figures, tables and code are the page's own
                    keep = keep or next(neighbour.iter("img", "table", "pre"), None) is not None
                if not keep and (not only_links or _link_made(neighbour)
                                 or not _key(str(neighbour.text_content()))):
                    neighbour.drop_tree()
                neighbour = following
            parent = node.getparent()
            if not only_links:
                if text_of == "text" and parent is not None and node.getprevious() is None:
                    parent.text = None
                if text_of == "tail":
                    node.tail = None
            node = parent


def _trafilatura_metadata(page: Any) -> dict[str, Any]:
    """Authors, publication date (htmldate) and site name as trafilatura finds them."""
    import trafilatura

    fields: dict[str, Any] = {}
    try:
        # Not htmldate's extensive search: it reads a bare year in the text ("since 2022") as
        # 1 January of it, and a brief would be dated by it (trial 6). What remains are real
        # dates: meta tags, JSON-LD, <time>, date classes and the URL.
        found = trafilatura.extract_metadata(page, extensive=False)
    except (ValueError, TypeError, lxml.etree.LxmlError):
        return fields
    if found is None:
        return fields
    if found.author:
        fields["authors"] = tuple(
            clean_text(a).strip() for a in re.split(r";|\s+(?:and|dan|&)\s+", found.author)
            if clean_text(a).strip())
    if found.date:
        fields["date"] = _parse_date(found.date)
    # A bare host name ("example.org", "127.0.0.1:8000") is trafilatura's guess from the URL,
    # not the site's name.
    if found.sitename and not re.fullmatch(r"[\w.-]+(?::\d+)?", found.sitename.strip()):
        fields["publisher"] = _plain(found.sitename)
    return {k: v for k, v in fields.items() if v}


_INSERT_TOKENS = frozenset(
    {"ad", "ads", "adv", "advert", "adverts", "advertisement", "advertorial", "adslot",
     "adsbygoogle", "adunit", "dfp", "iklan", "sponsor", "sponsored", "promo", "promoted",
     "outbrain", "taboola", "paywall", "donate", "cta", "cookie", "cookies", "consent", "cmp",
     "gdpr", "linksisip", "lihatjg", "bacajuga", "readalso", "readmore", "alsoread"})
"""Class/id tokens of inline ads, promotions, consent banners and read-also boxes."""
_INSERT_PAIRS = frozenset({("baca", "juga"), ("baca", "pula"), ("lihat", "juga"),
                           ("simak", "juga"), ("read", "also"), ("also", "read"),
                           ("read", "more"), ("see", "also"), ("more", "stories")})
_INSERT_TEXT = re.compile(
    r"^\W*(?:baca\s+(?:juga|pula)|lihat\s+juga|simak\s+(?:juga|breaking\s+news|video|"
    r"berita)|read\s+(?:also|more)\b|also\s+read|see\s+also|related\s*:|advertisement\b|"
    r"iklan\b|sponsored\b|promoted\b|scroll\s+to\s+continue|donate\s+now|"
    r"sign\s+up\s+for\s+our|subscribe\s+(?:now|to\s+our))", re.IGNORECASE)
_AD_LABEL = re.compile(r"^\W*(?:advertisement|iklan|sponsored(?:\s+content)?|promoted|ad)"
                       r"(?:\s+scroll\s+to\s+continue(?:\s+with\s+content)?)?\W*$",
                       re.IGNORECASE)
INSERT_MAX_WORDS = 40
INSERT_MAX_ELEMENTS = 500
"""...and holds at most this many elements (a box of a few words in thousands of nested
elements is no read-also box, and reading each of them would cost the square of the nesting)."""
"""A block whose text starts like a read-also box or an ad is dropped only when this short."""
_INSERT_BLOCKS = frozenset({"p", "div", "aside", "section", "table", "blockquote", "ul", "ol",
                            "li", "figure", "span", "strong", "b", "center", "dl"})
_WORDS = re.compile(r"\w+", re.UNICODE)


def _class_tokens(el: Any) -> set[str]:
    value = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return {t for t in re.split(r"[\s_-]+", value) if t}


def _is_insert_by_class(tokens: set[str]) -> bool:
    if tokens & _INSERT_TOKENS:
        return True
    ordered = sorted(tokens)
    return any((a, b) in _INSERT_PAIRS for a in ordered for b in ordered if a != b)


@dataclass(frozen=True, slots=True)
class _Words:
    """How many ``\\w+`` words a run of text holds, and whether it starts and ends inside a
    word: enough to count the words of two runs joined (a word across the seam is one)."""

    words: int = 0
    starts: bool = False
    ends: bool = False
    empty: bool = True
    elements: int = 0
    """Elements under the run's element, itself included (0 for a bare run of text)."""

    @staticmethod
    def of(text: str | None) -> _Words:
        if not text:
            return _Words()
        return _Words(words=len(_WORDS.findall(text)), starts=bool(_WORDS.match(text[0])),
                      ends=bool(_WORDS.match(text[-1])), empty=False)

    def __add__(self, other: _Words) -> _Words:
        if self.empty:
            return replace(other, elements=self.elements + other.elements)
        if other.empty:
            return replace(self, elements=self.elements + other.elements)
        return _Words(words=self.words + other.words - (self.ends and other.starts),
                      starts=self.starts, ends=other.ends, empty=False,
                      elements=self.elements + other.elements)


def _word_counts(root: Any) -> dict[Any, _Words]:
    """The words of every element's ``text_content()`` under ``root``, counted in one pass
    (counting each element's own ``text_content()`` costs its size, so a deeply nested page
    cost the square of its size)."""
    counts: dict[Any, _Words] = {}
    for _, el in lxml.etree.iterwalk(root, events=("end",)):
        # A comment's or processing instruction's own text is not text content; tails are.
        total = _Words.of(el.text) if isinstance(el.tag, str) else _Words()
        for child in el:  # (iterwalk passes over comments: one node, no text content)
            total = total + counts.get(child, _Words(elements=1)) + _Words.of(child.tail)
        counts[el] = replace(total, elements=total.elements + 1)
    return counts


def _drop_inserts(page: Any) -> int:
    """Remove inline ads, promotions, consent banners and "Baca juga"/"Read also" boxes.

    Readability and trafilatura both keep such blocks when they sit inside the article body
    (they are short and look like text); in a brief they read as part of the article. A block
    goes when its class or id names it (``ad-slot``, ``baca-juga``, ``cookie-consent``...)
    or when its text starts like one ("Baca juga:", "Read also:", "Advertisement") and it is
    short; an "Advertisement" label takes the short, link-made block after it along.
    Never a block holding much of the page's text. Returns how many blocks went.
    """
    body = next(iter(page.iter("body")), page)
    counts = _word_counts(body)
    total = max(counts[body].words, 1)
    doomed: list[Any] = []
    gone: set[Any] = set()
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "article", "main"):
            continue
        if any(a in gone for a in el.iterancestors()):
            continue
        words = counts[el].words
        if words > total // 3 and words > INSERT_MAX_WORDS:
            continue  # a wrapper of the article itself, whatever its class says
        if _is_insert_by_class(_class_tokens(el)):
            doomed.append(el)
            gone.add(el)
            continue
        if el.tag not in _INSERT_BLOCKS or words > INSERT_MAX_WORDS \
                or counts[el].elements > INSERT_MAX_ELEMENTS:
            continue
        text = " ".join(str(el.text_content()).split())
        # Inline shapes count only as a whole "Baca juga: <a>...</a>" in running text.
        inline_box = el.tag not in ("span", "strong", "b") or (
            next(el.iter("a"), None) is not None and not (el.tail or "").strip()
            and not _AD_LABEL.match(text))
        if _INSERT_TEXT.match(text) and inline_box:
            doomed.append(el)
            gone.add(el)
            if _AD_LABEL.match(text):
                follower = el.getnext()
                if follower is not None and _link_made(follower):
                    doomed.append(follower)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
    return len(doomed)


def _link_made(el: Any) -> bool:
    """A short block whose text is mostly link text (an ad's headline and its click link)."""
    if not isinstance(el.tag, str):
        return False
    words = len(_WORDS.findall(str(el.text_content())))
    linked = sum(len(_WORDS.findall(str(a.text_content()))) for a in el.iter("a"))
    return 0 < words <= INSERT_MAX_WORDS and linked * 2 >= words


ARTICLE_PROSE_WORDS = 40
"""This many words of sentences make a page an article whatever else it holds."""
NO_ARTICLE_WORDS = 20
"""Fewer words of links, table cells and short lines than this are too few to judge a page by
(a page of links alone is still no article)."""
_SENTENCE_WORDS = 4
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*\s*$")
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


def _inline_words(inlines: Sequence[Inline]) -> tuple[list[str], int]:
    """The words of ``inlines`` outside links, and how many words the links hold."""
    words: list[str] = []
    linked = 0
    for inline in inlines:
        if isinstance(inline, Text | model.Code):
            words += _WORDS.findall(inline.text)
        elif isinstance(inline, model.Emphasis | Strong | model.Strikethrough):
            inner, inner_linked = _inline_words(inline.children)
            words += inner
            linked += inner_linked
        elif isinstance(inline, model.Link):
            linked += len(_WORDS.findall(plain_text(inline.children)))
    return words, linked


def _page_words(flow: Sequence[FlowItem]) -> tuple[int, int, int, int]:
    """``(prose, links, cells, lines)``: how many words of a page's flow are of each kind.

    Prose is the words of sentences: a paragraph (or list item) of at least
    ``_SENTENCE_WORDS`` words outside its links, mostly words rather than figures, that ends
    like a sentence. Links and table cells are what a shop, an index or a form is made of;
    lines are the words of short lines that are not sentences ("Subtotal: $229.50", "Sepatu
    Lari Pria"). Headings, images and code count for nothing.
    """
    prose = links = cells = lines = 0
    for item in flow:
        if isinstance(item, Paragraph):
            words, linked = _inline_words(item.inlines)
            links += linked
            lettered = sum(1 for w in words if _LETTERS.search(w))
            if (len(words) >= _SENTENCE_WORDS and lettered * 3 >= len(words) * 2
                    and _SENTENCE_END.search(plain_text(item.inlines))):
                prose += len(words)
            else:
                lines += len(words)
            continue
        if isinstance(item, model.Table):
            for row in (*item.head, *item.body):
                for cell in row.cells:
                    words, linked = _inline_words(cell.inlines)
                    cells += len(words) + linked
            continue
        if isinstance(item, model.BlockQuote):
            inner = list(item.blocks)
        elif isinstance(item, model.BulletList | model.OrderedList):
            inner = [b for blocks in item.items for b in blocks]
        else:
            continue
        counts = _page_words(inner)
        prose, links, cells, lines = (prose + counts[0], links + counts[1],
                                      cells + counts[2], lines + counts[3])
    return prose, links, cells, lines


def _holds_article(flow: Sequence[FlowItem]) -> bool:
    """Whether a page's flow reads as an article rather than a shop, cart, form or index.

    An article is running prose: ``ARTICLE_PROSE_WORDS`` words of sentences, or fewer when
    they outweigh the page's links, table cells and short lines together (a cart has a
    sentence about free returns under its table of prices). A page with no link and no table
    is all its author's own text and is read whatever its shape; one whose links outnumber
    all its other words is a menu or an index; one with fewer than ``NO_ARTICLE_WORDS`` words
    of links, cells and lines is too small to judge and is read.
    """
    prose, links, cells, lines = _page_words(flow)
    if prose >= ARTICLE_PROSE_WORDS or links + cells == 0:
        return True
    if links > prose + cells + lines:
        return False
    return links + cells + lines < NO_ARTICLE_WORDS or prose >= links + cells + lines


def _drop_chrome(page: Any) -> None:
    """Remove bylines, share bars, comment threads and the like from a freshly parsed page.

    Readability only scores these down; in a printed brief a byline as the first paragraph of
    the lead reads badly, and its facts are already in the metadata.
    """
    # Classes only: ids name real content too (pandoc gives a "Comments" section id="comments").
    doomed = [el for el in page.iter()
              if isinstance(el.tag, str) and el.tag not in ("html", "body", *_HEADINGS)
              and _CHROME_CLASS.search(el.get("class") or "")]
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            el.drop_tree()


def _body_markup(page: Any, raw: str) -> str:
    """The sanitised page body, narrowed to its one ``<article>`` or ``<main>`` if it has one."""
    root = next(iter(page.iter("body")), None)
    for tag in ("article", "main"):
        found = list(page.iter(tag))
        if len(found) == 1:
            root = found[0]
            break
    source = lxml.html.tostring(root, encoding="unicode") if root is not None else raw
    return sanitize(source)


def _restore_heading_ids(flow: list[FlowItem], page_flow: list[FlowItem]) -> list[FlowItem]:
    """Give extracted headings back the ids readability was not allowed to see."""
    ids: dict[tuple[int, str], str] = {}
    for item in page_flow:
        if isinstance(item, Heading) and item.id:
            ids.setdefault((item.level, _heading_text(item)), item.id)
    return [replace(item, id=ids.get((item.level, _heading_text(item))))
            if isinstance(item, Heading) and item.id is None else item for item in flow]


def _heading_text(heading: Heading) -> str:
    return " ".join(plain_text(heading.inlines).split())


def _without_heading(flow: list[FlowItem], text: str) -> list[FlowItem]:
    """``flow`` minus its first level-1 heading that reads ``text``."""
    for i, item in enumerate(flow):
        if isinstance(item, Heading) and item.level == 1 and _heading_text(item) == text:
            return flow[:i] + flow[i + 1:]
    return flow


_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " · ", " :: ")


def _same(heading: str, title: str | None) -> bool:
    """Whether a page title names ``heading``: equal, or ``heading`` followed by "| Site"."""
    if not title:
        return False
    h, t = heading.casefold(), " ".join(title.split()).casefold()
    return t == h or any(t.startswith(h + sep) for sep in _TITLE_SEPARATORS)


def _title(flow: list[FlowItem], page_flow: list[FlowItem], meta: dict[str, Any],
           path: str) -> tuple[str, list[FlowItem]]:
    """The document title, and the flow with the heading that gave it removed."""
    html_title, og_title = meta.get("html_title"), meta.get("og_title")
    # A page <h1> that the page's own title confirms wins over the content's first <h1>: a
    # document page holds several <h1>s, and the confirmed one is the document's name.
    for item in page_flow:
        if isinstance(item, Heading) and item.level == 1:
            text = _heading_text(item)
            if text and (_same(text, html_title) or _same(text, og_title)):
                # Readability may have left it out of the content; then there is nothing to drop.
                return text, _without_heading(flow, text)
    for i, item in enumerate(flow):
        if isinstance(item, Heading) and item.level == 1:
            return _heading_text(item), flow[:i] + flow[i + 1:]
    title = og_title or (_strip_site_name(html_title, meta.get("publisher"), page_flow)
                         if html_title else None)
    if title:
        # The article's title may sit in a lower heading (an <h2> under a logo <h1>).
        for i, item in enumerate(flow):
            if isinstance(item, Heading):
                if _heading_text(item).casefold() == title.casefold():
                    return title, flow[:i] + flow[i + 1:]
                break
        return title, flow
    return _common.fallback_title(path), flow


def _strip_site_name(html_title: str, site: str | None, page_flow: list[FlowItem]) -> str:
    """``<title>`` without a trailing "| Site" when the site name or a page heading confirms it."""
    headings = {" ".join(plain_text(item.inlines).split()).casefold()
                for item in page_flow if isinstance(item, Heading)}
    for sep in _TITLE_SEPARATORS:
        head, _, tail = html_title.rpartition(sep)
        head, tail = head.strip(), tail.strip()
        if head and ((site and tail.casefold() == site.casefold())
                     or head.casefold() in headings):
            return head
    return html_title


# --------------------------------------------------------------------------- entry point


def choose_language(declared: str | None, sample: str, path: str, warnings: list[str]) -> str:
    """The language of a page or document that declares ``declared`` (raw, may be invalid).

    An invalid declared tag is ignored with a warning; a valid one loses to a confident
    detection on ``sample`` (the article's own text) that disagrees, with a warning.
    """
    tag = None
    if declared:
        tag = normalize_tag(declared)
        if tag is None:
            warnings.append(f"{path}: ignoring the declared language: {describe_invalid(declared)}")
    chosen, warning = declared_or_detected(tag, sample, path)
    if warning:
        warnings.append(warning)
    return chosen or detect_language(sample)



def _read_page(raw: str, path: str, extractor: Extractor) -> tuple[
        dict[str, Any], str, str, list[str | Diagnostic]]:
    """``(metadata, content markup, body markup, warnings)`` of a page.

    Ads and read-also boxes are dropped before either extractor sees the page; a page saved by
    ``lighthouse-docs fetch`` is already extracted and is read whole.
    """
    parser = _parser()
    try:
        page = lxml.html.document_fromstring(html_markup.resolve_conditionals(raw),
                                             parser=parser)
    except (lxml.etree.LxmlError, ValueError):
        raise InputError("is not an HTML document lxml can read", path=path) from None
    warnings: list[str | Diagnostic] = []
    if _too_deep(parser):
        warnings.append(f"{path}: elements nested more than 2048 deep; "
                        "the text below that depth and after it is lost")
    # What pandoc and Word mean by classes, ids and styles, read before the sanitiser and the
    # extractor throw those away (html_markup's docstring).
    html_markup.mark_lines(page)
    block = html_markup.take_title_block(page)
    lists = html_markup.word_lists(page)
    comments, comments_line = html_markup.take_word_comments(page)
    if comments:
        warnings.append(diagnostic(
            path, f"{comments} Word review comment{'s' if comments > 1 else ''} left out "
            "(notes between authors, not text of the brief)", line=comments_line,
            code="word-comments", format="html"))
    notes, note_warnings = html_markup.take_notes(page, path)
    warnings.extend(note_warnings)
    embeds = html_markup.mark_embeds(page)
    meta = _page_metadata(page)
    meta["title_block"] = block
    meta["notes"] = notes
    meta["embeds"] = embeds
    # A document saved as HTML by a word processor or pandoc has no page chrome: whatever the
    # extraction leaves out of it is said (_dropped_text).
    meta["authored"] = bool(
        _AUTHORING_TOOL.search(_meta_content(page, "generator") or "") or lists or comments
        or block is not None or "urn:schemas-microsoft-com:office" in raw[:2000])
    if _meta_content(page, "generator") == FETCHED_GENERATOR:
        body_markup = _body_markup(page, raw)
        return meta, body_markup, body_markup, warnings
    _drop_inserts(page)
    if extractor == "trafilatura" and not _deeper_than(page, READABILITY_MAX_DEPTH):
        for key, value in _trafilatura_metadata(page).items():
            meta.setdefault(key, value)
            if meta.get(key) is None:
                meta[key] = value
    _drop_chrome(page)
    body_markup = _body_markup(page, raw)
    # Readability deletes any heading whose id or class merely looks like chrome ("footnotes",
    # "metadata-blocks"); it only sees the page after those attributes are gone, and the ids
    # are restored from the body afterwards.
    for heading in page.iter(*_HEADINGS):
        heading.attrib.pop("id", None)
        heading.attrib.pop("class", None)
    content = _main_content(lxml.html.tostring(page, encoding="unicode"), body_markup,
                            extractor)
    return meta, content, body_markup, warnings


_AUTHORING_TOOL = re.compile(r"microsoft word|libreoffice|openoffice|pandoc|google docs|"
                            r"pages|writer|textedit", re.IGNORECASE)


def _paragraph_texts(items: Sequence[FlowItem | Block]) -> Iterator[tuple[str, int | None]]:
    """The text and line of every paragraph in ``items``, in lists and quotes too."""
    for item in items:
        if isinstance(item, Paragraph):
            yield " ".join(plain_text(item.inlines).split()), item.line
        elif isinstance(item, model.BlockQuote):
            yield from _paragraph_texts(item.blocks)
        elif isinstance(item, model.BulletList | model.OrderedList):
            for blocks in item.items:
                yield from _paragraph_texts(blocks)


def _dropped_text(flow: Sequence[FlowItem], page_flow: Sequence[FlowItem], path: str
                  ) -> Diagnostic | None:
    """A warning naming what the extraction left out of an authored document's body: its
    paragraphs of at least a few words that are not in ``flow``."""
    kept = {text for text, _ in _paragraph_texts(flow)}
    dropped = [(text, line) for text, line in _paragraph_texts(page_flow)
               if len(text.split()) >= _SENTENCE_WORDS and text not in kept]
    if not dropped:
        return None
    words = sum(len(text.split()) for text, _ in dropped)
    first = dropped[0][0] if len(dropped[0][0]) <= 60 else dropped[0][0][:59] + "…"
    many = len(dropped) > 1
    return diagnostic(path, f"the main-content extraction left out {len(dropped)} "
                      f"paragraph{'s' if many else ''} ({words} words) of this document as page "
                      f"chrome{', the first' if many else ''}: “{first}”", line=dropped[0][1],
                      code="extraction-dropped", format="html")


FETCHED_GENERATOR = "lighthouse-docs fetch"
"""``<meta name="generator">`` of pages ``lighthouse-docs fetch`` saved (already extracted)."""


def article_markup(text: str, *, title: str, extractor: Extractor | None = None) -> str:
    """The sanitised markup of a page's article, without the ``<h1>`` that reads ``title``.

    What ``lighthouse-docs fetch`` saves: the same content :func:`parse` builds from.
    """
    raw = _XML_DECLARATION.sub("", clean_text(text))
    meta, content, _, _ = _read_page(raw, "page", extractor or EXTRACTOR)
    root = _fragment(content)
    for h1 in list(root.iter("h1")):
        if " ".join(str(h1.text_content()).split()).casefold() == title.casefold():
            h1.drop_tree()
            break
    # Notes go back in pandoc's form, which the reader takes again when the page is built;
    # source lines are the fetched page's, not the saved file's.
    notes = {note.id: note for note in meta.get("notes", [])}
    called: list[html_markup.Note] = []
    for a in list(root.iter("a")):
        href = a.get("href") or ""
        if href.startswith(NOTE_HREF) and (note := notes.get(href[len(NOTE_HREF):])):
            call = lxml.html.fromstring(
                f'<a href="#{note.id}" class="footnote-ref" role="doc-noteref"><sup></sup></a>')
            call[0].text = note.label
            call.tail = a.tail
            a.getparent().replace(a, call)
            called.append(note)
    if called:
        section = lxml.html.fromstring(
            '<section class="footnotes" role="doc-endnotes"><ol></ol></section>')
        for note in called:
            item = lxml.etree.SubElement(section[0], "li", id=note.id)
            for child in _fragment(sanitize(note.markup)):
                item.append(child)
        root.append(section)
    for el in root.iter():
        if isinstance(el.tag, str):
            el.attrib.pop(LINE_ATTRIBUTE, None)
    return "".join(lxml.html.tostring(child, encoding="unicode") for child in root) or ""


def parse(text: str, source: model.SourceInfo, *, lang: str | None = None,
          extractor: Extractor | None = None) -> model.Document:
    """Parse a saved HTML page into a :class:`Document`.

    Title: the content's first ``<h1>`` (removed from the flow), else the page's ``<h1>`` when
    ``<title>``/``og:title`` confirms it, else ``og:title``, else ``<title>`` without a trailing
    site name, else the file name. Language: ``lang``, else ``<html lang>``, else detected.

    :raises InputError: the text holds no HTML document at all (e.g. it is blank).
    """
    raw = _XML_DECLARATION.sub("", clean_text(text))
    if not raw.strip():
        raise InputError("is empty: nothing to build", path=source.path)
    meta, content, body_markup, warnings = _read_page(raw, source.path,
                                                      extractor or EXTRACTOR)
    try:
        flow = _flow(_fragment(content))
        page_flow = flow if content is body_markup else _flow(_fragment(body_markup))
    except (lxml.etree.LxmlError, ValueError):
        raise InputError("HTML content could not be read", path=source.path) from None
    except RecursionError:
        raise InputError("HTML is nested too deeply to read", path=source.path) from None

    if content is not body_markup:
        flow = _restore_heading_ids(flow, page_flow)
    block: html_markup.TitleBlock | None = meta.get("title_block")
    h1s = [_heading_text(i) for i in page_flow if isinstance(i, Heading) and i.level == 1]
    if block is not None and block.title:
        title = _plain(block.title)
        flow = _without_heading(flow, title)
    elif meta.get("authored") and meta.get("html_title") and len(h1s) > 1 and not any(
            _same(h, meta["html_title"]) for h in h1s):
        # A word processor's Heading 1s are its sections; its <title> is the document's
        # title (Word writes the document's Title property there).
        title = meta["html_title"]
    else:
        title, flow = _title(flow, page_flow, meta, source.path)
    if not any(isinstance(item, Block) for item in flow) or not _holds_article(page_flow):
        raise InputError("no article found: the page has little or no running text, only "
                         "links, tables, menus or short lines", path=source.path)
    if meta.get("authored") and content is not body_markup and (
            dropped := _dropped_text(flow, page_flow, source.path)) is not None:
        warnings.append(dropped)
    lang_warnings: list[str] = []
    doc_lang = lang or choose_language(meta.get("lang"), language_sample(title, flow),
                                       source.path, lang_warnings)
    warnings.extend(lang_warnings)
    footnotes = _footnotes(flow, meta.get("notes", []), source.path, warnings)
    embeds: list[html_markup.Embed] = meta.get("embeds", [])
    for index in sorted({int(n) for n in re.findall(
            rf'href="{re.escape(EMBED_HREF)}(\d+)"', content) if int(n) < len(embeds)}):
        embed = embeds[index]
        # The message names no address: a page's URLs are not echoed (tests/readers, hostile).
        warnings.append(diagnostic(
            source.path, f"embedded {embed.tag} left out: a brief cannot show it, and text "
            "that points at it points at nothing", line=embed.line, code="embed-dropped",
            format="html"))
    date, subtitle, authors = meta.get("date"), None, meta.get("authors", ())
    if block is not None:
        subtitle = _plain(block.subtitle) if block.subtitle else None
        authors = tuple(_plain(a) for a in block.authors) or authors
        if date is None and block.date:
            date = _common.written_date(_plain(block.date))
            if date is None:
                warnings.append(diagnostic(
                    source.path, f"the title block's date {_plain(block.date)!r} is not a "
                    f"date ({_common.WRITTEN_DATE_FORMS}); the brief is dated when it is "
                    "built", line=block.line, code="date-unreadable", format="html"))
    lead, sections = sectionize(attach_captions(flow))
    metadata = model.Metadata(
        title=title,
        subtitle=subtitle,
        source=replace(source, url=meta.get("url") or source.url),
        lang=doc_lang,
        publisher=meta.get("publisher"),
        authors=authors,
        date=date,
        summary=meta.get("summary"),
        keywords=meta.get("keywords", ()),
    )
    return model.Document(meta=metadata, lead=lead, sections=sections, footnotes=footnotes,
                          warnings=tuple(warnings))


def _note_refs(value: object) -> Iterator[str]:
    """The ids of the note calls in and under ``value`` (flow items, inlines), in order."""
    if isinstance(value, model.FootnoteRef):
        yield value.id
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _note_refs(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _note_refs(getattr(value, f.name))


def _footnotes(flow: list[FlowItem], notes: Sequence[html_markup.Note], path: str,
               warnings: list[str | Diagnostic]) -> tuple[model.Footnote, ...]:
    """The model's notes for the calls left in ``flow`` (the extractor may have dropped a
    call with the text around it: its note goes too, with a warning at the call's line)."""
    called = set(_note_refs(flow))
    out: list[model.Footnote] = []
    for note in notes:
        if note.id not in called:
            warnings.append(diagnostic(
                path, f"note [{note.label}] dropped: the text that calls it is not part of "
                "the article (page chrome removed by the extraction)", line=note.line,
                code="footnote-dropped", format="html"))
            continue
        blocks = tuple(b for b in _contained(_fragment(sanitize(note.markup)), 1)
                       if not isinstance(b, Heading))
        if not blocks:
            blocks = (Paragraph(inlines=(Text(text=note.label),)),)
        out.append(model.Footnote(id=note.id, blocks=blocks))
    return tuple(out)
