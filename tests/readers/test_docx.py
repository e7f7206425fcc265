"""The Word reader: python-docx documents (footnotes injected) read into the model."""

from __future__ import annotations

import io
import json
import shutil
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from lighthouse_docs.errors import InputError
from lighthouse_docs.model import (
    BulletList,
    Document,
    Emphasis,
    FootnoteRef,
    Image,
    Link,
    Paragraph,
    SourceInfo,
    Strong,
    Table,
)
from lighthouse_docs.outline import block_text, iter_sections, plain_text
from lighthouse_docs.readers import load
from lighthouse_docs.readers.docx import parse_bytes

sys.path.insert(0, str(Path(__file__).parent))
from docx_factory import make_report_docx, png_bytes

ID_TEXT = ("Pemerintah Indonesia menyatakan bahwa kerja sama pertahanan dengan negara tetangga "
           "akan terus diperkuat pada tahun depan, termasuk latihan bersama, patroli "
           "terkoordinasi dan pertukaran informasi di kawasan perbatasan laut yang selama ini "
           "rawan penyelundupan. Menteri Pertahanan mengatakan bahwa anggaran untuk program "
           "tersebut sudah disetujui oleh Dewan Perwakilan Rakyat pekan lalu.")


def _read(path: Path, **kwargs: Any) -> Document:
    return load(path, **kwargs)


def _all_blocks(doc: Document) -> list[Any]:
    blocks = list(doc.lead)
    for section in iter_sections(doc.sections):
        blocks.extend(section.blocks)
    return blocks


def _inlines(blocks: list[Any]) -> list[Any]:
    out: list[Any] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.extend(block.inlines)
    return out


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Document:
    return _read(make_report_docx(tmp_path_factory.mktemp("docx") / "report.docx"))


def test_title_subtitle_and_core_properties(report: Document) -> None:
    meta = report.meta
    assert meta.title == "Maritime Cooperation in the Natuna Sea"
    assert meta.subtitle == "What the new patrol agreement changes"
    assert meta.authors == ("Dewi Lestari",)
    assert meta.date is not None and meta.date.isoformat() == "2024-03-05"
    assert meta.keywords == ("maritime", "Natuna", "cooperation")
    assert meta.lang == "en-GB"
    assert meta.source.format == "docx"
    # Neither the title nor the subtitle is repeated as body text.
    assert [block_text(b) for b in report.lead] == [
        "The agreement signed in Jakarta this week sets out joint patrols, shared radar "
        "pictures and a hotline between the two coast guards."]


def test_heading_styles_make_the_section_tree(report: Document) -> None:
    tree = [(s.level, plain_text(s.heading)) for s in iter_sections(report.sections)]
    assert tree == [(2, "Background"), (3, "Earlier agreements"),
                    (2, "The new patrol plan"), (3, "Radar sharing")]


def test_list_table_link_bold_italic(report: Document) -> None:
    blocks = _all_blocks(report)
    lists = [b for b in blocks if isinstance(b, BulletList)]
    assert [[block_text(i[0]) for i in lst.items] for lst in lists] == [
        ["The 2002 declaration on conduct", "The 2011 guidelines", "The 2017 framework"]]
    tables = [b for b in blocks if isinstance(b, Table)]
    assert len(tables) == 1
    rows = [[plain_text(c.inlines) for c in r.cells] for r in (*tables[0].head, *tables[0].body)]
    assert rows == [["Asset", "Number"], ["Patrol ships", "6"], ["Aircraft", "2"]]
    inlines = _inlines(blocks)
    assert any(isinstance(i, Strong) and plain_text(i.children) == "according to official figures"
               for i in inlines)
    assert any(isinstance(i, Emphasis) and plain_text(i.children) == "coast guard"
               for i in inlines)
    links = [i for i in inlines if isinstance(i, Link)]
    assert [(plain_text(i.children), i.href) for i in links] == [
        ("the ministry website", "https://example.org/patrol")]


