"""Outputs never destroy what they should not: named after their source, never over a source or
each other, only files the manifest records as ours are deleted, and a hostile manifest is
ignored. Runs the checkout's CLI in-process with stand-in writers (no WeasyPrint)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from lighthouse_docs import build
from lighthouse_docs.cli import app
from lighthouse_docs.model import Document, Pack
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.writers import Output

from .conftest import EPOCH

MANIFEST = ".lighthouse-manifest.json"


def _writer(subject: Document | Pack, options: RenderOptions) -> Output:
    if isinstance(subject, Pack):
        return Output(data=f"pack:{subject.title}".encode())
    return Output(data=f"single:{subject.meta.title}".encode())


Invoke = Callable[..., Result]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "sources").mkdir(parents=True)
    (root / "lighthouse.toml").write_text("jobs = 1\n", encoding="utf-8")
    (root / "sources" / "korut-rusia.md").write_text("---\ntitle: North Korea\n---\n\nLead.\n")
    (root / "sources" / "weekly-brief.md").write_text("---\ntitle: Weekly Brief\n---\n\nOne.\n")
    return root


@pytest.fixture
def cli(project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Invoke]:
    for fmt in ("pdf", "epub", "html"):
        monkeypatch.setitem(build.DEFAULT_WRITERS, fmt, _writer)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.chdir(project)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args))

    yield invoke


def _visible(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and not any(s.startswith(".") for s in
                                             p.relative_to(folder).parts))


def test_outputs_are_named_after_the_source_file(cli: Invoke, project: Path) -> None:
    (project / "sources" / "world").mkdir()
    (project / "sources" / "world" / "grain.md").write_text("---\ntitle: Grain\n---\n\nX.\n")
    result = cli("build", "--pdf")
    assert result.exit_code == 0, result.output
    assert _visible(project / "output") == ["korut-rusia.pdf", "weekly-brief.pdf",
                                            "world/grain.pdf"]
    titled = cli("build", "--pdf", "--names", "title", "-o", "titled")
    assert titled.exit_code == 0, titled.output
    assert _visible(project / "titled") == ["grain.pdf", "north-korea.pdf", "weekly-brief.pdf"]


def test_combine_never_overwrites_a_single_brief(cli: Invoke, project: Path) -> None:
    assert cli("build", "--pdf").exit_code == 0
    single = (project / "output" / "weekly-brief.pdf").read_bytes()
    result = cli("build", "--pdf", "--combine", "Weekly Brief")
    assert result.exit_code == 2, result.output
    assert "weekly-brief.pdf" in result.output and "belongs to" in result.output
    assert (project / "output" / "weekly-brief.pdf").read_bytes() == single
    # ...and the other way round: a pack is never overwritten by a single brief.
    assert cli("build", "--pdf", "--combine", "Weekly Brief", "-o", "packs").exit_code == 0
    pack = (project / "packs" / "weekly-brief.pdf").read_bytes()
    assert cli("build", "sources/weekly-brief.md", "--pdf", "-o", "packs").exit_code == 2
    assert (project / "packs" / "weekly-brief.pdf").read_bytes() == pack


def test_two_outputs_claiming_one_path_is_a_usage_error_before_writing(cli: Invoke,
                                                                      project: Path) -> None:
    (project / "sources" / "korut-rusia.html").write_text("<title>Other</title><p>Other.</p>")
    result = cli("build", "--pdf")
    assert result.exit_code == 2, result.output
    assert "korut-rusia.pdf" in result.output and "korut-rusia.html" in result.output
    assert not (project / "output").exists() or _visible(project / "output") == []


def test_outputs_differing_only_in_letter_case_are_a_usage_error_before_writing(
        cli: Invoke, project: Path) -> None:
    # Trial 3 (F7): Case.txt and case.txt built Case.pdf and case.pdf side by side; copied to
    # a Mac, a Windows share or an e-reader's FAT storage one silently replaces the other.
    (project / "sources" / "Case.md").write_text("---\ntitle: Upper\n---\n\nUpper.\n")
    (project / "sources" / "case.md").write_text("---\ntitle: Lower\n---\n\nLower.\n")
    result = cli("build", "--pdf")
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (
        "lighthouse-docs: usage error: output/case.pdf (sources/case.md) and output/Case.pdf "
        "(sources/Case.md) differ only in letter case: they are one file on Mac, Windows and "
        "e-reader (FAT) storage; rename one source")
    assert not (project / "output").exists() or _visible(project / "output") == []
    # Built one at a time, the second is refused the same way (the first owns its name).
    assert cli("build", "sources/Case.md", "--pdf").exit_code == 0
    apart = cli("build", "sources/case.md", "--pdf")
    assert apart.exit_code == 2, apart.output
    assert "differ only in letter case" in apart.output
    assert _visible(project / "output") == ["Case.pdf"]
    assert (project / "output" / "Case.pdf").read_bytes() == b"single:Upper"


def test_an_output_never_overwrites_a_source(cli: Invoke, project: Path) -> None:
    (project / "notes").mkdir()
    (project / "notes" / "foo.html").write_text("<title>Foo</title><p>Foo body.</p>")
    (project / "notes" / "bar.md").write_text("# Bar\n\nBar body.\n")
    # foo.html's own HTML output would be notes/foo.html, the source itself.
    result = cli("build", "notes/foo.html", "notes/bar.md", "--html", "-o", "notes")
    assert result.exit_code == 2, result.output
    assert (project / "notes" / "foo.html").read_text() == "<title>Foo</title><p>Foo body.</p>"
    assert not (project / "notes" / "bar.html").exists()


def test_temp_cleanup_never_deletes_a_users_hidden_tmp_file(cli: Invoke, project: Path) -> None:
    assert cli("build", "--pdf").exit_code == 0
    output = project / "output"
    (output / ".my-draft.tmp").write_text("my draft")
    (output / ".notes.pdf.abcd1234.tmp").write_text("not one of ours: notes.pdf is no output")
    ours = output / ".korut-rusia.pdf.k2j4h5g6.tmp"
    ours.write_text("left by a killed build")
    assert cli("build", "--pdf", "--force").exit_code == 0
    assert (output / ".my-draft.tmp").read_text() == "my draft"
    assert (output / ".notes.pdf.abcd1234.tmp").exists()
    assert not ours.exists()


@pytest.mark.parametrize("entries", [
    {"/x/a.md": {"outputs": ["../../../escaped.pdf"], "slug": "a"}},
    {"/x/a.md": {"outputs": "a.pdf"}},
    {"/x/a.md": {"slug": "../../../escaped", "slug_key": "k"}},
    {"/x/a.md": ["not", "a", "dict"]},
    {"relative/key.md": {"outputs": []}},
    {"/x/a.md": {"outputs": ["/etc/passwd"]}},
    {"/x/a.md": {"pages": "many"}},
])
def test_a_hostile_manifest_is_ignored_with_a_warning_and_rebuilt(
        cli: Invoke, project: Path, entries: dict[str, Any]) -> None:
    output = project / "output"
    output.mkdir()
    key = (project / "sources" / "korut-rusia.md").resolve().as_posix()
    entries = {key if k == "/x/a.md" else k: v for k, v in entries.items()}
    (output / MANIFEST).write_text(json.dumps({"format": 1, "entries": entries}))
    for names in ("source", "title"):
        result = cli("build", "--pdf", "--names", names, "--force")
        assert result.exit_code == 0, result.output
        if names == "source":  # warned once, then written anew (valid) by that build
            assert result.output.count("does not match its schema") == 1, result.output
    assert not (project / "escaped.pdf").exists() and not (project.parent / "escaped.pdf").exists()
    manifest = json.loads((output / MANIFEST).read_text())
    assert all(isinstance(e, dict) for e in manifest["entries"].values())
    assert sorted(manifest["entries"]) == sorted(
        (project / "sources" / n).resolve().as_posix() for n in ("korut-rusia.md",
                                                                 "weekly-brief.md"))
    assert cli("clean", "--all").exit_code == 0
    assert Path("/etc/passwd").exists()


def test_a_manifest_symlinked_out_of_the_output_folder_is_not_read(
        cli: Invoke, project: Path) -> None:
    output = project / "output"
    output.mkdir()
    (project / "elsewhere.json").write_text(json.dumps({"format": 1, "entries": {}}))
    (output / MANIFEST).symlink_to(project / "elsewhere.json")
    result = cli("build", "--pdf")
    assert result.exit_code == 0, result.output
    assert "build manifest" in result.output and "symbolic link" in result.output
    assert not (output / MANIFEST).is_symlink()  # replaced, the link target untouched
    assert json.loads((project / "elsewhere.json").read_text()) == {"format": 1, "entries": {}}


def test_stale_outputs_are_listed_by_build_and_only_they_are_removed_by_clean(
        cli: Invoke, project: Path) -> None:
    assert cli("build", "--pdf", "--epub").exit_code == 0
    output = project / "output"
    (output / "mine.pdf").write_text("a user's own file")
    (project / "sources" / "weekly-brief.md").rename(project / "sources" / "weekly.md")
    (project / "sources" / "korut-rusia.md").unlink()
    result = cli("build", "--pdf", "--epub")
    assert result.exit_code == 0, result.output
    assert "stale" in result.output
    for name in ("korut-rusia.pdf", "korut-rusia.epub", "weekly-brief.pdf"):
        assert f"output/{name}" in result.output
    dry = cli("clean", "--dry-run")
    assert dry.exit_code == 0 and "would remove output/korut-rusia.pdf" in dry.output
    assert (output / "korut-rusia.pdf").exists()
    cleaned = cli("clean")
    assert cleaned.exit_code == 0, cleaned.output
    assert _visible(output) == ["mine.pdf", "weekly.epub", "weekly.pdf"]
    assert cli("build", "--pdf", "--epub").exit_code == 0
    assert "stale" not in cli("build", "--pdf").output


def test_a_retitled_source_in_title_mode_leaves_a_stale_output_for_clean(
        cli: Invoke, project: Path) -> None:
    assert cli("build", "--pdf", "--names", "title").exit_code == 0
    (project / "sources" / "korut-rusia.md").write_text("---\ntitle: New Name\n---\n\nLead.\n")
    result = cli("build", "--pdf", "--names", "title")
    assert "output/north-korea.pdf" in result.output
    assert cli("clean").exit_code == 0
    assert _visible(project / "output") == ["new-name.pdf", "weekly-brief.pdf"]


def test_the_build_itself_refuses_a_source_inside_the_output_folder(tmp_path: Path) -> None:
    from lighthouse_docs.build import BuildRequest
    from lighthouse_docs.errors import UsageError
    from lighthouse_docs.theme import resolve_theme

    (tmp_path / "out").mkdir()
    source = tmp_path / "out" / "a.md"
    source.write_text("# A\n\nText.\n")
    request = BuildRequest(sources=(source,), root=tmp_path, output=tmp_path / "out",
                           formats=("pdf",), theme=resolve_theme(None),
                           writers={"pdf": _writer})
    with pytest.raises(UsageError, match="inside the output folder"):
        build.run(request)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.md"]
