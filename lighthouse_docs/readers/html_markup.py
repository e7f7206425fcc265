"""What authoring tools write into HTML, read before a page is sanitised and extracted.

The HTML reader (:mod:`lighthouse_docs.readers.html`) sanitises a page with a closed allow-list
and lets an extractor pick its article; both would lose what pandoc and Word express with
classes, ids, styles and conditional comments. This module reads those on the raw page tree
first and rewrites them into the plain markup the reader maps to the model:

- **notes**: pandoc's (``<a class="footnote-ref" href="#fn1">`` ... ``<section
  class="footnotes"><ol><li id="fn1">``), Word's (``mso-footnote-id``, ``<div
  style="mso-element:footnote" id="ftn1">``) and hand-written ones (``<sup><a
  href="#n1">1</a></sup>`` ... ``<li id="n1">``) are taken out of the page; each call becomes a
  marker link (:data:`NOTE_HREF`) the reader turns into a
  :class:`~lighthouse_docs.model.FootnoteRef`;
  a call whose note is missing is printed as ``[n]`` and reported at its line;
- **Word's "Save as Web Page"**: the downlevel-revealed conditional comments
  (``<![if !supportLists]>``) are resolved as a browser does (list markers dropped), runs of
  ``MsoListParagraph`` paragraphs become lists, ``MsoTitle``/``MsoSubtitle`` give the title;
- **pandoc's title block** (``<header id="title-block-header">``): title, subtitle, authors
  and date, taken out of the body (it is the cover's, not the text's);
- **source lines**: every block element gets ``data-lh-line`` (its line in the file), which
  the sanitiser keeps, so the model's blocks and the messages about them carry a line.

Pure functions over an ``lxml`` tree; no I/O.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import lxml.etree
import lxml.html

from ..diagnostics import Diagnostic, diagnostic

LINE_ATTRIBUTE = "data-lh-line"
"""The attribute that carries an element's source line through sanitising and extraction."""
NOTE_HREF = "#lh-note-"
"""The ``href`` prefix of a note call after :func:`take_notes` (followed by the note's id)."""

_LINED_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
                         "blockquote", "pre", "table", "img", "figure", "hr", "dl", "iframe",
                         "div", "section", "article"})

# --------------------------------------------------------------------------- raw text

# Word's downlevel-revealed conditional comments: a browser that is not Internet Explorer
# shows what lies between them, and so do we, except a list paragraph's typed marker ("1.",
# "·"): the list is rebuilt from the paragraphs' class.
_LIST_MARKER = re.compile(r"<!\[if !supportLists\]>(.{0,2000}?)<!\[endif\]>",
                          re.DOTALL | re.IGNORECASE)
_REVEALED = re.compile(r"<!\[(?:if [^\]]*|endif)\]>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]*>")


def resolve_conditionals(raw: str) -> str:
    """``raw`` with Word's downlevel-revealed conditional comments resolved as a browser
    shows them, a list marker kept as ``<span data-lh-marker="1.">`` for :func:`word_lists`.
    Line breaks are kept, so every element keeps its source line."""
    if "<![" not in raw:
        return raw

    def marker(match: re.Match[str]) -> str:
        text = _TAGS.sub("", match.group(1)).replace("&nbsp;", " ").strip()
        text = re.sub(r"[\"<>&]", "", text)
        return f'<span data-lh-marker="{text}"></span>' + "\n" * match.group(0).count("\n")

    raw = _LIST_MARKER.sub(marker, raw)
    return _REVEALED.sub("", raw)


# --------------------------------------------------------------------------- lines


def mark_lines(page: Any) -> None:
    """Give each block element of ``page`` its source line (:data:`LINE_ATTRIBUTE`); an
    attribute of that name the page brought itself is removed first."""
    for el in page.iter():
        if not isinstance(el.tag, str):
            continue
        el.attrib.pop(LINE_ATTRIBUTE, None)
        if el.tag in _LINED_TAGS and el.sourceline:
            el.set(LINE_ATTRIBUTE, str(el.sourceline))


def line_of(el: Any) -> int | None:
    """The source line :func:`mark_lines` gave ``el``, else None."""
    value = el.get(LINE_ATTRIBUTE) if isinstance(el.tag, str) else None
    return int(value) if value and value.isdigit() else None


