"""The external corpus (``../shared/external``, outside the repository): skipped when absent on a
developer's machine, a failure when ``LIGHTHOUSE_REQUIRE_EXTERNAL=1`` (CI sets it in ``.ci/run``)
so that a missing corpus can never turn its checks into silent skips."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

EXTERNAL = Path(__file__).resolve().parents[2] / "shared" / "external"
REQUIRE = "LIGHTHOUSE_REQUIRE_EXTERNAL"


def _missing(message: str) -> None:
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{message} and {REQUIRE}=1", pytrace=False)
    pytest.skip(message)


def external_file(name: str, folder: Path = EXTERNAL) -> Path:
    """``folder/name``, or skip (fail under ``LIGHTHOUSE_REQUIRE_EXTERNAL=1``) when missing."""
    path = folder / name
    if not path.is_file():
        _missing(f"{path} is not present (the external corpus)")
    return path


def external_tool(name: str) -> str:
    """The path of the program ``name``, or skip (fail when required) when not installed."""
    found = shutil.which(name)
    if found is None:
        _missing(f"{name} is not installed")
        raise AssertionError("unreachable")  # pragma: no cover
    return found
