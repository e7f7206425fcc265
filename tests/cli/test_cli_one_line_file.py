"""A text saved as one line whose lead has no sentence end fails with a message that says the
whole line became the title and how to fix it, not a bare "has no body text" (fifth new-user
trial: a 1.3 MB file reported as having no text)."""

from __future__ import annotations

from pathlib import Path

from cli_support import run_fake_cli, write_project


def test_a_one_line_text_read_as_its_title_says_so_and_how_to_fix_it(tmp_path: Path) -> None:
    line = "Huge Site, A Very Long Line. " + " ".join(["storage"] * 500)
    project = write_project(tmp_path / "proj", {"long.txt": line + "\n"})
    result = run_fake_cli(["build", "--pdf"], project)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "lighthouse-docs: failed: sources/long.txt: has no body text: all 504 words of its "
        "first line were read as the title (one line with no sentence end after the title); "
        "put the title on a line of its own and the text on the lines after it")
    fixed = write_project(tmp_path / "fixed", {
        "long.txt": "Huge Site, A Very Long Line\n" + " ".join(["storage"] * 500) + "\n"})
    assert run_fake_cli(["build", "--pdf"], fixed).returncode == 0


def test_a_short_empty_brief_keeps_the_plain_message(tmp_path: Path) -> None:
    project = write_project(tmp_path / "proj", {"short.txt": "Just a title line\n"})
    result = run_fake_cli(["build", "--pdf"], project)
    assert result.stderr.splitlines()[-1] == (
        "lighthouse-docs: failed: sources/short.txt: has no body text: nothing to build")
