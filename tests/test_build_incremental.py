"""Incremental builds: what makes an output out of date, and what does not.

An output is current when it exists, was made with the key of today's bytes, options, tool,
theme and name (recorded per output in the manifest's ``keys``), and every local file its
source pulls in (its images, recorded as ``inputs`` with a content hash) is as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lighthouse_docs import build
from lighthouse_docs.build import BuildRequest
from lighthouse_docs.model import Pack
from lighthouse_docs.output import read_manifest
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.theme import Theme
from lighthouse_docs.writers import Output

PNG_RED = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082")
PNG_BLUE = PNG_RED[:-20] + b"\x00" * 4 + PNG_RED[-16:]  # other bytes (only hashed here)


def writer(tag: str) -> Callable[[Any, RenderOptions], Output]:
    def write(doc: Any, options: RenderOptions) -> Output:
        title = doc.title if isinstance(doc, Pack) else doc.meta.title
        return Output(data=f"{tag}:{title}".encode(), pages=1)
    return write


WRITERS = {"pdf": writer("P"), "epub": writer("E"), "html": writer("H")}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "print.css").write_text("")
    (theme / "epub.css").write_text("")
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "a.md").write_text("---\ntitle: A\n---\n\nIntro.\n\n![Chart](chart.png)\n\n"
                                  "Text with ![icon](img/icon.png) inline.\n")
    (sources / "chart.png").write_bytes(PNG_RED)
    return tmp_path


def run(project: Path, *formats: str, **changes: Any) -> dict[str, str]:
    """Build the project's sources; each output's status: ``written`` (rendered now) or
    ``kept`` (left as it was), and the source's status under ``source``."""
    before = {p.name: p.stat().st_ino for p in (project / "out").glob("a.*")}
    values: dict[str, Any] = dict(
        sources=(project / "sources" / "a.md",), root=project, output=project / "out",
        formats=formats or ("pdf", "epub"), theme=Theme(name="t", root=project / "theme"),
        writers=WRITERS)
    values.update(changes)
    report = build.run(BuildRequest(**values))
    assert report.ok, report.results
    after = {p.name: p.stat().st_ino for p in (project / "out").glob("a.*")}
    found = {name: "kept" if before.get(name) == ino else "written"
             for name, ino in after.items()}
    found["source"] = report.results[0].status
    return found


def test_a_changed_image_makes_the_brief_out_of_date(project: Path) -> None:
    assert run(project)["source"] == "built"
    assert run(project) == {"source": "up to date", "a.pdf": "kept", "a.epub": "kept"}
    (project / "sources" / "chart.png").write_bytes(PNG_BLUE)
    assert run(project) == {"source": "built", "a.pdf": "written", "a.epub": "written"}
    assert run(project)["source"] == "up to date"


def test_a_deleted_image_and_a_missing_one_appearing_make_it_out_of_date(project: Path) -> None:
    run(project)
    (project / "sources" / "chart.png").unlink()
    assert run(project)["source"] == "built"
    assert run(project)["source"] == "up to date"
    # img/icon.png was missing from the start (an inline image): it appears.
    (project / "sources" / "img").mkdir()
    (project / "sources" / "img" / "icon.png").write_bytes(PNG_RED)
    assert run(project)["source"] == "built"
    assert run(project)["source"] == "up to date"


def test_the_manifest_records_each_image_with_its_hash_or_why_it_is_not_read(
        project: Path) -> None:
    run(project)
    [entry] = read_manifest(project / "out").values()
    folder = str((project / "sources").resolve())
    import hashlib

    assert entry["inputs"] == [
        {"folder": folder, "src": "chart.png",
         "state": "sha256:" + hashlib.sha256(PNG_RED).hexdigest()},
        {"folder": folder, "src": "img/icon.png", "state": "missing"}]


def test_an_image_of_a_combined_brief_makes_it_out_of_date(project: Path) -> None:
    (project / "sources" / "b.md").write_text("---\ntitle: B\n---\n\nText.\n")
    request = dict(sources=(project / "sources" / "b.md", project / "sources" / "a.md"),
                   combine="Weekly")
    assert run(project, **request)["source"] == "built"
    assert run(project, **request)["source"] == "up to date"
    (project / "sources" / "chart.png").write_bytes(PNG_BLUE)
    assert run(project, **request)["source"] == "built"


