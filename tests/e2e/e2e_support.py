"""Plain helpers for the end-to-end tests.

Kept out of ``conftest.py`` so test modules can import them under a unique module name.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EPOCH = "1767225600"  # 2026-01-01T00:00:00Z: the build date of every output here


def run_checkout_cli(args: list[str], cwd: Path, *, epoch: str = EPOCH, timeout: float = 600
                     ) -> subprocess.CompletedProcess[str]:
    """The checkout's own CLI (``python -m lighthouse_docs``, never one on PATH) in a real
    process, at a fixed build time."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    return subprocess.run([sys.executable, "-m", "lighthouse_docs", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)
