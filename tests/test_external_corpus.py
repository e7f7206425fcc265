"""The external-corpus policy: absent means skip locally, failure in CI."""

from __future__ import annotations

from pathlib import Path

import pytest
from external_corpus import REQUIRE, external_file, external_tool


def test_a_missing_corpus_file_skips_locally(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REQUIRE, raising=False)
    with pytest.raises(pytest.skip.Exception):
        external_file("nope.txt", tmp_path)


def test_a_missing_corpus_file_fails_when_required(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REQUIRE, "1")
    with pytest.raises(pytest.fail.Exception, match=r"nope\.txt"):
        external_file("nope.txt", tmp_path)
    with pytest.raises(pytest.fail.Exception, match="no-such-tool-here"):
        external_tool("no-such-tool-here")


def test_a_present_file_is_returned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REQUIRE, "1")
    (tmp_path / "here.txt").write_text("x")
    assert external_file("here.txt", tmp_path) == tmp_path / "here.txt"


def test_ci_requires_the_corpus() -> None:
    script = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert f"export {REQUIRE}=1" in script