def test_asking_for_another_format_leaves_current_outputs_alone(project: Path) -> None:
    run(project)
    assert run(project, "html") == {"source": "built", "a.html": "written",
                                    "a.pdf": "kept", "a.epub": "kept"}
    # Before: the format list was part of every output's key, so this rendered both again.
    assert run(project) == {"source": "up to date", "a.pdf": "kept", "a.epub": "kept",
                            "a.html": "kept"}
    assert run(project, "pdf", "html")["source"] == "up to date"
    # Only the missing format is rendered.
    (project / "out" / "a.epub").unlink()
    assert run(project) == {"source": "built", "a.pdf": "kept", "a.epub": "written",
                            "a.html": "kept"}


def test_an_output_made_from_older_bytes_is_not_taken_for_current(project: Path) -> None:
    run(project, "pdf")
    (project / "sources" / "a.md").write_text("---\ntitle: A2\n---\n\nNew text.\n")
    run(project, "html")  # made from the new bytes; the PDF still holds the old text
    assert run(project, "pdf") == {"source": "built", "a.pdf": "written", "a.html": "kept"}
    assert (project / "out" / "a.pdf").read_bytes() == b"P:A2"


def test_an_output_made_before_an_image_changed_is_not_taken_for_current(
        project: Path) -> None:
    run(project, "pdf")
    (project / "sources" / "chart.png").write_bytes(PNG_BLUE)
    run(project, "html")  # records the new image; the PDF was made with the old one
    assert run(project, "pdf")["a.pdf"] == "written"
    assert run(project, "pdf", "html")["source"] == "up to date"


def test_other_options_still_make_every_output_out_of_date(project: Path) -> None:
    run(project)
    assert run(project, paper="letter") == {"source": "built", "a.pdf": "written",
                                            "a.epub": "written"}


def test_warnings_of_an_output_not_made_again_are_kept(project: Path) -> None:
    def warns(doc: Any, options: RenderOptions) -> Output:
        return Output(data=b"P", warnings=("the pdf frowns",))

    writers = {**WRITERS, "pdf": warns}
    run(project, writers=writers)
    (project / "out" / "a.epub").unlink()
    values: dict[str, Any] = dict(
        sources=(project / "sources" / "a.md",), root=project, output=project / "out",
        formats=("pdf", "epub"), theme=Theme(name="t", root=project / "theme"),
        writers=writers)
    report = build.run(BuildRequest(**values))
    assert [d.message for d in report.results[0].warnings if d.format == "pdf"] == [
        "the pdf frowns"]
    stored = json.loads((project / "out" / ".lighthouse-manifest.json").read_text())
    [entry] = stored["entries"].values()
    assert any(d["message"] == "the pdf frowns" for d in entry["diagnostics"])


def _count_image_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from lighthouse_docs.writers import resources

    reads: list[str] = []
    read_inside = resources.read_inside

    def counted(path: Path, roots: Any) -> bytes:
        if path.suffix == ".png":  # (the manifest is read through here too)
            reads.append(path.name)
        return read_inside(path, roots)

    monkeypatch.setattr(resources, "read_inside", counted)
    return reads


def test_a_build_with_nothing_to_do_reads_no_image(project: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # The new user's report: a no-op build read and hashed every image of every brief. The
    # image's stamp (device, inode, size, mtime, ctime, taken when it was hashed) says it is
    # the same file, unchanged, without reading it.
    monkeypatch.setattr(build, "STAMP_SETTLE_NS", 0)  # the image was written just now
    assert run(project)["source"] == "built"
    reads = _count_image_reads(monkeypatch)
    assert run(project) == {"source": "up to date", "a.pdf": "kept", "a.epub": "kept"}
    assert reads == []


def test_a_file_changed_just_before_it_was_hashed_gets_no_stamp(project: Path) -> None:
    # A second change within the same timestamp tick of a coarse file system would not
    # change the stamp: such a file is read and hashed again each time instead.
    run(project)
    [entry] = read_manifest(project / "out").values()
    assert entry["input_stamps"] == ["", ""]  # chart.png was just written; icon is missing


@pytest.mark.parametrize("how", ["in place", "replaced"])
def test_an_image_changed_with_its_size_and_mtime_restored_is_still_seen(
        project: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    import os

    monkeypatch.setattr(build, "STAMP_SETTLE_NS", 0)
    chart = project / "sources" / "chart.png"
    run(project)
    before = chart.stat()
    assert len(PNG_BLUE) == before.st_size
    if how == "in place":
        chart.write_bytes(PNG_BLUE)
    else:
        (project / "sources" / "new.png").write_bytes(PNG_BLUE)
        (project / "sources" / "new.png").replace(chart)
    os.utime(chart, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert chart.stat().st_size == before.st_size and chart.stat().st_mtime_ns == \
        before.st_mtime_ns
    assert run(project) == {"source": "built", "a.pdf": "written", "a.epub": "written"}
