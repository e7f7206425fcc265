"""Plain helpers for the CLI tests: a small project on disk and the CLI with fake writers.

Kept out of ``conftest.py`` so test modules can import them under a unique module name.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

FAKE_CLI = Path(__file__).resolve().parent / "fake_cli.py"
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z

ARTICLES = {
    "alpha.md": "---\ntitle: Alpha Report\n---\n\nLead of alpha.\n\n## One\n\nText.\n",
    "beta.md": "---\ntitle: Beta Übersicht\ndate: 2024-05-01\n---\n\nLead of beta.\n",
    "gamma.md": "---\ntitle: Gamma Notes\ndate: 2023-01-01\n---\n\nLead of gamma.\n",
}


def write_project(root: Path, articles: dict[str, str] | None = None) -> Path:
    """A project with sources/, a minimal style "plain" and a lighthouse.toml using it."""
    (root / "sources").mkdir(parents=True, exist_ok=True)
    for name, text in (articles or ARTICLES).items():
        (root / "sources" / name).write_text(text, encoding="utf-8")
    style = root / "styles" / "plain"
    style.mkdir(parents=True, exist_ok=True)
    (style / "print.css").write_text("body { font-size: 11pt }\n", encoding="utf-8")
    (style / "epub.css").write_text("body { margin: 0 }\n", encoding="utf-8")
    (root / "lighthouse.toml").write_text('style = "plain"\njobs = 1\n', encoding="utf-8")
    return root


def run_fake_cli(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``lighthouse-docs ARGS`` with the fake writers in a real process."""
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **env}
    return subprocess.run([sys.executable, str(FAKE_CLI), *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=120, check=False)


def ctrl_c_reaches_the_child() -> None:
    """``preexec_fn`` for a long-running command stopped with SIGINT: a suite started in the
    background (``cmd &``) inherits SIGINT ignored, and so would the command under test."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_fake_cli(args: list[str], cwd: Path, **env: str) -> subprocess.Popen[str]:
    """Start ``lighthouse-docs ARGS`` with the fake writers; the caller waits or kills it."""
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONUNBUFFERED": "1", **env}
    return subprocess.Popen([sys.executable, str(FAKE_CLI), *args], cwd=cwd, env=full_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=ctrl_c_reaches_the_child)