def _line_near(el: Any) -> int | None:
    """``el``'s own line, else its nearest marked ancestor's."""
    for node in (el, *el.iterancestors()):
        if isinstance(node.tag, str) and (line := line_of(node) or node.sourceline):
            return int(line)
    return None


# --------------------------------------------------------------------------- notes


@dataclass(frozen=True, slots=True)
class Note:
    """A note taken out of the page: its id, its number as the page printed it, its inner
    markup (raw: the reader sanitises it) and the line of its call."""

    id: str
    label: str
    markup: str
    line: int | None


_NOTE_CLASS = re.compile(r"(?:^|\s)(?:footnote-?ref|noteref|footnote-reference|fnref)(?:\s|$)",
                         re.IGNORECASE)
_WORD_NOTE_STYLE = re.compile(r"mso-(?:foot|end)note-id", re.IGNORECASE)
_WORD_NOTE_HREF = re.compile(r"^_(?:ftn|edn)\d+$")
_WORD_BACKLINK = re.compile(r"^_(?:ftn|edn)ref\d+$")
_CALL_TEXT = re.compile(r"^[\[(]?(?:\d{1,3}|[*†‡§¶]{1,3}|[a-z])[\])]?$")
_BACKLINK_CLASS = re.compile(r"footnote-?back|backref|fnref|reversefootnote", re.IGNORECASE)
_BACKLINK_TEXT = re.compile(r"^[\s↩︎↑^⤴]*$")
_NOTE_CONTAINERS = ("li", "div", "p", "aside", "dd", "section", "span", "td")
NOTE_MAX_WORDS = 600
"""A call's target holding more words than this is not a note (a link to a section)."""


def _classes(el: Any) -> str:
    return f"{el.get('class') or ''} {el.get('role') or ''}"


def _target_index(page: Any) -> dict[str, Any]:
    index: dict[str, Any] = {}
    for el in page.iter():
        if not isinstance(el.tag, str):
            continue
        for attribute in ("id", "name"):
            value = (el.get(attribute) or "").strip()
            if value:
                index.setdefault(value, el)
    return index


def _call_text(a: Any) -> str:
    return " ".join(str(a.text_content()).split())


def _declared_call(a: Any, target_id: str) -> bool:
    """Whether the link ``a`` (to ``#target_id``) says it is a note call (pandoc, Word, DPUB)."""
    return bool(_NOTE_CLASS.search(_classes(a)) or "doc-noteref" in (a.get("role") or "")
                or _WORD_NOTE_STYLE.search(a.get("style") or "")
                or _WORD_NOTE_HREF.match(target_id))


def _is_call(a: Any, target_id: str) -> bool:
    """Whether the link ``a`` (to ``#target_id``) is a note call: declared, or a number (or
    ``*``, ``†``) set as a superscript."""
    if _declared_call(a, target_id):
        return True
    if not _CALL_TEXT.match(_call_text(a)):
        return False
    parent = a.getparent()
    in_sup = parent is not None and parent.tag == "sup"
    return in_sup or any(child.tag == "sup" for child in a.iter() if child is not a)


def _note_container(target: Any) -> Any:
    """The element holding the note that ``target`` (an id or an anchor) names."""
    for node in (target, *target.iterancestors()):
        style = (node.get("style") or "").replace(" ", "").lower()
        if ("mso-element:footnote" in style and "footnote-list" not in style) or \
                ("mso-element:endnote" in style and "endnote-list" not in style):
            return node
    if target.tag in ("a", "span", "sup"):  # an anchor inside the note: its block
        for node in target.iterancestors():
            if node.tag in _NOTE_CONTAINERS and node.tag != "span":
                return node
    return target


def _words(el: Any) -> int:
    return len(str(el.text_content()).split())


def _call_element(a: Any) -> Any:
    """What a call occupies in the text: the link, or the ``<sup>`` that holds only it."""
    parent = a.getparent()
    if (parent is not None and parent.tag == "sup" and len(parent) == 1
            and not (parent.text or "").strip() and not (a.tail or "").strip()):
        return parent
    return a


def _replace(old: Any, new: Any) -> None:
    new.tail = old.tail
    parent = old.getparent()
    if parent is not None:
        parent.replace(old, new)


