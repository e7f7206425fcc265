"""One resource resolver: PDF, EPUB and HTML make the same decision about every reference,
and the files a build reads besides the sources (theme, configuration) never lead out of
their folder through a symlink."""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

import pikepdf
import pytest

from lighthouse_docs.errors import ConfigError, ResourceError
from lighthouse_docs.model import (
    Document,
    Image,
    Metadata,
    Pack,
    Paragraph,
    Section,
    SourceInfo,
    Text,
)
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.theme import Theme, packaged_styles_dir, resolve_theme
from lighthouse_docs.writers.cover import cover_png
from lighthouse_docs.writers.epub import build_epub
from lighthouse_docs.writers.html import build_html
from lighthouse_docs.writers.pdf import build_pdf
from lighthouse_docs.writers.resources import (
    REASONS,
    describe,
    load_image,
    read_inside,
    resolve_image,
)

from .conftest import make_project, run_cli

PNG = cover_png("pixel")
MODIFIED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TOKEN = "LH-ENV-SECRET-93e1"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """project/sources/{chart.png, out.png -> ../secret.png, env.png -> /proc/self/environ}."""
    root = tmp_path_factory.mktemp("resolver") / "project"
    sources = root / "sources"
    sources.mkdir(parents=True)
    (sources / "chart.png").write_bytes(PNG)
    (root / "secret.png").write_bytes(PNG)
    (sources / "out.png").symlink_to(root / "secret.png")
    (sources / "env.png").symlink_to("/proc/self/environ")
    (sources / "inside.png").symlink_to(sources / "chart.png")
    (sources / "notes.txt").write_text("not an image", encoding="utf-8")
    return sources


def references(sources: Path) -> dict[str, str | None]:
    """Reference as written -> the reason it is refused (None: embedded)."""
    return {
        "chart.png": None,
        str(sources / "chart.png"): None,  # absolute, inside sources/
        "../sources/chart.png": None,  # goes up and comes back: stays inside
        (sources / "chart.png").as_uri(): None,  # file: inside
        "inside.png": None,  # a symlink that stays inside
        "../secret.png": "outside",
        "../../../../../../etc/passwd": "outside",
        str(sources.parent / "secret.png"): "outside",
        "out.png": "symlink",
        "env.png": "symlink",
        "/proc/self/environ": "outside",
        "file:///etc/passwd": "outside",
        "http://127.0.0.1:9/x.png": "network",
        "//127.0.0.1:9/y.png": "network",
        "missing.png": "missing",
        "notes.txt": "not-image",
        "data:image/png;base64," + base64.b64encode(PNG).decode(): None,
        "data:text/html,<script>alert(1)</script>": "not-image",
        "data:image/x-icon;base64,AAAA": "not-image",
    }


def _doc(sources: Path, srcs: list[str]) -> Document:
    blocks = tuple(Image(src=src, alt=f"picture {n}") for n, src in enumerate(srcs))
    return Document(
        meta=Metadata(title="Images", lang="en",
                      source=SourceInfo(path="sources/a.md", format="markdown",
                                        folder=str(sources))),
        lead=(Paragraph(inlines=(Text(text="A lead paragraph."),)),),
        sections=(Section(id="one", level=2, heading=(Text(text="One"),),
                          blocks=(*blocks, Paragraph(inlines=(Text(text="Body."),)))),),
    )


def _options(sources: Path) -> RenderOptions:
    return RenderOptions(theme=resolve_theme(None), base_dir=sources, modified=MODIFIED)


def _refused(warnings: tuple[str, ...]) -> dict[str, str]:
    by_text = {text: reason for reason, text in REASONS.items()}
    found: dict[str, str] = {}
    for warning in warnings:
        match = re.fullmatch(r"refused resource (.*): ([^:]*)", warning)
        assert match, warning
        found[match[1]] = by_text[match[2]]
    return found


def test_the_resolver_decides_each_reference(tree: Path) -> None:
    for src, reason in references(tree).items():
        found = load_image(src, tree)
        assert (found if isinstance(found, str) else None) == reason, src
        if not src.startswith("data:"):
            assert resolve_image(src, tree).reason == reason, src


