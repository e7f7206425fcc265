"""The Markdown reader: markdown-it-py tokens -> a flat block stream -> :class:`Document`.

Dialect: CommonMark plus pipe tables, ``~~strikethrough~~``, footnotes (``[^1]`` and
``^[inline]``), definition lists, pandoc's ``H~2~O`` and ``2^10^`` and task lists (``- [x]``),
with YAML front matter (or a pandoc ``% title`` block) for metadata. Two pandoc habits common
in real documents are tolerated rather than shown as literal junk: heading attributes (``# Intro
{#intro .unnumbered}`` gives the id ``intro``) and fenced-div fence lines (``::: note`` /
``:::``), whose content is read as ordinary Markdown. A pipe table whose separator row does not
match its header is printed as text, as in pandoc, with a warning at its line.

Raw HTML is never passed through as markup. Tags are dropped and the text between them is kept
as literal text; the contents of ``<script>``, ``<style>`` and similar elements, and comments,
are dropped with their tags. So ``<span>Hi</span>`` reads as "Hi" and ``<script>x()</script>``
reads as nothing.

Other mappings worth knowing: a paragraph holding only an image becomes an :class:`Image` block,
captioned by its title (or, when the title is a "Source: ..." line, with that source line), else
by a caption line under it, else by its alt text, as pandoc's ``implicit_figures`` does; list
tightness is not kept, because the model has no field for it and both kinds of item hold
paragraphs; a definition list becomes a bold term paragraph
followed by its definitions; headings inside lists or quotes become bold paragraphs, since only
top-level headings open sections; the first ``#`` heading is the title when front matter and a
title block give none (and is dropped when it repeats the title they give), and the remaining
levels are shifted so the highest is 2. Section ids are pandoc's (``auto_identifiers``,
:class:`~lighthouse_docs.outline.PandocSlugs`), and ``[Heading text]`` links to its heading as
pandoc's ``implicit_header_references`` make it.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin

from .. import model
from ..diagnostics import Diagnostic, diagnostic
from ..model import Block, FlowItem, Heading, Inline, Paragraph, Strong, Text
from ..outline import PandocSlugs, SlugRegistry, plain_text, rewrite, sectionize
from . import _common, structure
from ._common import (
    MAX_CONTAINER_DEPTH,
    MAX_INLINE_DEPTH,
    clean_text,
    detect_language,
    language_sample,
    metadata_fields,
    split_front_matter,
    trim_inlines,
)
from .captions import attach_captions, source_line, strip_figure_label

# Elements whose content is code or chrome, not article text: dropped with their tags.
_HTML_DROP_CONTENT = frozenset(
    {"script", "style", "template", "iframe", "object", "embed", "noscript", "textarea",
     "select", "svg", "math", "canvas", "head", "title"}
)
_DIV_FENCE = re.compile(r":{3,}(?:[ \t].*)?$")
# Pandoc heading attributes: only a trailing {...} made solely of #id, .class, key=value or "-"
# is taken as attributes, so "Set {x} here" headings keep their braces.
_HEADING_ATTRS = re.compile(r"[ \t]*\{([^{}]*)\}[ \t]*$")
_ATTR_PART = re.compile(r"""#[^\s#.]+|\.[^\s#.]+|[\w-]+=(?:"[^"]*"|'[^']*'|\S+)|-""")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_ALIGN = re.compile(r"text-align:\s*(left|center|right)")

MAX_NESTING = 500
"""markdown-it's ``maxNesting``: token levels it parses before dropping the rest of a block.

A list level is two token levels (list and item), a quote level one, so a 250-level list or
a 500-level quote still parses. markdown-it's block parser recurses one or two Python frames
per level; a source deeper than this, or one that exhausts the recursion limit on the way
(quotes past about 450 levels, links nested in links), is read as plain text with a warning
(:func:`_plain_flow`) rather than lose words. The model itself is flattened further, to
``MAX_CONTAINER_DEPTH``, while the tokens are read.
"""
# A line's leading quote and list markers, which the plain-text fallback reading drops.
_CONTAINER_MARKS = re.compile(r"(?:[ \t]*(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))*[ \t]*")
_ATX_HEADING = re.compile(r"(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")


