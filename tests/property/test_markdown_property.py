"""Property tests for the Markdown reader.

"Article-shaped" Markdown here is: a ``#`` title line, then headings (``##``-``####``),
paragraphs, bullet and ordered lists and block quotes, whose words may be wrapped in
``*emphasis*``, ``**strong**``, ``~~strikethrough~~``, `` `code` `` or ``[links](url)``.
The reader consumes exactly that markup: heading markers, emphasis/strong/strikethrough
delimiters, backticks, link brackets and the URL, list markers and ``>``. Every word
outside the markup must come out once, in source order (the title first).
"""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lighthouse_docs.errors import InputError
from lighthouse_docs.model import Document, SourceInfo
from lighthouse_docs.outline import block_text, iter_sections, plain_text
from lighthouse_docs.readers.markdown import parse

SOURCE = SourceInfo(path="prop.md", format="markdown")
MARKUP_CHARS = list("#*_`[]()!<>-+|:~^%{}\\=.\n\t ") + list("abcXYZ019")

words = st.from_regex(r"[a-zA-Z]{1,9}", fullmatch=True)


@st.composite
def marked_word(draw: st.DrawFn) -> tuple[str, str]:
    """(markdown, the word it shows)."""
    word = draw(words)
    wrap = draw(st.sampled_from(["", "*", "**", "~~", "`", "link"]))
    if wrap == "link":
        return f"[{word}](https://example.org/{draw(words)})", word
    return f"{wrap}{word}{wrap}", word


@st.composite
def line_of_words(draw: st.DrawFn) -> tuple[str, list[str]]:
    parts = draw(st.lists(marked_word(), min_size=1, max_size=8))
    return " ".join(p[0] for p in parts), [p[1] for p in parts]


@st.composite
def block(draw: st.DrawFn) -> tuple[str, list[str]]:
    kind = draw(st.sampled_from(["heading", "paragraph", "bullets", "ordered", "quote"]))
    if kind == "heading":
        level = draw(st.integers(2, 4))
        text = draw(st.lists(words, min_size=1, max_size=5))
        return "#" * level + " " + " ".join(text), text
    if kind in ("bullets", "ordered"):
        items = draw(st.lists(line_of_words(), min_size=1, max_size=4))
        markers = ["-"] * len(items) if kind == "bullets" else [
            f"{n}." for n in range(1, len(items) + 1)]
        return ("\n".join(f"{m} {line}" for m, (line, _) in zip(markers, items, strict=True)),
                [w for _, ws in items for w in ws])
    lines = draw(st.lists(line_of_words(), min_size=1, max_size=3))
    prefix = "> " if kind == "quote" else ""
    return "\n".join(prefix + line for line, _ in lines), [w for _, ws in lines for w in ws]


def words_out(doc: Document) -> list[str]:
    parts = [doc.meta.title, *(block_text(b) for b in doc.lead)]
    for section in iter_sections(doc.sections):
        parts.append(plain_text(section.heading))
        parts.extend(block_text(b) for b in section.blocks)
    return " ".join(parts).split()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.text(alphabet=st.sampled_from(MARKUP_CHARS))))
def test_arbitrary_text_raises_nothing_but_input_error(text: str) -> None:
    try:
        doc = parse(text, SOURCE)
    except InputError:
        return
    assert doc.meta.title


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from(MARKUP_CHARS)))
def test_arbitrary_front_matter_raises_nothing_but_input_error(text: str) -> None:
    with contextlib.suppress(InputError):
        parse(f"---\n{text}\n---\nBody.\n", SOURCE)


@settings(max_examples=80, deadline=None)
@given(st.lists(words, min_size=1, max_size=5), st.lists(block(), max_size=12))
def test_article_words_survive_in_order(title: list[str], blocks: list[tuple[str, list[str]]]
                                        ) -> None:
    source = "# " + " ".join(title) + "\n\n" + "\n\n".join(b[0] for b in blocks) + "\n"
    expected = title + [w for _, ws in blocks for w in ws]
    doc = parse(source, SOURCE, lang="en")
    assert doc.meta.title == " ".join(title)
    assert words_out(doc) == expected
