"""One brief's formats side by side, and sources parsed in the workers that render them."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lighthouse_docs import build
from lighthouse_docs.build import BuildRequest
from lighthouse_docs.limits import Limits
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.theme import Theme
from lighthouse_docs.writers import Output


def by_pid(tag: str) -> Callable[[Any, RenderOptions], Output]:
    """A writer whose bytes name the process it ran in."""
    def write(doc: Any, options: RenderOptions) -> Output:
        return Output(data=f"{tag}:{os.getpid()}:{doc.meta.title}".encode(), pages=1)
    return write


def hog(doc: Any, options: RenderOptions) -> Output:
    """A writer that wants far more memory than the limit allows."""
    block = bytearray(1024 * 1024 * 1024)
    return Output(data=bytes(block[:1]))


@pytest.fixture
def request_for(tmp_path: Path) -> Callable[..., BuildRequest]:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "print.css").write_text("")
    (theme / "epub.css").write_text("")
    (tmp_path / "sources").mkdir()

    def make(*names: str, **changes: Any) -> BuildRequest:
        for name in names:
            (tmp_path / "sources" / f"{name}.md").write_text(
                f"---\ntitle: {name.upper()}\n---\n\nSome text of {name}.\n")
        values: dict[str, Any] = dict(
            sources=tuple((tmp_path / "sources" / f"{n}.md") for n in names), root=tmp_path,
            output=tmp_path / "out", formats=("pdf", "epub"), jobs=2, force=True,
            theme=Theme(name="t", root=theme),
            writers={"pdf": by_pid("P"), "epub": by_pid("E")})
        values.update(changes)
        return BuildRequest(**values)

    return make


def _pids(out: Path, name: str) -> tuple[str, str]:
    pdf = (out / f"{name}.pdf").read_text().split(":")
    epub = (out / f"{name}.epub").read_text().split(":")
    assert pdf[0] == "P" and epub[0] == "E"
    return pdf[1], epub[1]


def test_one_brief_renders_its_formats_in_two_processes(
        request_for: Callable[..., BuildRequest]) -> None:
    request = request_for("a")
    report = build.run(request)
    assert [r.status for r in report.results] == ["built"]
    pdf_pid, epub_pid = _pids(request.output, "a")
    assert pdf_pid != epub_pid
    assert str(os.getpid()) not in (pdf_pid, epub_pid)


def test_a_batch_as_large_as_the_workers_keeps_each_brief_in_one_process(
        request_for: Callable[..., BuildRequest]) -> None:
    request = request_for("a", "b")
    report = build.run(request)
    assert [r.status for r in report.results] == ["built", "built"]
    for name in ("a", "b"):
        pdf_pid, epub_pid = _pids(request.output, name)
        assert pdf_pid == epub_pid


def test_one_worker_renders_formats_in_one_process(
        request_for: Callable[..., BuildRequest]) -> None:
    request = request_for("a", jobs=1)
    build.run(request)
    pdf_pid, epub_pid = _pids(request.output, "a")
    assert pdf_pid == epub_pid


def test_a_format_process_over_the_memory_limit_fails_the_source_alone(
        request_for: Callable[..., BuildRequest]) -> None:
    request = request_for("a", writers={"pdf": by_pid("P"), "epub": hog},
                          limits=Limits(memory_mb=512))
    [result] = build.run(request).results
    assert result.status == "failed"
    assert result.error is not None and "memory limit of 512 MiB" in result.error
    assert not (request.output / "a.pdf").exists()  # nothing written for a failed source


def test_sources_are_parsed_in_the_render_workers(
        request_for: Callable[..., BuildRequest], monkeypatch: pytest.MonkeyPatch) -> None:
    parsed_here: list[str] = []
    original = build._load

    def spy(request: BuildRequest, part: Any) -> Any:
        parsed_here.append(part.display)
        return original(request, part)

    monkeypatch.setattr(build, "_load", spy)
    report = build.run(request_for("a", "b"))
    assert [r.status for r in report.results] == ["built", "built"]
    assert parsed_here == []


def test_a_source_failing_its_checks_in_the_worker_is_reported_with_its_location(
        request_for: Callable[..., BuildRequest], tmp_path: Path) -> None:
    request = request_for("a")
    (tmp_path / "sources" / "a.md").write_text("---\ntitle: A\nmarkings: SECRET\n---\n\nx\n")
    [result] = build.run(request).results
    assert result.status == "failed"
    assert result.error is not None and result.error.startswith("sources/a.md:")
    assert any(d.severity == "error" for d in result.diagnostics)
    assert not (request.output / "a.pdf").exists()