def _div_fence_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Swallow a pandoc fenced-div fence line so that ``:::`` never shows up as text."""
    if state.is_code_block(start):
        return False
    begin = state.bMarks[start] + state.tShift[start]
    if not _DIV_FENCE.match(state.src[begin:state.eMarks[start]]):
        return False
    if not silent:
        state.line = start + 1
    return True


def _markdown_it() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(deflist_plugin)
    md.use(sub_plugin)
    md.use(superscript_plugin)
    md.block.ruler.before(
        "fence", "pandoc_div_fence", _div_fence_rule,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    return md


_MD = _markdown_it()


def html_text(markup: str) -> str:
    """The literal text of an HTML fragment: tags, comments and script/style contents dropped."""
    stripped = nh3.clean(markup, tags=set(), clean_content_tags=set(_HTML_DROP_CONTENT))
    return clean_text(html_lib.unescape(stripped))


# --------------------------------------------------------------------------- inlines


def _merge_text(inlines: Sequence[Inline]) -> tuple[Inline, ...]:
    """Join neighbouring Text runs so equal documents give equal models."""
    out: list[Inline] = []
    for inline in inlines:
        if isinstance(inline, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(text=out[-1].text + inline.text)
        elif not (isinstance(inline, Text) and not inline.text):
            out.append(inline)
    return tuple(out)


def _footnote_id(meta: dict[Any, Any]) -> str:
    return f"fn-{int(meta.get('id', 0)) + 1}"


@dataclass(slots=True)
class _Frame:
    opener: Token
    children: list[Inline] = field(default_factory=list)
    transparent: bool = False
    """Too deep to model: its children go straight into the enclosing frame's list."""


def _close(frame: _Frame) -> Inline | None:
    children = _merge_text(frame.children)
    kind = frame.opener.type
    if kind == "em_open":
        return model.Emphasis(children=children)
    if kind == "strong_open":
        return Strong(children=children)
    if kind == "s_open":
        return model.Strikethrough(children=children)
    if kind == "sup_open":
        return model.Superscript(children=children)
    if kind == "sub_open":
        return model.Subscript(children=children)
    href = str(frame.opener.attrs.get("href", ""))
    title = frame.opener.attrs.get("title")
    return model.Link(children=children, href=clean_text(href),
                      title=clean_text(str(title)) if title else None)


_CLOSERS = {"em_close", "strong_close", "s_close", "sup_close", "sub_close", "link_close"}
# Block openers that nest the model (or the reader's recursion) one level deeper.
_CONTAINERS = frozenset({"bullet_list_open", "ordered_list_open", "blockquote_open", "dl_open"})


def _inlines(tokens: Sequence[Token] | None) -> tuple[Inline, ...]:
    """markdown-it inline children -> model inlines (markup pairs become nested nodes)."""
    root = _Frame(opener=Token("root", "", 0))
    stack = [root]
    for tok in tokens or ():
        kind = tok.type
        if kind in ("em_open", "strong_open", "s_open", "sup_open", "sub_open", "link_open"):
            if len(stack) > MAX_INLINE_DEPTH:
                stack.append(_Frame(opener=tok, children=stack[-1].children, transparent=True))
            else:
                stack.append(_Frame(opener=tok))
        elif kind in _CLOSERS and len(stack) > 1:
            frame = stack.pop()
            done = None if frame.transparent else _close(frame)
            if done is not None:
                stack[-1].children.append(done)
        elif kind == "text":
            stack[-1].children.append(Text(text=clean_text(tok.content)))
        elif kind == "code_inline":
            stack[-1].children.append(model.Code(text=clean_text(tok.content)))
        elif kind == "softbreak":
            stack[-1].children.append(Text(text=" "))
        elif kind == "hardbreak":
            stack[-1].children.append(model.LineBreak())
        elif kind == "image":
            title = tok.attrs.get("title")
            stack[-1].children.append(model.InlineImage(
                src=clean_text(str(tok.attrs.get("src", ""))),
                alt=plain_text(_inlines(tok.children)),
                title=clean_text(str(title)) if title else None,
            ))
        elif kind == "footnote_ref":
            stack[-1].children.append(model.FootnoteRef(id=_footnote_id(tok.meta)))
        elif kind == "html_inline":
            # A lone tag or comment: the markup goes, neighbouring text tokens stay.
            stack[-1].children.append(Text(text=html_text(tok.content)))
        elif tok.content:
            stack[-1].children.append(Text(text=clean_text(tok.content)))
    while len(stack) > 1:  # unbalanced pairs cannot come from markdown-it, but never lose text
        frame = stack.pop()
        done = None if frame.transparent else _close(frame)
        if done is not None:
            stack[-1].children.append(done)
    return _merge_text(root.children)


