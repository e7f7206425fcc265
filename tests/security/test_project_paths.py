"""Hostile project layouts: symlinks out of the project, scaffolds that cannot be written,
outputs mixed with sources, and text files with stray control characters."""

from __future__ import annotations

from pathlib import Path

import pytest

from lighthouse_docs import project, readers
from lighthouse_docs.config import Settings
from lighthouse_docs.errors import InputError, OutputError, UsageError
from lighthouse_docs.project import ProjectPaths, Skipped, discover_sources, scaffold

from .conftest import run_cli

ARTICLE = "Site, A title here. The lead paragraph.\nHeading\nBody text of the article.\n"


def _project(tmp_path: Path) -> ProjectPaths:
    (tmp_path / "sources").mkdir(parents=True)
    (tmp_path / "lighthouse.toml").write_text("jobs = 1\n", encoding="utf-8")
    (tmp_path / "sources" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    return ProjectPaths.for_root(tmp_path, Settings())


def test_init_does_not_follow_a_dangling_config_symlink(tmp_path: Path) -> None:
    target = tmp_path / "victim.toml"
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "lighthouse.toml").symlink_to(target)
    with pytest.raises(UsageError, match=r"lighthouse\.toml"):
        scaffold(tmp_path / "new")
    assert not target.exists()
    assert not (tmp_path / "new" / "sources").exists()


def test_init_under_a_file_is_one_error_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="cannot create the project"):
        scaffold(tmp_path / "file" / "proj")
    run = run_cli(["init", "file/proj"], tmp_path)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert len([line for line in run.stderr.splitlines() if line]) == 1, run.stderr


def test_init_that_fails_half_way_removes_what_it_created(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    real_create = project._create
    calls: list[Path] = []

    def failing(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(30, "Read-only file system", str(path))
        real_create(path, data)

    monkeypatch.setattr(project, "_create", failing)
    with pytest.raises(OutputError, match="Read-only"):
        scaffold(tmp_path / "proj")
    assert not (tmp_path / "proj").exists()


def test_scanned_sources_never_follow_a_symlink_out_of_the_project(tmp_path: Path) -> None:
    paths = _project(tmp_path / "p")
    outside = tmp_path / "private.md"
    outside.write_text("# Private\n\nNot for the brief.\n", encoding="utf-8")
    (paths.sources / "leak.md").symlink_to(outside)
    skipped: list[Skipped] = []
    found = discover_sources([], paths, cwd=paths.root, skipped=skipped)
    assert [p.name for p in found] == ["a.txt"]
    assert skipped and "leak.md" in skipped[0].name
    # A glob is a scan too; only the file named on its own is read through the link.
    assert [p.name for p in discover_sources(["sources/*"], paths,
                                             cwd=paths.root)] == ["a.txt"]
    assert [p.name for p in discover_sources(["sources/leak.md"], paths,
                                             cwd=paths.root)] == ["leak.md"]


def test_the_output_folder_is_never_scanned_for_sources(tmp_path: Path) -> None:
    root = tmp_path / "p"
    _project(root)
    paths = ProjectPaths.for_root(root, Settings(output=Path("sources/preview")))
    (paths.output).mkdir(parents=True)
    (paths.output / "a.html").write_text("<h1>Preview</h1>", encoding="utf-8")
    assert [p.name for p in discover_sources([], paths, cwd=root)] == ["a.txt"]
    assert [p.name for p in discover_sources(["sources"], paths, cwd=root)] == ["a.txt"]
    with pytest.raises(UsageError, match="output folder"):
        discover_sources(["sources/preview/a.html"], paths, cwd=root)


def test_outputs_of_an_earlier_build_elsewhere_are_never_sources(tmp_path: Path) -> None:
    # The review's case: `build --html -o sources/preview`, then a plain `build` took the
    # previews for new articles (output/preview/a.html). The manifest says they are outputs.
    root = tmp_path / "p"
    _project(root)
    run = run_cli(["build", "--html", "-o", "sources/preview"], root)
    assert run.returncode == 0, run.stderr
    (root / "sources" / "preview" / "notes.md").write_text("# Mine\n\nText.\n")
    paths = ProjectPaths.for_root(root, Settings())
    assert [p.name for p in discover_sources([], paths, cwd=root)] == ["a.txt", "notes.md"]
    with pytest.raises(UsageError, match="no files match"):
        discover_sources(["sources/preview/*.html"], paths, cwd=root)
    with pytest.raises(UsageError, match="an output of an earlier build into sources/preview"):
        discover_sources(["sources/preview/a.html"], paths, cwd=root)
    again = run_cli(["build", "--html"], root)
    assert again.returncode == 0, again.stderr
    built = sorted(p.relative_to(root / "output").as_posix()
                   for p in (root / "output").rglob("*.html"))
    assert built == ["a.html", "preview/notes.html"]  # no preview/a.html


def test_an_output_folder_holding_the_sources_is_a_usage_error(tmp_path: Path) -> None:
    root = tmp_path / "p"
    _project(root)
    (root / "sources" / "foo.html").write_text("<title>Foo</title><p>Foo body.</p>")
    run = run_cli(["build", "--html", "-o", "sources"], root)
    assert run.returncode == 2, run.stderr
    assert "output folder" in run.stderr
    assert (root / "sources" / "foo.html").read_text() == "<title>Foo</title><p>Foo body.</p>"


def test_a_stray_nul_among_control_characters_keeps_building(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_bytes(b"Site, A title here. The lead paragraph.\nHeading\n"
                       b"Body\x00 text with a bell\x07 and an escape\x1b.\n")
    doc = readers.load(source, display_path="a.txt")
    assert doc.meta.title == "A title here"
    warning = next(w for w in doc.warnings if "control character" in w)
    assert "a.txt" in warning and "3:5" in warning and "3 control" in warning


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
    "Site, Title. Lead text.\nHeading\nBody text here.\n".encode("utf-16-le"),
    b"\x00" * 64,
])
def test_bytes_that_are_not_text_are_still_rejected(tmp_path: Path, data: bytes) -> None:
    source = tmp_path / "b.txt"
    source.write_bytes(data)
    with pytest.raises(InputError, match=r"b\.txt"):
        readers.load(source, display_path="b.txt")
