"""`lighthouse-docs watch`: a real process rebuilds on save and stops cleanly on Ctrl-C."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import start_fake_cli


@pytest.mark.slow
def test_watch_rebuilds_a_saved_source_and_exits_0_on_ctrl_c(project: Path) -> None:
    process = start_fake_cli(["watch", "--pdf", "--debounce", "50"], project)
    assert process.stderr is not None
    pdf = project / "output" / "alpha.pdf"
    try:
        for line in process.stderr:
            if line.startswith("watching"):
                break
        assert pdf.is_file()
        before = pdf.read_bytes()
        (project / "sources" / "alpha.md").write_text(
            "---\ntitle: Alpha Report!\n---\n\nA brand new lead.\n")
        deadline = time.monotonic() + 120  # a hang guard: the machine may be loaded
        while pdf.read_bytes() == before and time.monotonic() < deadline:
            time.sleep(0.1)
        assert pdf.read_bytes() != before
        (project / "sources" / "new.md").write_text("---\ntitle: Fresh Item\n---\n\nText.\n")
        while not (project / "output" / "new.pdf").exists() and \
                time.monotonic() < deadline:
            time.sleep(0.1)
        assert (project / "output" / "new.pdf").exists()
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Traceback" not in err


@pytest.mark.slow
def test_watch_quiet_prints_only_the_failures(project: Path) -> None:
    # README: "-q prints only the failures"; watch -q printed its banner, a "built" line per
    # rebuilt source and "stopped" all the same.
    (project / "sources" / "empty.md").write_text("---\ntitle: Nothing\n---\n")
    pdf = project / "output" / "alpha.pdf"
    process = start_fake_cli(["watch", "--pdf", "--debounce", "50", "-q"], project)
    try:
        deadline = time.monotonic() + 120  # a hang guard: the machine may be loaded
        while not pdf.is_file() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)  # the watcher goes live after the first build
        before = pdf.read_bytes()
        (project / "sources" / "alpha.md").write_text(
            "---\ntitle: Alpha Report!\n---\n\nA brand new lead.\n")
        while pdf.read_bytes() == before and time.monotonic() < deadline:
            time.sleep(0.1)
        assert pdf.read_bytes() != before
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    lines = err.splitlines()
    assert lines, "the failure is printed"
    assert set(lines) == {"lighthouse-docs: failed: sources/empty.md: has no body text: "
                          "nothing to build"}, err


def test_watch_without_sources_says_the_usage_error_once_and_exits_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Trial 3 (F12): watch printed the usage error, then watched "." and went on running
    # (looping on its own log when that was in "."). It must end as build does.
    import watchfiles
    from typer.testing import CliRunner

    from lighthouse_docs.cli import app

    watched: list[tuple[object, ...]] = []

    def fake_watch(*paths: object, **options: object) -> Iterator[set[tuple[object, str]]]:
        watched.append(paths)  # a stand-in watcher: three quiet rounds, then Ctrl-C
        for _ in range(3):
            yield set()
        raise KeyboardInterrupt

    monkeypatch.setattr(watchfiles, "watch", fake_watch)
    folder = tmp_path / "empty"
    folder.mkdir()
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(app, ["watch"], catch_exceptions=False)
    build = CliRunner().invoke(app, ["build"], catch_exceptions=False)
    assert build.exit_code == 2
    assert (result.exit_code, result.output) == (2, build.output)
    assert result.output.count("usage error: no sources given and no sources/ folder") == 1
    assert watched == []


def test_watch_names_a_packaged_style_not_the_tools_install_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fakes: None) -> None:
    # Trial 3 (F10): in a project without styles of its own, watch announced
    # "watching /tmp/trial3/lighthouse-docs/styles/default, sources": the install checkout.
    import watchfiles
    from typer.testing import CliRunner

    from lighthouse_docs.cli import app

    def fake_watch(*paths: object, **options: object) -> Iterator[set[tuple[object, str]]]:
        yield set()  # the watcher is live: watch announces what it watches
        raise KeyboardInterrupt

    monkeypatch.setattr(watchfiles, "watch", fake_watch)
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a.md").write_text("---\ntitle: A\n---\n\nText.\n")
    (tmp_path / "lighthouse.toml").write_text("jobs = 1\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["watch", "--pdf"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [banner] = [line for line in result.output.splitlines() if line.startswith("watching")]
    assert banner == "watching lighthouse.toml, sources, the default style (Ctrl-C to stop)"


def test_watch_lists_the_outputs_a_rename_leaves_stale_once(
        project: Path, monkeypatch: pytest.MonkeyPatch, fakes: None) -> None:
    # Trial 3 (F10): after a source was renamed during watch its old outputs stayed and watch
    # said nothing (only the next build listed them).
    import watchfiles
    from typer.testing import CliRunner

    from lighthouse_docs.cli import app

    def fake_watch(*paths: object, **options: object) -> Iterator[set[tuple[object, str]]]:
        yield set()  # live
        old = project / "sources" / "alpha.md"
        old.rename(project / "sources" / "alpha-renamed.md")
        yield {(watchfiles.Change.deleted, str(old))}
        yield {(watchfiles.Change.modified, str(project / "sources" / "beta.md"))}
        raise KeyboardInterrupt

    monkeypatch.setattr(watchfiles, "watch", fake_watch)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(app, ["watch", "--pdf"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines.count("1 stale output(s) of deleted or renamed sources (lighthouse-docs "
                       "clean removes them):") == 1, result.output
    assert lines.count("  output/alpha.pdf") == 1
    assert "built sources/alpha-renamed.md -> output/alpha-renamed.pdf" in lines


def _watch_once(project: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The lines `watch --pdf` prints up to the moment its watcher is live (in-process, the
    watcher faked: it is live at once, then Ctrl-C)."""
    import watchfiles
    from typer.testing import CliRunner

    from lighthouse_docs.cli import app

    def fake_watch(*paths: object, **options: object) -> Iterator[set[tuple[object, str]]]:
        yield set()
        raise KeyboardInterrupt

    monkeypatch.setattr(watchfiles, "watch", fake_watch)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(app, ["watch", "--pdf"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_watch_says_once_that_everything_is_up_to_date(
        project: Path, monkeypatch: pytest.MonkeyPatch, fakes: None) -> None:
    # Trial 4 (F15): on a built project watch printed only "watching ...", nothing to say
    # the outputs were current.
    first = _watch_once(project, monkeypatch)
    assert sum(line.startswith("built ") for line in first) == 3
    assert not any(line.startswith("up to date") for line in first)  # the summary said it
    lines = _watch_once(project, monkeypatch)
    assert [line for line in lines if not line.startswith("watching")] == \
        ["up to date: 3 sources", "stopped"]
    assert lines[1].startswith("watching ")  # scripts wait for the line starting "watching"


def test_watch_does_not_say_up_to_date_when_a_source_failed(
        project: Path, monkeypatch: pytest.MonkeyPatch, fakes: None) -> None:
    (project / "sources" / "empty.md").write_text("---\ntitle: Nothing\n---\n")
    _watch_once(project, monkeypatch)
    lines = _watch_once(project, monkeypatch)
    assert not any(line.startswith("up to date") for line in lines), lines
    assert any("empty.md" in line for line in lines)