def _is_blank(inline: Inline) -> bool:
    return isinstance(inline, Text) and not inline.text.strip()


def _figure(children: list[Token], line: int | None) -> list[FlowItem] | None:
    """An image alone on the first line of a paragraph, with caption lines under it::

        ![Exports by month](chart.png)
        Figure 1: Exports rose in every month of 2025
        Source: Port authority

    -> one figure with that caption and source line; None for any other paragraph."""
    lines: list[list[Token]] = [[]]
    for tok in children:
        if tok.type == "softbreak":
            lines.append([])
        else:
            lines[-1].append(tok)
    first = [t for t in lines[0] if not (t.type == "text" and not t.content.strip())]
    if len(lines) < 2 or len(first) != 1 or first[0].type != "image":
        return None
    [image] = _inlines(first)
    assert isinstance(image, model.InlineImage)
    caption: list[Inline] = []
    source: tuple[Inline, ...] = ()
    for tokens in lines[1:]:
        inlines = trim_inlines(_inlines(tokens))
        found = source_line(Paragraph(inlines=inlines)) if not source else None
        if found is not None:
            source = found
        elif inlines:
            caption.extend([Text(text=" "), *inlines] if caption else inlines)
    figure = _titled_figure(image, line)
    if caption:
        figure = replace(figure, caption=strip_figure_label(_merge_text(caption)))
    return [replace(figure, source=source or figure.source)]


def _titled_figure(image: model.InlineImage, line: int | None) -> model.Image:
    """The figure of an image alone in its paragraph, ``![alt](src "title")``: its title is
    its caption, or its source line when it says so ("Source: ...", "Figure source: ...");
    an image without a title gets its alt text as caption later (:func:`_alt_captions`),
    once caption lines under it had their turn."""
    title = (Text(text=image.title),) if image.title else ()
    figure = model.Image(src=image.src, alt=image.alt, line=line)
    if title and source_line(Paragraph(inlines=title)) is not None:
        return replace(figure, source=title)
    return replace(figure, caption=strip_figure_label(title))


def _alt_captions(flow: list[FlowItem]) -> list[FlowItem]:
    """Figures left without a caption take their alt text as one, as pandoc's
    ``implicit_figures`` does: ``![Mekong sub-region overview](map.jpg)`` is numbered and
    captioned "Figure 1. Mekong sub-region overview"."""
    def caption(image: model.Image) -> model.Image:
        if image.caption or not image.alt.strip():
            return image
        return replace(image, caption=(Text(text=" ".join(image.alt.split())),))

    changed: tuple[FlowItem, ...] = rewrite(tuple(flow), model.Image, caption)
    return list(changed)


# --------------------------------------------------------------------------- blocks


