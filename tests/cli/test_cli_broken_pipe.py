"""A closed stdout (``lighthouse-docs inspect FILE | head``) ends the command quietly, as Unix
tools end, instead of with an ``internal error (BrokenPipeError ...)`` line (fifth new-user
trial). The pipe's reading end is closed before the command starts, so every write to it fails:
the command meets the closed pipe mid-run (long output) or only at its last flush (short)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import EPOCH, write_project

from lighthouse_docs.cli import EXIT_BROKEN_PIPE

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "sources" / "korut-rusia.txt"


def _with_closed_stdout(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
        return subprocess.run([sys.executable, "-m", "lighthouse_docs", *args], cwd=cwd,
                              env=env, stdout=write_end, stderr=subprocess.PIPE, text=True,
                              timeout=300, check=False)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("args", [
    ["inspect", str(EXAMPLE)],                   # short: met at the last flush
    ["inspect", str(EXAMPLE), "--key-points"],
    ["inspect", str(EXAMPLE), "--explain"],      # long: met mid-run
    ["build", "--html", "--report", "json", "-"],
])
def test_a_closed_stdout_ends_quietly_with_sigpipes_status(args: list[str],
                                                           tmp_path: Path) -> None:
    project = write_project(tmp_path / "proj")
    result = _with_closed_stdout(args, project)
    assert "error" not in result.stderr.lower()  # build's summary line may stand there
    assert "Traceback" not in result.stderr
    if args[0] == "inspect":
        assert result.stderr == ""
    assert result.returncode == EXIT_BROKEN_PIPE == 141