def test_footnote_reference_and_text(report: Document) -> None:
    refs = [i for i in _inlines(_all_blocks(report)) if isinstance(i, FootnoteRef)]
    assert len(refs) == 1
    assert [n.id for n in report.footnotes] == [refs[0].id]
    assert block_text(report.footnotes[0].blocks[0]).strip() == \
        "Ministry of Marine Affairs, annual report 2023."
    # mammoth's "[1]" marker and back link leave no text behind.
    assert "[1]" not in " ".join(block_text(b) for b in _all_blocks(report))
    assert "↑" not in block_text(report.footnotes[0].blocks[0])


def test_image_embedded_in_memory_with_alt_text(report: Document) -> None:
    images = [b for b in _all_blocks(report) if isinstance(b, Image)]
    assert len(images) == 1
    assert images[0].alt == "Map of the joint patrol zone"
    assert images[0].src.startswith("data:image/png;base64,")
    assert report.warnings == ()


def _docx(tmp_path: Path, build: Any, name: str = "doc.docx") -> Path:
    import docx

    document = docx.Document()
    build(document)
    path = tmp_path / name
    document.save(str(path))
    return path


def test_localised_heading_style_names(tmp_path: Path) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    def build(document: Any) -> None:
        for name in ("Judul 1", "Judul 2"):
            document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        document.add_paragraph("Laporan Singkat", style="Title")
        document.add_paragraph(ID_TEXT)
        document.add_paragraph("Latar Belakang", style="Judul 1")
        document.add_paragraph(ID_TEXT)
        document.add_paragraph("Sejarah Singkat", style="Judul 2")
        document.add_paragraph(ID_TEXT)

    doc = _read(_docx(tmp_path, build))
    assert [(s.level, plain_text(s.heading)) for s in iter_sections(doc.sections)] == [
        (2, "Latar Belakang"), (3, "Sejarah Singkat")]
    assert doc.meta.title == "Laporan Singkat"


def test_unknown_style_warns_once_per_style(tmp_path: Path) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    def build(document: Any) -> None:
        document.styles.add_style("Fancy Box", WD_STYLE_TYPE.PARAGRAPH)
        document.styles.add_style("Other Box", WD_STYLE_TYPE.PARAGRAPH)
        document.add_heading("Only section", level=1)
        for _ in range(4):
            document.add_paragraph("A boxed remark about the budget.", style="Fancy Box")
        document.add_paragraph("Another remark.", style="Other Box")

    doc = _read(_docx(tmp_path, build))
    fancy = [w for w in doc.warnings if "Fancy Box" in w]
    other = [w for w in doc.warnings if "Other Box" in w]
    assert len(fancy) == 1 and len(other) == 1
    # A lone leading Heading 1 in a document without a Title names the document.
    assert doc.meta.title == "Only section"
    assert [block_text(b) for b in _all_blocks(doc)].count("A boxed remark about the budget.") == 4


def test_bold_lines_without_heading_styles_become_headings(tmp_path: Path) -> None:
    def build(document: Any) -> None:
        document.add_paragraph("Kerja Sama Pertahanan Kawasan", style="Title")
        document.add_paragraph(ID_TEXT)
        for heading in ("Latar Belakang", "Dampak bagi Kawasan", "Kesimpulan"):
            document.add_paragraph().add_run(heading).bold = True
            document.add_paragraph(ID_TEXT)

    doc = _read(_docx(tmp_path, build))
    headings = [plain_text(s.heading) for s in iter_sections(doc.sections)]
    assert headings == ["Latar Belakang", "Dampak bagi Kawasan", "Kesimpulan"]
    # The heading is not also bold text inside it.
    assert not any(isinstance(i, Strong) for s in doc.sections for i in s.heading)
    assert any("inferred" in w for w in doc.warnings)


