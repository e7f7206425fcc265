"""The compiled-template cache of ``render.environment`` (Jinja2 bytecode cache)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from lighthouse_docs import render


@pytest.fixture
def fresh_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv(render.CACHE_ENV, str(tmp_path / "cache"))
    render.environment.cache_clear()
    yield tmp_path / "cache" / "jinja2"
    render.environment.cache_clear()


def test_compiled_templates_are_stored_and_reused(fresh_environment: Path) -> None:
    render.environment().get_template("print/brief.html.j2")
    stored = sorted(fresh_environment.iterdir())
    assert stored, "no compiled template was stored"
    assert oct(fresh_environment.stat().st_mode & 0o777) == "0o700"
    # A second process (here: a fresh environment) loads the stored code instead of compiling.
    render.environment.cache_clear()
    env = render.environment()
    assert env.bytecode_cache is not None
    compiled: list[str] = []
    original = env.compile

    def counting(*args: object, **kwargs: object) -> object:
        compiled.append(str(args[1] if len(args) > 1 else kwargs.get("name")))
        return original(*args, **kwargs)  # type: ignore[arg-type]

    env.compile = counting  # type: ignore[method-assign]
    env.get_template("print/brief.html.j2")
    assert compiled == []


def test_cache_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(render.CACHE_ENV, "none")
    render.environment.cache_clear()
    try:
        assert render.environment().bytecode_cache is None
    finally:
        render.environment.cache_clear()


def test_a_folder_others_may_write_is_not_used(fresh_environment: Path) -> None:
    fresh_environment.mkdir(parents=True)
    os.chmod(fresh_environment, 0o777)
    render.environment.cache_clear()
    assert render.environment().bytecode_cache is None