@dataclass(slots=True)
class _Reader:
    """Walks one markdown-it block token list; collects footnotes on the side."""

    tokens: list[Token]
    line_offset: int
    path: str = ""
    source_lines: list[str] = field(default_factory=list)
    """The lines of the text read, for what markdown-it turned into a paragraph unsaid."""
    footnotes: list[model.Footnote] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    pos: int = 0
    depth: int = 0
    """How many lists, quotes and definitions enclose the current token in the model.

    Past ``MAX_CONTAINER_DEPTH`` their openers and closers are skipped, so their blocks join
    the enclosing container in order; closers are therefore matched by token level too.
    """

    def line(self, tok: Token) -> int | None:
        return tok.map[0] + 1 + self.line_offset if tok.map else None

    def tokens_to(self, closer: str, level: int | None = None) -> Iterator[Token]:
        """The tokens up to the one of type ``closer`` (at token ``level`` when given), which
        is consumed, not yielded. Whoever iterates may consume tokens in between (a nested
        container): the next token is read from :attr:`pos` at each step."""
        while self.pos < len(self.tokens):
            tok = self.tokens[self.pos]
            self.pos += 1
            if tok.type == closer and (level is None or tok.level == level):
                return
            yield tok

    def until(self, closer: str, level: int) -> list[FlowItem]:
        """Read items up to (and past) the token of type ``closer`` at token ``level``."""
        items: list[FlowItem] = []
        while self.pos < len(self.tokens):
            tok = self.tokens[self.pos]
            if tok.type == closer and tok.level == level:
                self.pos += 1
                return items
            items.extend(self.item())
        return items

    def blocks_until(self, closer: str, level: int) -> tuple[Block, ...]:
        """The blocks of a container one model level down, up to ``closer`` at ``level``."""
        # Headings inside containers (a "# x" in a list item) are not sections: keep their text.
        out: list[Block] = []
        self.depth += 1
        try:
            items = self.until(closer, level)
        finally:
            self.depth -= 1
        for item in items:
            if isinstance(item, Heading):
                out.append(Paragraph(inlines=(Strong(children=item.inlines),), line=item.line))
            else:
                out.append(item)
        return tuple(out)

    def skip_to(self, closer: str, level: int) -> None:
        self.until(closer, level)

    def inline_at(self, closer: str) -> tuple[Inline, ...]:
        """The inline content between an opener (already consumed) and ``closer``."""
        return _inlines(self.children_at(closer))

    def children_at(self, closer: str) -> list[Token]:
        """The inline tokens between an opener (already consumed) and ``closer``."""
        children: list[Token] = []
        while self.pos < len(self.tokens) and self.tokens[self.pos].type != closer:
            tok = self.tokens[self.pos]
            if tok.type == "inline":
                children = list(tok.children or ())
            self.pos += 1
        self.pos += 1
        return children

    def item(self) -> list[FlowItem]:
        tok = self.tokens[self.pos]
        self.pos += 1
        kind, line = tok.type, self.line(tok)
        if kind in _CONTAINERS and self.depth >= MAX_CONTAINER_DEPTH:
            return []  # too deep to nest further: what follows joins the enclosing container
        if kind == "paragraph_open":
            self.check_table(tok)
            children = self.children_at("paragraph_close")
            return _figure(children, line) or self.paragraph(_inlines(children), line)
        if kind == "heading_open":
            return self.heading(tok, self.inline_at("heading_close"), line)
        if kind == "bullet_list_open":
            return [model.BulletList(items=self.list_items("bullet_list_close", tok.level),
                                     line=line)]
        if kind == "ordered_list_open":
            start = int(tok.attrs.get("start", 1))
            return [model.OrderedList(items=self.list_items("ordered_list_close", tok.level),
                                      start=start, line=line)]
        if kind == "blockquote_open":
            return [model.BlockQuote(blocks=self.blocks_until("blockquote_close", tok.level),
                                     line=line)]
        if kind in ("fence", "code_block"):
            language = tok.info.strip().split(maxsplit=1)[0] if tok.info.strip() else None
            if language:
                language = language.strip("{}.") or None
            text = clean_text(tok.content.removesuffix("\n"))
            return [model.CodeBlock(text=text, language=language, line=line)]
        if kind == "hr":
            return [model.ThematicBreak(line=line)]
        if kind == "table_open":
            return [self.table(line)]
        if kind == "html_block":
            text = " ".join(html_text(tok.content).split())
            return [Paragraph(inlines=(Text(text=text),), line=line)] if text else []
        if kind == "dl_open":
            return list(self.definition_list(tok.level))
        if kind == "dt_open":  # only reached inside a definition list too deep to nest
            return [Paragraph(inlines=(Strong(children=self.inline_at("dt_close")),), line=line)]
        if kind == "footnote_block_open":
            self.footnote_block()
            return []
        if kind == "inline":  # only reachable from malformed streams; keep the words
            return self.paragraph(_inlines(tok.children), line)
        return []  # closers of constructs we do not model, footnote anchors

    def check_table(self, tok: Token) -> None:
        """Warn about a pipe table markdown-it read as a paragraph because its separator row
        has another number of cells than its header (``|a|b|c|`` over ``|---|---|``)."""
        if not tok.map or not self.source_lines:
            return
        lines = [_QUOTE_MARKS.sub("", line) for line in
                 self.source_lines[tok.map[0]:tok.map[1]]]
        for n in range(len(lines) - 1):
            header, rule = lines[n], lines[n + 1]
            if "|" not in header or not _TABLE_RULE.fullmatch(rule) or "-" not in rule:
                continue
            cells, columns = _pipe_cells(header), _pipe_cells(rule)
            if cells != columns:
                self.warnings.append(diagnostic(
                    self.path, f"table header has {cells} cells but its separator row "
                    f"{columns}; printed as text", line=tok.map[0] + n + 1 + self.line_offset,
                    code="table-malformed", format="markdown"))
            return

    def paragraph(self, inlines: tuple[Inline, ...], line: int | None) -> list[FlowItem]:
        content = [i for i in inlines if not _is_blank(i)]
        if len(content) == 1 and isinstance(content[0], model.InlineImage):
            return [_titled_figure(content[0], line)]
        if not content:
            return []
        return [Paragraph(inlines=trim_inlines(inlines), line=line)]

    def heading(self, tok: Token, inlines: tuple[Inline, ...], line: int | None
                ) -> list[FlowItem]:
        inlines, explicit_id = _split_heading_attrs(inlines)
        if not plain_text(inlines).strip():  # "##" alone: nothing to put in a table of contents
            return []
        return [Heading(level=int(tok.tag[1:]), inlines=inlines, line=line, id=explicit_id)]

    def list_items(self, closer: str, level: int) -> tuple[tuple[Block, ...], ...]:
        items: list[tuple[Block, ...]] = []
        for tok in self.tokens_to(closer, level):
            if tok.type == "list_item_open":
                items.append(_task_item(self.blocks_until("list_item_close", tok.level)))
        return tuple(items)

    def table(self, line: int | None) -> model.Table:
        head: list[model.TableRow] = []
        body: list[model.TableRow] = []
        align: list[model.Alignment] = []
        cells: list[model.TableCell] = []
        in_head = False
        for tok in self.tokens_to("table_close"):
            if tok.type == "thead_open":
                in_head = True
            elif tok.type == "thead_close":
                in_head = False
            elif tok.type == "tr_open":
                cells = []
            elif tok.type == "tr_close":
                (head if in_head else body).append(model.TableRow(cells=tuple(cells)))
            elif tok.type in ("th_open", "td_open"):
                if in_head:
                    match = _ALIGN.search(str(tok.attrs.get("style", "")))
                    align.append(match.group(1) if match else None)  # type: ignore[arg-type]
                cells.append(model.TableCell(inlines=self.inline_at(f"{tok.tag}_close")))
        return model.Table(head=tuple(head), body=tuple(body), align=tuple(align), line=line)

    def definition_list(self, level: int) -> list[Block]:
        # The model has no definition list: a term becomes a bold paragraph, its definitions
        # follow as ordinary blocks, which reads the same on paper.
        out: list[Block] = []
        for tok in self.tokens_to("dl_close", level):
            if tok.type == "dt_open":
                term = self.inline_at("dt_close")
                out.append(Paragraph(inlines=(Strong(children=term),), line=self.line(tok)))
            elif tok.type == "dd_open":
                out.extend(self.blocks_until("dd_close", tok.level))
        return out

    def footnote_block(self) -> None:
        for tok in self.tokens_to("footnote_block_close"):
            if tok.type == "footnote_open":
                blocks = self.blocks_until("footnote_close", tok.level)
                self.footnotes.append(model.Footnote(id=_footnote_id(tok.meta), blocks=blocks))


