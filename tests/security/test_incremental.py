"""Incremental builds never lie: the hash recorded is of the bytes parsed (each source read
once), and of two overlapping builds an older output never lands under a newer hash."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lighthouse_docs import build, readers
from lighthouse_docs.build import BuildListener, BuildReport, BuildRequest, SourceResult
from lighthouse_docs.limits import Limits
from lighthouse_docs.model import Document
from lighthouse_docs.output import read_manifest
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.theme import resolve_theme
from lighthouse_docs.writers import Output

V1 = b"---\ntitle: version one\n---\n\nThe first text.\n"
V2 = b"---\ntitle: version two\n---\n\nThe second text.\n"


def _title_writer(doc: Document, options: RenderOptions) -> Output:
    return Output(data=doc.meta.title.encode())


@pytest.fixture
def source(tmp_path: Path) -> Path:
    (tmp_path / "sources").mkdir()
    path = tmp_path / "sources" / "a.md"
    path.write_bytes(V1)
    return path


def _request(source: Path, writer: Callable[[Document, RenderOptions], Output],
             **changes: Any) -> BuildRequest:
    values: dict[str, Any] = dict(
        sources=(source,), root=source.parent.parent, output=source.parent.parent / "out",
        formats=("pdf",), theme=resolve_theme(None), writers={"pdf": writer}, jobs=1,
        # The writers share threading events with the test: render in this process.
        limits=Limits(in_process=True))
    values.update(changes)
    return BuildRequest(**values)


@pytest.mark.parametrize("names", ["source", "title"])
def test_each_source_is_read_once_and_the_hash_is_of_the_bytes_parsed(
        source: Path, monkeypatch: pytest.MonkeyPatch, names: str) -> None:
    reads: list[Path] = []
    real = readers.read_source

    def read_then_change(path: Path, name: str) -> bytes:
        data = real(path, name)
        reads.append(path)
        path.write_bytes(V2)  # the file changes right after it was read
        return data

    monkeypatch.setattr(readers, "read_source", read_then_change)
    report = build.run(_request(source, _title_writer, names=names))
    assert report.ok, report.results
    assert reads == [source]
    out = source.parent.parent / "out"
    pdf = next(out.glob("*.pdf"))
    assert pdf.read_bytes() == b"version one"
    entry = read_manifest(out)[source.resolve().as_posix()]
    assert entry["sha"] == hashlib.sha256(V1).hexdigest()


def test_overlapping_builds_never_record_a_newer_hash_for_an_older_output(
        source: Path) -> None:
    """Build A reads version one and renders slowly; the source changes; build B reads version
    two and finishes first. Whatever the interleaving of their writes, the output on disk must
    be the one whose hash the manifest records."""
    rendering, release = threading.Event(), threading.Event()

    def slow_for_version_one(doc: Document, options: RenderOptions) -> Output:
        if doc.meta.title == "version one":
            rendering.set()
            release.wait(60)
        return _title_writer(doc, options)

    results: dict[str, BuildReport] = {}
    first = threading.Thread(target=lambda: results.update(
        a=build.run(_request(source, slow_for_version_one))))
    first.start()
    assert rendering.wait(60)
    source.write_bytes(V2)

    class LetTheOlderBuildFinish(BuildListener):
        """Right after B has written its output (and before anything B does later), A goes on
        and completes."""

        def finished(self, result: SourceResult) -> None:
            if result.status == "built":
                release.set()
                first.join(60)

    results["b"] = build.run(_request(source, _title_writer), LetTheOlderBuildFinish())
    release.set()
    first.join(60)
    out = source.parent.parent / "out"
    entry = read_manifest(out)[source.resolve().as_posix()]
    on_disk = (out / "a.pdf").read_bytes()
    assert on_disk == b"version two"
    assert entry["sha"] == hashlib.sha256(V2).hexdigest()
    assert results["b"].ok
    older = results["a"].results[0]
    assert older.status == "failed" and "newer" in (older.error or "")


def test_two_builds_of_the_same_bytes_in_other_formats_both_stay_recorded(source: Path) -> None:
    build.run(_request(source, _title_writer))
    build.run(_request(source, _title_writer, formats=("epub",),
                       writers={"epub": _title_writer}))
    entry = read_manifest(source.parent.parent / "out")[source.resolve().as_posix()]
    assert sorted(entry["outputs"]) == ["a.epub", "a.pdf"]
