"""Sources the user may not read, through the real CLI: a folder that cannot be listed, a file
in a folder that cannot be searched. One line naming the folder and the reason, exit 1, the
rest still built; never an internal error, never a folder's articles vanishing without a word.

As root the CLI runs with DAC override dropped (``setpriv``), as a user would run it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import EPOCH

DROP = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
        "--inh-caps=-dac_override,-dac_read_search"]
ARTICLE = ("---\ntitle: {title}\n---\n\nThe lead of {title}, one sentence long.\n\n"
           "## Part\n\nText of the part.\n")
LOCKED_REASON = "is a folder that cannot be read (Permission denied)"


def _prefix(probe: Path) -> list[str]:
    """What makes the CLI a process that the file modes apply to."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: file modes do not apply")
    probe_run = subprocess.run([*DROP, "ls", str(probe)], capture_output=True, check=False)
    if probe_run.returncode == 0:
        pytest.skip("setpriv cannot drop DAC override here")
    return DROP


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """sources/ok.md, sources/locked/x.md with sources/locked at mode 000."""
    root = tmp_path / "proj"
    (root / "sources" / "locked").mkdir(parents=True)
    (root / "sources" / "ok.md").write_text(ARTICLE.format(title="Ok"), encoding="utf-8")
    (root / "sources" / "locked" / "x.md").write_text(ARTICLE.format(title="Locked"),
                                                      encoding="utf-8")
    (root / "lighthouse.toml").write_text("jobs = 1\n", encoding="utf-8")
    locked, probe = root / "sources" / "locked", tmp_path / "probe"
    probe.mkdir()
    for folder in (locked, probe):
        folder.chmod(0)
    yield root
    for folder in (locked, probe):
        folder.chmod(0o755)  # so that pytest can remove it


def run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [*_prefix(project.parent / "probe"), sys.executable, "-m",
               "lighthouse_docs", *args]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=300,
                          check=False, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH})


def lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("lighthouse-docs:")]


def test_a_file_in_a_folder_that_cannot_be_searched_names_the_folder(project: Path) -> None:
    for command in (["build", "--epub"], ["inspect"]):
        result = run(project, *command, "sources/locked/x.md")
        assert result.returncode == 1, result.stderr
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr
        kind = "failed" if command[0] == "build" else "input error"
        assert lines(result) == [
            f"lighthouse-docs: {kind}: sources/locked/x.md: cannot be read: the folder "
            "sources/locked cannot be opened (Permission denied)"], result.stderr


def test_a_project_build_fails_the_unreadable_folder_and_builds_the_rest(
        project: Path) -> None:
    result = run(project, "build", "--epub")
    assert result.returncode == 1, result.stderr
    assert "1 built, 0 up to date, 1 failed" in result.stderr
    assert lines(result) == [f"lighthouse-docs: failed: sources/locked: {LOCKED_REASON}; "
                             "the articles in it are not built"], result.stderr
    assert (project / "output" / "ok.epub").stat().st_size > 0


def test_a_named_folder_that_cannot_be_listed_is_a_failure_not_a_usage_error(
        project: Path) -> None:
    result = run(project, "build", "--epub", "sources/locked")
    assert result.returncode == 1, result.stderr
    assert "no .txt" not in result.stderr
    assert [f"lighthouse-docs: failed: sources/locked: {LOCKED_REASON}; the articles in it are "
            "not built"] == lines(result)


def test_a_combined_brief_is_not_made_without_the_unreadable_folders_articles(
        project: Path) -> None:
    result = run(project, "build", "--epub", "--combine", "Weekly")
    assert result.returncode == 1, result.stderr
    assert f"lighthouse-docs: failed: sources/locked: {LOCKED_REASON}; the articles in it are " \
           "not built" in lines(result)
    assert "lighthouse-docs: failed: Weekly: 1 source(s) failed; not combined" in lines(result)
    assert not (project / "output" / "weekly.epub").exists()


def test_clean_keeps_the_outputs_of_sources_it_cannot_see(project: Path) -> None:
    locked = project / "sources" / "locked"
    locked.chmod(0o755)
    assert run(project, "build", "--epub", "-q").returncode == 0
    built = (project / "output" / "locked" / "x.epub").read_bytes()
    locked.chmod(0)
    result = run(project, "clean")
    assert result.returncode == 0, result.stderr
    assert (project / "output" / "locked" / "x.epub").read_bytes() == built
