"""The default theme asks for no work that changes nothing on the page.

WeasyPrint computes a flex item's automatic minimum width by laying the item out at its
narrowest, which took a tenth of a brief's layout for the cover's metadata list (``.meta``):
the theme gives those items ``min-width: 0``, which changes nothing on the page there (the
label has a fixed width and does not shrink, the value breaks anywhere)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from lighthouse_docs.build import checked
from lighthouse_docs.readers import load
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.theme import Theme, resolve_theme
from lighthouse_docs.writers import pdf

MODIFIED = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
RULE = ".meta dt, .meta dd { min-width: 0; }"
LONG_META = """---
title: A brief whose metadata runs long on the cover of the printed brief
publisher: The Extremely Long Named Institute for Strategic and International Studies of the Region
author: [Alice Writer, Bob Editor, Carol Analyst]
date: 2025-01-02
lang: en
marking: OFFICIAL-SENSITIVE
url: https://www.example.org/analysis/2025/01/02/{path}
---

A lead paragraph with some words in it for the brief to have a lead.

## First section

Text of the first section that goes on for a while so that there is something to lay out.
"""


def _pdf(tmp_path: Path, theme: Theme) -> bytes:
    source = tmp_path / "long.md"
    source.write_text(LONG_META.format(path="a-path-segment-without-any-space-" * 6),
                      encoding="utf-8")
    doc, _, failure = checked(load(source), "long.md", marking=None, markings=(),
                              key_points="auto")
    assert doc is not None, failure
    options = RenderOptions(theme=theme, base_dir=tmp_path, modified=MODIFIED)
    return pdf.build_pdf(doc, options).data


def _theme_without_the_rule(tmp_path: Path) -> Theme:
    default = resolve_theme(None)
    copy = tmp_path / "without"
    shutil.copytree(default.root, copy)
    css = (copy / "print.css").read_text(encoding="utf-8")
    assert RULE in css
    (copy / "print.css").write_text(css.replace(RULE, ""), encoding="utf-8")
    return Theme(name="without", root=copy)


@pytest.mark.slow
def test_the_metadata_list_is_not_laid_out_at_its_narrowest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.layout import flex

    narrowest: list[Any] = []
    stock = flex.min_content_width

    def counted(context: Any, box: Any, *args: Any, **kwargs: Any) -> Any:
        narrowest.append(box.element_tag)
        return stock(context, box, *args, **kwargs)

    monkeypatch.setattr(flex, "min_content_width", counted)
    _pdf(tmp_path, resolve_theme(None))
    assert narrowest == []
    _pdf(tmp_path, _theme_without_the_rule(tmp_path))  # the check can see the work
    assert "dd" in narrowest


@pytest.mark.slow
def test_the_rule_changes_nothing_on_the_page(tmp_path: Path) -> None:
    assert _pdf(tmp_path, resolve_theme(None)) == _pdf(tmp_path,
                                                       _theme_without_the_rule(tmp_path))


def test_the_theme_check_does_not_parse_the_default_theme(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The check of a theme's references (build._check_theme, before anything is forked)
    parses a stylesheet only when its text names an ``@import`` or ``@font-face``: the default
    theme names neither, not even in a comment (the parse took ~0.015 s of every build)."""
    import tinycss2

    from lighthouse_docs.theme_check import check_theme

    def parsed(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the default theme was parsed")

    monkeypatch.setattr(tinycss2, "parse_stylesheet", parsed)
    assert check_theme(resolve_theme(None)) == ()
