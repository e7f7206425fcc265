"""The one exception hierarchy of lighthouse-docs.

Every error a user can cause derives from :class:`LighthouseError` and carries a ``category``
and a one-line message. Only ``cli.py`` turns these into exit codes; anything else that escapes
is a bug and deserves a traceback (shown with ``--debug``).
"""

from __future__ import annotations

from pathlib import Path


class LighthouseError(Exception):
    """Base class: a problem the user can act on, described in one line."""

    category = "Error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(LighthouseError):
    """A source file cannot be read or understood."""

    category = "Input error"

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None):
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")
        self.path = None if path is None else str(path)
        self.line = line
        self.detail = message


class ConfigError(LighthouseError):
    """A configuration file, option or value is wrong."""

    category = "Configuration error"

    def __init__(self, message: str, *, file: str | Path | None = None, key: str | None = None):
        parts = [str(file)] if file is not None else []
        if key is not None:
            parts.append(key)
        prefix = ": ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)
        self.file = None if file is None else str(file)
        self.key = key


class UsageError(LighthouseError):
    """The command line asks for something impossible."""

    category = "Usage error"


class RenderError(LighthouseError):
    """A template, stylesheet or layout step failed for a document."""

    category = "Render error"


class ResourceError(LighthouseError):
    """A file the build needs besides the sources (stylesheet, font, configuration) is refused:
    outside its allowed folder, a symlink leading out of it, or not a regular file."""

    category = "Resource error"


class OutputError(LighthouseError):
    """An output file could not be written."""

    category = "Output error"