_QUOTE_MARKS = re.compile(r"^(?:[ \t]*>)*[ \t]*")
_TABLE_RULE = re.compile(r"\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")


def _pipe_cells(line: str) -> int:
    """How many cells a pipe-table row has (escaped ``\\|`` and outer pipes aside)."""
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return len(re.split(r"(?<!\\)\|", inner))


_TASK = re.compile(r"\[([ xX])\][ \t]+")


def _task_item(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """A task-list item (pandoc's ``task_lists``: ``- [ ] to do``, ``- [x] done``) with its
    box as a ballot box, ☐ or ☒, as pandoc writes it in plain text; any other as it is."""
    first = blocks[0] if blocks else None
    if not isinstance(first, Paragraph) or not first.inlines:
        return blocks
    head = first.inlines[0]
    if not isinstance(head, Text):
        return blocks
    match = _TASK.match(head.text)
    if match is None:
        return blocks
    box = "☐ " if match.group(1) == " " else "☒ "
    rest = head.text[match.end():]
    inlines = (Text(text=box + rest), *first.inlines[1:])
    return (replace(first, inlines=inlines), *blocks[1:])


def _split_heading_attrs(inlines: tuple[Inline, ...]) -> tuple[tuple[Inline, ...], str | None]:
    """Strip a trailing pandoc ``{#id .class}`` from a heading; return the id if any."""
    if not inlines or not isinstance(inlines[-1], Text):
        return inlines, None
    last = inlines[-1].text
    match = _HEADING_ATTRS.search(last)
    if match is None:
        return inlines, None
    parts = match.group(1).split()
    if not parts or any(_ATTR_PART.fullmatch(p) is None for p in parts):
        return inlines, None
    explicit = next((p[1:] for p in parts if p.startswith("#")), None)
    # Pandoc allows a closing "###" before the attributes; markdown-it left it in the text.
    rest = _CLOSING_HASHES.sub("", last[:match.start()]).rstrip()
    head = inlines[:-1] + ((Text(text=rest),) if rest else ())
    return (head or inlines), explicit


# --------------------------------------------------------------------------- metadata


@dataclass(frozen=True, slots=True)
class _TitleBlock:
    fields: dict[str, Any]
    body: str
    consumed_lines: int
    warnings: tuple[str, ...]


def _pandoc_title_block(body: str, path: str) -> _TitleBlock:
    """Split pandoc's ``% title`` / ``% author; author`` / ``% date`` block off the top."""
    lines = body.split("\n")
    if not lines or not lines[0].startswith("%"):
        return _TitleBlock({}, body, 0, ())
    groups: list[list[str]] = []
    n = 0
    while n < len(lines) and len(groups) < 3:
        line = lines[n]
        if line.startswith("%"):
            groups.append([line[1:].strip()])
        elif line.startswith((" ", "\t")) and line.strip() and groups:
            groups[-1].append(line.strip())
        else:
            break
        n += 1
    values = [clean_text(" ".join(g)).strip() for g in groups]
    fields: dict[str, Any] = {}
    warnings: list[str] = []
    if values and values[0]:
        fields["title"] = values[0]
    if len(values) > 1 and values[1]:
        fields["authors"] = tuple(a.strip() for a in values[1].split(";") if a.strip())
    if len(values) > 2 and values[2]:
        date = _common.written_date(values[2])
        if date is not None:
            fields["date"] = date
        else:
            warnings.append(f"{path}: title block date {values[2]!r} is not a date "
                            f"({_common.WRITTEN_DATE_FORMS}); ignored")
    return _TitleBlock(fields, "\n".join(lines[n:]), n, tuple(warnings))


# --------------------------------------------------------------------------- reading


def _read_markdown(body: str, first_line: int, env: dict[str, Any] | None = None,
                   path: str = ""
                   ) -> tuple[list[FlowItem], list[model.Footnote], list[Diagnostic]] | None:
    """The flow and footnotes of ``body``; None when it nests deeper than markdown-it reads.
    ``env`` is markdown-it's: the link reference definitions it holds are known to links
    (:func:`_header_references`), and it collects the source's own."""
    try:
        tokens = _MD.parse(body, {} if env is None else env)
        # markdown-it silently drops what lies below maxNesting (the rest of that container).
        if any(t.nesting == 1 and t.level >= MAX_NESTING - 1 for t in tokens):
            return None
        reader = _Reader(tokens=tokens, line_offset=first_line - 1, path=path,
                         source_lines=body.split("\n"))
        flow: list[FlowItem] = []
        while reader.pos < len(reader.tokens):
            flow.extend(reader.item())
    except RecursionError:
        return None
    return flow, reader.footnotes, reader.warnings


def _plain_flow(body: str, first_line: int) -> list[FlowItem]:
    """``body`` read as plain text: ATX headings, and paragraphs with markup kept as written.

    Leading quote and list markers are dropped; each marked line starts a paragraph, unmarked
    lines continue it, blank lines end it. Linear in the length of ``body``.
    """
    flow: list[FlowItem] = []
    lines: list[str] = []
    start = first_line

    def flush() -> None:
        if lines:
            flow.append(Paragraph(inlines=(Text(text=" ".join(lines)),), line=start))
            lines.clear()

    for number, raw in enumerate(body.split("\n"), start=first_line):
        heading = _ATX_HEADING.match(raw)
        if heading and heading.group(2).strip():
            flush()
            flow.append(Heading(level=len(heading.group(1)),
                                inlines=(Text(text=heading.group(2).strip()),), line=number))
            continue
        marks = _CONTAINER_MARKS.match(raw)
        end = marks.end() if marks else 0
        text = raw[end:].strip()
        if not text or raw[:end].strip():
            flush()
        if text:
            if not lines:
                start = number
            lines.append(text)
    flush()
    return flow


_RAW_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t]+|$)")


