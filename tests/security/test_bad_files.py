"""Bad source files through the real CLI: a one-line error naming the file, or a good build.

Never a traceback, never a hang (every run has a timeout), and no quadratic blow-up on big
articles.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import Run, failure_lines, make_project, run_cli

GOOD = "---\ntitle: Good Article\n---\n\nLead.\n\n## Part\n\nText.\n"


def assert_clean(run: Run) -> None:
    assert "Traceback" not in run.stderr + run.stdout, run.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


def test_each_bad_file_fails_alone_with_one_line_naming_it(project: Path) -> None:
    sources = project / "sources"
    (sources / "good.md").write_text(GOOD, encoding="utf-8")
    (sources / "empty.md").write_bytes(b"")
    (sources / "blank.txt").write_bytes(b"  \n\t\r\n\xc2\xa0\n")
    # A text file with one stray NUL builds (the NUL dropped with a warning); binary fails.
    (sources / "nul.txt").write_bytes(b"Title\n\nText\x00with a NUL byte.\n")
    (sources / "png.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (sources / "notes.rst").write_text("Title\n=====\n", encoding="utf-8")
    os.mkfifo(sources / "pipe.md")  # opening it for reading would block forever
    names = ["good.md", "empty.md", "blank.txt", "nul.txt", "png.html", "notes.rst", "pipe.md"]
    run = run_cli(["build", "--epub", *(f"sources/{n}" for n in names)], project, timeout=60)
    assert_clean(run)
    assert run.returncode == 1
    lines = failure_lines(run)
    assert len(lines) == len(names) - 2, run.stderr
    assert ("sources/nul.txt: warning: dropped 1 control character(s) at line:column 3:5"
            in run.stderr)
    for name, why in [("empty.md", "empty"), ("blank.txt", "empty"),
                      ("png.html", "binary"), ("notes.rst", "unsupported file type"),
                      ("pipe.md", "not a regular file")]:
        assert any(f"sources/{name}: " in line and why in line for line in lines), (name, lines)
    assert (project / "output" / "good.epub").is_file()


def test_a_fifo_in_a_combined_brief_fails_the_pack_without_hanging(project: Path) -> None:
    (project / "sources" / "good.md").write_text(GOOD, encoding="utf-8")
    os.mkfifo(project / "sources" / "pipe.md")
    run = run_cli(["build", "--epub", "sources/good.md", "sources/pipe.md", "--combine", "Pack"],
                  project, timeout=60)
    assert_clean(run)
    assert run.returncode == 1
    assert any("sources/pipe.md: is not a regular file" in line for line in failure_lines(run))


@pytest.mark.parametrize("make", ["directory", "dangling symlink", "file as a folder"])
def test_named_paths_that_are_no_source_file_fail_that_source(project: Path,
                                                                make: str) -> None:
    sources = project / "sources"
    if make == "directory":
        (sources / "folder.md").mkdir()
        argument = "sources/folder.md"
    elif make == "dangling symlink":
        (sources / "gone.md").symlink_to(project / "nowhere.md")
        argument = "sources/gone.md"
    else:
        (sources / "plain").write_text("x")
        argument = "sources/plain/inner.md"
    (sources / "good.md").write_text(GOOD, encoding="utf-8")
    run = run_cli(["build", "--epub", argument, "sources/good.md"], project, timeout=60)
    assert_clean(run)
    # A named source that is no file fails like any bad source: one line, exit 1, and the
    # other sources are still built.
    assert run.returncode == 1
    lines = failure_lines(run)
    assert len(lines) == 1 and argument in lines[0], run.stderr
    assert (project / "output" / "good.epub").is_file()
