"""Markdown written for pandoc, as the sixth new-user trial wrote it, read back from the PDF and
the EPUB the checkout's CLI builds (one build of one source for the whole module)."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

import pypdf
import pytest
from e2e_support import run_checkout_cli

SOURCE = """\
---
title: "Maritime Corridors in Southeast Asia: Who Holds the Chokepoints?"
lang: en
---

# Maritime Corridors in Southeast Asia: Who Holds the Chokepoints?

Roughly a third of global seaborne trade passes through the Malacca and Singapore Straits.

## Background

The Strait of Malacca is long and narrow, and three littoral states share it.

### Key actors

Indonesia, Malaysia and Singapore patrol the strait together.

## Policy options

Indonesia can widen joint patrols or fund a shared radar picture.
"""


@dataclass(frozen=True)
class Built:
    stderr: str
    pdf: pypdf.PdfReader
    epub: zipfile.ZipFile

    def epub_text(self, name: str) -> str:
        return self.epub.read(f"EPUB/{name}").decode("utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = tmp_path_factory.mktemp("habits")
    (project / "sources").mkdir()
    (project / "sources" / "habits.md").write_text(SOURCE, encoding="utf-8")
    result = run_checkout_cli(["build", "--pdf", "--epub"], project)
    assert result.returncode == 0, result.stderr
    return Built(stderr=result.stderr, pdf=pypdf.PdfReader(project / "output" / "habits.pdf"),
                 epub=zipfile.ZipFile(project / "output" / "habits.epub"))


def _outline_titles(items: list[object], depth: int = 0) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for item in items:
        if isinstance(item, list):
            out.extend(_outline_titles(item, depth + 1))
        else:
            out.append((depth, str(item.title)))  # type: ignore[attr-defined]
    return out


def test_an_h1_repeating_the_front_matter_title_is_the_title_not_a_level(built: Built) -> None:
    # Trial 6, finding 5: the H1 became a section over every real one.
    assert _outline_titles(built.pdf.outline) == [
        (0, "Background"), (1, "Key actors"), (0, "Policy options")]
    nav = built.epub_text("nav.xhtml")
    toc = nav.split('epub:type="toc"', 1)[1].split("</nav>", 1)[0]
    entries = re.findall(r"<a [^>]*>([^<]+)</a>", toc)
    assert [e for e in entries if e in {"Background", "Key actors", "Policy options"}] == [
        "Background", "Key actors", "Policy options"]
    assert "Who Holds the Chokepoints" not in " ".join(entries)
    # The body text after the cover never repeats the title as a heading.
    assert not any("Who Holds the Chokepoints?" in (page.extract_text() or "")
                   for page in built.pdf.pages[2:])