def _heading_ids(flow: Sequence[FlowItem], slugs: SlugRegistry) -> list[tuple[Heading, str]]:
    """The top-level headings of ``flow`` with the ids :func:`sectionize` gives them."""
    return [(item, slugs.claim_id(item.id, plain_text(item.inlines)))
            for item in flow if isinstance(item, Heading)]


def _header_references(flow: Sequence[FlowItem], body: str, first_line: int
                       ) -> dict[str, dict[str, str]]:
    """pandoc's ``implicit_header_references``: each heading is a link reference definition
    of its own text, so ``[Heading text]``, ``[Heading text][]`` and ``[see
    this][Heading text]`` link to it (the first heading of a text wins). Both the heading's
    text as written (with its markup: ``Extension: `auto_identifiers```) and as read count.
    Only the references that ``body`` seems to use are returned (none: nothing to read again).
    """
    lines = body.split("\n")
    folded = normalizeReference(body)
    found: dict[str, dict[str, str]] = {}
    for heading, ident in _heading_ids(flow, PandocSlugs()):
        labels = [plain_text(heading.inlines)]
        index = (heading.line or 0) - first_line
        if 0 <= index < len(lines):
            raw = _RAW_HEADING.sub("", lines[index])
            raw = _HEADING_ATTRS.sub("", _CLOSING_HASHES.sub("", raw)).strip()
            labels.append(raw)
        for label in labels:
            key = normalizeReference(label)
            if key and key not in found and f"[{key}]" in folded:
                found[key] = {"href": f"#{ident}", "title": ""}
    return found


