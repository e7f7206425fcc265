"""brief: sentence splitting (English and Indonesian), key points and reading time."""

from __future__ import annotations

import pytest

from lighthouse_docs.brief import (
    MAX_KEY_POINTS,
    key_points,
    reading_minutes,
    split_sentences,
    word_count,
)
from lighthouse_docs.model import (
    Document,
    Metadata,
    Paragraph,
    Section,
    SourceInfo,
    Text,
)

SPLITS = [
    # plain ends
    ("One. Two.", ["One.", "Two."]),
    ("Is it? Yes! Fine.", ["Is it?", "Yes!", "Fine."]),
    ("Is it?! Yes.", ["Is it?!", "Yes."]),
    ("First sentence. 2024 was a year.", ["First sentence.", "2024 was a year."]),
    ("", []),
    ("   ", []),
    ("no final stop", ["no final stop"]),
    ("Line\nbroken  here. Next\tone.", ["Line broken here.", "Next one."]),
    # decimals, money, times, thousands
    ("The U.S. economy grew 2.5 percent. Inflation fell.",
     ["The U.S. economy grew 2.5 percent.", "Inflation fell."]),
    ("He paid $5.00. Then left.", ["He paid $5.00.", "Then left."]),
    ("Kenaikan 3,5 persen. Berikutnya.", ["Kenaikan 3,5 persen.", "Berikutnya."]),
    ("Harga Rp 1.500.000 per ton. Turun.", ["Harga Rp 1.500.000 per ton.", "Turun."]),
    ("Pukul 10.30 WIB rapat dimulai. Selesai.", ["Pukul 10.30 WIB rapat dimulai.", "Selesai."]),
    ("He was born in 1990. He left.", ["He was born in 1990.", "He left."]),
    # titles and initials never end a sentence
    ("Dr. Smith arrived. He left.", ["Dr. Smith arrived.", "He left."]),
    ("Mr. and Mrs. Smith came. Ok.", ["Mr. and Mrs. Smith came.", "Ok."]),
    ("Sen. Warren spoke. Then.", ["Sen. Warren spoke.", "Then."]),
    ("J. R. R. Tolkien wrote it. Then more.", ["J. R. R. Tolkien wrote it.", "Then more."]),
    ("George W. Bush spoke. Then.", ["George W. Bush spoke.", "Then."]),
    ("Prof. Dr. Ir. H. Ahmad berbicara. Selesai.",
     ["Prof. Dr. Ir. H. Ahmad berbicara.", "Selesai."]),
    ("Lt. Gen. (Purn.) Budi hadir. Ok.", ["Lt. Gen. (Purn.) Budi hadir.", "Ok."]),
    ("Kantor di Jl. Sudirman No. 1 Jakarta. Besok.",
     ["Kantor di Jl. Sudirman No. 1 Jakarta.", "Besok."]),
    ("e.g. this one. And that.", ["e.g. this one.", "And that."]),
    ("Data per 1 Jan. 2024 menunjukkan. Lalu.", ["Data per 1 Jan. 2024 menunjukkan.", "Lalu."]),
    # number abbreviations only before numbers
    ("See No. 5 for details. Next one.", ["See No. 5 for details.", "Next one."]),
    ("He said No. Then he left.", ["He said No.", "Then he left."]),
    ("Lihat hlm. 12 dan Fig. 3. Lalu.", ["Lihat hlm. 12 dan Fig. 3.", "Lalu."]),
    ("Dia datang pk. 10. Lalu pergi.", ["Dia datang pk. 10.", "Lalu pergi."]),
    # abbreviations at the true end of a sentence
    ("Harga naik, dll. Pemerintah bereaksi.", ["Harga naik, dll.", "Pemerintah bereaksi."]),
    ("Beras, gula, minyak, dsb. Semua naik.", ["Beras, gula, minyak, dsb.", "Semua naik."]),
    ("Harga beras, gula, dll. naik tajam.", ["Harga beras, gula, dll. naik tajam."]),
    ("Apples, pears, etc. The rest rotted.", ["Apples, pears, etc.", "The rest rotted."]),
    ("It moved to the U.S. The end.", ["It moved to the U.S.", "The end."]),
    ("U.S. President Biden spoke. Ok.", ["U.S. President Biden spoke.", "Ok."]),
    ("He lives in the U.S. and works. Yes.", ["He lives in the U.S. and works.", "Yes."]),
    ("Pasukan tiba di A.S. Namun tidak lama.", ["Pasukan tiba di A.S.", "Namun tidak lama."]),
    ("It was sold to Acme Inc. The deal closed.",
     ["It was sold to Acme Inc.", "The deal closed."]),
    ("Smith et al. The results held.", ["Smith et al.", "The results held."]),
    ("It ended at Plan B. The rest failed.", ["It ended at Plan B.", "The rest failed."]),
    ("It ended with Acme Inc.", ["It ended with Acme Inc."]),
    # quotes and brackets
    ('He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
    ("“Kami siap.” Kata dia.", ["“Kami siap.”", "Kata dia."]),
    ('He left. "Why?" she asked.', ["He left.", '"Why?" she asked.']),
    ('Oh no!" she said. Fine.', ['Oh no!" she said.', "Fine."]),
    ("(See above.) Next.", ["(See above.)", "Next."]),
    ("Ia pergi. (Lalu kembali.) Selesai.", ["Ia pergi.", "(Lalu kembali.)", "Selesai."]),
    # ellipses
    ("Wait... What happened? Nothing.", ["Wait...", "What happened?", "Nothing."]),
    ("Wait… what happened? Nothing.", ["Wait… what happened?", "Nothing."]),
    ("Dia ragu… Lalu pergi.", ["Dia ragu…", "Lalu pergi."]),
    # no split inside tokens
    ("Visit www.example.com today. Yes.", ["Visit www.example.com today.", "Yes."]),
    ("A U.S.-based firm grew. Ok.", ["A U.S.-based firm grew.", "Ok."]),
]


@pytest.mark.parametrize(("text", "expected"), SPLITS, ids=[t[:40] for t, _ in SPLITS])
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(("text", "_"), SPLITS, ids=[t[:40] for t, _ in SPLITS])
def test_split_keeps_every_word_in_order(text: str, _: list[str]) -> None:
    assert " ".join(split_sentences(text)).split() == text.split()


def _p(text: str) -> Paragraph:
    return Paragraph(inlines=(Text(text=text),))


def _section(n: int, *blocks: Paragraph, children: tuple[Section, ...] = ()) -> Section:
    return Section(id=f"s{n}", level=2, heading=(Text(text=f"Heading {n}"),), blocks=blocks,
                   children=children)


def _doc(*, lead: tuple[Paragraph, ...] = (), sections: tuple[Section, ...] = (),
         points: tuple[str, ...] = (), title: str = "A title") -> Document:
    meta = Metadata(title=title, source=SourceInfo(path="a.md", format="markdown"),
                    key_points=points)
    return Document(meta=meta, lead=lead, sections=sections)


def test_key_points_are_first_sentences_of_top_sections() -> None:
    doc = _doc(sections=(
        _section(1, _p("Dr. Smith met the U.S. envoy on Monday. They talked.")),
        _section(2, _p("Harga naik 2,5 persen, dll. Pemerintah bereaksi.")),
    ))
    assert key_points(doc) == ("Dr. Smith met the U.S. envoy on Monday.",
                               "Harga naik 2,5 persen, dll.")


def test_key_points_at_most_five_and_deterministic() -> None:
    doc = _doc(sections=tuple(_section(n, _p(f"Point number {n} here. More.")) for n in range(9)))
    assert len(key_points(doc)) == MAX_KEY_POINTS == 5
    assert key_points(doc) == key_points(doc)
    assert key_points(doc)[0] == "Point number 0 here."


def test_key_points_from_front_matter_win() -> None:
    doc = _doc(sections=(_section(1, _p("Extracted. No.")),), points=("Mine.", "Yours."))
    assert key_points(doc) == ("Mine.", "Yours.")


def test_key_points_from_subsection_when_section_starts_without_text() -> None:
    child = Section(id="c", level=3, heading=(Text(text="Sub"),), blocks=(_p("Inner first. Two."),))
    doc = _doc(sections=(_section(1, children=(child,)),))
    assert key_points(doc) == ("Inner first.",)


def test_key_points_without_sections_come_from_the_lead() -> None:
    doc = _doc(lead=(_p("One. Two."), _p("Three.")))
    assert key_points(doc) == ("One.", "Two.", "Three.")
    assert key_points(_doc()) == ()


def test_duplicate_points_are_dropped() -> None:
    doc = _doc(sections=(_section(1, _p("Same. A.")), _section(2, _p("Same. B."))))
    assert key_points(doc) == ("Same.",)


def test_reading_time_rounds_up_and_is_at_least_one_minute() -> None:
    assert reading_minutes(_doc()) == 1
    words = " ".join(["kata"] * 401)
    doc = _doc(lead=(_p(words),), title="T")
    assert word_count(doc) == 402
    assert reading_minutes(doc) == 3



def test_few_sections_are_topped_up_from_subsections_in_document_order() -> None:
    sub = Section(id="c", level=3, heading=(Text(text="Sub"),), blocks=(_p("Sub point. X."),))
    doc = _doc(lead=(_p("Lead one. Lead two."),),
               sections=(_section(1, _p("First. Y."), children=(sub,)),
                         _section(2, _p("Second. Z."))))
    assert key_points(doc) == ("First.", "Sub point.", "Second.")


def test_one_section_is_topped_up_from_the_lead() -> None:
    doc = _doc(lead=(_p("Lead one. Lead two. Lead three."),),
               sections=(_section(1, _p("Only section. Y.")),))
    assert key_points(doc) == ("Lead one.", "Lead two.", "Only section.")
