"""Killed builds: their leftovers are cleaned by the next build, a live build's are not."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from .conftest import EPOCH

FAKE_CLI = Path(__file__).resolve().parents[1] / "cli" / "fake_cli.py"


def _fake(args: list[str], cwd: Path, **env: str) -> subprocess.Popen[str]:
    # The fake writers (tests/cli) render instantly; FAKE_PAUSE_WRITE stalls inside the atomic
    # write, after the temporary file is created and filled, and says WRITING.
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONUNBUFFERED": "1", **env}
    return subprocess.Popen([sys.executable, str(FAKE_CLI), *args], cwd=cwd, env=full_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _stalled(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    process = _fake(args, cwd, FAKE_PAUSE_WRITE="1")
    assert process.stderr is not None
    for line in process.stderr:
        if line.strip() == "WRITING":
            return process
    process.wait(timeout=30)
    raise AssertionError(f"the build never started writing (exit {process.returncode})")


def _temps(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.name.endswith(".tmp")}


def test_next_build_removes_temp_files_of_killed_builds_but_not_of_live_ones(
        tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / "sources").mkdir(parents=True)
    (project / "lighthouse.toml").write_text("jobs = 1\n")
    for name in ("alpha", "beta"):
        (project / "sources" / f"{name}.md").write_text(f"---\ntitle: {name}\n---\n\nText.\n")
    output = project / "output"
    done = _fake(["build", "--pdf"], project)
    assert done.wait(timeout=60) == 0
    good = (output / "alpha.pdf").read_bytes()

    (project / "sources" / "alpha.md").write_text("---\ntitle: alpha\n---\n\nChanged.\n")
    killed = _stalled(["build", "sources/alpha.md", "--pdf"], project)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    dead = _temps(output)
    assert len(dead) == 1 and (output / "alpha.pdf").read_bytes() == good

    (project / "sources" / "beta.md").write_text("---\ntitle: beta\n---\n\nChanged too.\n")
    live = _stalled(["build", "sources/beta.md", "--pdf", "--jobs", "1"], project)
    try:
        busy = _temps(output) - dead
        assert len(busy) == 1
        again = _fake(["build", "sources/alpha.md", "--pdf"], project)
        _, err = again.communicate(timeout=60)
        assert again.returncode == 0, err
        # The killed build's file is gone; the one a live build is still writing is not.
        assert _temps(output) == busy
    finally:
        live.kill()
        live.wait(timeout=30)
    assert sorted(p.name for p in output.iterdir() if not p.name.startswith(".")) == [
        "alpha.pdf", "beta.pdf"]