def _inner_markup(el: Any) -> str:
    """``el``'s content as markup (its text and children, not its own tag)."""
    holder = copy.deepcopy(el)
    holder.tail = None
    holder.tag = "div"
    for attribute in list(holder.attrib):
        if attribute != "data-lh-line":
            del holder.attrib[attribute]
    return str(lxml.html.tostring(holder, encoding="unicode"))


def _drop_backlinks(note: Any, call_ids: set[str]) -> None:
    for a in list(note.iter("a")):
        href = (a.get("href") or "").strip()
        back = href.startswith("#") and unquote(href[1:]) in call_ids
        if back or _BACKLINK_CLASS.search(_classes(a)) or "doc-backlink" in (a.get("role") or "") \
                or (href.startswith("#") and _BACKLINK_TEXT.match(_call_text(a))):
            a.drop_tree()


def take_notes(page: Any, path: str) -> tuple[list[Note], list[Diagnostic]]:
    """Take every note out of ``page`` and put a marker link (:data:`NOTE_HREF` + id) at its
    call; returns the notes in the order of their first call, and a warning for each call
    whose note is missing (printed as ``[n]``). Notes get ids ``fn1``, ``fn2``... in that order.
    A second call of one note is printed as its number in brackets (one note, one call)."""
    for a in page.iter("a"):  # the page's own links may not pose as markers
        if (a.get("href") or "").strip().startswith(NOTE_HREF):
            del a.attrib["href"]
    index = _target_index(page)
    notes: list[Note] = []
    warnings: list[Diagnostic] = []
    taken: dict[Any, Note] = {}
    containers: list[Any] = []
    inside: set[Any] = set()
    for a in list(page.iter("a")):
        href = (a.get("href") or "").strip()
        if len(href) < 2 or not href.startswith("#") or a.getparent() is None:
            continue
        target_id = unquote(href[1:])
        if _WORD_BACKLINK.match(target_id) or not _is_call(a, target_id):
            continue  # a Word note's own number, linking back to its call
        if any(anc in inside for anc in a.iterancestors()):
            continue  # a call inside a note already taken (its back link)
        label = _call_text(a).strip("[]()") or "?"
        target = index.get(target_id)
        container = _note_container(target) if target is not None else None
        if container is not None and (a in container.iter() or container in a.iterancestors()
                                      or _words(container) > NOTE_MAX_WORDS
                                      or container.tag not in _NOTE_CONTAINERS):
            if not _declared_call(a, target_id):
                continue  # a link to a part of the page that happens to be superscript
            container = None
        line = _line_near(a)
        call = _call_element(a)
        if container is None:
            warnings.append(diagnostic(
                path, f"note call [{label}] links to #{target_id}, which is no note in the "
                f"page; printed as [{label}]", line=line, code="footnote-missing",
                format="html"))
            text = lxml.html.Element("span")
            text.text = f"[{label}]"
            _replace(call, text)
            continue
        if container in taken:
            text = lxml.html.Element("span")
            text.text = f"[{taken[container].label}]"
            _replace(call, text)
            continue
        call_ids = {value for node in (a, call) for value in (node.get("id"), node.get("name"))
                    if value}
        body = copy.deepcopy(container)
        _drop_backlinks(body, call_ids)
        note = Note(id=f"fn{len(notes) + 1}", label=label, markup=_inner_markup(body),
                    line=line)
        notes.append(note)
        taken[container] = note
        containers.append(container)
        inside.add(container)
        marker = lxml.html.Element("a", href=NOTE_HREF + note.id)
        marker.text = label
        _replace(call, marker)
    for container in containers:
        _remove_note(container)
    return notes, warnings


_NOTES_WRAPPER = re.compile(r"foot-?notes|end-?notes|doc-endnotes|doc-footnotes|notes",
                            re.IGNORECASE)


def _remove_note(container: Any) -> None:
    """Remove a taken note, and what held only notes (its list, the notes section, a rule)."""
    parent = container.getparent()
    if parent is None:
        return
    container.drop_tree()
    node = parent
    while node is not None and node.tag not in ("body", "html"):
        if any(isinstance(c.tag, str) and c.tag not in ("hr", "br") for c in node) or \
                (node.text or "").strip():
            break
        style = (node.get("style") or "").replace(" ", "").lower()
        if node.tag not in ("ol", "ul") and not _NOTES_WRAPPER.search(_classes(node)) \
                and "footnote-list" not in style and "endnote-list" not in style \
                and "notes" not in (node.get("id") or "").lower():
            break
        up = node.getparent()
        previous = node.getprevious()
        if previous is not None and previous.tag == "hr" and not (previous.tail or "").strip():
            previous.drop_tree()
        node.drop_tree()
        node = up