@pytest.mark.parametrize("shape", ["single", "pack"])
def test_pdf_epub_and_html_make_the_same_decisions(tree: Path, shape: str) -> None:
    table = references(tree)
    srcs = list(table)
    expected = {describe(src): reason for src, reason in table.items() if reason is not None}
    doc = _doc(tree, srcs)
    subject = Pack(title="Pack", documents=(doc,), lang="en") if shape == "pack" else doc
    pdf = build_pdf(subject, _options(tree))
    epub = build_epub(subject, _options(tree))
    html = build_html(subject, _options(tree))
    for out in (pdf, epub, html):
        assert _refused(out.warnings) == expected

    # What is allowed is embedded: one file, however it was named.
    with pikepdf.open(io.BytesIO(pdf.data)) as reader:
        images = [o for o in reader.objects
                  if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
    # One for the chart file however it was named, one for the data: URI (WeasyPrint keys
    # images by URL); the EPUB and the HTML below share one copy of the same pixels.
    assert len(images) == 2
    with zipfile.ZipFile(io.BytesIO(epub.data)) as book:
        assert [n for n in book.namelist() if n.startswith("EPUB/images/img")] == [
            "EPUB/images/img001.png"]
        lead = "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))
    assert lead.count('src="images/img001.png"') == len(table) - len(expected)
    text = html.data.decode()
    assert text.count("data:image/png;base64,") == len(table) - len(expected)
    for data in (pdf.data, epub.data, html.data):
        assert b"root:x:" not in data


def _theme_with(tmp_path: Path, name: str, target: str) -> Path:
    folder = tmp_path / "styles" / "house"
    folder.mkdir(parents=True)
    default = packaged_styles_dir() / "default"
    for css in ("print.css", "epub.css"):
        (folder / css).write_bytes((default / css).read_bytes())
    (folder / name).unlink()
    (folder / name).symlink_to(target)
    return folder


@pytest.mark.parametrize(("name", "target"), [("epub.css", "/proc/self/environ"),
                                              ("print.css", "/etc/passwd")])
def test_theme_stylesheet_symlinked_out_is_refused(tmp_path: Path, name: str,
                                                   target: str) -> None:
    folder = _theme_with(tmp_path, name, target)
    with pytest.raises(ConfigError, match=re.escape(str(folder / name))):
        resolve_theme("house", tmp_path)
    # Even a Theme built by hand never reads through the link.
    theme = Theme(name="house", root=folder.resolve())
    with pytest.raises(ResourceError, match=name):
        theme.read(folder / name)


def test_theme_folder_symlinked_out_of_the_project_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for css in ("print.css", "epub.css"):
        (elsewhere / css).write_text("p {}", encoding="utf-8")
    project = tmp_path / "project"
    (project / "styles").mkdir(parents=True)
    (project / "styles" / "house").symlink_to(elsewhere)
    with pytest.raises(ConfigError, match="outside the project"):
        resolve_theme("house", project)


def test_cli_build_with_environ_symlinked_theme_fails_and_leaks_nothing(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    (project / "sources" / "a.md").write_text("# A title\n\nSome text here.\n",
                                              encoding="utf-8")
    _theme_with(project, "epub.css", "/proc/self/environ")
    (project / "lighthouse.toml").write_text('jobs = 1\nstyle = "house"\n', encoding="utf-8")
    run = run_cli(["build", "--epub"], project, env={"LH_TOKEN": TOKEN})
    assert run.returncode == 2, run.stderr
    assert "epub.css" in run.stderr and "Traceback" not in run.stderr
    outputs = list((project / "output").glob("*")) if (project / "output").exists() else []
    assert all(TOKEN.encode() not in p.read_bytes() for p in outputs if p.is_file())


def test_config_file_symlinked_out_is_refused(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    (tmp_path / "outside.toml").write_text("jobs = 1\n", encoding="utf-8")
    (project / "lighthouse.toml").unlink()
    (project / "lighthouse.toml").symlink_to(tmp_path / "outside.toml")
    from lighthouse_docs.config import load_settings

    with pytest.raises(ConfigError, match=r"lighthouse\.toml"):
        load_settings(project)


def test_environment_is_not_readable_even_by_absolute_reference(tree: Path) -> None:
    assert os.path.exists("/proc/self/environ")
    assert resolve_image("file:///proc/self/environ", tree).reason == "outside"


@pytest.mark.parametrize("rule", ['@import url("leak.css");',
                                  '@font-face { font-family: X; src: url("leak.woff") }'])
def test_a_theme_stylesheet_reaching_out_of_its_folder_is_an_error(tmp_path: Path,
                                                                   rule: str) -> None:
    folder = _theme_with(tmp_path, "print.css", str(packaged_styles_dir() / "default" /
                                                    "print.css"))
    (folder / "print.css").unlink()
    (folder / "print.css").write_text(rule + "\nbody { color: black }\n", encoding="utf-8")
    for name in ("leak.css", "leak.woff"):
        (folder / name).symlink_to("/proc/self/environ")
    theme = resolve_theme("house", tmp_path)
    doc = _doc(tmp_path, [])
    with pytest.raises(ResourceError, match=r"print\.css.*leak\.(css|woff)"):
        build_pdf(doc, RenderOptions(theme=theme, base_dir=tmp_path, modified=MODIFIED))


def test_a_file_swapped_for_a_link_after_the_check_is_not_read(tmp_path: Path) -> None:
    """The read checks the open file again: a path that became a symlink (or whose folder
    became one) between the check and the read is refused."""
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(b"secret")
    (root / "link.png").symlink_to(outside / "secret.png")
    with pytest.raises(OSError):
        read_inside(root / "link.png", (root,))
    (root / "sub").rmdir()
    (root / "sub").symlink_to(outside)  # a folder swapped for a link out
    with pytest.raises(OSError, match="outside the allowed folder"):
        read_inside(root / "sub" / "secret.png", (root,))
    (root / "ok.png").write_bytes(PNG)
    assert read_inside(root / "ok.png", (root,)) == PNG
