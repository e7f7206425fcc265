"""An image that cannot be embedded keeps its alt text, caption and source line in every format."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

ARTICLE = """---
title: Rainfall Report
---
The monsoon arrived late this year.

## Rainfall

![Bar chart of rainfall](missing-chart.png)
Figure 1: Rainfall by month
Source: Met Office, 2025.

More text after the figure.
"""


def test_a_missing_image_keeps_its_caption_and_source(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "img.md").write_text(ARTICLE, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "lighthouse_docs", "build", "sources", "--html", "--epub",
         "-o", "out"], cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    # One line with the figure's line (the check's), the writers' reports merged into it.
    assert [line for line in result.stderr.splitlines() if "missing-chart.png" in line] == [
        "sources/img.md:8: warning: refused resource missing-chart.png: file not found "
        "[image-refused] (epub, html)"]
    html = (tmp_path / "out" / "img.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "out" / "img.epub") as book:
        epub = "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))
    for out in (html, epub):
        assert 'src="missing-chart.png"' not in out
        for words in ("Bar chart of rainfall", "Rainfall by month", "Source: Met Office, 2025."):
            assert words in out, words


def test_a_source_that_fails_now_reports_no_warning_of_its_earlier_build(
        tmp_path: Path) -> None:
    # Built with a refused image, then emptied: the failure is the one thing to say; the
    # image warning belonged to the text that is gone (it came back without its line and
    # with the writer's code, and counted as a warning of this build).
    (tmp_path / "sources").mkdir()
    source = tmp_path / "sources" / "img.md"
    source.write_text(ARTICLE, encoding="utf-8")

    def build() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "lighthouse_docs", "build", "sources", "--html", "--epub",
             "-o", "out", "--report", "json", "-"], cwd=tmp_path, capture_output=True,
            text=True, timeout=600, check=False)

    first = build()
    assert first.returncode == 0 and "missing-chart.png" in first.stderr, first.stderr
    source.write_text("", encoding="utf-8")
    second = build()
    assert second.returncode == 1
    assert "missing-chart.png" not in second.stderr + second.stdout, second.stderr
    assert "0 built, 0 up to date, 1 failed; 0 warnings" in second.stderr
    [entry] = json.loads(second.stdout)["sources"]
    assert entry["status"] == "failed" and entry["diagnostics"] == []
    assert entry["error"] == "sources/img.md: is empty: nothing to build"
