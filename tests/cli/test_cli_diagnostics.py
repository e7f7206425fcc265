"""Diagnostics as data, rendered once by the CLI: -q/default/-v, the summary, --report json."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_support import run_fake_cli
from typer.testing import Result

from lighthouse_docs import readers
from lighthouse_docs.diagnostics import diagnostic

Invoke = Callable[..., Result]

WARNME = "---\ntitle: WARNME\n---\n\nText.\n"


def _lines(text: str, needle: str) -> list[str]:
    return [line for line in text.splitlines() if needle in line]


def test_a_writer_warning_is_shown_once_naming_source_and_formats(cli_in: Invoke,
                                                                  project: Path) -> None:
    (project / "sources" / "warn.md").write_text(WARNME)
    result = cli_in("build", "sources/warn.md")
    assert result.exit_code == 0
    [line] = _lines(result.output, "the fake writer frowns")
    assert line == ("sources/warn.md: warning: the fake writer frowns [writer] (pdf, epub)")
    assert result.output.splitlines()[-1] == "1 built, 0 up to date, 0 failed; 1 warning"


def test_quiet_prints_failures_only(cli_in: Invoke, project: Path) -> None:
    (project / "sources" / "warn.md").write_text(WARNME)
    (project / "sources" / "empty.md").write_text("---\ntitle: Nothing\n---\n")
    result = cli_in("build", "-q")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "lighthouse-docs: failed: sources/empty.md: has no body text: nothing to build"]


def test_up_to_date_sources_still_count_their_warnings(cli_in: Invoke, project: Path) -> None:
    (project / "sources" / "warn.md").write_text(WARNME)
    assert cli_in("build").exit_code == 0
    again = cli_in("build")
    assert again.output.splitlines() == [
        "0 built, 4 up to date, 0 failed; 1 warning (1 in up-to-date sources, -v lists them)"]
    verbose = cli_in("build", "-v")
    assert len(_lines(verbose.output, "the fake writer frowns")) == 1
    assert "Source" in verbose.output and "sources/gamma.md" in verbose.output


def test_failures_come_last_with_their_reason(cli_in: Invoke, project: Path) -> None:
    (project / "sources" / "aa-empty.md").write_text("---\ntitle: Nothing\n---\n")
    (project / "sources" / "warn.md").write_text(WARNME)
    result = cli_in("build")
    lines = result.output.splitlines()
    assert lines[-1] == ("lighthouse-docs: failed: sources/aa-empty.md: has no body text: "
                         "nothing to build")
    assert lines[-2].startswith("4 built, 0 up to date, 1 failed; 1 warning")


def test_a_twenty_source_batch_prints_a_compact_summary(tmp_path: Path) -> None:
    from cli_support import write_project

    articles = {f"a{i:02}.md": f"---\ntitle: Article {i}\n---\n\nText {i}.\n"
                for i in range(20)}
    articles["bad.md"] = "---\ntitle: Bad\n---\n"
    project = write_project(tmp_path / "p", articles)
    first = run_fake_cli(["build", "-j", "2"], project)
    assert first.returncode == 1
    lines = first.stderr.splitlines()
    assert lines == ["20 built, 0 up to date, 1 failed; 0 warnings",
                     "lighthouse-docs: failed: sources/bad.md: has no body text: nothing to build"]
    assert all(len(line) <= 80 for line in lines)
    again = run_fake_cli(["build"], project)
    assert again.stderr.splitlines()[0] == "0 built, 20 up to date, 1 failed; 0 warnings"


def test_report_json_lists_every_source(cli_in: Invoke, project: Path) -> None:
    (project / "sources" / "warn.md").write_text(WARNME)
    (project / "sources" / "empty.md").write_text("---\ntitle: Nothing\n---\n")
    result = cli_in("build", "--report", "json", "report.json")
    assert result.exit_code == 1
    report: dict[str, Any] = json.loads((project / "report.json").read_text(encoding="utf-8"))
    assert report["counts"] == {"sources": 5, "built": 4, "up_to_date": 0, "failed": 1,
                                "errors": 1, "warnings": 1}
    by_source = {s["source"]: s for s in report["sources"]}
    assert by_source["sources/alpha.md"]["outputs"] == ["output/alpha.pdf",
                                                        "output/alpha.epub"]
    assert by_source["sources/empty.md"]["status"] == "failed"
    assert by_source["sources/empty.md"]["diagnostics"][0]["code"] == "empty-body"
    warned = by_source["sources/warn.md"]["diagnostics"]
    assert {(d["format"], d["stage"], d["code"]) for d in warned} == {
        ("pdf", "render", "writer"), ("epub", "render", "writer")}
    # Up to date, the stored diagnostics are reported again.
    cli_in("build", "--report", "json", "again.json")
    again = json.loads((project / "again.json").read_text(encoding="utf-8"))
    assert {s["source"]: s["diagnostics"] for s in again["sources"]}["sources/warn.md"] == warned


def test_a_footnote_reference_without_a_note_is_reported_with_its_line(
        cli_in: Invoke, project: Path) -> None:
    (project / "sources" / "note.md").write_text(
        "---\ntitle: Notes\n---\n\nFirst.\n\nSee this[^missing].\n")
    result = cli_in("build", "sources/note.md")
    assert result.exit_code == 0
    assert ("sources/note.md:7: warning: footnote reference [^missing] has no note; "
            "printed as written [footnote-missing]") in result.output


def test_reader_diagnostics_with_a_code_and_line_fail_under_strict(
        cli_in: Invoke, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    real = readers.parse

    def parse(text: str, source: Any, *, lang: str | None = None) -> Any:
        doc = real(text, source, lang=lang)
        unsure = diagnostic(source.path, "heading or prose? read as a heading", line=3,
                            code="structure-uncertain")
        return dataclasses.replace(doc, warnings=(*doc.warnings, unsure))

    monkeypatch.setattr(readers, "parse", parse)
    relaxed = cli_in("build", "sources/alpha.md", "--pdf")
    assert relaxed.exit_code == 0
    assert ("sources/alpha.md:3: warning: heading or prose? read as a heading "
            "[structure-uncertain]") in relaxed.output
    strict = cli_in("build", "sources/alpha.md", "--pdf", "--strict", "--force")
    assert strict.exit_code == 1 and "1 warning(s) and --strict" in strict.output


def test_debug_is_accepted_after_the_subcommand(cli_in: Invoke) -> None:
    assert cli_in("build", "--pdf", "--debug").exit_code == 0
    assert cli_in("--debug", "build", "--pdf").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--marking", "  "], "--marking: expected a non-empty string"),
        (["--lang", 'en"><x'], "--lang: expected a language tag"),
        (["--style", ""], "--style: expected a non-empty string"),
    ],
)
def test_command_line_values_are_validated_like_the_config(cli_in: Invoke, args: list[str],
                                                           message: str) -> None:
    result = cli_in("build", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_build_and_watch_share_one_definition_of_their_options() -> None:
    from lighthouse_docs.cli import app

    def options(name: str) -> set[str]:
        [command] = [c for c in app.registered_commands if c.callback is not None
                     and c.callback.__name__ == name]
        from inspect import signature

        assert command.callback is not None
        return set(signature(command.callback).parameters)

    shared = options("build") & options("watch")
    assert {"sources", "pdf", "epub", "html", "output", "style", "paper", "pdf_variant", "lang",
            "marking", "key_points", "quiet", "strict"} <= shared


def test_every_error_of_a_failed_source_is_shown_once(cli_in: Invoke, project: Path) -> None:
    (project / "sources" / "bad.md").write_text("---\ntitle: Bad\nmarkings: SECRET\n---\n",
                                                encoding="utf-8")
    result = cli_in("build", "sources/bad.md")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1].startswith("lighthouse-docs: failed: sources/bad.md:3: front matter key "
                                "'markings' looks like a handling marking")
    assert len(_lines(result.output, "'markings' looks like")) == 1
    assert _lines(result.output, "[empty-body]") == [
        "sources/bad.md: error: has no body text: nothing to build [empty-body]"]


def test_a_terminal_sees_a_progress_bar_then_only_the_summary(tmp_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    from cli_support import EPOCH, FAKE_CLI, write_project

    project = write_project(tmp_path / "p")
    master, slave = pty.openpty()  # stderr is a terminal, as when a person runs a build
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "COLUMNS": "80", "TERM": "xterm"}
    process = subprocess.Popen([sys.executable, str(FAKE_CLI), "build"], cwd=project, env=env,
                               stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.wait(timeout=120) == 0
    screen = b"".join(chunks).decode("utf-8", errors="replace")
    bar, _, after = screen.rpartition("3/3")
    assert bar, screen  # the bar counted the three sources while building
    # ... and was erased (transient): what stays is the one summary line.
    assert "\x1b[2K" in after
    assert after.rsplit("\x1b[2K", 1)[1].strip() == "3 built, 0 up to date, 0 failed; 0 warnings"


def _with_uncertain_headings(monkeypatch: pytest.MonkeyPatch, how_many: int) -> None:
    """Every Markdown source parses with ``how_many`` uncertain headings (lines 3, 4, ...)."""
    import dataclasses

    real = readers.parse

    def parse(text: str, source: Any, *, lang: str | None = None) -> Any:
        doc = real(text, source, lang=lang)
        unsure = tuple(diagnostic(source.path, f"uncertain heading number {n}", line=2 + n,
                                  code="structure-uncertain") for n in range(1, how_many + 1))
        return dataclasses.replace(doc, warnings=(*doc.warnings, *unsure))

    monkeypatch.setattr(readers, "parse", parse)


def test_many_warnings_of_one_kind_print_the_first_ten_and_one_line_for_the_rest(
        cli_in: Invoke, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Trial 3 (F8): a 2 MB text printed 1,395 uncertain-heading lines above its one failure
    # line, and the manifest stored all of them (503 KB).
    _with_uncertain_headings(monkeypatch, 1395)
    result = cli_in("build", "sources/alpha.md", "--pdf", "--report", "json", "report.json")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines == [
        *(f"sources/alpha.md:{2 + n}: warning: uncertain heading number {n} "
          "[structure-uncertain]" for n in range(1, 11)),
        "sources/alpha.md: warning: ... and 1,385 more uncertain headings in this source; "
        "see `lighthouse-docs inspect sources/alpha.md` [structure-uncertain]",
        "1 built, 0 up to date, 0 failed; 1395 warnings"]
    # --report json has every one of them; the manifest keeps ten and counts the rest.
    report = json.loads((project / "report.json").read_text(encoding="utf-8"))
    [alpha] = report["sources"]
    assert len(alpha["diagnostics"]) == 1395 and report["counts"]["warnings"] == 1395
    manifest = json.loads((project / "output" / ".lighthouse-manifest.json").read_text())
    [entry] = manifest["entries"].values()
    assert len(entry["diagnostics"]) == 10
    assert [(o["code"], o["count"]) for o in entry["omitted"]] == [("structure-uncertain",
                                                                     1385)]
    # Up to date: -v replays the same ten and the same count; --strict counts every one.
    again = cli_in("build", "sources/alpha.md", "--pdf", "-v", "--report", "json", "again.json")
    assert again.output.splitlines()[:11] == lines[:11]
    assert again.output.splitlines()[-1] == "0 built, 1 up to date, 0 failed; 1395 warnings"
    stored = json.loads((project / "again.json").read_text(encoding="utf-8"))
    assert stored["counts"]["warnings"] == 1395
    assert stored["sources"][0]["omitted"][0]["count"] == 1385
    strict = cli_in("build", "sources/alpha.md", "--pdf", "--strict")
    assert strict.exit_code == 1
    assert strict.output.splitlines()[-1] == ("lighthouse-docs: failed: sources/alpha.md: "
                                              "1395 warning(s) and --strict; nothing written")


def test_ten_warnings_of_one_kind_are_all_printed(
        cli_in: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    _with_uncertain_headings(monkeypatch, 10)
    result = cli_in("build", "sources/alpha.md", "--pdf")
    assert len(_lines(result.output, "[structure-uncertain]")) == 10
    assert "more uncertain headings" not in result.output


def test_the_pdfs_pages_survive_a_build_of_another_format(cli_in: Invoke) -> None:
    # Trial 3 (F10): `build -v` after `build --html sources/x` showed an empty Pages cell for
    # x, whose PDF had not changed.
    assert cli_in("build", "--pdf").exit_code == 0
    assert cli_in("build", "--html", "sources/alpha.md").exit_code == 0
    table = cli_in("build", "--pdf", "-v").output
    [row] = [line for line in table.splitlines() if line.startswith("sources/alpha.md")]
    assert row.split("│")[2].strip() == "3", table