# --------------------------------------------------------------------------- Word lists

_WORD_LIST_CLASS = re.compile(r"^MsoList(?:Paragraph|Bullet|Number|Continue)", re.IGNORECASE)
_WORD_LIST_STYLE = re.compile(r"mso-list:\s*l\d+\s+level(\d+)", re.IGNORECASE)
_ORDERED_MARKER = re.compile(r"^\(?(\d{1,4}|[a-zA-Z]|[ivxlcdmIVXLCDM]{1,6})[.)]$")


def _word_list_paragraph(el: Any) -> bool:
    return isinstance(el.tag, str) and el.tag == "p" and bool(
        _WORD_LIST_CLASS.match(el.get("class") or "")
        or _WORD_LIST_STYLE.search(el.get("style") or ""))


def _take_marker(p: Any) -> str:
    """Remove a Word list paragraph's typed marker ("1.", "·") and return its text."""
    for span in p.iter("span"):
        if span.get("data-lh-marker") is not None:
            marker = span.get("data-lh-marker") or ""
            span.drop_tree()
            return marker
        if "mso-list:ignore" in (span.get("style") or "").replace(" ", "").lower():
            marker = " ".join(str(span.text_content()).split())
            span.drop_tree()
            return marker
    return ""


def word_lists(page: Any) -> int:
    """Turn each run of Word list paragraphs (``class=MsoListParagraph``, ``mso-list:l0
    level1``) into a list, nested by level, numbered when its marker is a number or letter.
    Returns how many lists were made."""
    made = 0
    for parent in list(page.iter()):
        if not isinstance(parent.tag, str):
            continue
        runs: list[list[Any]] = []
        previous: Any = None
        for child in parent:
            if _word_list_paragraph(child):
                if runs and previous is runs[-1][-1] and not (previous.tail or "").strip():
                    runs[-1].append(child)
                else:
                    runs.append([child])
            previous = child
        for run in runs:
            _build_list(parent, run)
            made += 1
    for span in list(page.iter("span")):  # a marker left outside any list paragraph
        if span.get("data-lh-marker") is not None:
            span.drop_tree()
    return made


def _build_list(parent: Any, run: list[Any]) -> None:
    position = parent.index(run[0])
    tail = run[-1].tail
    root: Any = None
    stack: list[tuple[int, Any]] = []
    for p in run:
        found = _WORD_LIST_STYLE.search(p.get("style") or "")
        level = int(found.group(1)) if found else 1
        marker = _take_marker(p)
        ordered = _ORDERED_MARKER.match(marker)
        while stack and stack[-1][0] > level:
            stack.pop()
        if not stack or stack[-1][0] < level:
            new = lxml.html.Element("ol" if ordered else "ul")
            if ordered and ordered.group(1).isdigit() and ordered.group(1) != "1":
                new.set("start", ordered.group(1))
            if (line := line_of(p)) is not None:
                new.set(LINE_ATTRIBUTE, str(line))
            if stack and len(stack[-1][1]):
                stack[-1][1][-1].append(new)
            elif stack:
                stack[-1][1].append(new)
            else:
                root = new
            stack.append((level, new))
        item = lxml.etree.SubElement(stack[-1][1], "li")
        if (line := line_of(p)) is not None:
            item.set(LINE_ATTRIBUTE, str(line))
        parent.remove(p)
        p.tail = None
        for attribute in ("class", "style"):
            p.attrib.pop(attribute, None)
        item.append(p)
    root.tail = tail
    parent.insert(position, root)


# --------------------------------------------------------------------------- title blocks


@dataclass(frozen=True, slots=True)
class TitleBlock:
    """What a title block says: pandoc's ``#title-block-header``, Word's ``MsoTitle`` and
    ``MsoSubtitle`` paragraphs. Text as written (the reader cleans it)."""

    title: str | None = None
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    line: int | None = None


def _text(el: Any) -> str:
    return " ".join(str(el.text_content()).split())


