"""Writers: a document (already rendered to markup by ``render``) -> the bytes of one output.

Writers never write files; ``output.write_atomic`` does. Each writer module exposes one
``build_<format>(subject, options) -> Output`` for a brief (a ``Document``) and a combined
brief (a ``Pack``) alike; the build has one registry of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import Diagnostic


@dataclass(frozen=True, slots=True, kw_only=True)
class Output:
    """The bytes of one output file and what went wrong on the way (non-fatal)."""

    data: bytes
    warnings: tuple[Diagnostic | str, ...] = ()
    """Problems met (refused images, layout); strings become ``render`` warnings."""
    pages: int | None = None
    """Page count, for paged formats (PDF)."""
