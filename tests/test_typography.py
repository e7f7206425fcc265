"""typography: the language's quotes, apostrophes, dashes and ellipses; never in code or URLs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lighthouse_docs.model import (
    Code,
    CodeBlock,
    Document,
    Emphasis,
    Footnote,
    Link,
    Metadata,
    Paragraph,
    Section,
    SourceInfo,
    Table,
    TableCell,
    TableRow,
    Text,
)
from lighthouse_docs.outline import plain_text
from lighthouse_docs.typography import NBSP, no_runt, smarten, typeset


@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("en", 'He said "it\'s fine".', "He said “it’s fine”."),
    ("en-GB", "'Single' quotes and the '90s", "‘Single’ quotes and the ’90s"),
    ("id", '"Harga naik," katanya.', "“Harga naik,” katanya."),
    ("de", 'Er sagte "geht\'s" und \'so\'.', "Er sagte „geht’s“ und ‚so‘."),
    ("fr", 'Il a dit "bonjour" : oui!', f"Il a dit «{NBSP}bonjour{NBSP}»{NBSP}: oui{NBSP}!"),
    ("fr", "« déjà » à 10:30, l'économie", f"«{NBSP}déjà{NBSP}» à 10:30, l’économie"),
    ("xx", '"unknown" language', "“unknown” language"),
    ("en", "A -- B --- C - D ... E", "A – B — C – D … E"),
    ("en", "2020-2025, e-mail, ----, ....", "2020-2025, e-mail, ----, ...."),
    ("en", "Run it with --strict.", "Run it with --strict."),
    ("en", "See https://x.org/a--b...c?q='1' or mail a--b@x.org.",
     "See https://x.org/a--b...c?q='1' or mail a--b@x.org."),
    ("en", '("nested \'inner\' quote")', "(“nested ‘inner’ quote”)"),
])
def test_smarten(lang: str, text: str, expected: str) -> None:
    assert smarten(text, lang) == expected


@given(st.text(alphabet=st.sampled_from(list("ab 1'\".-:!?«»\n(")), max_size=40),
       st.sampled_from(["en", "de", "fr", "id"]))
def test_smarten_is_idempotent_and_keeps_letters(text: str, lang: str) -> None:
    once = smarten(text, lang)
    assert smarten(once, lang) == once
    assert [c for c in once if c.isalnum()] == [c for c in text if c.isalnum()]


def _doc(*blocks: Paragraph | CodeBlock | Table, lang: str = "en") -> Document:
    meta = Metadata(title='The "Grid" Problem', source=SourceInfo(path="a.md", format="markdown"),
                    lang=lang, key_points=("Storage isn't cheap -- yet.",), publisher="O'Brien")
    section = Section(id="s", level=2, heading=(Text(text="Why 'now'?"),), blocks=blocks)
    return Document(meta=meta, sections=(section,),
                    footnotes=(Footnote(id="1", blocks=(Paragraph(inlines=(Text(text='"A"'),)),)),))


def test_quotes_are_decided_across_inline_boundaries_and_skip_code() -> None:
    para = Paragraph(inlines=(
        Text(text='Say "'), Emphasis(children=(Text(text="hello"),)), Text(text='" and run '),
        Code(text='print("x")'), Text(text=" or "), Link(children=(Text(text='"docs"'),),
                                                          href="https://x.org/?a='b'"),
        Text(text="...")))
    code = CodeBlock(text='echo "--" ...')
    doc = typeset(_doc(para, code))
    out = doc.sections[0].blocks
    assert plain_text(out[0].inlines) == 'Say “hello” and run print("x") or “docs”…'  # type: ignore[union-attr]
    assert out[0].inlines[3] == Code(text='print("x")')  # type: ignore[union-attr]
    assert out[0].inlines[5].href == "https://x.org/?a='b'"  # type: ignore[union-attr]
    assert out[1] == code


def test_metadata_headings_tables_and_notes_are_typeset_names_are_not() -> None:
    table = Table(head=(), body=(TableRow(cells=(TableCell(inlines=(Text(text="'24 -- '25"),)),)),))
    doc = typeset(_doc(table, lang="de"))
    assert doc.meta.title == "The „Grid“ Problem"
    assert doc.meta.key_points == ("Storage isn’t cheap – yet.",)
    assert doc.meta.publisher == "O'Brien"
    assert plain_text(doc.sections[0].heading) == "Why ‚now‘?"
    assert plain_text(doc.sections[0].blocks[0].body[0].cells[0].inlines) == "’24 – ’25"  # type: ignore[union-attr]
    assert plain_text(doc.footnotes[0].blocks[0].inlines) == "„A“"  # type: ignore[union-attr]


def test_text_without_typewriter_punctuation_is_left_alone() -> None:
    para = Paragraph(inlines=(Text(text="Plain words, nothing else."),))
    assert typeset(_doc(para)).sections[0].blocks[0] is not None
    assert typeset(_doc(para)).sections[0].blocks == (para,)


def test_no_runt_keeps_the_last_two_words_of_a_short_text_together() -> None:
    assert no_runt("persen listrik nasional.") == "persen listrik\u00a0nasional."
    assert no_runt("in skala besar. ") == "in skala\u00a0besar. "
    # Too long together to be worth it, nothing to join, or no spaces at all: as it is.
    assert no_runt("see https://example.org/a/long/address") == \
        "see https://example.org/a/long/address"
    assert no_runt("one") == "one"
    assert no_runt("ตัวอย่างภาษาไทย") == "ตัวอย่างภาษาไทย"


@pytest.mark.parametrize(("text", "expected"), [
    ("only 2.8 km wide", "only 2.8\u00a0km wide"),
    ("Rp 4,8 triliun", "Rp 4,8\u00a0triliun"),
    ("12 % and 300 MW", "12\u00a0% and 300\u00a0MW"),
    ("in 2025 many more", "in 2025 many more"),
    ("5 mice and 3 men", "5 mice and 3 men"),
])
def test_a_number_and_its_unit_are_joined_by_a_no_break_space(text: str, expected: str) -> None:
    assert smarten(text, "en") == expected