def test_declared_language_loses_to_confident_detection(tmp_path: Path) -> None:
    def build(document: Any) -> None:
        document.core_properties.language = "en-US"
        document.add_paragraph("Kerja Sama Pertahanan", style="Title")
        document.add_paragraph(ID_TEXT)
        document.add_paragraph(ID_TEXT)

    path = _docx(tmp_path, build)
    doc = _read(path)
    assert doc.meta.lang == "id"
    assert any("declares language 'en-US'" in w for w in doc.warnings)
    # --lang wins over both, without a warning.
    forced = _read(path, lang="en-US")
    assert forced.meta.lang == "en-US"
    assert not any("declares language" in w for w in forced.warnings)


def test_unsupported_image_type_is_left_out_with_a_warning(tmp_path: Path) -> None:
    def build(document: Any) -> None:
        document.add_paragraph("Figure", style="Title")
        document.add_paragraph("The map below shows the zone.")
        image = tmp_path / "pic.png"
        image.write_bytes(png_bytes())
        document.add_picture(str(image))

    path = _docx(tmp_path, build)
    data = path.read_bytes()
    # Relabel the PNG as an EMF drawing, as Word does for vector figures.
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(b'Extension="png" ContentType="image/png"',
                                          b'Extension="png" ContentType="image/x-emf"')
            dst.writestr(info, content)
    path.write_bytes(out.getvalue())
    doc = _read(path)
    assert not [b for b in _all_blocks(doc) if isinstance(b, Image)]
    assert any("image/x-emf" in w for w in doc.warnings)


@pytest.mark.parametrize(("content", "expected"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "password-protected"),
    (b"PK\x03\x04 this is not really a zip at all", "not a valid .docx"),
    (b"", "not a valid .docx"),
])
def test_bad_packages_are_one_clear_error(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        _read(path)
    assert expected in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_zip_that_is_not_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "photos.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.txt", "hello")
    with pytest.raises(InputError, match="not a Word document"):
        _read(path)


def test_encrypted_ooxml_package(tmp_path: Path) -> None:
    path = tmp_path / "secret.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("EncryptionInfo", b"\x04\x00")
        archive.writestr("EncryptedPackage", b"\x00" * 64)
    with pytest.raises(InputError, match="password-protected"):
        _read(path)


def test_text_entry_point_refuses() -> None:
    from lighthouse_docs.readers import docx as docx_reader

    with pytest.raises(InputError):
        docx_reader.parse("x", SourceInfo(path="a.docx", format="docx"))


def test_parse_bytes_without_file(tmp_path: Path) -> None:
    data = make_report_docx(tmp_path / "r.docx", with_image=False).read_bytes()
    doc = parse_bytes(data, SourceInfo(path="mem.docx", format="docx"))
    assert doc.meta.title == "Maritime Cooperation in the Natuna Sea"
    assert not [b for b in _all_blocks(doc) if isinstance(b, Image)]


def test_word_caption_paragraphs_become_figure_and_table_captions(tmp_path: Path) -> None:
    def build(document: Any) -> None:
        document.add_paragraph("Captions", style="Title")
        image = tmp_path / "pic.png"
        image.write_bytes(png_bytes())
        document.add_picture(str(image))
        document.add_paragraph("Figure 1: Rice prices by month", style="Caption")
        document.add_paragraph("Source: BPS")
        document.add_paragraph("Table 1: Stocks by port", style="Caption")
        table = document.add_table(rows=1, cols=2)
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Port", "Stock"
        document.add_paragraph("Body text.")

    doc = _read(_docx(tmp_path, build))
    [image] = [b for b in _all_blocks(doc) if isinstance(b, Image)]
    assert plain_text(image.caption) == "Rice prices by month"
    assert plain_text(image.source) == "Source: BPS"
    [table] = [b for b in _all_blocks(doc) if isinstance(b, Table)]
    assert plain_text(table.caption) == "Stocks by port"


