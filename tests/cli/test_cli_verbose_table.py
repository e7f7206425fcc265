"""``build -v`` off a terminal (a log file, a pipe) prints its table as wide as its rows: a
source name is never folded in two at 80 columns (fifth new-user trial)."""

from __future__ import annotations

from pathlib import Path

from cli_support import run_fake_cli, write_project

LONG = "a-rather-long-article-name-about-flood-warnings-in-kelantan-and-terengganu-2026.md"


def test_the_verbose_table_keeps_each_source_name_on_one_line(tmp_path: Path) -> None:
    project = write_project(tmp_path / "proj", {LONG: "# Floods\n\nLead.\n\n## One\n\nText.\n"})
    result = run_fake_cli(["build", "-v", "--pdf"], project, COLUMNS="")
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stderr.splitlines() if "│" in line]
    assert len(rows) == 1
    assert f"sources/{LONG}" in rows[0]
