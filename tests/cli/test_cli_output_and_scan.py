"""An output folder that cannot be one is a usage error naming it, and a folder scan says what
it passes over (fifth new-user trial: ``-o`` at a file said "cannot create lock file" per
source with exit 1; a dangling link and a folder called ``x.txt`` in ``sources/`` vanished
without a word)."""

from __future__ import annotations

import os
from pathlib import Path

from cli_support import run_fake_cli


def test_an_output_folder_that_is_a_file_is_a_usage_error(project: Path) -> None:
    (project / "taken").write_text("mine\n", encoding="utf-8")
    result = run_fake_cli(["build", "--pdf", "-o", "taken"], project)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"lighthouse-docs: usage error: the output folder {project / 'taken'} is a file; "
        "choose a folder with -o (or output = in lighthouse.toml)"]
    assert (project / "taken").read_text(encoding="utf-8") == "mine\n"


def test_an_output_folder_under_a_file_is_a_usage_error(project: Path) -> None:
    (project / "taken").write_text("mine\n", encoding="utf-8")
    result = run_fake_cli(["build", "--pdf", "-o", "taken/out"], project)
    assert result.returncode == 2
    assert "the output folder" in result.stderr
    assert f"cannot be made: {project / 'taken'} is a file" in result.stderr
    assert "lock" not in result.stderr and "failed:" not in result.stderr


def test_an_output_folder_that_cannot_be_created_is_a_usage_error(project: Path) -> None:
    result = run_fake_cli(["build", "--pdf", "-o", "/proc/lighthouse-nope"], project)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "lighthouse-docs: usage error: cannot create the output folder /proc/lighthouse-nope "
        "(No such file or directory); choose another with -o"]


def test_a_scan_warns_about_a_dangling_link_and_a_folder_named_like_a_source(
        project: Path) -> None:
    sources = project / "sources"
    os.symlink("/nonexistent/file.txt", sources / "dangling.txt")
    (sources / "dir.txt").mkdir()
    (sources / "dir.txt" / "inner.md").write_text("# Inner\n\nText.\n", encoding="utf-8")
    (sources / "plain.txt").write_text("Site, Plain Title. A lead sentence.\n", encoding="utf-8")
    result = run_fake_cli(["build", "--pdf"], project)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert ("sources/dangling.txt: warning: a symbolic link to /nonexistent/file.txt, which "
            "does not exist; not built [source-link-dangling]") in lines
    assert ("sources/dir.txt: warning: a folder, not a source file; only the files in it are "
            "built [source-not-file]") in lines
    assert (project / "output" / "dir.txt" / "inner.pdf").exists()
    glob = run_fake_cli(["build", "--pdf", "sources/*.txt"], project)
    assert glob.returncode == 0, glob.stderr
    assert sum("[source-" in line for line in glob.stderr.splitlines()) == 2
