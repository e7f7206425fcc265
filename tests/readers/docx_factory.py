"""Word documents made in the tests with python-docx (plus the parts it cannot make).

python-docx has no footnote API, so :func:`add_footnotes` injects ``word/footnotes.xml``, its
relationship, its content type and the reference runs into a saved package.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTE_MARK = "[[FN{}]]"
"""Put this in a run's text; :func:`add_footnotes` replaces it with footnote reference N."""


def png_bytes(color: tuple[int, int, int] = (30, 90, 160), size: tuple[int, int] = (40, 24)
              ) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def add_footnotes(data: bytes, notes: dict[int, str]) -> bytes:
    """A copy of the .docx ``data`` with footnotes ``notes`` (id -> text) wired in."""
    bodies = "".join(
        f'<w:footnote w:id="{n}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
        for n, text in notes.items())
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:footnotes xmlns:w="{W_NS}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        '</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        '<w:continuationSeparator/></w:r></w:p></w:footnote>'
        f'{bodies}</w:footnotes>')
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
                    b"</Types>")
            elif info.filename == "word/_rels/document.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdFootnotes9" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                    b"</Relationships>")
            elif info.filename == "word/document.xml":
                text = content.decode("utf-8")
                for n in notes:
                    mark = re.escape(FOOTNOTE_MARK.format(n))
                    # The mark is a run of its own: <w:r><w:t>[[FN1]]</w:t></w:r>.
                    text = re.sub(
                        r"<w:r>(?:(?!<w:r>).)*?<w:t[^>]*>" + mark + r"</w:t></w:r>",
                        '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                        f'<w:footnoteReference w:id="{n}"/></w:r>', text, flags=re.DOTALL)
                content = text.encode("utf-8")
            dst.writestr(info, content)
        dst.writestr("word/footnotes.xml", footnotes)
    return out.getvalue()


def make_report_docx(path: Path, *, with_image: bool = True) -> Path:
    """The issue's test document: title, two heading levels, list, table, footnote, image."""
    import docx
    from docx.shared import Cm

    document = docx.Document()
    props = document.core_properties
    props.title = "Maritime Cooperation in the Natuna Sea"
    props.author = "Dewi Lestari"
    props.created = dt.datetime(2024, 3, 5, 9, 0, 0)
    props.keywords = "maritime, Natuna, cooperation"
    props.language = "en-GB"
    document.add_paragraph("Maritime Cooperation in the Natuna Sea", style="Title")
    document.add_paragraph("What the new patrol agreement changes", style="Subtitle")
    document.add_paragraph(
        "The agreement signed in Jakarta this week sets out joint patrols, shared radar "
        "pictures and a hotline between the two coast guards.")
    document.add_heading("Background", level=1)
    para = document.add_paragraph("Fishing disputes have grown since 2016, ")
    para.add_run("according to official figures").bold = True
    para.add_run(", and the ")
    para.add_run("coast guard").italic = True
    para.add_run(" reported more incidents each year.")
    para.add_run(FOOTNOTE_MARK.format(1))
    document.add_heading("Earlier agreements", level=2)
    document.add_paragraph("Three earlier texts covered the same waters:")
    for item in ("The 2002 declaration on conduct", "The 2011 guidelines",
                 "The 2017 framework"):
        document.add_paragraph(item, style="List Bullet")
    document.add_heading("The new patrol plan", level=1)
    document.add_paragraph("The plan assigns ships and aircraft as follows.")
    table = document.add_table(rows=3, cols=2)
    for row, (a, b) in zip(table.rows, (("Asset", "Number"), ("Patrol ships", "6"),
                                        ("Aircraft", "2")), strict=True):
        row.cells[0].text, row.cells[1].text = a, b
    if with_image:
        image_path = path.with_suffix(".png")
        image_path.write_bytes(png_bytes())
        document.add_picture(str(image_path), width=Cm(4))
        image_path.unlink()
        inline = document.inline_shapes[0]._inline
        inline.docPr.set("descr", "Map of the joint patrol zone")
    document.add_heading("Radar sharing", level=2)
    p = document.add_paragraph("Details are published on ")
    _add_hyperlink(p, "https://example.org/patrol", "the ministry website")
    p.add_run(".")
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(add_footnotes(buffer.getvalue(),
                                   {1: "Ministry of Marine Affairs, annual report 2023."}))
    return path


def _add_hyperlink(paragraph: object, url: str, text: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    part = paragraph.part  # type: ignore[attr-defined]
    r_id = part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)  # type: ignore[attr-defined]
