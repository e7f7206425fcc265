"""The build orchestration with stand-in writers: clock, isolation, manifest, strictness."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lighthouse_docs import build, readers
from lighthouse_docs.build import BuildRequest, build_clock
from lighthouse_docs.errors import ConfigError
from lighthouse_docs.limits import Limits
from lighthouse_docs.model import Pack
from lighthouse_docs.output import read_manifest, update_manifest
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.theme import Theme
from lighthouse_docs.writers import Output


def writer(tag: str) -> Callable[[Any, RenderOptions], Output]:
    def write(doc: Any, options: RenderOptions) -> Output:
        title = doc.title if isinstance(doc, Pack) else doc.meta.title
        return Output(data=f"{tag}:{title}:{options.modified.isoformat()}".encode(),
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


@pytest.mark.slow
def test_what_a_brief_derives_is_computed_once_for_all_formats(
        request_for: Callable[..., BuildRequest], monkeypatch: pytest.MonkeyPatch) -> None:
    from lighthouse_docs import brief
    from lighthouse_docs.theme import resolve_theme

    calls: list[str] = []
    real = brief.key_points

    def counting(doc: Any, *args: Any, **kwargs: Any) -> tuple[str, ...]:
        calls.append(doc.meta.title)
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(brief, "key_points", counting)
    # In this process (the derivation happens in the worker that parses the source; with
    # in_process the worker's calls, and those of each format's own process, are here).
    request = request_for(sources=(request_for().sources[0],), theme=resolve_theme(None),
                          formats=("pdf", "epub", "html"), limits=Limits(in_process=True),
                          jobs=2,
                          writers={f: f"lighthouse_docs.writers.{f}:build_{f}"
                                   for f in ("pdf", "epub", "html")})
    report = build.run(request)
    assert report.ok, report.results
    assert len(calls) == 1


def test_the_pack_takes_publisher_and_marking_from_its_articles_but_not_their_date() -> None:
    import dataclasses

    from lighthouse_docs.brief import make_pack
    from lighthouse_docs.model import Document, Metadata, SourceInfo

    def doc(date: dt.date | None, marking: str | None) -> Document:
        meta = Metadata(title="t", source=SourceInfo(path="a.md", format="markdown"),
                        date=date, marking=marking, publisher="P", lang="id")
        return Document(meta=meta)

    pack = make_pack("Pack", [doc(dt.date(2024, 1, 2), None), doc(dt.date(2025, 3, 4), "B"),
                              doc(None, "A")], markings=("A", "B"))
    # A pack is dated when it is built (render.cover_date), not by its newest article.
    assert (pack.date, pack.marking, pack.publisher, pack.lang) == (None, "B", "P", "id")
    assert dataclasses.replace(pack, marking=None).documents == pack.documents
    assert make_pack("Pack", [doc(None, None)], date=dt.date(2026, 2, 1)).date == dt.date(
        2026, 2, 1)


def test_a_writer_error_is_named_by_its_source_without_guessing_from_its_text(
        request_for: Callable[..., BuildRequest]) -> None:
    from lighthouse_docs.errors import RenderError

    def mentions(doc: Any, options: RenderOptions) -> Output:
        raise RenderError(f"layout of {doc.meta.source.path} failed")

    report = build.run(request_for(writers={"pdf": mentions}, formats=("pdf",)))
    first = report.failed[0]
    assert first.error == f"{first.source}: layout of {first.source} failed"


def test_an_up_to_date_combined_brief_is_not_parsed_again(
        request_for: Callable[..., BuildRequest], monkeypatch: pytest.MonkeyPatch) -> None:
    # One planning path: a combined brief, like a brief, is compared with the manifest on its
    # sources' bytes and parsed only when it must be rendered (it used to parse every source).
    in_process = Limits(in_process=True)
    first = build.run(request_for(combine="Weekly", limits=in_process))
    assert [r.status for r in first.results] == ["built"]
    parsed: list[str] = []
    real_load = readers.load

    def counting_load(path: Path, **kw: Any) -> Any:
        parsed.append(path.name)
        return real_load(path, **kw)

    monkeypatch.setattr(readers, "load", counting_load)
    again = build.run(request_for(combine="Weekly", limits=in_process))
    assert [r.status for r in again.results] == ["up to date"]
    assert parsed == []
    rebuilt = build.run(request_for(combine="Weekly", limits=in_process, force=True))
    assert [r.status for r in rebuilt.results] == ["built"]
    assert parsed == ["a.md", "b.md"]


def test_a_combined_brief_lists_every_failed_source_then_fails(
        request_for: Callable[..., BuildRequest], tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    (sources / "a.md").write_bytes(b"\x00\x01\x02\xff" * 64)  # not text: fails when read
    (sources / "b.md").write_text("---\nmarkings: SECRET\n---\n\nx\n")  # fails when checked
    (sources / "c.md").write_text("---\ntitle: C\n---\n\nx\n")
    report = build.run(request_for(combine="Weekly"))
    assert [(Path(r.source).name, r.status) for r in report.results] == [
        ("a.md", "failed"), ("b.md", "failed"), ("Weekly", "failed")]
    assert report.results[-1].error == "Weekly: 2 source(s) failed; not combined"
    assert not (tmp_path / "out" / "weekly.pdf").exists()


def test_a_brief_and_a_combined_brief_are_planned_alike(
        request_for: Callable[..., BuildRequest], tmp_path: Path) -> None:
    # The same stages for both: a source read once, a clock, a name, a manifest entry.
    build.run(request_for())
    build.run(request_for(combine="Weekly"))
    entries = read_manifest(tmp_path / "out")
    for entry in entries.values():
        assert {"sha", "clock", "read_ns", "key", "slug", "outputs"} <= entry.keys()
    assert entries["combine:weekly"]["outputs"] == ["weekly.pdf", "weekly.epub"]


def test_a_text_too_large_for_the_time_limit_fails_at_once_naming_what_to_do(
        request_for: Callable[..., BuildRequest], tmp_path: Path) -> None:
    # The new user's report: a 5 MB text ran into the 120 s limit before failing. A text
    # source larger than the limit can lay out fails before it is parsed, with the way out;
    # the others are built; without a limit it is built.
    big = tmp_path / "sources" / "big.md"
    sentence = "Words of a long text that goes on. "
    big.write_text(sentence * (int(build.TEXT_BYTES_PER_SECOND * 1.5) // len(sentence)))
    request = request_for(sources=(big, tmp_path / "sources" / "a.md"),
                          limits=Limits(seconds=1, in_process=True))
    report = build.run(request)
    by_source = {r.source: r for r in report.results}
    failed = by_source["sources/big.md"]
    assert failed.status == "failed" and by_source["sources/a.md"].status == "built"
    assert failed.error == (
        f"sources/big.md: {big.stat().st_size // 1000} kB of text cannot be laid out within "
        "the time limit of 1 s "
        f"(some {build.TEXT_BYTES_PER_SECOND // 1000} kB a second); split it into several "
        "sources, or raise the limit (--time-limit 60 or none, time_limit in "
        "lighthouse.toml); not built")
    assert not (tmp_path / "out" / "big.pdf").exists()
    unlimited = build.run(request_for(sources=(big,), limits=Limits(seconds=None,
                                                                    in_process=True)))
    assert unlimited.results[0].status == "built"
    # The rate is the PDF layout's: an EPUB alone is not refused by it (trial 6).
    epub_only = build.run(request_for(sources=(big,), formats=("epub",), output=tmp_path / "e",
                                      limits=Limits(seconds=1, in_process=True)))
    assert epub_only.results[0].status == "built"
