"""Plain command-line values converted without pydantic give exactly Typer's results."""

from __future__ import annotations

import subprocess
import sys
from enum import Enum
from typing import Any

import pytest
import typer.main
from typer._coercion import build_runtime_param

from lighthouse_docs import cli

SAMPLES: tuple[Any, ...] = (
    "abc", "", "3", "-1", "0", "+7", "65536", "1.5", "1e3", ".5", " 4", "two", "nan", "a/b",
    ".", True, False, 3, 2.5, ("a", "b"), [], ("1", "x"),
)


def _parameters() -> list[tuple[str, Any]]:
    group = typer.main.get_command(cli.app)
    assert isinstance(group, typer.core.TyperGroup)
    return [(f"{name} {param.name}", (command, param))
            for name, command in sorted(group.commands.items()) for param in command.params]


def _outcome(runtime: Any, value: Any, param: Any, ctx: Any) -> tuple[str, Any]:
    try:
        result = runtime._coerce_value(value, param=param, ctx=ctx)
    except Exception as error:  # the error Typer gives is part of the behaviour
        return type(error).__name__, str(error)
    return type(result).__name__, result  # a StrEnum member equals its value: compare types


@pytest.mark.parametrize(("label", "pair"), _parameters(), ids=lambda v: v if isinstance(
    v, str) else "")
def test_every_parameter_converts_like_typer_itself(label: str, pair: Any) -> None:
    command, param = pair
    ctx = command.context_class(command, info_name=label.split()[0])
    mine = param.get_runtime_param()
    typers = build_runtime_param(param.type_descriptor)
    annotation = param.type_descriptor.annotation
    samples = list(SAMPLES)
    for enum in (a for a in (annotation, *getattr(annotation, "__args__", ()))
                 if isinstance(a, type) and issubclass(a, Enum)):
        samples += [m for m in enum] + [m.value for m in enum] + [m.value.upper() for m in enum]
    for value in samples:
        expected = _outcome(typers, value, param, ctx)
        assert _outcome(mine, value, param, ctx) == expected, (label, value)


def test_a_build_with_nothing_to_do_does_not_import_pydantic(tmp_path: Any) -> None:
    (tmp_path / "sources").mkdir()
    code = ("import sys; from lighthouse_docs.cli import app\n"
            "sys.argv = ['lighthouse-docs', 'build', '--jobs', '2', '--paper', 'a4']\n"
            "try:\n    app()\nexcept SystemExit:\n    pass\n"
            "print('pydantic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False", out.stderr
