"""Every command has help with an Example block (like sqlite-utils' test_docs.py)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from lighthouse_docs.cli import app

COMMANDS = sorted(c.name or (c.callback.__name__ if c.callback else "")
                  for c in app.registered_commands)


def test_the_expected_commands_exist() -> None:
    assert {"build", "init", "inspect", "watch"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Example" in result.output
    assert f"lighthouse-docs {command}" in result.output


def test_top_level_help_lists_every_command_and_completion() -> None:
    result = CliRunner().invoke(app, ["--help"], catch_exceptions=False)
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.output
    assert "--install-completion" in result.output
