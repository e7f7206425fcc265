"""Readers: source text -> :class:`~lighthouse_docs.model.Document`.

Each reader module exposes a pure ``parse(text, source, *, lang=None) -> Document``; the text
it gets is already decoded, with LF line ends and no BOM. :func:`load` (through
:func:`read_source`) is the only function here that touches the file system.
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..errors import InputError
from ..model import Document, SourceInfo

if TYPE_CHECKING:
    from . import structure
# ._common (front matter, YAML, charset detection) and .structure (the heading model) are
# imported where a source is parsed: a build with nothing to do only reads and hashes.

Parser = Callable[..., Document]
Format = Literal["text", "markdown", "html", "docx"]

FORMATS_BY_SUFFIX: dict[str, Format] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
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
    if fmt == "docx":
        from . import docx

        return docx.parse
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


def read_source(path: Path, name: str) -> bytes:
    """The bytes of the source file ``path`` (``name`` is how messages call it).

    Only regular files are read: opening a FIFO for reading would block until some writer
    appears, so the file is opened non-blocking and checked before anything is read.

    :raises InputError: the file is missing, a directory, not a regular file or unreadable.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InputError("no such file", path=name) from None
    except PermissionError as exc:
        raise InputError(_refused(path, name, exc), path=name) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", path=name) from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if stat.S_ISDIR(mode):
            raise InputError("is a directory, not a source file", path=name)
        if not stat.S_ISREG(mode):
            raise InputError("is not a regular file (a pipe, socket or device)", path=name)
        try:
            return handle.read()
        except OSError as exc:
            raise InputError(f"cannot be read ({exc.strerror or exc})", path=name) from None


def _refused(path: Path, name: str, exc: OSError) -> str:
    """Why opening ``path`` was refused, naming what refused it: the source itself, a folder
    named as a source (it cannot be listed), or a folder above it that cannot be searched."""
    reason = exc.strerror or str(exc)
    if os.path.isdir(path):
        return f"is a folder that cannot be read ({reason}); the articles in it are not built"
    absolute = Path(os.path.abspath(path))
    blocker: Path | None = None
    for folder in (*reversed(absolute.parents), absolute):
        try:
            os.stat(folder)
        except PermissionError:
            blocker = folder.parent  # the first thing that cannot be looked up: its folder
            break
        except OSError:
            break
    if blocker is None:
        return f"cannot be read ({reason})"
    depth = len(absolute.relative_to(blocker).parts)
    parts = Path(name).parts
    folder_name = Path(*parts[:-depth]).as_posix() if len(parts) > depth else str(blocker)
    return f"cannot be read: the folder {folder_name} cannot be opened ({reason})"


CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
"""C0 controls (and DEL) besides TAB, LF, CR and form feed: never part of an article's text."""

MAX_CONTROL_SHARE = 0.01
"""A file with more control characters than this share of its characters is binary, not text
(a UTF-16 file without a BOM is half NULs; a text file with a stray NUL is not)."""

MIN_CONTROL_LIMIT = 16
"""...but a short file may always have this many (one stray NUL in a two-line note is text)."""

MAX_CONTROL_POSITIONS = 5
"""How many positions a warning about dropped control characters lists."""


def _drop_controls(data: bytes, name: str) -> tuple[bytes, tuple[str, ...]]:
    """``data`` without stray control characters, and a warning naming where they were.

    Only a file that decodes as UTF-8 and has few of them is treated so; anything else is
    left to :func:`._common.decode`, which rejects bytes that are not text.
    """
    if b"\x00" not in data:
        return data, ()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data, ()
    found = list(CONTROL_CHARS.finditer(text))
    if len(found) > max(MIN_CONTROL_LIMIT, MAX_CONTROL_SHARE * len(text)):
        return data, ()
    positions: list[str] = []
    for match in found[:MAX_CONTROL_POSITIONS]:
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        positions.append(f"{line}:{column} (U+{ord(match.group()):04X})")
    more = f" and {len(found) - len(positions)} more" if len(found) > len(positions) else ""
    warning = (f"{name}: dropped {len(found)} control character(s) at line:column "
               f"{', '.join(positions)}{more}")
    return CONTROL_CHARS.sub("", text).encode("utf-8"), (warning,)


def load(path: Path, *, display_path: str | None = None, lang: str | None = None,
         data: bytes | None = None) -> Document:
    """Read, decode and parse one source file.

    :param display_path: how messages and metadata name the file (default: ``str(path)``).
    :param lang: a language tag that overrides detection and front matter.
    :param data: the file's bytes, already read (the build hashes and parses the same bytes,
        read once); None reads ``path``.
    :raises InputError: the file is missing, unreadable, binary, empty or malformed.
    """
    from ._common import bound_document, decode

    name = display_path or str(path)
    if data is None:  # first: a folder or a missing file says so, whatever its suffix
        data = read_source(path, name)
    fmt = format_of(path)
    source = SourceInfo(path=name, format=fmt, folder=str(path.resolve().parent))
    if fmt == "docx":  # binary: never decoded as text (control bytes are its format)
        from . import docx

        return bound_document(docx.parse_bytes(data, source, lang=lang))
    data, dropped = _drop_controls(data, name)
    text, warnings = decode(data, name)
    doc = parse(text, source, lang=lang)
    warnings = (*dropped, *warnings)
    if warnings:
        doc = dataclasses.replace(doc, warnings=(*warnings, *doc.warnings))
    return bound_document(doc)


def load_text_analysis(path: Path, *, lang: str | None = None
                       ) -> tuple[Document, structure.Analysis]:
    """Read a plain-text source and parse it, with the structure model's account of it.

    :raises InputError: as :func:`load`.
    """
    from . import text
    from ._common import decode

    name = str(path)
    data = read_source(path, name)
    decoded, warnings = decode(data, name)
    doc, analysis = text.explain(
        decoded, SourceInfo(path=name, format="text", folder=str(path.resolve().parent)),
        lang=lang)
    if warnings:
        doc = dataclasses.replace(doc, warnings=(*warnings, *doc.warnings))
    return doc, analysis
