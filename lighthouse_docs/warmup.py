"""What the build warms up in its own process before it forks the processes that render.

A render process is forked from the build's process (:mod:`lighthouse_docs.limits`) and starts
with whatever that process has already loaded. Besides the writers' modules, the templates
and the parsed theme stylesheets, WeasyPrint loads a good deal only when it first lays out a
page: the fonts into Pango, cffi's C types, its own lazily imported modules, fontTools'
subsetter when the PDF is written, and one hyphenation dictionary per language (about 0.1 s
each). Laid out once here, on a tiny sample brief, these are inherited by every render
process instead of being loaded again in each (0.3-0.5 s per article measured on the
example). The sample's outputs are thrown away; nothing of it reaches a real output.

The hyphenation dictionaries are those of the languages the sources are guessed to be in
(:func:`guess_language`, a hint only: a source whose language was not guessed loads its
dictionary in its own process, as before).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from .model import (
    BulletList,
    Document,
    Emphasis,
    Link,
    Metadata,
    Paragraph,
    Section,
    SourceInfo,
    Strong,
    Text,
)

MAX_LANGUAGES = 3
"""Hyphenation dictionaries loaded ahead at most (the most frequent guesses)."""
_GUESSED_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
"""Sources whose raw bytes are running text a language can be guessed from."""


def guess_language(path: Path, data: bytes) -> str | None:
    """The language the source's raw text looks written in, or None (a binary or markup
    format, or too little text). A hint for the warm-up only; the reader decides."""
    if path.suffix.lower() not in _GUESSED_SUFFIXES:
        return None
    from .readers._common import detect_language

    text = data[:20000].decode("utf-8", "replace")
    return detect_language(text, default="") or None


def frequent(languages: Iterable[str | None]) -> tuple[str, ...]:
    """The :data:`MAX_LANGUAGES` most frequent of ``languages`` (ties in first-seen order)."""
    counts = Counter(lang for lang in languages if lang)
    return tuple(lang for lang, _ in counts.most_common(MAX_LANGUAGES))


def _words(text: str) -> tuple[Text]:
    return (Text(text=text),)


def sample_document(lang: str = "en") -> Document:
    """A short brief using what an article commonly uses: a lead, sections and a subsection,
    emphasis, strong text, a link and a list, in the serif and sans faces of the theme."""
    para = Paragraph(inlines=(
        Text(text="Warm-up paragraph with "), Emphasis(children=_words("emphasis")),
        Text(text=", "), Strong(children=_words("strong text")), Text(text=" and "),
        Emphasis(children=(Strong(children=_words("both")),)), Text(text=", a "),
        Link(children=_words("link"), href="https://example.org/"),
        Text(text=" and enough ordinary words to fill a justified line that is hyphenated "
                  "across the measure of the page."),))
    items = BulletList(items=((Paragraph(inlines=_words("First point of a list.")),),
                              (Paragraph(inlines=_words("Second point of a list.")),)))
    sub = Section(id="detail", level=3, heading=_words("A subsection"), blocks=(para,))
    sections = (
        Section(id="first", level=2, heading=_words("First section"), blocks=(para, items),
                children=(sub,)),
        Section(id="second", level=2, heading=_words("Second section"), blocks=(para,)),
    )
    meta = Metadata(title="Warm-up brief", lang=lang, publisher="Lighthouse",
                    date=dt.date(2024, 1, 1), authors=("Writer",),
                    source=SourceInfo(path="warm-up.md", format="markdown"))
    return Document(meta=meta, lead=(para,), sections=sections)


_SAMPLE_LINES = (
    "example.org, Warm-up brief: a sample. A lead paragraph of ordinary words, long enough "
    "for the language of the text to be detected, with a date (1 January 2024) and 12 %.",
    "First section",
    "Warm-up paragraph with enough ordinary words to be read as running text, a link to "
    "https://example.org/page and a second sentence that ends the paragraph.",
    "- First point of a list.",
    "- Second point of a list.",
    "Conclusion",
    "A closing paragraph: the last words of the sample, said in one sentence.",
)
"""A short article in the corpus's plain-text form (line 1 ``<site>, <Title>. <lead>``)."""


def sample_source(fmt: str) -> bytes | None:
    """A small source in ``fmt`` (text, markdown or html) that a build parses and checks in
    its own process before it forks the processes that parse the real sources
    (:func:`lighthouse_docs.build.warm_readers`): what parsing loads on first use (the
    language registry, the structure model's patterns, the key-point and typography rules)
    is then inherited instead of loaded again in each. None for a format with no sample
    (docx: a binary container)."""
    if fmt == "text":
        return "\n".join(_SAMPLE_LINES).encode()
    if fmt == "markdown":
        lead, first, para, item1, item2, last, closing = _SAMPLE_LINES
        return "\n\n".join((f"# {lead.split('. ', 1)[0]}", lead.split(". ", 1)[1],
                            f"## {first}", para, f"{item1}\n{item2}", f"## {last}",
                            closing)).encode()
    if fmt == "html":
        lead, first, para, item1, item2, last, closing = _SAMPLE_LINES
        items = "".join(f"<li>{item[2:]}</li>" for item in (item1, item2))
        return (f"<!DOCTYPE html><html lang=\"en\"><head><title>Warm-up brief</title></head>"
                f"<body><article><h1>Warm-up brief</h1><p>{lead}</p><h2>{first}</h2>"
                f"<p>{para}</p><ul>{items}</ul><h2>{last}</h2><p>{closing}</p></article>"
                f"</body></html>").encode()
    return None
