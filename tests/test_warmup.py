"""The warm-up's language hints and sample brief."""

from __future__ import annotations

from pathlib import Path

from lighthouse_docs import warmup
from lighthouse_docs.checks import check_document
from lighthouse_docs.outline import plain_text

INDONESIAN = ("Pemerintah Indonesia menyatakan bahwa kerja sama maritim dengan negara tetangga "
              "akan diperkuat tahun depan, terutama dalam pengawasan perbatasan dan perdagangan.")


def test_the_language_is_guessed_from_running_text_only() -> None:
    assert warmup.guess_language(Path("a.txt"), INDONESIAN.encode()) == "id"
    assert warmup.guess_language(Path("a.MD"), INDONESIAN.encode()) == "id"
    assert warmup.guess_language(Path("a.docx"), INDONESIAN.encode()) is None
    assert warmup.guess_language(Path("a.txt"), b"ok") is None  # too little to tell


def test_the_most_frequent_languages_come_first_and_are_capped() -> None:
    langs = ["en", None, "id", "id", "fr", "de", "de", "de"]
    assert warmup.frequent(langs) == ("de", "id", "en")[:warmup.MAX_LANGUAGES]


def test_the_sample_brief_passes_the_checks_in_its_language() -> None:
    doc = warmup.sample_document("id")
    assert doc.meta.lang == "id"
    assert [s.level for s in doc.sections] == [2, 2] and doc.sections[0].children
    assert not [d for d in check_document(doc) if d.severity == "error"]
    assert plain_text(doc.sections[0].heading) == "First section"
