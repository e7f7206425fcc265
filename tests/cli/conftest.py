"""Fixtures for the CLI tests: a small briefing project and the CLI with the fake writers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import fake_writers
import pytest
from cli_support import EPOCH, write_project
from typer.testing import CliRunner, Result

from lighthouse_docs import build


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "proj")


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the in-process CLI use the fake writers."""
    for fmt, ref in fake_writers.WRITERS.items():
        monkeypatch.setitem(build.DEFAULT_WRITERS, fmt, ref)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture
def cli_in(project: Path, fakes: None, monkeypatch: pytest.MonkeyPatch
           ) -> Iterator[Callable[..., Result]]:
    """Invoke the CLI in-process inside ``project``."""
    from lighthouse_docs.cli import app

    monkeypatch.chdir(project)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args), catch_exceptions=False)

    yield invoke
