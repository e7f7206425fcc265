"""writers.pdf with a CPU to spare (``build_pdf_beside``): the compact layout tried here while
the full one is made in a second process; the same PDF as ``build_pdf``."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from lighthouse_docs.errors import RenderError
from lighthouse_docs.readers import load
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.theme import resolve_theme
from lighthouse_docs.writers import Output, pdf, print_input
from lighthouse_docs.writers.pdf import _compact_beside, build_pdf, build_pdf_beside
from lighthouse_docs.writers.print_input import plan_for

MODIFIED = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
EXAMPLE = Path(__file__).resolve().parents[2] / "sources" / "korut-rusia.txt"
SHORT = ("---\ntitle: Rice Prices Ease\nlang: en\n---\n\nRice prices eased again.\n\n"
         "## Markets\n\nTraders reported lower prices for medium-grade rice.\n\n"
         "## Outlook\n\nThe harvest is expected to be larger than last year's.\n")


def _always_tried(monkeypatch: pytest.MonkeyPatch) -> None:
    """The example is sure not to fit the compact layout (``writers.fit``), so its try is
    skipped; these tests are about the try and the full layout side by side: tried here."""
    monkeypatch.setattr(print_input, "cannot_fit", lambda *args: False)


def _options(base_dir: Path) -> RenderOptions:
    return RenderOptions(theme=resolve_theme(None), base_dir=base_dir, modified=MODIFIED)


class _Layouts:
    """Counts WeasyPrint layouts made in this process (a forked one counts its own)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        stock = vars(pdf)["HTML"]

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return stock(*args, **kwargs)

        monkeypatch.setattr(pdf, "HTML", counted)


@pytest.mark.slow
@pytest.mark.parametrize("fits", [False, True])
def test_the_same_pdf_as_build_pdf_with_one_layout_here_when_compact_does_not_fit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fits: bool) -> None:
    monkeypatch.setattr(pdf, "cpu_to_spare", lambda: True)
    _always_tried(monkeypatch)
    if fits:
        source = tmp_path / "short.md"
        source.write_text(SHORT, encoding="utf-8")
    else:
        source = EXAMPLE
    doc = load(source)
    assert plan_for(doc).compact  # both are tried compact first
    layouts = _Layouts(monkeypatch)
    alone = build_pdf(doc, _options(source.parent))
    assert layouts.count == 1 if fits else layouts.count >= 2  # compact, then full here
    layouts.count = 0
    beside = build_pdf_beside(doc, _options(source.parent))
    assert layouts.count == 1  # the compact one; the full one in the other process
    assert (beside.data, beside.pages, beside.warnings) == \
        (alone.data, alone.pages, alone.warnings)
    assert (beside.pages is not None and beside.pages <= 3) == fits


class _Doc:
    def __init__(self, pages: int) -> None:
        self.pages = [object()] * pages


def _finish(document: Any, logged: list[str], used: str) -> Output:
    return Output(data=f"compact {len(document.pages)} {used}".encode(), pages=2,
                  warnings=("compact finished",))


def test_a_compact_layout_that_fits_is_finished_here() -> None:
    out = _compact_beside(lambda: (_Doc(3), []), lambda: Output(data=b"full"), _finish,
                          "used", ((), ()))
    assert out.data == b"compact 3 used"


def test_else_the_full_layout_of_the_other_process_with_the_warnings_of_both() -> None:
    here = os.getpid()

    def full() -> Output:
        return Output(data=str(os.getpid()).encode(), pages=5,
                      warnings=("sheet", "full layout"))

    out = _compact_beside(lambda: (_Doc(4), []), full, _finish, "used",
                          (("sheet",), ["image refused"]))
    assert int(out.data) != here
    assert out.warnings == ("sheet", "image refused", "full layout")


def test_a_full_layout_that_fails_fails_here() -> None:
    def full() -> Output:
        raise RenderError("WeasyPrint could not lay out the document: boom")

    with pytest.raises(RenderError, match="boom"):
        _compact_beside(lambda: (_Doc(4), []), full, _finish, "used", ((), ()))


def test_a_full_layout_whose_process_dies_is_made_here() -> None:
    here = os.getpid()

    def full() -> Output:
        if os.getpid() != here:
            os._exit(3)  # a crash of the other process
        return Output(data=b"made here")

    out = _compact_beside(lambda: (_Doc(4), []), full, _finish, "used", ((), ()))
    assert out.data == b"made here"


@pytest.mark.slow
def test_without_a_cpu_to_spare_both_layouts_are_made_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "cpu_to_spare", lambda: False)
    _always_tried(monkeypatch)
    doc = load(EXAMPLE)
    layouts = _Layouts(monkeypatch)
    beside = build_pdf_beside(doc, _options(EXAMPLE.parent))
    assert layouts.count >= 2  # compact, then full, as build_pdf does
    assert beside.pages == 5


@pytest.mark.parametrize(("loadavg", "cpus", "spare"), [
    ("0.50 0.40 0.30 2/136 1888\n", 2, True),  # this renderer and the EPUB's
    ("4.15 5.07 6.27 3/136 1888\n", 2, False),  # and one more task waiting for a CPU
    ("4.15 5.07 6.27 3/136 1888\n", 4, True),
    ("garbled\n", 2, True),
])
def test_a_cpu_is_spare_when_no_more_tasks_are_runnable_than_cpus(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loadavg: str, cpus: int,
        spare: bool) -> None:
    path = tmp_path / "loadavg"
    path.write_text(loadavg, encoding="ascii")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)))
    assert pdf.cpu_to_spare(path) is spare
    assert pdf.cpu_to_spare(tmp_path / "missing") is True
