"""The build orchestration with stand-in writers: clock, isolation, manifest, strictness."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lighthouse_docs import build
from lighthouse_docs.build import BuildRequest, build_clock
from lighthouse_docs.errors import ConfigError
from lighthouse_docs.output import read_manifest, update_manifest
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.theme import Theme
from lighthouse_docs.writers import Output


def writer(tag: str) -> Callable[[Any, RenderOptions], Output]:
    def write(doc: Any, options: RenderOptions) -> Output:
        return Output(data=f"{tag}:{doc.meta.title}:{options.modified.isoformat()}".encode(),
                      pages=2)
    return write


def broken(doc: Any, options: RenderOptions) -> Output:
    raise ZeroDivisionError("oops")


@pytest.fixture
def request_for(tmp_path: Path) -> Callable[..., BuildRequest]:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "print.css").write_text("")
    (theme / "epub.css").write_text("")
    (tmp_path / "sources").mkdir()
    for name in ("a", "b"):
        (tmp_path / "sources" / f"{name}.md").write_text(f"---\ntitle: {name.upper()}\n---\n\nx\n")

    def make(**changes: Any) -> BuildRequest:
        values: dict[str, Any] = dict(
            sources=tuple(sorted((tmp_path / "sources").glob("*.md"))), root=tmp_path,
            output=tmp_path / "out", formats=("pdf", "epub"),
            theme=Theme(name="t", root=theme), writers={"pdf": writer("P"), "epub": writer("E")})
        values.update(changes)
        return BuildRequest(**values)

    return make


def test_clock_is_source_date_epoch_or_the_newest_mtime(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "a.md"
    source.write_text("x")
    os.utime(source, (1_700_000_000.7, 1_700_000_000.7))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert build_clock(source) == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert build_clock(source) == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH"):
        build_clock(source)


def test_a_failing_writer_keeps_the_old_outputs_byte_identical(
        request_for: Callable[..., BuildRequest], tmp_path: Path) -> None:
    first = build.run(request_for())
    assert first.ok and len(first.built) == 2
    old = {p.name: p.read_bytes() for p in (tmp_path / "out").glob("*.*")}
    (tmp_path / "sources" / "a.md").write_text("---\ntitle: A\n---\n\nchanged\n")
    report = build.run(request_for(writers={"pdf": writer("P"), "epub": broken}))
    assert [r.status for r in report.results] == ["failed", "up to date"]
    assert "internal error (ZeroDivisionError: oops)" in (report.results[0].error or "")
    assert report.results[0].trace and "ZeroDivisionError" in report.results[0].trace
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").glob("*.*")} == old
    # The failed source is retried next time, not recorded as built.
    assert build.run(request_for()).results[0].status == "built"


def test_manifest_records_outputs_and_skips_unchanged(request_for: Callable[..., BuildRequest],
                                                      tmp_path: Path) -> None:
    build.run(request_for())
    entries = read_manifest(tmp_path / "out")
    assert sorted(e["outputs"][0] for e in entries.values()) == ["a.pdf", "b.pdf"]
    report = build.run(request_for())
    assert [r.status for r in report.results] == ["up to date", "up to date"]
    assert report.results[0].pages == 2
    assert [r.status for r in build.run(request_for(force=True)).results] == ["built"] * 2


def test_a_corrupt_manifest_only_means_rebuilding(request_for: Callable[..., BuildRequest],
                                                  tmp_path: Path) -> None:
    build.run(request_for())
    (tmp_path / "out" / ".lighthouse-manifest.json").write_text("{not json")
    assert [r.status for r in build.run(request_for()).results] == ["built"] * 2


def test_manifest_updates_merge_instead_of_clobbering(tmp_path: Path) -> None:
    update_manifest(tmp_path, {"/x": {"key": "1"}})
    update_manifest(tmp_path, {"/y": {"key": "2"}})
    data = json.loads((tmp_path / ".lighthouse-manifest.json").read_text())
    assert data["entries"] == {"/x": {"key": "1"}, "/y": {"key": "2"}}


def test_strict_turns_reader_and_writer_warnings_into_failure(
        request_for: Callable[..., BuildRequest], tmp_path: Path) -> None:
    def warns(doc: Any, options: RenderOptions) -> Output:
        return Output(data=b"x", warnings=("image missing",))

    report = build.run(request_for(writers={"pdf": warns}, formats=("pdf",), strict=True))
    assert not report.ok and "--strict" in (report.failed[0].error or "")
    assert not (tmp_path / "out" / "a.pdf").exists()
    relaxed = build.run(request_for(writers={"pdf": warns}, formats=("pdf",)))
    assert relaxed.ok
    [warning] = relaxed.results[0].warnings
    assert (warning.message, warning.format, warning.stage, warning.source) == (
        "image missing", "pdf", "render", relaxed.results[0].source)


def test_subset_builds_keep_names_claimed_by_earlier_sources(
        request_for: Callable[..., BuildRequest], tmp_path: Path) -> None:
    (tmp_path / "sources" / "b.md").write_text("---\ntitle: A\n---\n\ny\n")
    build.run(request_for(names="title"))
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == ["a-2.pdf", "a.pdf"]
    b_only = build.run(request_for(sources=(tmp_path / "sources" / "b.md",), force=True,
                                   names="title"))
    assert [p.name for p in b_only.results[0].outputs] == ["a-2.pdf", "a-2.epub"]


def test_unknown_format_is_a_configuration_error(request_for: Callable[..., BuildRequest]
                                                 ) -> None:
    with pytest.raises(ConfigError, match="docx"):
        build.run(request_for(formats=("docx",)))
