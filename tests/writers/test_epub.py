"""EPUB writer behaviour on documents built from the model (fast: no external validators)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from lighthouse_docs.model import (
    Document,
    Footnote,
    FootnoteRef,
    Image,
    InlineImage,
    Metadata,
    Pack,
    Paragraph,
    Section,
    SourceInfo,
    Text,
)
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.theme import Theme, packaged_styles_dir
from lighthouse_docs.writers.cover import cover_png
from lighthouse_docs.writers.epub import build_epub

MODIFIED = dt.datetime(2026, 3, 4, 5, 6, 8, tzinfo=dt.UTC)
PNG = cover_png("pixel")  # any valid PNG will do as an article image


def _options(base_dir: Path, **kw: object) -> RenderOptions:
    theme = Theme(name="default", root=(packaged_styles_dir() / "default").resolve())
    return RenderOptions(theme=theme, base_dir=base_dir, modified=MODIFIED, **kw)  # type: ignore[arg-type]


def _para(*inlines: Text | FootnoteRef | InlineImage) -> Paragraph:
    return Paragraph(inlines=inlines)


def _doc(lead: tuple[Paragraph | Image, ...] = (), sections: tuple[Section, ...] = (),
         footnotes: tuple[Footnote, ...] = (), title: str = "A brief",
         path: str = "sources/a.md") -> Document:
    meta = Metadata(title=title, lang="en", source=SourceInfo(path=path, format="markdown"))
    return Document(meta=meta, lead=lead, sections=sections, footnotes=footnotes)


def _files(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n).decode("utf-8", "replace") for n in z.namelist()}


def test_images_outside_the_source_folder_are_refused_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "ok.png").write_bytes(PNG)
    (tmp_path.parent / "secret.png").write_bytes(PNG)
    srcs = ["ok.png", "../secret.png", str(tmp_path / "ok.png"), "file:///etc/passwd",
            "https://example.org/a.png", "missing.png", "notes.txt"]
    (tmp_path / "notes.txt").write_text("x")
    lead = tuple(Image(src=s, alt=f"alt for {i}") for i, s in enumerate(srcs))
    out = build_epub(_doc(lead=lead), _options(tmp_path))
    files = _files(out.data)
    assert [n for n in files if n.startswith("EPUB/images/img")] == ["EPUB/images/img001.png"]
    # The absolute path names the same file inside the source folder: embedded once.
    refused = [s for i, s in enumerate(srcs) if i not in (0, 2)]
    assert len(out.warnings) == len(refused)
    for src, warning in zip(refused, out.warnings, strict=True):
        assert f"refused resource {src}: " in warning
    lead_page = files["EPUB/lead.xhtml"]
    assert 'src="images/img001.png" alt="alt for 0"' in lead_page
    assert 'src="images/img001.png" alt="alt for 2"' in lead_page
    for i in (1, 3, 4, 5, 6):
        assert f"alt for {i}" in lead_page
    assert "secret" not in "".join(files)


def test_symlink_escaping_the_source_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.png"
    outside.write_bytes(PNG)
    base = tmp_path / "src"
    base.mkdir()
    (base / "link.png").symlink_to(outside)
    out = build_epub(_doc(lead=(Image(src="link.png", alt="linked"),)), _options(base))
    assert out.warnings and "link.png" in out.warnings[0]


def test_key_points_can_be_turned_off(tmp_path: Path) -> None:
    section = Section(id="one", level=2, heading=(Text(text="One"),),
                      blocks=(_para(Text(text="First point. More.")),))
    doc = _doc(lead=(_para(Text(text="Lead.")),), sections=(section,))
    doc = dataclasses.replace(doc, meta=dataclasses.replace(doc.meta, key_points=("A point.",)))
    assert "key-points" in _files(build_epub(doc, _options(tmp_path)).data)["EPUB/lead.xhtml"]
    off = _files(build_epub(doc, _options(tmp_path, key_points=False)).data)
    assert "key-points" not in off["EPUB/lead.xhtml"]


def test_a_note_referenced_twice_keeps_ids_unique_and_loose_notes_are_kept(
        tmp_path: Path) -> None:
    doc = _doc(
        lead=(_para(Text(text="a"), FootnoteRef(id="x y"), Text(text="b"),
                    FootnoteRef(id="x y")),),
        footnotes=(Footnote(id="x y", blocks=(_para(Text(text="note one")),)),
                   Footnote(id="lonely", blocks=(_para(Text(text="never cited")),))))
    page = _files(build_epub(doc, _options(tmp_path)).data)["EPUB/lead.xhtml"]
    assert 'id="fnref-n1"' in page and 'id="fnref-n1-2"' in page
    assert page.count('epub:type="noteref"') == 2
    assert 'id="fn-n1"' in page and "never cited" in page


def test_identifier_is_stable_per_source_and_title(tmp_path: Path) -> None:
    def ident(doc: Document) -> str:
        opf = _files(build_epub(doc, _options(tmp_path)).data)["EPUB/content.opf"]
        return opf.split('<dc:identifier id="id">')[1].split("<")[0]

    body = (_para(Text(text="text")),)
    assert ident(_doc(lead=body)) == ident(_doc(lead=(_para(Text(text="edited")),)))
    # A literal: the identifier must not change between releases (readers key their library
    # and reading position on it), so it is pinned, not recomputed with the code under test.
    assert ident(_doc(lead=body)) == "urn:uuid:a7b7ddad-0a23-54a4-b8e3-cec88af14c05"
    assert ident(_doc(lead=body)) != ident(_doc(lead=body, title="Another"))
    assert ident(_doc(lead=body)).startswith("urn:uuid:")


def test_a_title_only_document_still_makes_a_book(tmp_path: Path) -> None:
    files = _files(build_epub(_doc(), _options(tmp_path)).data)
    assert "EPUB/title.xhtml" in files and "EPUB/nav.xhtml" in files
    assert "bodymatter" not in files["EPUB/nav.xhtml"]


def test_pack_prefixes_files_and_ids_per_article(tmp_path: Path) -> None:
    section = Section(id="same", level=2, heading=(Text(text="Same"),),
                      blocks=(_para(Text(text="t"), FootnoteRef(id="1")),))
    doc = _doc(sections=(section,), footnotes=(Footnote(id="1", blocks=(_para(Text(text="n")),)),))
    out = build_epub(Pack(title="P", documents=(doc, doc)), _options(tmp_path))
    files = _files(out.data)
    assert 'id="a1-same"' in files["EPUB/a1-s01.xhtml"]
    assert 'id="a2-same"' in files["EPUB/a2-s01.xhtml"]
    assert 'id="fn-a2-n1"' in files["EPUB/a2-s01.xhtml"]


@pytest.mark.parametrize("modified", [MODIFIED, dt.datetime(2026, 3, 4, 12, 6, 8,
                                                            tzinfo=dt.timezone(dt.timedelta(hours=7)))])
def test_modified_is_written_in_utc(tmp_path: Path, modified: dt.datetime) -> None:
    options = _options(tmp_path)
    options = RenderOptions(theme=options.theme, base_dir=tmp_path, modified=modified)
    opf = _files(build_epub(_doc(), options).data)["EPUB/content.opf"]
    expected = modified.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f'<meta property="dcterms:modified">{expected}</meta>' in opf


def test_the_writer_uses_only_ebooklibs_public_api() -> None:
    # ebooklib may float within the declared range only as long as nothing private is used:
    # no overridden underscore methods in subclasses, no underscore names read from it.
    import ast

    import lighthouse_docs.writers.epub as writer

    tree = ast.parse(Path(writer.__file__).read_text(encoding="utf-8"))
    private: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id == "epub" and node.attr.startswith("_"):
            private.append(f"epub.{node.attr}")
        if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.Attribute) and isinstance(b.value, ast.Name)
                and b.value.id == "epub" for b in node.bases):
            private.extend(f"{node.name}.{f.name}" for f in node.body
                           if isinstance(f, ast.FunctionDef) and f.name.startswith("_")
                           and f.name != "__init__")
    assert private == []


def test_the_installed_ebooklib_is_in_the_declared_range() -> None:
    from importlib import metadata

    from packaging.requirements import Requirement

    [requirement] = [Requirement(r) for r in metadata.requires("lighthouse-docs") or []
                     if r.startswith("ebooklib")]
    assert str(requirement.specifier) in {"<0.21,>=0.19", ">=0.19,<0.21"}
    assert metadata.version("ebooklib") in requirement.specifier
