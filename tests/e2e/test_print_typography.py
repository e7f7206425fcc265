"""Print typography of code, addresses and measures, read back from the PDF the checkout's CLI
builds (sixth new-user trial, findings 9, 10 and 20): code is never hyphenated or broken at its
own hyphens, a long identifier or URL breaks after its punctuation instead of leaving a
stretched justified line behind it, and a number keeps its unit on its line.

The source repeats each sentence behind lead-ins of growing length, so that every word of
interest lands at the end of a line in some paragraph."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest
from e2e_support import run_checkout_cli

PADDING = "Officials said that the ministry would review the matter again before long and "
IDENTIFIER = "mrc_gauges_summary_view_for_annual_report_2025_final"
URL = "https://en.wikipedia.org/wiki/Office_Open_XML_file_formats"


def _paragraphs(sentence: str, count: int = 14) -> list[str]:
    words = (PADDING * 3).split()
    return [" ".join([*words[:n], sentence]) for n in range(count)]


def _source() -> str:
    parts = ["---", "title: Print typography", "lang: en", "---", "",
             "A lead paragraph that opens this brief about code, addresses and measures.", "",
             "## Code"]
    parts += [p + "\n" for p in _paragraphs(
        "you pass `--from` with `+EXTENSION` and `--standalone` to the converter each time.")]
    parts += ["## Identifiers"]
    parts += [p + "\n" for p in _paragraphs(f"run the query `{IDENTIFIER}` every month.")]
    parts += ["## Addresses"]
    parts += [p + "\n" for p in _paragraphs(f"the format (spreadsheet ({URL})) is open.")]
    parts += ["## Measures"]
    measure = "the channel is only 2.8 km wide at its narrowest."
    parts += [p + "\n" for p in _paragraphs(measure, 30)]
    return "\n".join(parts) + "\n"


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Every line of text on the PDF's pages after the cover, spaces normalised."""
    project: Path = tmp_path_factory.mktemp("typography")
    (project / "sources").mkdir()
    (project / "sources" / "typo.md").write_text(_source(), encoding="utf-8")
    result = run_checkout_cli(["build", "--pdf", "--no-key-points"], project)
    assert result.returncode == 0, result.stderr
    reader = pypdf.PdfReader(project / "output" / "typo.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages[1:])
    return [" ".join(line.replace("\u00a0", " ").split()) for line in text.splitlines()]


def test_code_is_never_hyphenated_nor_broken_at_its_own_hyphens(lines: list[str]) -> None:
    body = "\n".join(lines)
    for word in ("--from", "+EXTENSION", "--standalone"):
        assert body.count(word) == 14, word
    assert not [line for line in lines if re.search(r"(?:EXTEN|stand)-?$|(?:^|\s)--$", line)]


def test_a_long_identifier_breaks_after_its_underscores_not_before_it(lines: list[str]) -> None:
    body = "\n".join(lines)
    # Every line break inside the identifier comes right after one of its underscores...
    assert body.replace("_\n", "_").count(IDENTIFIER) == 14
    # ...and it starts on the line of "the query" unless that line is full: it is not pushed
    # whole onto the next line, leaving a stretched justified line behind it (before: in 13 of
    # the 14 paragraphs; "query" ends a full line in one).
    assert len([line for line in lines if line.endswith("the query")]) <= 1


def test_an_address_breaks_after_its_slashes_and_is_never_hyphenated(lines: list[str]) -> None:
    body = "\n".join(lines)
    assert not re.search(r"(?:wiki|Office|Open|formats|pedia)-\n", body)
    assert body.replace("/\n", "/").replace("_\n", "_").replace(".\n", ".").count(URL) == 14


def test_a_number_keeps_its_unit_on_its_line(lines: list[str]) -> None:
    assert sum(line.count("2.8 km") for line in lines) == 30
    assert not [line for line in lines if line.endswith("2.8") or line.startswith("km ")]
