"""No traceback without --debug, on any command: odd environments, configuration files, file
names and a deleted working folder each give one line and the right exit code; a fuzz test
drives the CLI with random arguments, environment and configuration values."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from lighthouse_docs import build
from lighthouse_docs.cli import app
from lighthouse_docs.model import Document, Pack
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.writers import Output

from .conftest import EPOCH, make_project, run_cli

ARTICLE = "---\ntitle: A Title\n---\n\nThe lead paragraph.\n\n## One\n\nBody text.\n"
NON_UTF8 = os.fsdecode(b"caf\xe9")  # a name with a byte that is not UTF-8


def _writer(subject: Document | Pack, options: RenderOptions) -> Output:
    title = subject.title if isinstance(subject, Pack) else subject.meta.title
    return Output(data=title.encode("utf-8", "surrogateescape"))


@pytest.fixture
def stand_ins(monkeypatch: pytest.MonkeyPatch) -> None:
    for fmt in ("pdf", "epub", "html"):
        monkeypatch.setitem(build.DEFAULT_WRITERS, fmt, _writer)


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text, text


@pytest.mark.parametrize(("env", "config", "code", "says"), [
    ({"SOURCE_DATE_EPOCH": "99999999999999"}, "jobs = 1\n", 2, "SOURCE_DATE_EPOCH"),
    ({"SOURCE_DATE_EPOCH": "-99999999999999"}, "jobs = 1\n", 2, "SOURCE_DATE_EPOCH"),
    ({}, 'jobs = 1\nmarking = "caf\xe9"\n', 2, "UTF-8"),
    ({}, 'jobs = 1\noutput = "out\\u0000put"\n', 2, "NUL"),
])
def test_bad_environment_and_configuration_are_one_line(
        tmp_path: Path, env: dict[str, str], config: str, code: int, says: str) -> None:
    project = make_project(tmp_path / "p")
    (project / "sources" / "a.md").write_text(ARTICLE, encoding="utf-8")
    (project / "lighthouse.toml").write_bytes(config.encode("latin-1"))
    run = run_cli(["build", "--html"], project, env=env)
    _no_traceback(run.stderr)
    assert run.returncode == code, run.stderr
    assert says in run.stderr
    assert len([line for line in run.stderr.splitlines() if line.strip()]) == 1, run.stderr


def test_a_source_name_that_is_not_utf8_is_shown_escaped_and_built(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    name = os.fsencode(project / "sources") + b"/caf\xe9.md"
    with open(name, "w", encoding="utf-8") as handle:
        handle.write(ARTICLE)
    run = run_cli(["build", "--html", "-v"], project)
    _no_traceback(run.stderr + run.stdout)
    assert run.returncode == 0, run.stderr
    assert os.path.exists(os.fsencode(project / "output") + b"/caf\xe9.html")
    assert "caf\\xe9" in run.stderr + run.stdout
    assert run_cli(["inspect", f"sources/{NON_UTF8}.md"], project).returncode == 0


def test_a_deleted_working_folder_is_one_line(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    script = ("import os, sys; os.chdir(sys.argv[1]); os.rmdir(sys.argv[1]); "
              "sys.argv = ['lighthouse-docs', 'build']; from lighthouse_docs import cli; "
              "cli.main()")
    run = subprocess.run([sys.executable, "-c", script, str(gone)], capture_output=True,
                         text=True, timeout=120, check=False)
    _no_traceback(run.stderr)
    assert run.returncode in (1, 2) and "working folder" in run.stderr, run.stderr


def test_watch_ignores_its_output_folder_and_survives_odd_names(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    (project / "sources" / "a.md").write_text(ARTICLE, encoding="utf-8")
    with open(os.fsencode(project / "sources") + b"/caf\xe9.md", "w", encoding="utf-8") as f:
        f.write(ARTICLE.replace("A Title", "Another"))
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "lighthouse_docs.cli", "watch", "--html", "-o", "sources/preview",
         "--debounce", "50"], cwd=project, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, errors="backslashreplace",
        # A suite started in the background (`cmd &`) inherits SIGINT ignored: give the
        # watcher the default handler, as Ctrl-C in a terminal would find it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    guard = threading.Timer(150, process.kill)  # a hung watcher fails the test, never blocks it
    guard.start()
    lines: list[str] = []
    try:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            if line.startswith("watching"):
                break
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=60)
    finally:
        guard.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
    text = "".join(lines) + rest
    _no_traceback(text)
    assert process.returncode == 0, text
    built = [line for line in lines if line.startswith("built ")]
    assert len(built) == 2, text  # a.md and the odd name, once each: no preview re-read
    assert not any("sources/preview" in line.split("->")[0] for line in built), text


def test_init_onto_an_existing_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x")
    run = run_cli(["init", "taken"], tmp_path)
    _no_traceback(run.stderr)
    assert run.returncode in (1, 2) and len(run.stderr.strip().splitlines()) == 1, run.stderr


# --------------------------------------------------------------------------- fuzz

_WORDS = st.sampled_from([
    "build", "inspect", "init", "clean", "--pdf", "--epub", "--html", "-o", "--output",
    "--style", "--paper", "--lang", "--marking", "--combine", "--sort", "--jobs", "-j",
    "--force", "--strict", "-q", "-v", "--names", "--pdf-variant", "--key-points",
    "--no-key-points", "--all", "--dry-run", "--version", "--help", "--report", "json",
    "sources", "sources/a.md", "sources/*.md", "missing.md", "a4", "letter", "title", "source",
    "date", "0", "-1", "99999999999", "none", "pdf/ua-1", "/", ".", "..", "-", "--",
    "\udce9", "caf\udce9.md", "\u202e", "x" * 300,
])
_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=12)
_ARGV = st.lists(st.one_of(_WORDS, _TEXT), max_size=7)
_TOML_VALUE = st.one_of(
    st.integers(-10**20, 10**20).map(str), st.booleans().map(lambda b: str(b).lower()),
    _TEXT.map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.just('["pdf", "docx"]'), st.just("[]"), st.just('"../../.."'), st.just("{}"),
    st.just('"\\u0000"'), st.just("1e400"))
_CONFIG = st.dictionaries(st.sampled_from([
    "paper", "style", "language", "marking", "markings", "output", "formats", "jobs",
    "key_points", "pdf_variant", "output_names", "unknown"]), _TOML_VALUE, max_size=3)
_EPOCH = st.one_of(st.none(), st.integers(-10**15, 10**15).map(str), _TEXT)


@pytest.fixture
def fuzz_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 stand_ins: None) -> Iterator[Path]:
    project = make_project(tmp_path / "p")
    (project / "sources" / "a.md").write_text(ARTICLE, encoding="utf-8")
    (project / "sources" / "b.txt").write_text("Site, B title. Lead.\nHeading\nBody.\n",
                                               encoding="utf-8")
    monkeypatch.chdir(project)
    yield project


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(argv=_ARGV, config=_CONFIG, epoch=_EPOCH)
def test_fuzzed_command_lines_never_print_a_traceback(
        fuzz_project: Path, argv: list[str], config: dict[str, str],
        epoch: str | None) -> None:
    (fuzz_project / "lighthouse.toml").write_text(
        "".join(f"{k} = {v}\n" for k, v in config.items()) or "jobs = 1\n", encoding="utf-8")
    if "init" in argv:
        argv = [*argv, tempfile.mkdtemp(dir=fuzz_project.parent)]
    env = {"SOURCE_DATE_EPOCH": epoch} if epoch is not None else {"SOURCE_DATE_EPOCH": EPOCH}
    result = CliRunner().invoke(app, argv, env=env)
    output = result.output
    assert "Traceback" not in output, (argv, config, epoch, output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        argv, config, epoch, repr(result.exception))
    assert result.exit_code in (0, 1, 2), (argv, config, epoch, result.exit_code, output)
    if "jobs" in config and config["jobs"].lstrip("-").isdigit() and int(config["jobs"]) < 1 \
            and "build" in argv[:1]:
        assert result.exit_code == 2, (argv, config, output)
