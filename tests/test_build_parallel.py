"""One brief's formats side by side, and sources parsed in the workers that render them."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lighthouse_docs import build
from lighthouse_docs.build import BuildRequest
from lighthouse_docs.errors import RenderError
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


def _pid_writer(folder: Path, tag: str) -> Callable[[Any, RenderOptions], Output]:
    def write(doc: Any, options: RenderOptions) -> Output:
        (folder / f"{tag}-{os.getpid()}").touch()
        return Output(data=f"{tag}:{os.getpid()}".encode(), pages=1)
    return write


def test_a_source_is_parsed_in_a_process_of_its_own_before_its_formats(
        request_for: Callable[..., BuildRequest], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    marks = tmp_path / "marks"
    marks.mkdir()
    original = build.readers.load

    def load(*args: Any, **kwargs: Any) -> Any:
        (marks / f"parse-{os.getpid()}").touch()  # forked children share this patch
        return original(*args, **kwargs)

    monkeypatch.setattr(build.readers, "load", load)
    request = request_for("a", writers={"pdf": by_pid("P"), "epub": by_pid("E")})
    assert [r.status for r in build.run(request).results] == ["built"]
    [parse] = [p.name.split("-")[1] for p in marks.iterdir()]
    assert parse not in (*_pids(request.output, "a"), str(os.getpid()))


def test_a_crashing_format_process_fails_its_source_naming_the_format(
        request_for: Callable[..., BuildRequest]) -> None:
    def crash(doc: Any, options: RenderOptions) -> Output:
        os._exit(3)

    request = request_for("a", writers={"pdf": by_pid("P"), "epub": crash})
    [result] = build.run(request).results
    assert result.status == "failed"
    assert result.error is not None
    assert result.error.startswith("sources/a.md: epub: internal error")
    assert not (request.output / "a.pdf").exists()


def prepare_ahead(doc: Any, options: RenderOptions) -> str:
    """A writer's first half (``build.AHEAD``): notes the process it ran in."""
    if doc.meta.title == "BROKEN":
        raise RenderError("cannot prepare this one")
    (Path(os.environ["AHEAD_MARKS"]) / f"ahead-{os.getpid()}").touch()
    return f"prepared {doc.meta.title}"


def takes_prepared(subject: Any, options: RenderOptions) -> Output:
    """A writer that takes its input prepared ahead in place of the document."""
    text = subject if isinstance(subject, str) else f"raw {subject.meta.title}"
    return Output(data=f"{text}:{os.getpid()}".encode(), pages=1)


