"""Command-line values of plain types converted without pydantic.

Typer (0.29) converts every parameter's value through a pydantic ``TypeAdapter``: importing
pydantic and building one adapter per parameter costs about 0.1 s of every command, a third of
a build with nothing to do. The values our commands take are plain: strings, whole numbers
(some with a minimum or maximum), flags, paths, lists of strings, a choice among a
``StrEnum``'s values. :func:`install` makes Typer convert those here, directly; any other
annotation or option, and any value that does not convert exactly (``--jobs two``, a choice in
other letter case), still goes through Typer's own conversion, which then gives its result or
its error message as before (``tests/cli/test_cli_coercion.py`` compares the two on every
parameter of every command).
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_PATH_CHECKS = ("exists", "writable", "resolve_path", "allow_dash")
"""Path options that make Typer check or change a path: such parameters are left to it."""

Convert = Callable[[Any], Any]


class _NotPlain(ValueError):
    """The value is not one this module converts exactly: Typer's conversion decides."""


def _optional(annotation: Any) -> Any:
    """``X`` of ``X | None`` (``annotation`` itself otherwise)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _plain(annotation: Any, info: Any) -> Convert | None:
    """The exact conversion of one value for ``annotation``, or None (left to Typer)."""
    if annotation in (str, bool):
        def as_given(value: Any) -> Any:  # a string, or a flag's bool, taken as it is
            if not isinstance(value, annotation):
                raise _NotPlain
            return value
        return as_given
    if annotation in (int, float):
        pattern = _INTEGER if annotation is int else _DECIMAL
        low, high = info.min, info.max
        if info.clamp:
            return None

        def number(value: Any) -> Any:
            if isinstance(value, bool) or not (
                    isinstance(value, annotation)
                    or (isinstance(value, str) and pattern.fullmatch(value))):
                raise _NotPlain
            converted = annotation(value)
            if (low is not None and converted < low) or (high is not None and converted > high):
                raise _NotPlain  # Typer words the range error
            return converted
        return number
    if annotation is Path:
        if any(getattr(info, name, False) for name in _PATH_CHECKS) or \
                getattr(info, "path_type", None) is not None or \
                not getattr(info, "file_okay", True) or not getattr(info, "dir_okay", True):
            return None

        def path(value: Any) -> Any:
            if isinstance(value, Path):
                return value
            if not isinstance(value, str):
                raise _NotPlain
            return Path(value)
        return path
    if isinstance(annotation, type) and issubclass(annotation, Enum) and \
            all(isinstance(member.value, str) for member in annotation):
        members = {member.value: member for member in annotation}

        def choice(value: Any) -> Any:
            if isinstance(value, annotation):
                return value
            if not isinstance(value, str) or value not in members:
                raise _NotPlain
            return members[value]
        return choice
    return None


def plain_conversion(annotation: Any, info: Any) -> Convert | None:
    """How a parameter of ``annotation`` with Typer's ``info`` (its ``ParameterInfo``) is
    converted exactly here, or None when it is left to Typer. The conversion raises
    :class:`ValueError` for a value it does not take."""
    if info.parser is not None or getattr(info, "click_type", None) is not None:
        return None
    if (info.min is not None or info.max is not None) and \
            _optional(annotation) not in (int, float):
        return None
    annotation = _optional(annotation)
    if typing.get_origin(annotation) is list:
        [item] = typing.get_args(annotation) or (None,)
        one = _plain(item, info)
        if one is None:
            return None

        def many(value: Any) -> Any:
            if not isinstance(value, list | tuple):
                raise _NotPlain
            return [one(v) for v in value]
        return many
    return _plain(annotation, info)


def install() -> None:
    """Make Typer convert plain values with :func:`plain_conversion`; does nothing when this
    Typer has no such hook (another version: its own conversion stays in charge)."""
    try:
        from typer import _coercion
        from typer.core import _TyperParameter
    except ImportError:
        return
    base = getattr(_coercion, "RuntimeParam", None)
    build = getattr(_coercion, "build_runtime_param", None)
    original = getattr(_TyperParameter, "get_runtime_param", None)
    if base is None or build is None or original is None or \
            getattr(original, "_lighthouse", False):
        return
    typers_own: Callable[[Any], Any] = build

    @dataclass(frozen=True)
    class PlainRuntimeParam(base):  # type: ignore[misc,valid-type]
        """A parameter converted here; Typer's own conversion for what does not convert."""

        convert: Convert | None
        """None: every value goes to Typer (built only when a value is given)."""
        descriptor: Any

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if self.convert is not None:
                try:
                    return self.convert(value)
                except ValueError:
                    pass
            return typers_own(self.descriptor)._coerce_value(value, param=param, ctx=ctx)

    def get_runtime_param(self: Any) -> Any:
        descriptor = self.type_descriptor
        if self._runtime_param is None and descriptor.file_annotation is None:
            self._runtime_param = PlainRuntimeParam(
                parameter_info=descriptor.parameter_info, annotation=descriptor.annotation,
                convert=plain_conversion(descriptor.annotation, descriptor.parameter_info),
                descriptor=descriptor)
        return original(self)

    get_runtime_param._lighthouse = True  # type: ignore[attr-defined]
    setattr(_TyperParameter, "get_runtime_param", get_runtime_param)  # noqa: B010
