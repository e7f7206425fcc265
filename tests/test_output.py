"""Atomic output writes and the output folder lock."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from lighthouse_docs.errors import OutputError
from lighthouse_docs.output import (
    LOCK_NAME,
    SOURCE_LOCK_NAME,
    clean,
    commit,
    locked,
    stale_temp_files,
    write_atomic,
)


def test_write_atomic_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "brief.pdf"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["brief.pdf"]
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)  # not mkstemp's private mode


def test_a_failing_write_leaves_the_old_file_byte_identical(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    target = tmp_path / "brief.pdf"
    write_atomic(target, b"good old bytes")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OutputError, match=r"brief\.pdf: cannot write"):
        write_atomic(target, b"new bytes that never land")
    assert target.read_bytes() == b"good old bytes"
    assert os.listdir(tmp_path) == ["brief.pdf"]


def test_temp_files_are_hidden_and_never_look_like_outputs(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    seen: list[str] = []

    def spy(fd: int) -> None:
        seen.extend(os.listdir(tmp_path))

    monkeypatch.setattr(os, "fsync", spy)
    write_atomic(tmp_path / "brief.epub", b"x")
    temps = [n for n in seen if n != "brief.epub"]
    assert temps and all(n.startswith(".brief.epub.") and n.endswith(".tmp") for n in temps)
    assert not list(tmp_path.glob("*.epub.*")) and stale_temp_files(tmp_path) == []


def test_unwritable_folder_is_an_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OutputError):
        write_atomic(blocker / "brief.pdf", b"x")


def test_lock_excludes_a_second_holder(tmp_path: Path) -> None:
    lock = tmp_path / ".lock"
    events: list[str] = []

    def second() -> None:
        with locked(lock):
            events.append("second")

    with locked(lock):
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.2)
        events.append("first done")
    thread.join(timeout=5)
    assert events == ["first done", "second"]


def test_a_lock_whose_file_was_removed_while_waiting_is_taken_on_a_new_file(
        tmp_path: Path) -> None:
    # clean --all removes the lock files; whoever waited for the old one must not hold a lock
    # on a file that is gone (a third build would lock the new file beside it).
    lock = tmp_path / ".lock"
    seen: list[bool] = []

    def second() -> None:
        with locked(lock):
            seen.append(lock.exists())

    with locked(lock):
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.2)
        lock.unlink()
    thread.join(timeout=5)
    assert seen == [True]


def test_clean_all_leaves_no_lock_files_unless_a_build_holds_one(tmp_path: Path) -> None:
    import subprocess
    import sys

    output = tmp_path / "output"
    source = tmp_path / "a.md"
    source.write_text("# A\n\nText.\n")
    output.mkdir()
    commit(output, str(source), None, {"outputs": ["a.pdf"]}, {output / "a.pdf": b"%PDF"})
    assert (output / LOCK_NAME).exists() and (output / SOURCE_LOCK_NAME).exists()
    assert clean(output, everything=True) == [output / "a.pdf"]
    assert sorted(p.name for p in output.iterdir()) == []
    # A build holding a source's lock (another process: POSIX record locks are per process)
    # keeps the sources' lock file.
    commit(output, str(source), None, {"outputs": ["a.pdf"]}, {output / "a.pdf": b"%PDF"})
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time\n"
         f"fd = os.open({str(output / SOURCE_LOCK_NAME)!r}, os.O_RDWR)\n"
         "fcntl.lockf(fd, fcntl.LOCK_EX, 1, 7)\nprint('held', flush=True)\ntime.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        clean(output, everything=True)
        assert sorted(p.name for p in output.iterdir()) == [SOURCE_LOCK_NAME]
    finally:
        holder.kill()
        holder.wait()