@pytest.fixture
def ahead(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """``takes_prepared`` registered with ``prepare_ahead`` as its first half; the folder
    where the preparations leave their marks."""
    marks = tmp_path / "ahead-marks"
    marks.mkdir()
    monkeypatch.setenv("AHEAD_MARKS", str(marks))
    monkeypatch.setattr(build, "AHEAD", {f"{__name__}:takes_prepared":
                                         f"{__name__}:prepare_ahead"})
    return marks


def test_one_brief_prepares_a_writers_input_ahead_where_it_was_parsed(
        request_for: Callable[..., BuildRequest], ahead: Path) -> None:
    request = request_for("a", writers={"pdf": f"{__name__}:takes_prepared",
                                        "epub": by_pid("E")})
    assert [r.status for r in build.run(request).results] == ["built"]
    text, pdf_pid = (request.output / "a.pdf").read_text().split(":")
    assert text == "prepared A"
    [mark] = [p.name.split("-")[1] for p in ahead.iterdir()]
    assert mark not in (pdf_pid, str(os.getpid()))  # in the parsing process


def test_a_batch_prepares_nothing_ahead(request_for: Callable[..., BuildRequest],
                                        ahead: Path) -> None:
    request = request_for("a", "b", writers={"pdf": f"{__name__}:takes_prepared",
                                             "epub": by_pid("E")})
    assert [r.status for r in build.run(request).results] == ["built", "built"]
    assert (request.output / "a.pdf").read_text().startswith("raw A:")
    assert list(ahead.iterdir()) == []


def test_a_preparation_ahead_that_fails_is_left_to_the_writer(
        request_for: Callable[..., BuildRequest], ahead: Path) -> None:
    request = request_for("broken", writers={"pdf": f"{__name__}:takes_prepared",
                                             "epub": by_pid("E")})
    [result] = build.run(request).results
    assert result.status == "built", result.error
    assert (request.output / "broken.pdf").read_text().startswith("raw BROKEN:")


def test_one_brief_leaves_the_epub_writer_to_its_own_process(
        request_for: Callable[..., BuildRequest], monkeypatch: pytest.MonkeyPatch) -> None:
    warmed: list[object] = []
    monkeypatch.setattr(build, "warm_writers", lambda refs: warmed.extend(refs))
    writers = {"pdf": f"{__name__}:takes_prepared", "epub": f"{__name__}:takes_prepared_epub"}
    assert [r.status for r in build.run(request_for("a", writers=writers)).results] == \
        ["built"]
    assert warmed == [writers["pdf"]]
    warmed.clear()
    assert [r.status for r in build.run(request_for("a", "b", writers=writers)).results] == \
        ["built", "built"]
    assert sorted(map(str, warmed)) == sorted(writers.values())


takes_prepared_epub = takes_prepared


_COLD = """
import sys
from pathlib import Path
from lighthouse_docs import build, readers
from lighthouse_docs.writers.epub import build_epub
from lighthouse_docs.theme import resolve_theme
from lighthouse_docs.writers.pdf import build_pdf
source, out = Path(sys.argv[1]), Path(sys.argv[2])
request = build.BuildRequest(sources=(source,), root=source.parent.parent, output=out,
                             formats=("pdf", "epub"),
                             theme=resolve_theme(None, source.parent.parent))
doc, _, failure = build.checked(readers.load(source, display_path="sources/x.md"),
                                "sources/x.md", marking=None, markings=(), key_points="auto")
assert doc is not None, failure
options = build.render_options(request, source.parent, build.build_clock(source))
out.mkdir()
(out / "x.pdf").write_bytes(build_pdf(doc, options).data)
(out / "x.epub").write_bytes(build_epub(doc, options).data)
"""


def test_the_warm_up_leaves_the_outputs_byte_identical(tmp_path: Path) -> None:
    """A build whose render processes are forked from a warmed-up process (a sample brief
    laid out first) writes the bytes a cold process writes for the same source."""
    import subprocess
    import sys

    source = tmp_path / "sources" / "x.md"
    source.parent.mkdir()
    source.write_text("---\ntitle: Uji coba\nlang: id\n---\n\nSebuah paragraf *pendek* "
                      "dengan **tebal**.\n\n## Bagian satu\n\nTeks yang cukup panjang untuk "
                      "dipenggal di akhir baris yang rata kiri dan kanan.\n\n- satu\n- dua\n")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    subprocess.run([sys.executable, "-c", _COLD, source, tmp_path / "cold"], check=True,
                   env=env)
    cli = Path(sys.executable).with_name("lighthouse-docs")
    subprocess.run([cli, "build", source, "--pdf", "--epub", "--output", tmp_path / "warm"],
                   check=True, env=env, cwd=tmp_path, capture_output=True)
    for name in ("x.pdf", "x.epub"):
        assert (tmp_path / "warm" / name).read_bytes() == (tmp_path / "cold" / name).read_bytes()


class _Events:
    """A build listener that records what it is told, in order."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def planned(self, total: int, to_render: int) -> None:
        self.events.append("planned")

    def finished(self, result: Any) -> None:
        self.events.append(f"finished {result.status}")

    def idle(self) -> None:
        self.events.append("idle")


def test_the_listener_hears_once_when_a_cpu_is_spare(
        request_for: Callable[..., BuildRequest], tmp_path: Path) -> None:
    done = tmp_path / "epub-done"

    def epub(doc: Any, options: RenderOptions) -> Output:
        done.touch()
        return Output(data=b"E", pages=None)

    def pdf(doc: Any, options: RenderOptions) -> Output:
        for _ in range(6000):  # the EPUB's process ends first: its slot is then spare
            if done.exists():
                break
            time.sleep(0.01)
        return Output(data=b"P", pages=1)

    listener = _Events()
    request = request_for("a", writers={"pdf": pdf, "epub": epub})
    assert [r.status for r in build.run(request, listener).results] == ["built"]
    assert listener.events == ["planned", "idle", "finished built"]


def plain(subject: Any, options: RenderOptions) -> Output:
    """A writer (registered in ``build.BESIDE`` with :func:`spare` as its variant)."""
    return Output(data=f"plain {subject.meta.title}".encode(), pages=1)


def spare(subject: Any, options: RenderOptions) -> Output:
    """The variant of :func:`plain` for a process with a CPU to spare beside it."""
    return Output(data=f"spare {subject.meta.title}".encode(), pages=1)


@pytest.fixture
def variant(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    writers = {"pdf": f"{__name__}:plain", "epub": f"{__name__}:plain"}
    monkeypatch.setattr(build, "BESIDE", {f"{__name__}:plain": f"{__name__}:spare"})
    return writers


def test_one_brief_side_by_side_uses_the_writers_variant_for_a_spare_cpu(
        request_for: Callable[..., BuildRequest], variant: dict[str, str]) -> None:
    request = request_for("a", writers=variant)
    assert [r.status for r in build.run(request).results] == ["built"]
    assert (request.output / "a.pdf").read_text() == "spare A"
    assert (request.output / "a.epub").read_text() == "spare A"


@pytest.mark.parametrize("changes", [{"jobs": 1}, {"limits": Limits(in_process=True)}],
                         ids=["jobs 1", "in process"])
def test_one_brief_without_a_spare_cpu_uses_the_writer_itself(
        request_for: Callable[..., BuildRequest], variant: dict[str, str],
        changes: dict[str, Any]) -> None:
    request = request_for("a", writers=variant, **changes)
    assert [r.status for r in build.run(request).results] == ["built"]
    assert (request.output / "a.pdf").read_text() == "plain A"


def test_a_batch_uses_the_writers_themselves(request_for: Callable[..., BuildRequest],
                                             variant: dict[str, str]) -> None:
    request = request_for("a", "b", writers=variant)
    assert [r.status for r in build.run(request).results] == ["built", "built"]
    assert {(request.output / f"{n}.pdf").read_text() for n in "ab"} == {"plain A", "plain B"}
