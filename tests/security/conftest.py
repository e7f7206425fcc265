"""Running the real `lighthouse-docs` in a subprocess, with timeouts and peak-memory figures."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

EPOCH = "1767225600"  # 2026-01-01T00:00:00Z


@dataclass(frozen=True)
class Run:
    """One finished CLI process."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float


def run_cli(args: Sequence[str], cwd: Path, *, timeout: float = 180,
            env: dict[str, str] | None = None) -> Run:
    """``lighthouse-docs ARGS`` in ``cwd``; killed (and the test failed) after ``timeout``.

    Peak RSS comes from ``os.wait4`` on this child alone, so runs do not blur into each other
    the way ``RUSAGE_CHILDREN`` maxima would.
    """
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "COLUMNS": "200", **(env or {})}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "lighthouse_docs.cli", *args],
                                   cwd=cwd, env=full_env, stdout=out, stderr=err, text=True)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                process.kill()
                os.wait4(process.pid, 0)
                pytest.fail(f"lighthouse-docs {' '.join(args)} hung for more than {timeout} s")
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(process.returncode, out.read(), err.read(), seconds, usage.ru_maxrss / 1024)


def make_project(root: Path) -> Path:
    """An empty project (sources/, one job) at ``root``."""
    (root / "sources").mkdir(parents=True, exist_ok=True)
    (root / "lighthouse.toml").write_text("jobs = 1\n", encoding="utf-8")
    return root


def failure_lines(run: Run) -> list[str]:
    return [line for line in run.stderr.splitlines() if line.startswith("lighthouse-docs:")]
