"""The warm-up's language hints and sample brief."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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


_PARSE_AFTER_WARM_UP = """
import sys
from pathlib import Path
from lighthouse_docs import build, readers

source = Path(sys.argv[1])
build.warm_readers([source])
before = set(sys.modules)
doc = readers.load(source)
_, _, failure = build.checked(doc, str(source), marking=None, markings=(), key_points="auto")
assert failure is None, failure
print(" ".join(sorted(set(sys.modules) - before)))
"""


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_parsing_after_the_warm_up_loads_nothing_more(fmt: str, tmp_path: Path) -> None:
    """The build parses and checks a sample in its own process before it forks the processes
    that parse the sources (build.warm_readers): a source parsed afterwards, as in those
    processes, imports no module the sample did not (langcodes, the key-point rules...)."""
    suffix = {"text": ".txt", "markdown": ".md", "html": ".html"}[fmt]
    sample = warmup.sample_source(fmt)
    assert sample is not None
    source = tmp_path / f"article{suffix}"
    source.write_bytes(sample.replace(b"Warm-up", b"Another").replace(b"sample", b"brief"))
    out = subprocess.run([sys.executable, "-c", _PARSE_AFTER_WARM_UP, source], check=True,
                         capture_output=True, text=True, cwd=tmp_path).stdout
    assert out.split() == []


def test_there_is_no_sample_of_a_binary_format() -> None:
    assert warmup.sample_source("docx") is None
