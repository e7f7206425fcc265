"""A pandoc title block's date in a common written form (``% July 17, 2006``, as pandoc's own
test suite writes it) is the brief's date, not a warning (fifth new-user trial)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def _inspect(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lighthouse_docs", "inspect", str(path), *args],
                          cwd=path.parent, env=dict(os.environ), capture_output=True,
                          text=True, timeout=300, check=False)


def test_a_us_style_title_block_date_is_read(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text("% Pandoc Test Suite\n% John MacFarlane; Anonymous\n% July 17, 2006\n\n"
                      "Some text.\n\n## One\n\nMore text.\n", encoding="utf-8")
    result = _inspect(source, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["meta"]["date"] == "2006-07-17"
    assert "title block date" not in _inspect(source).stderr


def test_a_title_block_date_that_is_no_date_names_the_forms_read(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text("% Title\n% Ann\n% Summer 2006\n\nSome text.\n", encoding="utf-8")
    result = _inspect(source)
    assert ("title block date 'Summer 2006' is not a date (2006-07-17, 17 July 2006 or "
            "July 17, 2006); ignored") in result.stderr + result.stdout
