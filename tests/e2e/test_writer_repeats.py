"""A writer's report of a problem a check already reported (a refused image) is that same
problem: printed once, under the article and line it comes from, and counted once (the
summary, ``--report json`` and ``--strict`` agree)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PAGE = ('<html><head><title>Harbour</title></head><body><h1>Harbour</h1>'
        '<p>The harbour reopened on Monday after the storm.</p>'
        '<img src="http://evil.example/x.png"></body></html>')

ARTICLE = """---
title: Rainfall
---
The monsoon arrived late this year.

![Chart](missing.png)

More text after the figure.
"""


def _build(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lighthouse_docs", "build", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=600, check=False)


def test_a_refused_network_image_is_reported_once(tmp_path: Path) -> None:
    (tmp_path / "t.html").write_text(PAGE, encoding="utf-8")
    result = _build(tmp_path, "t.html", "--force", "--pdf", "--epub", "-o", "out",
                    "--report", "json", "report.json")
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "evil.example" in line] == [
        "t.html:1: warning: refused resource http://evil.example/x.png: only local files are "
        "read, never the network [image-refused] (pdf, epub)"]
    assert result.stderr.splitlines()[-1] == "1 built, 0 up to date, 0 failed; 1 warning"
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["counts"]["warnings"] == 1


def test_strict_counts_the_warnings_it_prints(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "rain.md").write_text(ARTICLE, encoding="utf-8")
    result = _build(tmp_path, "sources/rain.md", "--strict", "--epub", "--html", "-o", "out")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert [line for line in lines if ": warning: " in line] == [
        "sources/rain.md:6: warning: refused resource missing.png: file not found "
        "[image-refused] (epub, html)"]
    assert lines[-1] == ("lighthouse-docs: failed: sources/rain.md: 1 warning(s) and "
                         "--strict; nothing written")


def test_a_combined_brief_reports_an_articles_image_under_the_article(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "rain.md").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "sources" / "port.md").write_text(
        "---\ntitle: Port\n---\nThe port reopened on Monday.\n", encoding="utf-8")
    result = _build(tmp_path, "sources/rain.md", "sources/port.md",
                    "--combine", "Weekly Brief 48", "--epub", "--html", "-o", "out")
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "missing.png" in line] == [
        "sources/rain.md:6: warning: refused resource missing.png: file not found "
        "[image-refused] (epub, html)"]
    assert result.stderr.splitlines()[-1] == "1 built, 0 up to date, 0 failed; 1 warning"