def test_a_word_document_gets_the_same_bounds_as_every_other_source(tmp_path: Path) -> None:
    # load() returned a .docx's document without bound_document: no cap on wide tables or
    # long words, and a paragraph too long to lay out was not cut.
    def build(document: Any) -> None:
        document.add_paragraph("Bounds", style="Title")
        document.add_paragraph(ID_TEXT)
        table = document.add_table(rows=2, cols=25)
        for i, cell in enumerate(table.rows[0].cells):
            cell.text = f"h{i}"

    doc = _read(_docx(tmp_path, build))
    assert any("25 columns" in (w if isinstance(w, str) else w.message)
               for w in doc.warnings), doc.warnings

    def giant(document: Any) -> None:
        document.add_paragraph("Bounds", style="Title")
        document.add_paragraph("One long run of text without a break. " * 2000)

    doc = _read(_docx(tmp_path, giant, "giant.docx"))
    assert len(doc.lead) > 20
    assert any("without a break is cut into" in w for w in doc.warnings), doc.warnings


def _pandoc_like(document: Any) -> None:
    """What pandoc writes from `title:`, `author:` (two) and `date:`: Title, Author and Date
    paragraph styles above the text (python-docx has no Author/Date style: added here)."""
    from docx.enum.style import WD_STYLE_TYPE

    for name in ("Author", "Date"):
        document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    document.core_properties.author = "Jane Roe; John Poe"
    document.add_paragraph("Harbour Dues Rise", style="Title")
    document.add_paragraph("Jane Roe", style="Author")
    document.add_paragraph("John Poe", style="Author")
    document.add_paragraph("2 March 2026", style="Date")
    document.add_paragraph("The port authority raised harbour dues by four percent.")


def test_author_and_date_paragraphs_become_the_authors_and_the_date(tmp_path: Path) -> None:
    # The new user's report: a pandoc-made .docx had its 'Author' style reported as unknown
    # and the names printed as the first lines of the text.
    doc = _read(_docx(tmp_path, _pandoc_like))
    assert doc.meta.authors == ("Jane Roe", "John Poe")
    assert doc.meta.date is not None and doc.meta.date.isoformat() == "2026-03-02"
    assert [block_text(b) for b in _all_blocks(doc)] == [
        "The port authority raised harbour dues by four percent."]
    assert doc.warnings == ()