def _same_title(text: str) -> str:
    """``text`` as compared with a title: case, spacing and closing punctuation aside."""
    return " ".join(text.split()).casefold().rstrip(" .:;!?")


def _drop_title_heading(flow: list[FlowItem], title: str, subtitle: object) -> Heading | None:
    """Take out a first ``# H1`` that repeats the title given by front matter or a title block.

    Many Markdown files give the title twice, in front matter and as the ``#`` heading that
    opens the body; pandoc's templates show it once, as the title. Kept, it would be an extra
    top level over every real section (contents, running head, EPUB chapters). Only an H1
    that is the document's first heading and says the title (or "title: subtitle") goes;
    any other H1 stays a section."""
    first = next((i for i, item in enumerate(flow) if isinstance(item, Heading)), None)
    if first is None:
        return None
    heading = flow[first]
    assert isinstance(heading, Heading)
    if heading.level != 1:
        return None
    said = _same_title(plain_text(heading.inlines))
    forms = {_same_title(title)}
    if isinstance(subtitle, str) and subtitle.strip():
        forms |= {_same_title(f"{title}: {subtitle}"), _same_title(f"{title} {subtitle}")}
    if said not in forms:
        return None
    del flow[first]
    return heading


def _byline(flow: list[FlowItem], body: str, first_line: int) -> tuple[str, ...]:
    """The names of a byline (``By Ahmad Yani``, ``Oleh: Budi``, ``Penulis: Rina``) that opens
    the body as a one-line paragraph, before any other body text (the plain-text reader's
    rule, :func:`.structure.leftover_kind`); empty when the body opens otherwise."""
    first = flow[0] if flow else None
    if not isinstance(first, Paragraph) or first.line is None:
        return ()
    lines = body.split("\n")
    index = first.line - first_line
    if not 0 <= index < len(lines) or (index + 1 < len(lines) and lines[index + 1].strip()):
        return ()  # a paragraph of more than one line is text, not a byline
    text = " ".join(plain_text(first.inlines).split())
    if structure.leftover_kind(text) != "byline":
        return ()
    return structure.byline_names(text)


