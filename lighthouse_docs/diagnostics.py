"""Diagnostics as data: one typed record for every problem met between reading and writing.

Readers, checks and writers *return* :class:`Diagnostic` records (never log them); the build
carries them to the caller and stores them in the manifest, so an up-to-date source still
reports what was wrong with it; only ``cli.py`` renders them, once each, as ``-q``/default/``-v``
ask. Severity policy: ``error`` fails the source (nothing is written for it); ``warning`` is
built anyway and fails the source under ``--strict``; ``info`` is shown only with ``-v``.

A reader emits one with :func:`diagnostic`::

    warnings.append(diagnostic(source.path, "heading or prose? read as a heading",
                               line=12, code="structure-uncertain"))

Plain strings are still accepted where a record is expected (older readers return them);
:func:`as_diagnostic` turns them into records, taking a leading ``path:`` or ``path:line:``
as the location.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias
from urllib.parse import unquote

Severity: TypeAlias = Literal["info", "warning", "error"]
Stage: TypeAlias = Literal["read", "check", "render", "build"]
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "error")
STAGES: tuple[Stage, ...] = ("read", "check", "render", "build")

GENERIC_CODES: dict[Stage, str] = {
    "read": "reader", "check": "check", "render": "writer", "build": "build"}
"""The code a record gets when its producer gave none (legacy string messages)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """One problem: where it is, which step found it, what it is, how bad it is."""

    message: str
    """One line, without the location (the renderer adds it)."""
    code: str = "reader"
    """Stable kebab-case name of the kind of problem (``structure-uncertain``)."""
    severity: Severity = "warning"
    source: str | None = None
    """Display path of the source (or a combined brief's title); None for the whole build."""
    line: int | None = None
    """1-based line in the source, when known."""
    format: str | None = None
    """The input format (``text``, ``markdown``, ``html``) for ``read`` records, the output
    format (``pdf``, ``epub``, ``html``) for ``render`` records; None when it does not matter."""
    stage: Stage = "read"

    def location(self) -> str:
        """``source:line``, ``source`` or an empty string."""
        if self.source is None:
            return ""
        return f"{self.source}:{self.line}" if self.line is not None else self.source

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready mapping (the manifest and ``--report json`` format)."""
        return {"source": self.source, "line": self.line, "format": self.format,
                "stage": self.stage, "code": self.code, "severity": self.severity,
                "message": self.message}


def diagnostic(source: str | None, message: str, *, line: int | None = None,
               code: str = "reader", severity: Severity = "warning",
               stage: Stage = "read", format: str | None = None) -> Diagnostic:
    """A record, for readers and checks: ``diagnostic(path, "msg", line=3, code="x")``."""
    return Diagnostic(message=message, code=code, severity=severity, source=source,
                      line=line, format=format, stage=stage)


def _strip_location(text: str, source: str) -> tuple[str, int | None]:
    if source and text.startswith(f"{source}:"):
        rest = text[len(source) + 1:]
        match = re.match(r"(\d+):\s*", rest)
        if match:
            return rest[match.end():], int(match.group(1))
        return rest.lstrip(), None
    return text, None


def as_diagnostic(item: Diagnostic | str, *, source: str, stage: Stage,
                  format: str | None = None) -> Diagnostic:
    """``item`` as a record about ``source``: strings become warnings with a generic code; a
    record keeps what it says and gets ``source``/``stage``/``format`` filled where missing."""
    if isinstance(item, Diagnostic):
        changes: dict[str, Any] = {}
        if item.source is None:
            changes["source"] = source
        if item.format is None and format is not None:
            changes["format"] = format
        if not changes:
            return item
        return Diagnostic(**{**_fields(item), **changes})
    message, line = _strip_location(item, source)
    return Diagnostic(message=message, code=GENERIC_CODES[stage], severity="warning",
                      source=source, line=line, format=format, stage=stage)


def _fields(item: Diagnostic) -> dict[str, Any]:
    return {"message": item.message, "code": item.code, "severity": item.severity,
            "source": item.source, "line": item.line, "format": item.format,
            "stage": item.stage}


def from_json(data: Mapping[str, Any]) -> Diagnostic | None:
    """The record ``data`` describes (:meth:`Diagnostic.to_json`), or None when malformed."""
    message, code = data.get("message"), data.get("code")
    severity, stage = data.get("severity"), data.get("stage")
    line, source, fmt = data.get("line"), data.get("source"), data.get("format")
    if not isinstance(message, str) or not isinstance(code, str):
        return None
    if severity not in SEVERITIES or stage not in STAGES:
        return None
    if line is not None and (isinstance(line, bool) or not isinstance(line, int)):
        return None
    if source is not None and not isinstance(source, str):
        return None
    if fmt is not None and not isinstance(fmt, str):
        return None
    return Diagnostic(message=message, code=code, severity=severity, stage=stage,
                      line=line, source=source, format=fmt)


def _said(message: str) -> str:
    """``message`` as compared: a path percent-escaped or not is one path (the PDF writer names
    ``Laos debt_files/x.svg`` what the EPUB writer, given the ``src``, names
    ``Laos%20debt_files/x.svg``)."""
    return unquote(message)


def _record_key(item: Diagnostic) -> tuple[Any, ...]:
    """What makes two records one record, whatever output format met it."""
    return (item.source, item.line, item.code, item.severity, _said(item.message), item.stage)


def _problem_key(item: Diagnostic) -> tuple[Any, ...]:
    """What a writer's record without a line shares with a reader's or a check's record of
    the same problem (the writer knows neither the line nor the reader's code)."""
    return (item.source, item.severity, _said(item.message))


def _problems(items: Sequence[Diagnostic]) -> list[list[tuple[Any, ...]]]:
    """For each of ``items``, the record keys of the problems it reports: its own, or, for a
    writer's record without a line that repeats what a reader or a check said, theirs."""
    said: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for item in items:
        if item.stage in ("read", "check"):
            said.setdefault(_problem_key(item), []).append(_record_key(item))
    keys: list[list[tuple[Any, ...]]] = []
    for item in items:
        same = said.get(_problem_key(item))
        keys.append(same if item.stage == "render" and item.line is None and same
                    else [_record_key(item)])
    return keys


def merge_formats(items: Iterable[Diagnostic]) -> list[tuple[Diagnostic, tuple[str, ...]]]:
    """Records that differ only in their output format, as one record and the output formats
    it was met in (one missing image is one problem, even when PDF and EPUB both report it).
    A writer's record without a line that says what a reader or a check said about the same
    source (a refused image, at its line or, when the reader knows none, without one) is that
    same problem: its format joins that record."""
    items = list(items)
    merged: dict[tuple[Any, ...], list[str]] = {}
    first: dict[tuple[Any, ...], Diagnostic] = {}
    for item, keys in zip(items, _problems(items), strict=True):
        if keys == [_record_key(item)]:  # not a writer's repeat of a located record
            first.setdefault(keys[0], item)
        for key in keys:
            formats = merged.setdefault(key, [])
            if item.stage == "render" and item.format and item.format not in formats:
                formats.append(item.format)
    return [(first[key], tuple(formats)) for key, formats in merged.items()]


def attribute_repeats(items: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """``items`` (everything one output met), each writer's record without a line that repeats
    what a reader or a check said about one of the output's sources (a refused image of an
    article in a combined brief: the writer names the brief) moved to that source, where
    :func:`merge_formats` joins it to the located record: reported once, under the article."""
    items = tuple(items)
    origin: dict[tuple[str, str], str] = {}
    for item in items:
        if item.stage in ("read", "check") and item.source is not None:
            origin.setdefault((item.severity, _said(item.message)), item.source)
    moved: list[Diagnostic] = []
    for item in items:
        source = origin.get((item.severity, _said(item.message)))
        if (item.stage == "render" and item.line is None and source is not None
                and source != item.source):
            item = Diagnostic(**{**_fields(item), "source": source})
        moved.append(item)
    return tuple(moved)


def count(items: Iterable[Diagnostic], severity: Severity) -> int:
    """How many of ``items`` have ``severity`` (after merging formats)."""
    return sum(1 for item, _ in merge_formats(items) if item.severity == severity)


SHOWN_PER_KIND = 10
"""How many problems of one kind (code and severity) of one source the terminal shows and the
manifest keeps; the rest are counted (:class:`Omitted`), never dropped from a count."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Omitted:
    """Problems of one kind in one source left out of a list beyond :data:`SHOWN_PER_KIND`:
    what kind, how many (each counted once, as :func:`count` counts)."""

    source: str | None
    code: str
    severity: Severity
    stage: Stage
    """The stage of the first one left out (``read``/``check``: ``inspect`` lists them all)."""
    count: int

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready mapping (the manifest and ``--report json`` format)."""
        return {"source": self.source, "code": self.code, "severity": self.severity,
                "stage": self.stage, "count": self.count}


def omitted_from_json(data: Mapping[str, Any]) -> Omitted | None:
    """The :class:`Omitted` ``data`` describes, or None when malformed."""
    source, code, severity = data.get("source"), data.get("code"), data.get("severity")
    stage, number = data.get("stage"), data.get("count")
    if source is not None and not isinstance(source, str):
        return None
    if not isinstance(code, str) or severity not in SEVERITIES or stage not in STAGES:
        return None
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        return None
    return Omitted(source=source, code=code, severity=severity, stage=stage, count=number)


def cap(items: Iterable[Diagnostic], limit: int = SHOWN_PER_KIND,
        omitted: Iterable[Omitted] = ()) -> tuple[tuple[Diagnostic, ...], tuple[Omitted, ...]]:
    """The first ``limit`` problems of each kind (source, code, severity) of ``items``, in
    their order (all output formats of a kept problem are kept), and how many of each kind
    are left out, added to ``omitted`` (what an earlier cap left out already).

    ``count(kept, s) + sum of the omitted counts of severity s == count(items, s)`` plus the
    earlier ``omitted``: capping never changes a count.
    """
    items = list(items)
    problems = _problems(items)
    kept_keys: set[tuple[Any, ...]] = set()
    per_kind: dict[tuple[Any, ...], int] = {}
    left: dict[tuple[Any, ...], Omitted] = {}
    for earlier in omitted:
        kind = (earlier.source, earlier.code, earlier.severity)
        before = left.get(kind)
        left[kind] = Omitted(source=earlier.source, code=earlier.code,
                             severity=earlier.severity,
                             stage=before.stage if before else earlier.stage,
                             count=earlier.count + (before.count if before else 0))
    seen: set[tuple[Any, ...]] = set()
    for keys in problems:
        for key in keys:
            if key in seen:
                continue
            seen.add(key)
            source, _, code, severity, _, stage = key
            kind = (source, code, severity)
            if per_kind.get(kind, 0) < limit:
                per_kind[kind] = per_kind.get(kind, 0) + 1
                kept_keys.add(key)
                continue
            before = left.get(kind)
            left[kind] = Omitted(source=source, code=code, severity=severity,
                                 stage=before.stage if before else stage,
                                 count=1 + (before.count if before else 0))
    kept = tuple(item for item, keys in zip(items, problems, strict=True)
                 if any(key in kept_keys for key in keys))
    return kept, tuple(left.values())


_KINDS = {"structure-uncertain": "uncertain headings", "image-refused": "refused images",
          "footnote-missing": "missing footnotes",
          "link-target-missing": "links to missing headings"}
"""What the omitted-line calls problems of a code (else "warnings [code]")."""


def omitted_line(item: Omitted) -> str:
    """One line for what :func:`cap` left out, as the terminal shows a diagnostic:
    ``src: warning: ... and 1,380 more uncertain headings in this source; see `lighthouse-docs
    inspect src` [structure-uncertain]``."""
    what = _KINDS.get(item.code, f"{item.severity}s of this kind")
    where = f"{item.source}: " if item.source else ""
    see = (f"; see `lighthouse-docs inspect {item.source}`"
           if item.stage in ("read", "check") and item.source else "")
    return (f"{where}{item.severity}: ... and {item.count:,} more {what} in this source"
            f"{see} [{item.code}]")


def diagnostic_line(item: Diagnostic, formats: tuple[str, ...] = ()) -> str:
    """One diagnostic as the terminal shows it: ``path:line: severity: message [code]``,
    with the output formats that met it (``(pdf, epub)``) when given."""
    where = f"{item.location()}: " if item.location() else ""
    also = f" ({', '.join(formats)})" if formats else ""
    return f"{where}{item.severity}: {item.message} [{item.code}]{also}"


def source_lines(items: Iterable[Diagnostic], omitted: Iterable[Omitted] = (), *,
                 severities: tuple[Severity, ...] = ("warning", "error")) -> tuple[str, ...]:
    """The lines the terminal would print for one source's ``items`` of ``severities``:
    formats merged, capped per kind (:func:`cap`), then a line per kind left out."""
    wanted = [item for item in items if item.severity in severities]
    listed, more = cap(wanted, omitted=(o for o in omitted if o.severity in severities))
    return (*(diagnostic_line(item, formats) for item, formats in merge_formats(listed)),
            *(omitted_line(left) for left in more))
