"""In-process, warm timings of one source: the WeasyPrint floor versus our writers.

Run as ``python -m bench.floor SOURCE --repeats N`` (a fresh process per source, so one large
document's memory and caches never colour the next measurement); prints one JSON object.

Both get the document as the build gives it to the writers (:func:`prepared`).
*Floor*: ``render_print_html`` once, then WeasyPrint alone on that HTML with the same
stylesheet, font configuration, URL fetcher and PDF options that ``writers.pdf`` uses
(:func:`floor_call`). *Ours*: ``writers.pdf.build_pdf(doc, options)``, everything included
(templates, HTML, WeasyPrint, post-processing). Both warm: one untimed call first, then
``repeats`` timed calls, interleaved (floor, ours, floor, ...) so drift in machine load hits
both alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.measure import SOURCE_DATE_EPOCH


def _options(source: Path) -> Any:
    from lighthouse_docs.render import RenderOptions
    from lighthouse_docs.theme import resolve_theme

    modified = dt.datetime.fromtimestamp(int(SOURCE_DATE_EPOCH), tz=dt.UTC)
    return RenderOptions(theme=resolve_theme(None), base_dir=source.resolve().parent,
                         modified=modified)


def prepared(source: Path) -> Any:
    """``source`` read and checked as the build hands it to every writer: links, typography,
    caption numbers and the brief's derived data (key points, reading time) applied once.
    Deriving the brief belongs to that preparation, not to the PDF writer: a writer given a
    raw document derives it again on each use (about a fifth of a warm PDF of the example)."""
    from lighthouse_docs import readers
    from lighthouse_docs.build import checked

    doc, _, failure = checked(readers.load(source), str(source), marking=None, markings=(),
                              key_points="auto")
    if doc is None:
        raise SystemExit(f"{source}: {failure}")
    return doc


def floor_call(html: str, options: Any) -> Callable[[], bytes]:
    """WeasyPrint alone on ``html``, set up exactly as ``writers.pdf.html_to_pdf`` sets it up.

    Uses the writer's own helpers (cached theme stylesheets, the process-wide font
    configuration, ``pdf_options``) and the same confined URL fetcher and base URL, so the floor
    cannot drift from the product. Left out, as ours: rendering the HTML, hashing it for the
    file identifier, collecting WeasyPrint's log records.
    """
    import weasyprint

    from lighthouse_docs.writers import pdf
    from lighthouse_docs.writers.fetch import ConfinedURLFetcher
    from lighthouse_docs.writers.resources import allowed_roots

    sheets, _ = pdf.stylesheets(options.theme, options.paper)
    wp_options = pdf.pdf_options(options.pdf_variant, b"0" * 32)
    base_url = options.base_dir.resolve().as_uri() + "/"
    fetcher = ConfinedURLFetcher(allowed_roots(options.base_dir, options.theme))

    def call() -> bytes:
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            stylesheets=list(sheets), font_config=pdf.font_config(), **wp_options)
        return document.write_pdf(**wp_options)  # type: ignore[no-any-return]

    return call


_cpu: list[float] = []
"""Process CPU seconds of every :func:`_time` call, in order (see :func:`measure`)."""


def _time(call: Callable[[], object]) -> float:
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    call()
    _cpu.append(time.process_time() - cpu)
    return time.perf_counter() - start


def measure(source: Path, repeats: int, *, epub: bool = True) -> dict[str, Any]:
    """Figures for ``source`` (see the module docstring); seconds are medians."""
    t0 = time.perf_counter()
    from lighthouse_docs.render.print import render_print_html
    from lighthouse_docs.writers.pdf import build_pdf

    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    doc = prepared(source)
    load_s = time.perf_counter() - t0
    options = _options(source)
    html = render_print_html(doc, options)
    floor = floor_call(html, options)
    first_floor_s = _time(floor)
    first_ours_s = _time(lambda: build_pdf(doc, options))
    floors: list[float] = []
    ours: list[float] = []
    htmls: list[float] = []
    floor_cpu: list[float] = []
    ours_cpu: list[float] = []
    for _ in range(repeats):
        floors.append(_time(floor))
        floor_cpu.append(_cpu[-1])
        ours.append(_time(lambda: build_pdf(doc, options)))
        ours_cpu.append(_cpu[-1])
        htmls.append(_time(lambda: render_print_html(doc, options)))
    result = build_pdf(doc, options)
    words = sum(len(line.split()) for line in source.read_text(encoding="utf-8").splitlines())
    figures: dict[str, Any] = {
        "source": str(source), "words": words, "pages": result.pages, "repeats": repeats,
        "import_s": import_s, "load_s": load_s,
        "first_floor_s": first_floor_s, "first_pdf_s": first_ours_s,
        "floor_s": statistics.median(floors), "pdf_s": statistics.median(ours),
        "render_html_s": statistics.median(htmls),
        "floor_runs_s": floors, "pdf_runs_s": ours,
    }
    figures["overhead_pct"] = 100 * (figures["pdf_s"] - figures["floor_s"]) / figures["floor_s"]
    # On a shared machine one slow repeat can move a median of 2-5; the best-of figures say
    # what the code costs when nothing interferes, and are shown next to the median.
    figures["overhead_min_pct"] = 100 * (min(ours) - min(floors)) / min(floors)
    # CPU time of this process barely depends on what else the machine runs: the steadiest
    # comparison on a shared machine (WeasyPrint is single-threaded, so CPU ~ wall when idle).
    figures["floor_cpu_s"] = statistics.median(floor_cpu)
    figures["pdf_cpu_s"] = statistics.median(ours_cpu)
    figures["overhead_cpu_pct"] = (100 * (figures["pdf_cpu_s"] - figures["floor_cpu_s"])
                                   / figures["floor_cpu_s"])
    if epub:
        try:
            from lighthouse_docs.writers.epub import build_epub
        except ImportError:
            figures["epub_s"] = None
        else:
            build_epub(doc, options)
            figures["epub_s"] = statistics.median(
                _time(lambda: build_epub(doc, options)) for _ in range(repeats))
    figures["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def alone(source: Path, which: str) -> dict[str, Any]:
    """One cold PDF of ``source`` in this process, by WeasyPrint alone on our final print HTML
    (``floor``) or by our ``build_pdf`` (``ours``): time, pages, pages per second and this
    process's peak RSS, so that the two memory figures come from like processes."""
    import io

    from pypdf import PdfReader  # only to count the pages of the floor's PDF

    from lighthouse_docs.render.print import render_print_html
    from lighthouse_docs.writers.pdf import build_pdf, font_config, stylesheets

    doc = prepared(source)
    options = _options(source)
    stylesheets(options.theme, options.paper)  # both warm: theme and fonts loaded first
    font_config()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if which == "floor":
        html = render_print_html(doc, options)
        call = floor_call(html, options)
        del doc
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        data = call()
        seconds, cpu_s = time.perf_counter() - start, time.process_time() - cpu
        pages = len(PdfReader(io.BytesIO(data)).pages)
    else:
        start, cpu = time.perf_counter(), time.process_time()
        pages = build_pdf(doc, options).pages or 0
        seconds, cpu_s = time.perf_counter() - start, time.process_time() - cpu
    return {"which": which, "seconds": seconds, "cpu_s": cpu_s, "pages": pages,
            "pages_per_s": pages / seconds if seconds else None,
            "baseline_rss_mb": baseline,
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__)
    parser.add_argument("source", type=Path)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-epub", action="store_true")
    parser.add_argument("--alone", choices=("floor", "ours"),
                        help="one cold PDF by WeasyPrint alone or by ours, with peak RSS")
    args = parser.parse_args(argv)
    if args.alone:
        json.dump(alone(args.source, args.alone), sys.stdout)
        sys.stdout.write("\n")
        return
    json.dump(measure(args.source, args.repeats, epub=not args.no_epub), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
