"""`lighthouse-docs build`: what a user sees and finds in the output folder."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import EPOCH, run_fake_cli, write_project
from typer.testing import Result

from lighthouse_docs import __version__

Invoke = Callable[..., Result]


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


def mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if not p.name.startswith(".")}


def test_build_without_arguments_builds_every_source_as_pdf_and_epub(cli_in: Invoke,
                                                                      project: Path) -> None:
    result = cli_in("build")
    assert result.exit_code == 0, result.output
    assert sorted(outputs(project / "output")) == [
        "alpha.epub", "alpha.pdf", "beta.epub", "beta.pdf",
        "gamma.epub", "gamma.pdf"]
    # No line per source by default: the counts, then (-v) the table.
    assert result.output == "3 built, 0 up to date, 0 failed; 0 warnings\n"
    assert "sources/alpha.md" in cli_in("build", "-v", "--force").output
    assert (project / "output" / ".lighthouse-manifest.json").is_file()


def test_second_build_does_nothing_and_force_rebuilds(cli_in: Invoke, project: Path) -> None:
    assert cli_in("build").exit_code == 0
    before = mtimes(project / "output")
    again = cli_in("build")
    assert again.exit_code == 0
    assert "0 built, 3 up to date" in again.output
    assert mtimes(project / "output") == before
    forced = cli_in("build", "--force")
    assert "3 built, 0 up to date" in forced.output


@pytest.mark.parametrize(
    ("change", "rebuilt"),
    [
        ("source", 1),
        ("style", 3),
        ("config", 3),
        ("missing-output", 1),
        ("format", 3),
        ("option", 3),
    ],
)
def test_only_what_changed_is_rebuilt(cli_in: Invoke, project: Path, change: str,
                                      rebuilt: int) -> None:
    assert cli_in("build").exit_code == 0
    extra: list[str] = []
    if change == "source":
        (project / "sources" / "alpha.md").write_text("---\ntitle: Alpha Report\n---\n\nNew.\n")
    elif change == "style":
        (project / "styles" / "plain" / "print.css").write_text("body { color: red }\n")
    elif change == "config":
        (project / "lighthouse.toml").write_text('style = "plain"\njobs = 1\npaper = "letter"\n')
    elif change == "missing-output":
        (project / "output" / "gamma.epub").unlink()
    elif change == "format":
        extra = ["--pdf", "--epub", "--html"]
    else:
        extra = ["--no-key-points"]
    result = cli_in("build", *extra)
    assert result.exit_code == 0, result.output
    assert f"{rebuilt} built, {3 - rebuilt} up to date" in result.output


def test_config_and_options_reach_the_writer(cli_in: Invoke, project: Path) -> None:
    (project / "lighthouse.toml").write_text(
        'style = "plain"\njobs = 1\npaper = "letter"\nmarking = "TERBATAS"\nlanguage = "id"\n'
        'formats = ["pdf"]\npdf_variant = "pdf/a-3b"\noutput = "briefs"\n')
    result = cli_in("build", "sources/alpha.md", "--marking", "RAHASIA")
    assert result.exit_code == 0, result.output
    text = (project / "briefs" / "alpha.pdf").read_text()
    assert "|letter|pdf/a-3b|True|plain" in text
    assert "sources/alpha.md|id|RAHASIA" in text  # --marking beats the configuration
    assert not (project / "briefs" / "alpha.epub").exists()
    assert "2026-01-01T00:00:00+00:00" in text  # SOURCE_DATE_EPOCH is the build clock


def test_html_and_paper_options(cli_in: Invoke, project: Path) -> None:
    result = cli_in("build", "sources/beta.md", "--html", "--paper", "letter", "-o", "web",
                    "--pdf-variant", "none", "--no-key-points")
    assert result.exit_code == 0, result.output
    assert sorted(outputs(project / "web")) == ["beta.html"]
    assert "|letter|None|False|" in (project / "web" / "beta.html").read_text()


def test_sources_as_folder_and_glob_and_missing_file(cli_in: Invoke, project: Path) -> None:
    other = project / "more"
    other.mkdir()
    (other / "delta.md").write_text("---\ntitle: Delta\n---\n\nText.\n")
    assert cli_in("build", "more", "--pdf").exit_code == 0
    assert cli_in("build", "sources/a*.md", "--pdf").exit_code == 0
    assert sorted(outputs(project / "output")) == ["alpha.pdf", "delta.pdf"]
    missing = cli_in("build", "nope.md")
    assert missing.exit_code == 1
    assert "nope.md: no such file" in missing.output
    assert cli_in("build", "sources/*.rst").exit_code == 2


def test_a_missing_named_file_is_one_failed_source_in_every_command(
        cli_in: Invoke, project: Path) -> None:
    # Decided: a named file that is not there is a source that cannot be read (exit 1, the
    # other sources still built, as an unreadable or binary one), not a usage error (2): a
    # batch of named files keeps building when one was renamed, and watch keeps watching.
    # A glob or folder that names nothing at all is the usage error. Every command says it
    # the same way, once (doctor printed "nope.md: <absolute path>: no such file").
    both = cli_in("build", "nope.md", "sources/alpha.md")
    assert both.exit_code == 1
    assert both.output.splitlines()[-1] == "lighthouse-docs: failed: nope.md: no such file"
    assert (project / "output" / "alpha.pdf").is_file()
    for command in (["inspect"], ["doctor"]):
        result = cli_in(*command, "nope.md")
        assert result.exit_code == 1, command
        [line] = [line for line in result.output.splitlines() if "nope.md" in line]
        assert line.endswith("nope.md: no such file") and line.count("nope.md") == 1, line


def test_colliding_titles_get_distinct_names_independent_of_order_and_jobs(
        project: Path) -> None:
    for name in ("b.md", "a.md", "c.md"):
        (project / "sources" / name).write_text("---\ntitle: Same Title\n---\n\nText.\n")
    names = []
    for args in (["--jobs", "1"], ["--jobs", "2"]):
        for order in (["sources/c.md", "sources/a.md", "sources/b.md"],
                      ["sources/a.md", "sources/b.md", "sources/c.md"]):
            out = project / f"out-{len(names)}"
            result = run_fake_cli(["build", *order, "--pdf", "--names", "title", "-o", str(out),
                                    *args], project)
            assert result.returncode == 0, result.stderr
            manifest = json.loads((out / ".lighthouse-manifest.json").read_text())
            names.append({e["source"]: e["outputs"] for e in manifest["entries"].values()})
    assert names[0] == {"sources/a.md": ["same-title.pdf"], "sources/b.md": ["same-title-2.pdf"],
                        "sources/c.md": ["same-title-3.pdf"]}
    assert all(n == names[0] for n in names)


def test_one_failing_source_does_not_stop_the_others(project: Path) -> None:
    (project / "sources" / "empty.md").write_text("   \n")
    (project / "sources" / "bug.md").write_text("---\ntitle: EXPLODE\n---\n\nText.\n")
    result = run_fake_cli(["build"], project)
    assert result.returncode == 1
    assert sorted(outputs(project / "output")) == [
        "alpha.epub", "alpha.pdf", "beta.epub", "beta.pdf",
        "gamma.epub", "gamma.pdf"]
    failures = [line for line in result.stderr.splitlines() if "failed:" in line]
    assert len(failures) == 2
    assert any("sources/empty.md" in line and "empty" in line for line in failures)
    assert any("sources/bug.md" in line and "internal error" in line and "--debug" in line
               for line in failures)
    assert "Traceback" not in result.stderr
    debug = run_fake_cli(["--debug", "build", "sources/bug.md"], project)
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr and "the fake writer exploded" in debug.stderr
    # The traceback is there already: the failure line does not ask for it again.
    assert "internal error" in debug.stderr and "rerun with --debug" not in debug.stderr


def test_a_source_failing_in_one_format_writes_nothing(cli_in: Invoke, project: Path) -> None:
    (project / "sources" / "half.md").write_text("---\ntitle: RENDERFAIL\n---\n\nText.\n")
    result = cli_in("build", "sources/half.md")
    assert result.exit_code == 1
    assert "sources/half.md: the fake layout failed" in result.output
    assert not (project / "output" / "renderfail.pdf").exists()


def test_strict_fails_sources_with_warnings(cli_in: Invoke, project: Path) -> None:
    (project / "sources" / "warn.md").write_text("---\ntitle: WARNME\n---\n\nText.\n")
    assert cli_in("build", "sources/warn.md").exit_code == 0
    (project / "output" / "warn.pdf").unlink()
    strict = cli_in("build", "sources/warn.md", "--strict", "--verbose")
    assert strict.exit_code == 1
    assert "--strict" in strict.output and "the fake writer frowns" in strict.output
    assert not (project / "output" / "warn.pdf").exists()


def test_combine_builds_one_brief_in_the_given_or_date_order(cli_in: Invoke,
                                                             project: Path) -> None:
    result = cli_in("build", "sources/gamma.md", "sources/alpha.md", "sources/beta.md",
                    "--combine", "Weekly Brief: Week 1", "--marking", "TERBATAS")
    assert result.exit_code == 0, result.output
    assert sorted(outputs(project / "output")) == ["weekly-brief-week-1.epub",
                                                    "weekly-brief-week-1.pdf"]
    text = (project / "output" / "weekly-brief-week-1.pdf").read_text()
    assert "pack:Gamma Notes;Alpha Report;Beta Übersicht|" in text
    assert "|TERBATAS|" in text
    by_date = cli_in("build", "--combine", "Weekly Brief: Week 1", "--sort", "date", "--pdf")
    assert by_date.exit_code == 0
    text = (project / "output" / "weekly-brief-week-1.pdf").read_text()
    assert "pack:Gamma Notes;Beta Übersicht;Alpha Report|" in text  # undated last


def test_bad_configuration_is_exit_2_naming_file_and_key(cli_in: Invoke,
                                                          project: Path) -> None:
    (project / "lighthouse.toml").write_text('style = "plain"\npapr = "a4"\n')
    result = cli_in("build")
    assert result.exit_code == 2
    assert "lighthouse.toml: papr: unknown key" in result.output
    (project / "lighthouse.toml").write_text('jobs = 0\n')
    result = cli_in("build")
    assert result.exit_code == 2
    assert "lighthouse.toml: jobs: expected a positive integer" in result.output
    (project / "lighthouse.toml").write_text('style = "no-such-style"\n')
    assert cli_in("build").exit_code == 2


def test_usage_errors_are_exit_2(cli_in: Invoke) -> None:
    assert cli_in("build", "--quiet", "--verbose").exit_code == 2
    assert cli_in("build", "--sort", "date").exit_code == 2
    assert cli_in("build", "--pdf-variant", "pdf/z-9").exit_code == 2
    assert cli_in("build", "--paper", "a5").exit_code == 2
    assert cli_in("build", "--jobs", "0").exit_code == 2


def test_quiet_prints_nothing_on_success(cli_in: Invoke) -> None:
    result = cli_in("build", "--quiet")
    assert result.exit_code == 0
    assert result.output == ""


def test_version() -> None:
    result = run_fake_cli(["--version"], Path.cwd())
    assert result.returncode == 0
    assert result.stdout.strip() == f"lighthouse-docs {__version__}"


def test_nothing_to_do_never_imports_weasyprint(project: Path) -> None:
    first = run_fake_cli(["build"], project, FAKE_REPORT_MODULES="1")
    assert first.returncode == 0, first.stderr
    assert "weasyprint-imported=True" in first.stdout  # the fakes import it, like the real ones
    second = run_fake_cli(["build"], project, FAKE_REPORT_MODULES="1")
    assert second.returncode == 0, second.stderr
    assert "3 up to date" in second.stderr
    assert "weasyprint-imported=False" in second.stdout


def test_outputs_identical_across_jobs_and_working_folders(tmp_path: Path) -> None:
    one = write_project(tmp_path / "one")
    two = tmp_path / "elsewhere" / "two"
    shutil.copytree(one, two)
    # Different mtimes must not matter: SOURCE_DATE_EPOCH is the clock.
    os.utime(two / "sources" / "alpha.md", (1, 1))
    a = run_fake_cli(["build", "--jobs", "1"], one)
    # Another copy of the project, run from inside its sources/ folder, in parallel.
    b = run_fake_cli(["build", "--jobs", "2", "-o", str(tmp_path / "b")], two / "sources")
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    assert outputs(one / "output") == outputs(tmp_path / "b")
    c = run_fake_cli(["build", "alpha.md", "-o", str(tmp_path / "c")], one / "sources")
    assert c.returncode == 0, c.stderr
    assert outputs(tmp_path / "c")["alpha.pdf"] == outputs(one / "output")[
        "alpha.pdf"]
    assert EPOCH in os.environ.get("SOURCE_DATE_EPOCH", EPOCH)


def test_jobs_build_in_parallel_processes(project: Path) -> None:
    result = run_fake_cli(["build", "--jobs", "2", "--html"], project)
    assert result.returncode == 0, result.stderr
    assert len(outputs(project / "output")) == 3
