"""watch and serve survive a file name the watcher cannot decode."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import watchfiles

from lighthouse_docs import cli


def test_an_undecodable_name_restarts_the_watcher_and_counts_as_a_change(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    calls: list[tuple[Any, ...]] = []

    def fake_watch(*paths: Any, **options: Any) -> Iterator[set[tuple[Any, str]]]:
        calls.append(paths)
        if len(calls) == 1:
            yield set()
            raise RuntimeError('Unable to decode path "/x/caf\\xE9.md" to string')
        yield {(watchfiles.Change.modified, "/x/a.md")}

    monkeypatch.setattr(watchfiles, "watch", fake_watch)
    got = list(cli._changes([Path("/x")]))
    assert got == [set(), {(watchfiles.Change.modified, "")},
                   {(watchfiles.Change.modified, "/x/a.md")}]
    assert len(calls) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_other_watcher_errors_are_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*paths: Any, **options: Any) -> Iterator[set[tuple[Any, str]]]:
        raise RuntimeError("inotify watch limit reached")
        yield set()

    monkeypatch.setattr(watchfiles, "watch", broken)
    with pytest.raises(RuntimeError, match="limit"):
        list(cli._changes([Path("/x")]))


def test_the_real_watcher_sees_saves_after_an_undecodable_name_appears(tmp_path: Path) -> None:
    stop = threading.Event()
    seen: list[set[tuple[Any, str]]] = []

    def save_files() -> None:
        time.sleep(0.5)
        with open(os.fsencode(tmp_path) + b"/caf\xe9.md", "w") as f:
            f.write("x")
        time.sleep(1.0)
        (tmp_path / "a.md").write_text("y")

    threading.Thread(target=save_files, daemon=True).start()
    for changes in cli._changes([tmp_path], debounce=50, step=20, rust_timeout=200,
                                stop_event=stop):
        seen.append(changes)
        if any(path.endswith("a.md") for _, path in changes) or len(seen) > 200:
            stop.set()
    assert any(path.endswith("a.md") for c in seen for _, path in c)
