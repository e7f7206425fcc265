"""Atomic output writes and the output folder lock."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from lighthouse_docs.errors import OutputError
from lighthouse_docs.output import locked, stale_temp_files, write_atomic


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
