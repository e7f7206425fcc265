"""Issue 13 item 7: the HTML preview is set for screens, read back from a real browser.

Chromium (``.ci/run`` installs it for DAISY Ace) lays the file out at a desktop and a phone
width; a small script appended to a copy measures what a reader sees. Printed from the
browser, every page carries the marking.
"""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from e2e_support import run_checkout_cli
from fontTools.ttLib import TTFont

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium missing")]
EPOCH = "1767225600"
MARKING = "TERBATAS \u2013 HANYA UNTUK KALANGAN SENDIRI"
SENTENCE = ("Regional ministers met in Singapore to review the state of grain storage across "
            "the member states, where warehouse capacity has not kept pace with the harvest. ")
ARTICLE = f"""---
title: Grain Markets after the Monsoon
publisher: Lighthouse Review
date: 2026-03-02
lang: en
marking: {MARKING}
---

{SENTENCE * 2}

## Where the grain is stored

{SENTENCE * 4}

| Country | Capacity (kt) | Utilisation | Responsible ministry | Next review | Contact office |
|:--|--:|--:|:--|:--|:--|
| Philippines | 2,450 | 91% | Department of Agriculture | March 2026 | Manila |
| Indonesia | 8,900 | 87% | National Logistics Agency (Bulog) | June 2026 | Jakarta |

### Prices in Zürich

{SENTENCE * 3}

## Outlook

{(SENTENCE * 3 + chr(10) + chr(10)) * 12}
"""
MEASURE = """
<script>
window.addEventListener("load", async () => {
  await document.fonts.ready;
  const p = document.querySelector("main .section p");
  const text = p.firstChild, range = document.createRange(), lines = {};
  for (let i = 0; i < text.length; i++) {
    range.setStart(text, i); range.setEnd(text, i + 1);
    const top = Math.round(range.getBoundingClientRect().top);
    lines[top] = (lines[top] || 0) + 1;
  }
  const size = (sel) => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize);
  const table = document.querySelector("main table");
  document.body.setAttribute("data-measured", JSON.stringify({
    lines: Object.values(lines),
    body: size("main .section p"), h2: size("main h2"), h3: size("main h3"),
    table: size("main td"),
    tableScrolls: table.scrollWidth > table.clientWidth,
    pageOverflow: document.documentElement.scrollWidth > window.innerWidth,
    serif: document.fonts.check('16px "LH Source Serif"'),
    sansLoaded: [...document.fonts].filter(f => f.status === "loaded").map(f => f.family),
  }));
});
</script>
"""


def lighthouse(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_checkout_cli(args, cwd, epoch=EPOCH)


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                           "--hide-scrollbars", *args], capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.fixture(scope="module")
def html_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("html")
    (root / "sources").mkdir()
    (root / "sources" / "grain.md").write_text(ARTICLE, encoding="utf-8")
    run = lighthouse(["build", "--html", "--jobs", "1"], root)
    assert run.returncode == 0, run.stderr
    return root / "output" / "grain.html"


def measured(html_file: Path, width: int) -> dict[str, Any]:
    probe = html_file.with_name(f"probe-{width}.html")
    probe.write_text(html_file.read_text(encoding="utf-8").replace("</body>", MEASURE +
                                                                   "</body>"),
                     encoding="utf-8")
    run = chromium(f"--window-size={width},900", "--virtual-time-budget=5000", "--dump-dom",
                   probe.as_uri())
    found = re.search(r'data-measured="([^"]*)"', run.stdout)
    assert found, run.stderr[-2000:]
    return dict(json.loads(found.group(1).replace("&quot;", '"')))


def test_fonts_are_embedded_subset_woff2(html_file: Path) -> None:
    html = html_file.read_text(encoding="utf-8")
    faces = re.findall(r'font-family: "(LH Source (?:Serif|Sans))"[^}]*?'
                       r'url\("data:font/woff2;base64,([^"]+)"\)', html)
    assert {family for family, _ in faces} == {"LH Source Serif", "LH Source Sans"}
    for _, data in faces:
        raw = base64.b64decode(data)
        assert raw[:4] == b"wOF2"
        font = TTFont(io.BytesIO(raw))
        cmap = font.getBestCmap()
        assert ord("ü") in cmap and ord("A") in cmap  # the text's own characters
        assert ord("\u0416") not in cmap  # subset: Cyrillic the text does not use is gone
    assert 'src: url("http' not in html and "@import" not in html


@pytest.mark.parametrize("width", [1280, 390])
def test_screen_measure_headings_and_tables(html_file: Path, width: int) -> None:
    found = measured(html_file, width)
    full_lines = found["lines"][:-1]  # the last line of a paragraph is short
    assert full_lines and max(full_lines) <= 75, found
    if width > 1000:
        assert min(full_lines) >= 55, found
    assert found["h2"] > found["h3"] > found["body"] >= 16, found
    assert found["table"] >= 14, found
    assert not found["pageOverflow"], found
    assert found["serif"] and "LH Source Sans" in found["sansLoaded"], found
    if width < 500:
        assert found["tableScrolls"], found  # a wide table scrolls instead of shrinking


def test_printed_from_a_browser_every_page_carries_the_marking(html_file: Path,
                                                               tmp_path: Path) -> None:
    target = tmp_path / "printed.pdf"
    run = chromium("--no-pdf-header-footer", f"--print-to-pdf={target}", html_file.as_uri())
    assert target.is_file(), run.stderr[-2000:]
    pdf = pdfium.PdfDocument(target)
    assert len(pdf) >= 3
    for index in range(len(pdf)):
        page = pdf[index]
        height, width = page.get_height(), page.get_width()
        text = page.get_textpage()
        top = text.get_text_bounded(0, height - 20 * 72 / 25.4, width, height)
        bottom = text.get_text_bounded(0, 0, width, 20 * 72 / 25.4)
        assert MARKING in top and MARKING in bottom, (index, top, bottom)
