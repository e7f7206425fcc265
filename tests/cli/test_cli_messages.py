"""What the CLI says to a new user who gets something slightly wrong: a bad choice value, a
folder given to `inspect`, a dry run with nothing to do; and that help and README name the
input types the code reads."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import run_fake_cli
from typer.testing import Result

from lighthouse_docs.project import DEFAULT_SOURCE_SUFFIXES
from lighthouse_docs.readers import FORMATS_BY_SUFFIX

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize(("args", "expected"), [
    (["--paper", "a3"], "--paper: expected one of a4, letter, got 'a3'"),
    (["--names", "slug"], "--names: expected one of source, title, got 'slug'"),
    (["--combine", "W", "--sort", "newest"],
     "--sort: expected one of given, date, got 'newest'"),
    (["--report", "xml", "r.xml"], "--report: expected json (--report json FILE), got 'xml'"),
])
def test_a_bad_choice_names_the_accepted_values_and_exits_2(
        cli_in: Callable[..., Result], args: list[str], expected: str) -> None:
    result = cli_in("build", *args)
    assert result.exit_code == 2
    assert expected in result.output
    assert "Value error" not in result.output  # pydantic's wording, before
    assert not Path("output").exists()


def test_choices_keep_working_in_any_letter_case(cli_in: Callable[..., Result]) -> None:
    result = cli_in("build", "--pdf", "--paper", "LETTER")
    assert result.exit_code == 0, result.output
    assert "|letter|" in Path("output/alpha.pdf").read_text()


def test_inspect_of_a_folder_says_it_takes_a_file_and_names_one(project: Path) -> None:
    result = run_fake_cli(["inspect", "sources"], project)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "lighthouse-docs: usage error: sources is a folder; inspect takes one article file; "
        "for example sources/alpha.md, sources/beta.md, sources/gamma.md (build and doctor "
        "take folders)")


def test_clean_dry_run_says_when_there_is_nothing_to_remove(project: Path) -> None:
    assert run_fake_cli(["build", "--pdf"], project).returncode == 0
    dry = run_fake_cli(["clean", "--dry-run"], project)
    assert (dry.returncode, dry.stdout, dry.stderr) == (0, "", "nothing to remove (no stale "
                                                              "outputs)\n")
    (project / "sources" / "gamma.md").unlink()
    dry = run_fake_cli(["clean", "--dry-run"], project)
    assert dry.stdout == "would remove output/gamma.pdf\n"
    assert dry.stderr == ""


def test_help_and_readme_name_the_types_the_code_reads(cli_in: Callable[..., Result]) -> None:
    scanned = [s.lstrip(".") for s in DEFAULT_SOURCE_SUFFIXES]
    build_help = " ".join(cli_in("build", "--help").output.split())
    listed = re.search(r"Default: every (.*?) in sources/", build_help)
    assert listed and re.findall(r"\.(\w+)", listed[1]) == scanned
    inspect_help = " ".join(cli_in("inspect", "--help").output.split())
    assert all(f".{s}" in inspect_help for s in scanned)
    readme = " ".join(README.read_text(encoding="utf-8").split())
    assert "every .txt/.md/.html/.docx in sources/" in readme
    for suffix in FORMATS_BY_SUFFIX:  # each accepted suffix is named where inputs are listed
        assert f"`{suffix}`" in readme, suffix


def test_a_missing_named_file_and_an_empty_glob_exit_as_the_readme_says(project: Path) -> None:
    # Trial 3 (F6): exit 1 for a mistyped file name next to exit 2 for a glob matching nothing
    # looked inconsistent; it is deliberate, and the README's exit-code section says so with
    # the very lines the CLI prints.
    missing = run_fake_cli(["build", "sources/nope.md", "sources/alpha.md", "--pdf"], project)
    assert missing.returncode == 1
    assert (project / "output" / "alpha.pdf").is_file()  # the other source is still built
    said = "failed: sources/nope.md: no such file"
    assert missing.stderr.splitlines()[-1] == f"lighthouse-docs: {said}"
    empty = run_fake_cli(["build", "sources/*.txt", "--pdf"], project)
    assert empty.returncode == 2
    assert empty.stderr.strip() == "lighthouse-docs: usage error: no files match 'sources/*.txt'"
    exit_codes = " ".join(README.read_text(encoding="utf-8").split(
        "- **Exit codes:**", 1)[1].split("\n- **", 1)[0].split())
    assert "A named file that does not exist is a failed source, exit 1" in exit_codes
    assert said.replace("nope.md", "nope.txt") in exit_codes
    assert "usage error, exit 2 (`no files match 'sources/*.md'`" in exit_codes


@pytest.mark.parametrize(("args", "expected"), [
    (["build", "--pack-lang", "en"],
     "lighthouse-docs: usage error: --pack-lang only applies with --combine"),
    (["build", "--combine", "W", "--pack-lang", "klingon"],
     "lighthouse-docs: configuration error: --pack-lang: expected a language tag such as id, "
     "en, en-US or pt-BR (BCP 47), got 'klingon'"),
])
def test_a_bad_pack_language_is_one_line_and_exits_2(
        cli_in: Callable[..., Result], args: list[str], expected: str) -> None:
    result = cli_in(*args)
    assert (result.exit_code, result.output.splitlines()) == (2, [expected])
    assert not Path("output").exists()


def test_a_failing_file_outside_the_project_is_named_by_its_full_path(project: Path) -> None:
    # Trial 4 (F15): `build /tmp/trial4/e.txt` said "failed: e.txt: is empty", naming a file
    # the user could not find from the project; inspect showed the full path.
    elsewhere = project.parent / "drafts"
    elsewhere.mkdir()
    (elsewhere / "e.txt").write_bytes(b"")
    result = run_fake_cli(["build", "../drafts/e.txt", "--pdf"], project)
    assert result.returncode == 1
    full = (elsewhere / "e.txt").resolve().as_posix()
    assert result.stderr.splitlines()[-1] == \
        f"lighthouse-docs: failed: {full}: is empty: nothing to build"


@pytest.mark.parametrize(("args", "expected"), [
    (["build", "--jobs", "0"],
     "lighthouse-docs: configuration error: --jobs: expected a positive integer or \"auto\", "
     "got 0"),
    (["build", "--jobs", "two"],
     "lighthouse-docs: configuration error: --jobs: expected a positive integer or \"auto\", "
     "got 'two'"),
    (["build", "--bogus"],
     "lighthouse-docs: usage error: no such option: --bogus (Possible options: --jobs, "
     "--verbose) (see lighthouse-docs build --help)"),
    (["build", "--report"],
     "lighthouse-docs: usage error: option '--report' requires 2 arguments "
     "(see lighthouse-docs build --help)"),
    (["serve", "--port", "99999"],
     "lighthouse-docs: usage error: invalid value for '--port' / '-p': Input should be less "
     "than or equal to 65535 (see lighthouse-docs serve --help)"),
    (["buidl"],
     "lighthouse-docs: usage error: no such command 'buidl'. Did you mean 'build'? "
     "(see lighthouse-docs --help)"),
])
def test_an_option_click_refuses_is_one_line_in_the_tools_format(
        cli_in: Callable[..., Result], args: list[str], expected: str) -> None:
    # Trial 3 (F10): Click printed three lines ("Usage: ...", "Try ...", "Error: ...") where
    # every other mistake is one "lighthouse-docs: ..." line.
    result = cli_in(*args)
    assert (result.exit_code, result.output.splitlines()) == (2, [expected])
    assert not Path("output").exists()


def test_jobs_auto_is_taken_on_the_command_line_as_in_the_project_file(
        cli_in: Callable[..., Result]) -> None:
    result = cli_in("build", "--pdf", "--jobs", "auto")
    assert result.exit_code == 0, result.output
    assert Path("output/alpha.pdf").is_file()
    assert cli_in("build", "--pdf", "-j", "AUTO", "--force").exit_code == 0