def _has_class(el: Any, name: str) -> bool:
    return name.lower() in (el.get("class") or "").lower().split()


def take_title_block(page: Any) -> TitleBlock | None:
    """Take the document's title block out of ``page`` (pandoc's header, Word's title and
    subtitle paragraphs) and return what it says, or None when the page has none."""
    header = next((el for el in page.iter("header")
                   if (el.get("id") or "") == "title-block-header"), None)
    if header is not None:
        title = next((_text(el) for el in header.iter("h1") if _has_class(el, "title")), None)
        subtitle = next((_text(el) for el in header.iter("p") if _has_class(el, "subtitle")),
                        None)
        authors = tuple(_text(el) for el in header.iter("p", "div")
                        if _has_class(el, "author") and _text(el))
        date = next((_text(el) for el in header.iter("p", "div") if _has_class(el, "date")),
                    None)
        block = TitleBlock(title=title or None, subtitle=subtitle or None, authors=authors,
                           date=date or None, line=line_of(header) or header.sourceline)
        header.drop_tree()
        return block
    title_el = next((el for el in page.iter("p", "h1", "div")
                     if (el.get("class") or "").lower() == "msotitle" and _text(el)), None)
    if title_el is None:
        return None
    subtitle_el = next((el for el in page.iter("p", "h2", "div")
                        if (el.get("class") or "").lower() == "msosubtitle" and _text(el)),
                       None)
    block = TitleBlock(title=_text(title_el),
                       subtitle=_text(subtitle_el) if subtitle_el is not None else None,
                       line=line_of(title_el))
    title_el.drop_tree()
    if subtitle_el is not None:
        subtitle_el.drop_tree()
    return block


# --------------------------------------------------------------------------- embeds

EMBED_HREF = "#lh-embed-"
"""The ``href`` prefix of the marker :func:`mark_embeds` leaves where embedded media stood."""
EMBEDDED = ("iframe", "video", "audio", "embed", "object")
"""Embedded media a brief cannot show (the sanitiser drops them with their content)."""


@dataclass(frozen=True, slots=True)
class Embed:
    """Embedded media taken out of the page: its element and its source line."""

    tag: str
    line: int | None


def mark_embeds(page: Any) -> list[Embed]:
    """Replace each embedded player or frame in ``page`` by an empty marker link
    (:data:`EMBED_HREF` + its index), so that the reader can tell whether it stood in the
    article (a warning: the text may point at it) or in page chrome the extractor removed."""
    for a in page.iter("a"):  # the page's own links may not pose as markers
        if (a.get("href") or "").strip().startswith(EMBED_HREF):
            del a.attrib["href"]
    found: list[Embed] = []
    for el in list(page.iter(*EMBEDDED)):
        if el.getparent() is None or any(a.tag in EMBEDDED for a in el.iterancestors()):
            continue
        marker = lxml.html.Element("a", href=f"{EMBED_HREF}{len(found)}")
        found.append(Embed(tag=el.tag, line=el.sourceline))
        if el.tag == "embed":
            # <embed> is void, but libxml2 does not know it and nests what follows inside
            # it: that stays, in place (only an <iframe>'s or a <video>'s fallback goes).
            el.addprevious(marker)
            el.drop_tag()
        else:
            _replace(el, marker)
    return found


# --------------------------------------------------------------------------- Word comments

_COMMENT_STYLE = re.compile(r"mso-element:\s*comment-list|mso-comment-reference", re.IGNORECASE)


def take_word_comments(page: Any) -> tuple[int, int | None]:
    """Remove Word's review comments (``mso-element:comment-list``) and their ``[A1]`` marks
    from ``page``: they are notes between authors, not text. Returns how many comments there
    were and the line of the first mark (or of the list)."""
    count, line = 0, None
    for el in list(page.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        style = el.get("style") or ""
        if "MsoCommentReference" in (el.get("class") or "").split() or \
                (_COMMENT_STYLE.search(style) and "comment-list" not in style):
            line = line or _line_near(el)
            el.drop_tree()
        elif _COMMENT_STYLE.search(style):
            count += sum(1 for c in el.iter() if isinstance(c.tag, str) and re.search(
                r"mso-element:\s*comment(?!-)", c.get("style") or "", re.IGNORECASE))
            line = line or _line_near(el)
            el.drop_tree()
    return count, line
