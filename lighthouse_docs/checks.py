"""Checks between reading and rendering: what a reader cannot see on its own.

Pure functions over the model that return :class:`~lighthouse_docs.diagnostics.Diagnostic`
records (stage ``check``): front-matter keys against the one schema in ``config``, handling
markings (fail-closed), a source with no body text, footnote references without a note,
links to a heading the text does not have,
images the writers will refuse (at their line), characters no installed font can draw (one
warning per script, given the fonts' coverage).
An ``error`` record fails the source; warnings fail it under ``--strict``.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .config import FRONT_MATTER_FIELDS, MARKING_KEYS
from .diagnostics import Diagnostic, diagnostic
from .fonts import FontCoverage, document_text, install_hint, missing_by_script, script_name
from .model import Block, Document, FootnoteRef, Image, InlineImage, Link, Text
from .outline import block_text, iter_sections, query

_LITERAL_NOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
"""A Markdown footnote reference left as text because no note defines it."""
_MARKING_LIKE = re.compile(r"mark|classif|handling|caveat|secur", re.IGNORECASE)


def _check(doc: Document, message: str, code: str, *, severity: str = "warning",
           line: int | None = None) -> Diagnostic:
    return diagnostic(doc.meta.source.path, message, line=line, code=code,
                      severity="error" if severity == "error" else "warning", stage="check",
                      format=doc.meta.source.format)


def _marking_like(key: str) -> bool:
    return bool(_MARKING_LIKE.search(key)) or bool(
        difflib.get_close_matches(key, MARKING_KEYS, n=1, cutoff=0.7))


def front_matter(doc: Document) -> list[Diagnostic]:
    """Unknown front-matter keys (warning, with a did-you-mean), a key that looks like a
    marking but is not one (error: the marking would silently vanish), an empty marking."""
    found: list[Diagnostic] = []
    known = sorted(FRONT_MATTER_FIELDS)
    lines = doc.meta.front_matter_lines
    for index, key in enumerate(doc.meta.front_matter_keys):
        line = lines[index] if index < len(lines) else None
        name = key.strip().lower()
        if name in FRONT_MATTER_FIELDS:
            continue
        guess = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"; did you mean {guess[0]!r}?" if guess else ""
        if _marking_like(name):
            found.append(_check(
                doc, f"front matter key {key!r} looks like a handling marking but is not "
                "one (the key is 'marking'); not built, the marking would be lost",
                "front-matter-marking", severity="error", line=line))
        else:
            found.append(_check(doc, f"unknown front matter key {key!r} ignored{hint}",
                                "front-matter-unknown", line=line))
    marking_lines = [lines[i] if i < len(lines) else None
                     for i, k in enumerate(doc.meta.front_matter_keys)
                     if k.strip().lower() in MARKING_KEYS]
    if marking_lines and not doc.meta.marking:
        found.append(_check(doc, "the front matter's marking is empty", "marking-empty",
                            line=marking_lines[0]))
    return found


def marking(doc: Document, order: Sequence[str]) -> list[Diagnostic]:
    """A marking outside the configured ``markings`` list (error: it cannot be ranked, and a
    typo must not pass as a marking)."""
    if not order or not doc.meta.marking:
        return []
    if rank(doc.meta.marking, order) is None:
        return [_check(doc, f"marking {doc.meta.marking!r} is not one of the configured "
                       f"markings ({', '.join(order)})", "marking-unknown", severity="error")]
    return []


def _top_blocks(doc: Document) -> Iterable[Block]:
    yield from doc.lead
    for section in iter_sections(doc.sections):
        yield from section.blocks


TITLE_WORDS_AT_MOST = 40
"""A plain-text title longer than this was not meant as one: the text itself went into it."""


def body(doc: Document) -> list[Diagnostic]:
    """A document without a word of body text (error: it would be built as an empty brief).

    When a plain-text file's first line took the whole text as its title (a text saved as one
    line, whose lead has no sentence end after the title), the message says so and how to
    give the text lines of its own."""
    if any(block_text(b).strip() for b in _top_blocks(doc)):
        return []
    words = len(doc.meta.title.split())
    if doc.meta.source.format == "text" and words > TITLE_WORDS_AT_MOST:
        return [_check(doc, f"has no body text: all {words:,} words of its first line were "
                       "read as the title (one line with no sentence end after the title); "
                       "put the title on a line of its own and the text on the lines after "
                       "it", "empty-body", severity="error")]
    return [_check(doc, "has no body text: nothing to build", "empty-body", severity="error")]


def footnotes(doc: Document) -> list[Diagnostic]:
    """Footnote references with no note, and Markdown ``[^x]`` left as literal text."""
    notes = {note.id for note in doc.footnotes}
    found: list[Diagnostic] = []
    blocks = [*_top_blocks(doc), *(b for note in doc.footnotes for b in note.blocks)]
    for block in blocks:
        line = getattr(block, "line", None)
        for ref in query(block, FootnoteRef):
            if ref.id not in notes:
                found.append(_check(doc, f"footnote reference [^{ref.id}] has no note",
                                    "footnote-missing", line=line))
        if doc.meta.source.format != "markdown":
            continue
        for text in query(block, Text):
            for match in _LITERAL_NOTE_REF.finditer(text.text):
                found.append(_check(doc, f"footnote reference {match.group(0)} has no note; "
                                    "printed as written", "footnote-missing", line=line))
    return found


def links(doc: Document) -> list[Diagnostic]:
    """Links inside the article (``#id``) to no section of it, once per target at its first
    line: the outputs show their text without a link (the EPUB drops it, the PDF too rather
    than leave a link to nowhere)."""
    targets = {section.id for section in iter_sections(doc.sections)}
    found: list[Diagnostic] = []
    seen: set[str] = set()
    blocks = [*_top_blocks(doc), *(b for note in doc.footnotes for b in note.blocks)]
    for block in blocks:
        for link in query(block, Link):
            target = link.href.strip()
            if not target.startswith("#") or target[1:] in targets or target in seen:
                continue
            seen.add(target)
            found.append(_check(doc, f"link to {target} points to no heading of this text; "
                                "printed without a link", "link-target-missing",
                                line=getattr(block, "line", None)))
    return found


GLYPH_SAMPLE = 8
"""Characters quoted in a missing-glyph warning."""


def glyphs(doc: Document, coverage: FontCoverage) -> list[Diagnostic]:
    """Characters no font in ``coverage`` can draw (they print as empty boxes): one warning
    per script, however many characters and places, quoting a few of them."""
    found: list[Diagnostic] = []
    for code, chars in missing_by_script(document_text(doc), coverage).items():
        sample = " ".join(chars[:GLYPH_SAMPLE]) + (" ..." if len(chars) > GLYPH_SAMPLE else "")
        count = f"{len(chars)} {script_name(code)} character{'s' if len(chars) > 1 else ''}"
        found.append(_check(doc, f"no installed font has {count} ({sample}): they print as "
                            f"empty boxes; {install_hint(code)}", "glyph-missing"))
    return found


ImageRefusal = Callable[[str, Path], str | None]
"""Why the image ``src`` of an article in a folder may not be read (the writers' message),
or None: :func:`lighthouse_docs.writers.resources.image_refusal`."""


def _with_lines(value: object, line: int | None) -> Iterable[tuple[object, int | None]]:
    """Every model node under ``value`` with the line of the innermost block holding it."""
    if isinstance(value, tuple):
        for item in value:
            yield from _with_lines(item, line)
        return
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return
    own = getattr(value, "line", None)
    line = own if isinstance(own, int) else line
    yield value, line
    for item in dataclasses.fields(value):
        child = getattr(value, item.name)
        if isinstance(child, tuple) or (dataclasses.is_dataclass(child)
                                        and not isinstance(child, type)):
            yield from _with_lines(child, line)


def images(doc: Document, refusal: ImageRefusal) -> list[Diagnostic]:
    """Images the writers will not be able to show (missing, outside the source's folder,
    not an image...), each at the line of its figure or paragraph: the writers say the same
    thing without knowing the line."""
    folder = doc.meta.source.folder
    if folder is None:
        return []
    found: list[Diagnostic] = []
    seen: set[tuple[str, int | None]] = set()
    for node, line in _with_lines((doc.lead, doc.sections, doc.footnotes), None):
        if not isinstance(node, Image | InlineImage):
            continue
        message = refusal(node.src, Path(folder))
        if message is not None and (message, line) not in seen:
            seen.add((message, line))
            found.append(_check(doc, message, "image-refused", line=line))
    return found


def check_document(doc: Document, *, markings: Sequence[str] = (),
                   coverage: FontCoverage | None = None,
                   image_refusal: ImageRefusal | None = None) -> tuple[Diagnostic, ...]:
    """Every check on one document, in a fixed order (the glyph check only given the fonts'
    ``coverage``, see :func:`lighthouse_docs.fonts.installed_coverage`; the image check
    only given the writers' ``image_refusal``)."""
    return (*front_matter(doc), *marking(doc, markings), *body(doc), *footnotes(doc),
            *links(doc),
            *(images(doc, image_refusal) if image_refusal is not None else ()),
            *(glyphs(doc, coverage) if coverage is not None else ()))


def rank(value: str, order: Sequence[str]) -> int | None:
    """The position of ``value`` in ``order`` (case-insensitive), None when absent."""
    wanted = value.strip().casefold()
    return next((i for i, item in enumerate(order) if item.strip().casefold() == wanted), None)


def pack_marking(markings: Iterable[str | None], order: Sequence[str]) -> str | None:
    """The marking of a combined brief: the highest of its articles' (last in ``order``), or,
    with no configured order, every distinct marking listed ("A / B") so none is lost."""
    given = list(dict.fromkeys(m.strip() for m in markings if m and m.strip()))
    if not given:
        return None
    if order:
        ranked = [(rank(m, order), m) for m in given]
        if all(r is not None for r, _ in ranked):
            best = max(ranked, key=lambda item: item[0] if item[0] is not None else -1)
            return order[best[0]] if best[0] is not None else best[1]
    return " / ".join(given)