# --------------------------------------------------------------------------- entry point


def parse(text: str, source: model.SourceInfo, *, lang: str | None = None) -> model.Document:
    """Parse Markdown ``text`` into a :class:`Document`.

    Title: front matter ``title``, else a pandoc ``% title`` line, else the first ``#``
    heading (removed from the flow), else the file name. Language: ``lang``, else front
    matter, else detected from the text.

    Text nested deeper than markdown-it can read (see :data:`MAX_NESTING`) is read as plain
    text instead, with a warning: every word is kept, the markup shows as written.

    :raises InputError: the front matter is malformed.
    """
    text = clean_text(text)
    front = split_front_matter(text, source.path)
    fields = metadata_fields(front.data, source.path)
    body, first_line = front.body, front.body_first_line
    warnings: list[Diagnostic | str] = []
    if not front.data:
        block = _pandoc_title_block(body, source.path)
        fields = {**block.fields, **fields}
        body, first_line = block.body, first_line + block.consumed_lines
        warnings.extend(block.warnings)
    env: dict[str, Any] = {}
    read = _read_markdown(body, first_line, env, source.path)
    if read is not None:
        # Links to headings by their text, as pandoc resolves them: read again knowing them
        # (the source's own reference definitions win).
        implicit = _header_references(read[0], body, first_line)
        if implicit:
            again = _read_markdown(
                body, first_line, {"references": {**implicit, **env.get("references", {})}},
                source.path)
            read = again if again is not None else read
    if read is None:
        warnings.append(f"{source.path}: nested too deeply for Markdown; read as plain text")
        read = _plain_flow(body, first_line), [], []
    flow, footnotes, found = read
    slugs = PandocSlugs()

    title = fields.pop("title", None)
    if title:
        dropped = _drop_title_heading(flow, title, fields.get("subtitle"))
        if dropped is not None:  # it keeps its id, as in pandoc: "## Title" gets "title-1"
            slugs.claim_id(dropped.id, plain_text(dropped.inlines))
    else:
        first_h1 = next((i for i, item in enumerate(flow)
                         if isinstance(item, Heading) and item.level == 1), None)
        if first_h1 is not None:
            heading = flow.pop(first_h1)
            assert isinstance(heading, Heading)
            title = " ".join(plain_text(heading.inlines).split())
            if first_h1 == 0 or all(not isinstance(i, Heading) for i in flow[:first_h1]):
                slugs.claim_id(heading.id, plain_text(heading.inlines))
    if not title:
        title = _common.fallback_title(source.path)
        warnings.append(f"{source.path}: no title in front matter or a '#' heading; "
                        f"using {title!r}")

    # A byline right under the title is the authors, not the lead (front matter wins).
    names = _byline(flow, body, first_line)
    if names:
        flow.pop(0)
        if not fields.get("authors"):
            fields["authors"] = names

    url = fields.pop("url", None) or source.url
    doc_lang = lang or fields.pop("lang", None) or detect_language(language_sample(title, flow))
    fields.pop("lang", None)
    lead, sections = sectionize(_alt_captions(attach_captions(flow)), slugs=slugs)
    meta = model.Metadata(title=title, source=replace(source, url=url), lang=doc_lang, **fields)
    return model.Document(meta=meta, lead=lead, sections=sections,
                          footnotes=tuple(footnotes), warnings=(*warnings, *found))
