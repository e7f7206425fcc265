"""Readers: source text -> :class:`~lighthouse_docs.model.Document`.

Each reader module exposes a pure ``parse(text, source, *, lang=None) -> Document``; the text
it gets is already decoded, with LF line ends and no BOM. :func:`load` is the only function here
that touches the file system.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from ..errors import InputError
from ..model import Document, SourceInfo
from ._common import decode

Parser = Callable[..., Document]
Format = Literal["text", "markdown", "html"]

FORMATS_BY_SUFFIX: dict[str, Format] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}
"""Source suffixes lighthouse-docs reads, and the reader each one goes to."""


def parser_for(fmt: Format) -> Parser:
    """The ``parse`` function of the reader for ``fmt`` (imported on first use)."""
    if fmt == "text":
        from . import text

        return text.parse
    if fmt == "markdown":
        from . import markdown

        return markdown.parse
    from . import html

    return html.parse


def format_of(path: Path) -> Format:
    """The reader format for ``path``, by suffix.

    :raises InputError: the suffix is not one lighthouse-docs reads.
    """
    fmt = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS_BY_SUFFIX))
        raise InputError(f"unsupported file type {path.suffix or '(none)'!r}; expected one of "
                         f"{known}", path=path)
    return fmt


def parse(text: str, source: SourceInfo, *, lang: str | None = None) -> Document:
    """Parse already-decoded ``text`` with the reader for ``source.format``."""
    return parser_for(source.format)(text, source, lang=lang)


def load(path: Path, *, display_path: str | None = None, lang: str | None = None) -> Document:
    """Read, decode and parse one source file.

    :param display_path: how messages and metadata name the file (default: ``str(path)``).
    :param lang: a language tag that overrides detection and front matter.
    :raises InputError: the file is missing, unreadable, binary, empty or malformed.
    """
    name = display_path or str(path)
    fmt = format_of(path)
    if path.is_dir():
        raise InputError("is a directory, not a source file", path=name)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=name) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", path=name) from None
    text, warnings = decode(data, name)
    doc = parse(text, SourceInfo(path=name, format=fmt, folder=str(path.resolve().parent)),
                lang=lang)
    if warnings:
        doc = dataclasses.replace(doc, warnings=(*warnings, *doc.warnings))
    return doc
