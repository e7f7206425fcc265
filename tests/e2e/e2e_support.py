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


def build_pdf_pages(project: Path, filename: str, text: str) -> list[str]:
    """Write ``text`` as ``sources/<filename>`` in ``project``, build its PDF with the checkout's
    CLI and return the text of each page (pypdf)."""
    import pypdf

    (project / "sources").mkdir(exist_ok=True)
    (project / "sources" / filename).write_text(text, encoding="utf-8")
    result = run_checkout_cli(["build", "--pdf"], project)
    assert result.returncode == 0, result.stderr
    reader = pypdf.PdfReader(project / "output" / f"{Path(filename).stem}.pdf")
    return [page.extract_text() for page in reader.pages]