def test_a_date_paragraph_that_is_no_date_stays_text_with_a_warning(tmp_path: Path) -> None:
    def build(document: Any) -> None:
        _pandoc_like(document)
        document.paragraphs[3].text = "Spring 2026"

    doc = _read(_docx(tmp_path, build))
    assert "Spring 2026" in [block_text(b) for b in _all_blocks(doc)]
    assert any("Date paragraph 'Spring 2026' is not a date" in w for w in doc.warnings)


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_a_pandoc_made_docx_builds_with_its_authors_not_in_the_text(tmp_path: Path) -> None:
    import subprocess

    (tmp_path / "a.md").write_text(
        "---\ntitle: Harbour Dues Rise\nauthor:\n  - Jane Roe\n  - John Poe\n"
        "date: 2026-03-02\n---\n\nThe port authority raised harbour dues by four percent.\n\n"
        "# Background\n\nDues were last raised in 2021.\n", encoding="utf-8")
    subprocess.run(["pandoc", "-o", "a.docx", "a.md"], cwd=tmp_path, check=True, timeout=60)
    result = subprocess.run([sys.executable, "-m", "lighthouse_docs", "build", "a.docx",
                             "--epub", "-o", "out"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert "not recognised" not in result.stderr, result.stderr
    with zipfile.ZipFile(tmp_path / "out" / "a.epub") as book:
        opf = book.read("EPUB/content.opf").decode("utf-8")
        text = " ".join(book.read(n).decode("utf-8") for n in book.namelist()
                        if n.endswith(".xhtml") and n not in ("EPUB/title.xhtml",
                                                              "EPUB/cover.xhtml"))
    assert ">Jane Roe</dc:creator>" in opf and ">John Poe</dc:creator>" in opf
    assert "<dc:date>2026-03-02" in opf
    assert "Jane Roe" not in text and "harbour dues" in text


def _pandoc_budget(tmp_path: Path) -> Any:
    """What ``pandoc b.md -o budget.docx`` writes for ``# Budget Outlook 2027``, a lead,
    ``## Revenue`` with ``![Revenue chart](chart.png)`` and ``## Spending``: a bookmark in every
    heading, no Title paragraph, no core title, the figure in pandoc's "Captioned Figure" and
    "Image Caption" styles (added here: python-docx has neither)."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml

    def bookmarked(document: Any, text: str, level: int, number: int) -> None:
        # pandoc puts the bookmark around the heading paragraph, in the body itself.
        heading = document.add_heading(text, level=level)
        heading._p.addprevious(parse_xml(
            f'<w:bookmarkStart xmlns:w="{W}" w:id="{number}" w:name="h{number}"/>'))
        heading._p.addnext(parse_xml(f'<w:bookmarkEnd xmlns:w="{W}" w:id="{number}"/>'))

    def build(document: Any) -> None:
        for name in ("Captioned Figure", "Image Caption"):
            document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        bookmarked(document, "Budget Outlook 2027", 1, 0)
        document.add_paragraph("The budget grows by four percent next year, the ministry "
                               "said on Monday.")
        bookmarked(document, "Revenue", 2, 1)
        image = tmp_path / "chart.png"
        image.write_bytes(png_bytes())
        document.add_picture(str(image))
        document.paragraphs[-1].style = document.styles["Captioned Figure"]
        document.add_paragraph("Revenue chart", style="Image Caption")
        document.add_paragraph("Tax income rises.")
        bookmarked(document, "Spending", 2, 2)
        document.add_paragraph("Spending is flat.")

    return _docx(tmp_path, build, "budget.docx")


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def test_a_pandoc_docx_is_titled_by_its_leading_heading_1_and_captions_its_figure(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Trial 3 (F5b): the same article as Markdown was titled "Budget Outlook 2027" with
    # sections Revenue and Spending; as pandoc's .docx it was titled "Budget" (the file
    # name), everything one level down under "Budget Outlook 2027", and the figure caption
    # was loose text after two "style is not recognised" warnings.
    from typer.testing import CliRunner

    from lighthouse_docs.cli import app

    _pandoc_budget(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["inspect", "budget.docx"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "Budget Outlook 2027  [lang=en-US]", "  Revenue", "  Spending"]
    model = CliRunner().invoke(app, ["inspect", "budget.docx", "--json"],
                               catch_exceptions=False)
    [revenue, _spending] = json.loads(model.output)["sections"]
    assert [(b["kind"], b.get("caption")) for b in revenue["blocks"]] == [
        ("image", [{"kind": "text", "text": "Revenue chart"}]),
        ("paragraph", None)]


def test_a_table_caption_paragraph_becomes_the_tables_caption(tmp_path: Path) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    def build(document: Any) -> None:
        document.styles.add_style("Table Caption", WD_STYLE_TYPE.PARAGRAPH)
        document.add_paragraph("Ports", style="Title")
        document.add_paragraph("Stocks by port", style="Table Caption")
        table = document.add_table(rows=2, cols=2)
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Port", "Stock"
        table.rows[1].cells[0].text, table.rows[1].cells[1].text = "Tanjung Priok", "12"
        document.add_paragraph("Stocks fell.")

    doc = _read(_docx(tmp_path, build))
    [table] = [b for b in _all_blocks(doc) if isinstance(b, Table)]
    assert plain_text(table.caption) == "Stocks by port"
    assert "Stocks by port" not in [block_text(b) for b in _all_blocks(doc)]
    assert doc.warnings == ()
