"""A theme's stylesheets checked once, before a build renders anything.

Two things a stylesheet can get wrong would otherwise show up late or not at all:

- an ``@import`` or an ``@font-face`` ``src`` that the renderer refuses (the network, a path
  outside the theme folder, the package and the font packages, a missing file). The PDF
  writer refuses it in every render, so a batch of 7 sources said it 7 times, as 7 failed
  sources; checked here it is one configuration error naming the file and line (exit 2);
- a block, comment or string left open: CSS closes them silently at the end of the file,
  so everything after an unclosed ``{`` belongs to that rule and the theme quietly loses its
  later rules. That is one warning naming the file and line, and the build goes on.

The decisions are the resource resolver's (:mod:`.writers.resources`), the same the PDF's URL
fetcher makes; tinycss2 (WeasyPrint's own CSS tokenizer) reads the rules. It is imported only
when something is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .theme import Theme

MAX_IMPORT_DEPTH = 8
"""``@import`` chains are followed this deep (a loop is cut by the files already seen)."""


@dataclass(frozen=True, slots=True)
class _Reference:
    url: str
    line: int
    what: str
    """``@import`` or ``@font-face``."""


def theme_stylesheets(theme: Theme) -> tuple[Path, ...]:
    """The theme's own stylesheets: ``print.css``, ``epub.css`` and ``screen.css`` if any."""
    screen = theme.root / "screen.css"
    extra = (screen,) if screen.is_file() else ()
    return (theme.print_css, theme.epub_css, *extra)


def check_theme(theme: Theme) -> tuple[str, ...]:
    """Check every stylesheet of ``theme`` (and what it imports).

    :returns: warnings, each ``path:line: message``, for blocks, comments or strings left open.
    :raises ConfigError: a reference in an ``@import`` or ``@font-face`` ``src`` is refused;
        the message names the stylesheet, its line and the reference.
    """
    from .writers.resources import theme_roots

    roots = theme_roots(theme)
    warnings: list[str] = []
    seen: set[Path] = set()

    def visit(path: Path, depth: int) -> None:
        real = path.resolve()
        if real in seen or depth > MAX_IMPORT_DEPTH:
            return
        seen.add(real)
        css = theme.read(path).decode("utf-8", "replace")
        warnings.extend(f"{shown(path)}:{line}: {message}" for line, message in unclosed(css))
        for ref in references(css):
            target = _resolve(ref, path, roots)
            if target is not None and ref.what == "@import":
                visit(target, depth + 1)

    for sheet in theme_stylesheets(theme):
        visit(sheet, 0)
    return tuple(warnings)


def shown(path: Path) -> str:
    """``path`` as messages name it: relative to the working folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except (OSError, ValueError):  # outside it, or the working folder is gone
        return str(path)


def _resolve(ref: _Reference, sheet: Path, roots: tuple[Path, ...]) -> Path | None:
    from .writers.resources import REASONS, describe, resolve_reference

    if ref.url.strip().lower().startswith("data:"):
        return None
    found = resolve_reference(ref.url, sheet.parent, roots)
    if found.path is None:
        raise ConfigError(f"{ref.what} {describe(ref.url)} is refused: "
                          f"{REASONS[found.reason or 'outside']} (a theme reads only its own "
                          "folder, the package and its fonts)",
                          file=f"{shown(sheet)}:{ref.line}")
    return found.path


_MAY_REFER = re.compile(r"@(?:import|font-face)|@[-\w]*\\", re.IGNORECASE)
"""An ``@import`` or ``@font-face``, or an at-keyword written with an escape (``@\\69mport``):
only such a stylesheet is parsed (tinycss2 takes some 50 ms on the default theme)."""


def references(css: str) -> list[_Reference]:
    """The URLs of ``css``'s ``@import`` rules and of its ``@font-face`` ``src`` descriptors
    (also inside ``@media``/``@supports``), with their lines."""
    if _MAY_REFER.search(css) is None:
        return []
    import tinycss2

    found: list[_Reference] = []

    def walk(rules: Iterable[Any]) -> None:
        for rule in rules:
            if rule.type != "at-rule":
                continue
            keyword = rule.lower_at_keyword
            if keyword == "import":
                found.extend(_Reference(url, line, "@import")
                             for url, line in _urls(rule.prelude, first_only=True))
            elif keyword == "font-face" and rule.content is not None:
                for item in tinycss2.parse_declaration_list(rule.content):
                    if item.type == "declaration" and item.lower_name == "src":
                        found.extend(_Reference(url, line, "@font-face")
                                     for url, line in _urls(item.value))
            elif rule.content is not None and keyword in ("media", "supports", "layer"):
                walk(tinycss2.parse_rule_list(rule.content))

    walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    return found


def _urls(tokens: Iterable[Any], *, first_only: bool = False) -> Iterator[tuple[str, int]]:
    for token in tokens:
        if token.type == "url":
            yield token.value, token.source_line
        elif token.type == "function" and token.lower_name == "url":
            strings = [a for a in token.arguments if a.type == "string"]
            if strings:
                yield strings[0].value, token.source_line
        elif token.type == "string" and first_only:
            yield token.value, token.source_line
        else:
            continue
        if first_only:
            return


def unclosed(css: str) -> list[tuple[int, str]]:
    """``(line, message)`` for each ``}`` with no ``{`` and for the outermost ``{``, comment
    or string that ``css`` never closes (CSS closes them at the end of the file, silently)."""
    problems: list[tuple[int, str]] = []
    opened: list[int] = []
    line, i, n = 1, 0, len(css)
    while i < n:
        char = css[i]
        if css.startswith("/*", i):
            end = css.find("*/", i + 2)
            if end < 0:
                problems.append((line, "comment '/*' is never closed: the rest of the file "
                                       "is ignored"))
                break
            line += css.count("\n", i, end)
            i = end + 2
            continue
        if char in "\"'":  # a string ends at its quote or, unclosed, at the line's end
            start = i
            i += 1
            while i < n and css[i] != char and css[i] != "\n":
                i += 2 if css[i] == "\\" else 1
            i += 1 if i < n and css[i] == char else 0
            line += css.count("\n", start, i)
            continue
        if char == "\\":
            line += int(css[i + 1:i + 2] == "\n")
            i += 2
            continue
        if char == "{":
            opened.append(line)
        elif char == "}":
            if opened:
                opened.pop()
            else:
                problems.append((line, "'}' without a '{' to close"))
        elif char == "\n":
            line += 1
        i += 1
    if opened:
        problems.append((opened[0], "'{' is never closed: the rules after it are read as "
                                    "part of this one and do not apply"))
    return problems
