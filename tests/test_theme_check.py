"""theme_check: a theme's stylesheets checked once before rendering (fifth new-user trial: a
bad ``@import`` was 7 identical failures with exit 1; an unclosed ``{`` built silently)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lighthouse_docs.errors import ConfigError
from lighthouse_docs.theme import resolve_theme
from lighthouse_docs.theme_check import check_theme, references, unclosed

EPOCH = "1767225600"


@pytest.mark.parametrize(("css", "expected"), [
    ("a { color: red }\nb { }\n", []),
    ("a { color: red }\nh2 { colr: red;\n.x { color: blue }\n", [(2, "'{' is never closed")]),
    ("@media print {\n  a { b: c }\n", [(1, "'{' is never closed")]),
    ("a { b: c }\n}\n", [(2, "'}' without a '{'")]),
    ("a { content: '{' }\n/* { */\nb { c: \"}\" }\n", []),  # braces in strings and comments
    ("a { b: c }\n/* unclosed\nd { }\n", [(2, "comment '/*' is never closed")]),
    ("a { b: 'x\n}\nc { }\n", []),  # an unclosed string ends at its line, as in CSS
])
def test_unclosed_blocks_and_comments_are_found_with_their_line(
        css: str, expected: list[tuple[int, str]]) -> None:
    found = unclosed(css)
    assert [(line, message[:len(start)]) for (line, message), (_, start)
            in zip(found, expected, strict=True)] == expected


def test_references_are_imports_and_font_face_sources_with_lines() -> None:
    css = ('@import url("a.css");\n@import "b.css" print;\n'
           'h1 { background: url(not-checked.png) }\n'
           '@media print {\n  @font-face { font-family: X;\n'
           '    src: url(f.woff2), url("g.ttf") }\n}\n')
    assert [(r.what, r.url, r.line) for r in references(css)] == [
        ("@import", "a.css", 1), ("@import", "b.css", 2),
        ("@font-face", "f.woff2", 6), ("@font-face", "g.ttf", 6)]
    assert [r.url for r in references("@\\69mport url(x.css);\n")] == ["x.css"]  # escaped
    assert references("a { color: red }\n") == []


def _theme(tmp_path: Path, print_css: str) -> Path:
    folder = tmp_path / "styles" / "house"
    folder.mkdir(parents=True)
    (folder / "print.css").write_text(print_css, encoding="utf-8")
    (folder / "epub.css").write_text("body { margin: 0 }\n", encoding="utf-8")
    (folder / "fonts").mkdir()
    (folder / "fonts" / "f.ttf").write_bytes(b"\0")
    (folder / "more.css").write_text("@import url('https://evil.example/y.css');\n",
                                     encoding="utf-8")
    return folder


@pytest.mark.parametrize("css", [
    '@import url("https://evil.example/x.css");\n',
    '@import url("../../../etc/passwd");\n',
    "@import 'missing.css';\n",
    "\n@font-face { font-family: X; src: url(/etc/passwd) }\n",
    "@import 'more.css';\n",  # what an imported sheet imports is checked too
])
def test_a_refused_import_or_font_is_a_configuration_error(tmp_path: Path, css: str) -> None:
    theme = resolve_theme(_theme(tmp_path, css))
    refused = r"(print|more)\.css:\d+: @(import|font-face) .* is refused"
    with pytest.raises(ConfigError, match=refused):
        check_theme(theme)


def test_local_imports_fonts_and_the_default_theme_pass(tmp_path: Path) -> None:
    folder = _theme(tmp_path, "@font-face { font-family: X; src: url(fonts/f.ttf) }\n"
                              "@import url(data:text/css,a%7Bb:c%7D);\n")
    assert check_theme(resolve_theme(folder)) == ()
    assert check_theme(resolve_theme(None)) == ()


def _project(tmp_path: Path, print_css: str, sources: int) -> Path:
    _theme(tmp_path, print_css)
    (tmp_path / "lighthouse.toml").write_text('style = "house"\njobs = 1\n', encoding="utf-8")
    (tmp_path / "sources").mkdir()
    for n in range(sources):
        (tmp_path / "sources" / f"s{n}.md").write_text(
            f"# Article {n}\n\nLead paragraph {n}.\n\n## One\n\nText.\n", encoding="utf-8")
    return tmp_path


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lighthouse_docs", *args], cwd=cwd,
                          env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, capture_output=True,
                          text=True, timeout=300, check=False)


def test_cli_a_network_import_is_one_configuration_error_before_any_source(
        tmp_path: Path) -> None:
    project = _project(tmp_path, '@import url("https://evil.example/x.css");\n'
                                 "body { font-size: 11pt }\n", sources=4)
    result = _cli(["build", "--pdf"], project)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "lighthouse-docs: configuration error: styles/house/print.css:1: @import "
        "https://evil.example/x.css is refused: only local files are read, never the network "
        "(a theme reads only its own folder, the package and its fonts)"]
    assert not (project / "output" / "s0.pdf").exists()


def test_cli_an_unclosed_block_is_one_warning_naming_file_and_line(tmp_path: Path) -> None:
    project = _project(tmp_path, "body { font-size: 11pt }\nh2 { colr: red;\n"
                                 "p { margin: 0 }\n", sources=2)
    result = _cli(["build", "--html"], project)
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if "never closed" in line]
    assert said == ["WARNING: styles/house/print.css:2: '{' is never closed: the rules after "
                    "it are read as part of this one and do not apply"]
