"""Ctrl-C during ``build``: one line on stderr saying what was left as it was, exit 130, no
traceback; a source is committed whole or not at all (trial 3, F10)."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from cli_support import ARTICLES, run_fake_cli, start_fake_cli, write_project

HANGS = "---\ntitle: HANG Report\n---\n\nLead of a source whose layout never ends.\n"


def _children(pid: int) -> list[str]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return path.read_text().split() if path.exists() else []


def _interrupt_when(process: subprocess.Popen[str],
                    ready: Callable[[], object]) -> tuple[str, str]:
    """Send SIGINT once ``ready()`` holds (a hang guard, not a timing: the machine may be
    loaded), then the process's stdout and stderr."""
    deadline = time.monotonic() + 120
    try:
        while not ready() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.poll() is None, "the build ended before it could be interrupted"
    finally:
        process.send_signal(signal.SIGINT)
    return process.communicate(timeout=120)


def test_ctrl_c_before_any_source_is_built_says_outputs_are_unchanged(tmp_path: Path) -> None:
    project = write_project(tmp_path, {"alpha.md": ARTICLES["alpha.md"]})
    assert run_fake_cli(["build", "--force"], project).returncode == 0
    out = project / "output"
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (project / "sources" / "alpha.md").write_text(HANGS, encoding="utf-8")
    process = start_fake_cli(["build"], project)
    # The render process of alpha is running (it never ends by itself).
    _, err = _interrupt_when(process, lambda: _children(process.pid))
    assert process.returncode == 130
    assert err == "lighthouse-docs: interrupted; outputs unchanged\n"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not _children(process.pid)


def test_ctrl_c_between_sources_counts_the_built_ones_and_keeps_them(tmp_path: Path) -> None:
    project = write_project(tmp_path, {"alpha.md": ARTICLES["alpha.md"], "zulu.md": HANGS})
    process = start_fake_cli(["build", "--jobs", "2"], project)  # one renders, one hangs
    manifest = project / "output" / ".lighthouse-manifest.json"

    def alpha_recorded() -> bool:
        try:
            entries = json.loads(manifest.read_text(encoding="utf-8"))["entries"]
        except (OSError, ValueError, KeyError):
            return False
        return any(e.get("source") == "sources/alpha.md" for e in entries.values())

    _, err = _interrupt_when(process, alpha_recorded)
    assert process.returncode == 130
    assert err == ("lighthouse-docs: interrupted; 1 source built before it, the others' "
                   "outputs unchanged\n")
    assert "Traceback" not in err
    names = sorted(p.name for p in (project / "output").iterdir() if not p.name.startswith("."))
    assert names == ["alpha.epub", "alpha.pdf"]
