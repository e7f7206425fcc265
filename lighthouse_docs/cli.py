"""The command line: the only module that prints and knows exit codes.

Exit codes: 0 all went well; 1 some sources failed (the others were still done);
2 usage or configuration error.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from . import __version__
from . import build as build_module
from .build import BuildListener, BuildReport, BuildRequest, SourceResult
from .config import (
    Settings,
    config_file,
    load_settings,
    normalize_formats,
    parse_memory_limit,
    parse_pdf_variant,
    parse_time_limit,
)
from .errors import ConfigError, InputError, LighthouseError, UsageError
from .limits import Limits
from .project import SOURCES_DIR, ProjectPaths, discover_sources, find_root, scaffold
from .theme import resolve_theme

EXIT_OK = 0
EXIT_SOURCES_FAILED = 1
EXIT_USAGE = 2

app = typer.Typer(
    name="lighthouse-docs",
    help="Turn articles into print-ready PDF briefs and EPUB 3 e-books.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)

_state = {"debug": False}


def exit_code_for(error: LighthouseError) -> int:
    """The one mapping from errors to exit codes."""
    if isinstance(error, ConfigError | UsageError):
        return EXIT_USAGE
    return EXIT_SOURCES_FAILED


def fail(error: LighthouseError) -> NoReturn:
    """Print ``error`` as one line on stderr and exit with its code (traceback on --debug)."""
    if _state["debug"]:
        import traceback

        traceback.print_exception(error)
    typer.echo(f"lighthouse-docs: {error.category.lower()}: {error}", err=True)
    raise typer.Exit(exit_code_for(error))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lighthouse-docs {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    """Turn articles into print-ready PDF briefs and EPUB 3 e-books."""
    _state["debug"] = debug
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="%(levelname)s: %(message)s")


def _print_tree(doc_title: str, sections: tuple[object, ...]) -> None:
    from .outline import iter_sections, plain_text

    typer.echo(doc_title)
    for section in iter_sections(sections):  # type: ignore[arg-type]
        indent = "  " * (section.level - 1)
        typer.echo(f"{indent}{plain_text(section.heading)}")


@app.command()
def inspect(
    source: Annotated[Path, typer.Argument(help="An article: .txt, .md or .html.")],
    outline_json: Annotated[bool, typer.Option("--outline-json",
                            help="Print the outline as JSON (the corpus golden format).")] = False,
    model_json: Annotated[bool, typer.Option("--json",
                          help="Print the whole model as JSON.")] = False,
    lang: Annotated[str | None, typer.Option("--lang",
                    help="Language tag to use instead of detecting it.")] = None,
) -> None:
    """Show the outline lighthouse-docs recovers from SOURCE.

    Example:

        lighthouse-docs inspect sources/korut-rusia.txt --outline-json
    """
    from . import readers
    from .outline import to_json, to_outline_json

    if outline_json and model_json:
        fail(UsageError("use just one of --outline-json or --json"))
    try:
        doc = readers.load(source, lang=lang)
    except InputError as error:
        fail(error)
    for warning in doc.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if outline_json:
        typer.echo(json.dumps(to_outline_json(doc), ensure_ascii=False, indent=2))
    elif model_json:
        typer.echo(json.dumps(to_json(doc), ensure_ascii=False, indent=2))
    else:
        meta = doc.meta
        header = meta.title if not meta.publisher else f"{meta.title}  ({meta.publisher})"
        _print_tree(f"{header}  [lang={meta.lang}]", doc.sections)


# --------------------------------------------------------------------------- build, init, watch

class PaperChoice(StrEnum):
    A4 = "a4"
    LETTER = "letter"


class SortChoice(StrEnum):
    GIVEN = "given"
    DATE = "date"


PaperOpt = Annotated[PaperChoice | None, typer.Option(
    "--paper", case_sensitive=False, help="Paper size of the PDF.")]
SourcesArg = Annotated[list[str] | None, typer.Argument(
    help="Files, folders or globs. Default: every .txt, .md and .html in sources/.",
    show_default=False)]
PdfOpt = Annotated[bool, typer.Option("--pdf", help="Build the print-ready PDF.")]
EpubOpt = Annotated[bool, typer.Option("--epub", help="Build the EPUB 3.")]
HtmlOpt = Annotated[bool, typer.Option(
    "--html", help="Build one self-contained HTML file (CSS inlined) for mail and web preview.")]
OutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", help="Output folder. Default: output/ of the project (or the config).",
    show_default=False)]
StyleOpt = Annotated[str | None, typer.Option(
    "--style", help="Style theme: a name under styles/ or a packaged one, or a folder path.")]
VariantOpt = Annotated[str | None, typer.Option(
    "--pdf-variant", help="WeasyPrint PDF variant (pdf/ua-1, pdf/a-3b, ...) or 'none'. "
    "Default: pdf/ua-1.")]
LangOpt = Annotated[str | None, typer.Option(
    "--lang", help="Language tag for every source instead of detecting it.")]
MarkingOpt = Annotated[str | None, typer.Option(
    "--marking", help="Handling marking printed on every page (overrides the sources').")]
KeyPointsOpt = Annotated[bool | None, typer.Option(
    "--key-points/--no-key-points", help="Show or hide the key points box.",
    show_default=False)]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")]


@dataclass(frozen=True, slots=True)
class _Choices:
    """Command-line values that override the project settings (None = not given)."""

    pdf: bool = False
    epub: bool = False
    html: bool = False
    output: Path | None = None
    style: str | None = None
    paper: PaperChoice | None = None
    pdf_variant: str | None = None
    lang: str | None = None
    marking: str | None = None
    key_points: bool | None = None
    jobs: int | None = None
    time_limit: str | None = None
    memory_limit: str | None = None


def _settings(choices: _Choices) -> tuple[Path, Settings]:
    """Project root and its settings with the command line applied on top."""
    root = find_root(Path.cwd())
    settings = load_settings(root)
    overrides: dict[str, object] = {}
    wanted = [f for f, on in (("pdf", choices.pdf), ("epub", choices.epub),
                              ("html", choices.html)) if on]
    if wanted:
        overrides["formats"] = normalize_formats(wanted)
    if choices.output is not None:
        overrides["output"] = choices.output.expanduser().resolve()
    if choices.paper is not None:
        overrides["paper"] = choices.paper.value
    if choices.pdf_variant is not None:
        overrides["pdf_variant"] = parse_pdf_variant(choices.pdf_variant, key="--pdf-variant")
    if choices.time_limit is not None:
        overrides["time_limit"] = parse_time_limit(choices.time_limit, key="--time-limit")
    if choices.memory_limit is not None:
        overrides["memory_limit"] = parse_memory_limit(choices.memory_limit,
                                                       key="--memory-limit")
    for name in ("style", "lang", "marking", "key_points", "jobs"):
        value = getattr(choices, name)
        if value is not None:
            overrides[name] = value
    return root, dataclasses.replace(settings, **overrides)  # type: ignore[arg-type]


def _request(sources: list[str] | None, choices: _Choices, *, force: bool = False,
             strict: bool = False, combine: str | None = None,
             sort: str = "given") -> BuildRequest:
    root, settings = _settings(choices)
    paths = ProjectPaths.for_root(root, settings)
    skipped: list[str] = []
    files = discover_sources(sources or [], paths, skipped=skipped)
    for name in skipped:
        logging.getLogger("lighthouse_docs").warning(
            "%s: a symbolic link leading outside the project; not built (name the file on "
            "the command line to build it)", name)
    if combine is not None and not combine.strip():
        raise UsageError("--combine needs a title")
    return BuildRequest(
        sources=files, root=paths.root, output=paths.output, formats=settings.formats,
        theme=resolve_theme(settings.style, paths.root), paper=settings.paper,
        pdf_variant=settings.pdf_variant, lang=settings.lang, marking=settings.marking,
        key_points=settings.key_points, strict=strict, force=force,
        jobs=settings.jobs or os.cpu_count() or 1,
        limits=Limits(seconds=settings.time_limit, memory_mb=settings.memory_limit),
        combine=combine.strip() if combine else None,
        sort="date" if sort == "date" else "given")


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


class _Reporter(BuildListener):
    """Rich progress on a terminal, one plain line per source elsewhere; errors always."""

    def __init__(self, *, quiet: bool, verbose: bool) -> None:
        self.quiet, self.verbose = quiet, verbose
        self.err = Console(stderr=True, highlight=False)
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def planned(self, total: int, to_render: int) -> None:
        if not self.quiet and self.err.is_terminal:
            self.progress = Progress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                MofNCompleteColumn(), TimeElapsedColumn(), console=self.err, transient=True)
            self.progress.start()
            self.task = self.progress.add_task("building", total=total)

    def _line(self, text: str) -> None:
        if self.progress is not None:
            self.progress.console.print(text, markup=False)
        else:
            typer.echo(text, err=True)

    def finished(self, result: SourceResult) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, advance=1, description=result.source)
        if result.status == "failed":
            self._line(f"lighthouse-docs: failed: {result.error}")
            if _state["debug"] and result.trace:
                self._line(result.trace)
        elif not self.quiet:
            if result.status == "built":
                outputs = ", ".join(_shown(p) for p in result.outputs)
                pages = f"{result.pages} pages, " if result.pages is not None else ""
                self._line(f"built {result.source} -> {outputs} ({pages}"
                           f"{result.seconds:.1f} s)")
            elif self.verbose or self.progress is None:
                self._line(f"up to date {result.source}")
        if self.verbose and not self.quiet:
            for warning in result.warnings:
                self._line(f"  warning: {warning}")

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def _summary(report: BuildReport) -> None:
    table = Table(title=None, show_edge=False, pad_edge=False)
    for column, justify in (("Source", "left"), ("Outputs", "left"), ("Pages", "right"),
                            ("Size", "right"), ("Time", "right"), ("Warnings", "right")):
        table.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for r in report.results:
        outputs = "FAILED" if r.status == "failed" else "\n".join(p.name for p in r.outputs)
        if r.status == "up to date":
            outputs += " (up to date)"
        table.add_row(r.source, outputs, "" if r.pages is None else str(r.pages),
                      _size(r.size) if r.status == "built" else "",
                      f"{r.seconds:.1f} s" if r.status != "up to date" else "",
                      str(len(r.warnings)))
    console = Console(highlight=False)
    console.print(table)
    counts = (f"{len(report.built)} built, "
              f"{len(report.results) - len(report.built) - len(report.failed)} up to date, "
              f"{len(report.failed)} failed")
    console.print(counts, markup=False)


def _run(request: BuildRequest, *, quiet: bool, verbose: bool) -> BuildReport:
    reporter = _Reporter(quiet=quiet, verbose=verbose)
    try:
        report = build_module.run(request, reporter)
    finally:
        reporter.close()
    if not quiet:
        _summary(report)
    return report


@app.command()
def build(
    sources: SourcesArg = None,
    pdf: PdfOpt = False,
    epub: EpubOpt = False,
    html: HtmlOpt = False,
    output: OutputOpt = None,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, help="Worker processes. Default: the number of CPUs.",
        show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force",
                     help="Rebuild even what is up to date.")] = False,
    quiet: QuietOpt = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v",
                       help="Also list warnings and up-to-date sources.")] = False,
    style: StyleOpt = None,
    paper: PaperOpt = None,
    pdf_variant: VariantOpt = None,
    lang: LangOpt = None,
    marking: MarkingOpt = None,
    key_points: KeyPointsOpt = None,
    strict: Annotated[bool, typer.Option("--strict",
                      help="Fail a source that has warnings (nothing is written for it).")] = False,
    time_limit: Annotated[str | None, typer.Option(
        "--time-limit", metavar="SECONDS",
        help="Wall-clock limit per source (parse and render), or none. Default: 120.",
        show_default=False)] = None,
    memory_limit: Annotated[str | None, typer.Option(
        "--memory-limit", metavar="MiB",
        help="Memory limit of the process building one source (e.g. 2048 or 2GB), or none. "
             "Default: 2GB.", show_default=False)] = None,
    combine: Annotated[str | None, typer.Option(
        "--combine", metavar="TITLE",
        help="Build one combined brief titled TITLE from all sources, in the order given.")]
    = None,
    sort: Annotated[SortChoice, typer.Option(
        "--sort", help="Order of the sources in a combined brief.")] = SortChoice.GIVEN,
) -> None:
    """Build briefs (PDF and EPUB by default) from SOURCES into the output folder.

    Only sources whose inputs changed are rebuilt (--force rebuilds all).

    Exit status: 0 all built; 1 some sources failed (the others are still written);
    2 usage or configuration error.

    Example:

        lighthouse-docs build

        lighthouse-docs build sources/korut-rusia.txt --pdf --paper letter -o out/

        lighthouse-docs build "sources/*.md" --combine "Weekly brief" --sort date
    """
    if quiet and verbose:
        fail(UsageError("use just one of --quiet or --verbose"))
    if sort is SortChoice.DATE and combine is None:
        fail(UsageError("--sort only applies with --combine"))
    choices = _Choices(pdf=pdf, epub=epub, html=html, output=output, style=style, paper=paper,
                       pdf_variant=pdf_variant, lang=lang, marking=marking,
                       key_points=key_points, jobs=jobs, time_limit=time_limit,
                       memory_limit=memory_limit)
    try:
        request = _request(sources, choices, force=force, strict=strict, combine=combine,
                           sort=sort.value)
        report = _run(request, quiet=quiet, verbose=verbose)
    except LighthouseError as error:
        fail(error)
    if not report.ok:
        raise typer.Exit(EXIT_SOURCES_FAILED)


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder of the new project.")] = Path("."),
    style_name: Annotated[str, typer.Option(
        "--style-name", help="Name of the style copy to customise under styles/.")] = "house",
) -> None:
    """Create a briefing project in DIRECTORY.

    It gets sources/ with an example article, a copy of the default style under
    styles/NAME/ to customise, and lighthouse.toml. Existing files are never overwritten.

    Example:

        lighthouse-docs init my-briefs && cd my-briefs && lighthouse-docs build
    """
    try:
        created = scaffold(directory, style_name)
    except LighthouseError as error:
        fail(error)
    for path in created:
        typer.echo(f"created {_shown(path.resolve())}")


def _watched(request: BuildRequest, sources: list[str] | None, root: Path) -> list[Path]:
    folders = {s.parent for s in request.sources}
    if not sources:
        folders.add(root / SOURCES_DIR)
    folders.add(request.theme.root)
    found = config_file(root)
    paths: set[Path] = {f for f in folders if f.is_dir()}
    if found is not None:
        paths.add(found)
    return sorted(paths)


@app.command()
def watch(
    sources: SourcesArg = None,
    pdf: PdfOpt = False,
    epub: EpubOpt = False,
    html: HtmlOpt = False,
    output: OutputOpt = None,
    style: StyleOpt = None,
    paper: PaperOpt = None,
    pdf_variant: VariantOpt = None,
    lang: LangOpt = None,
    marking: MarkingOpt = None,
    key_points: KeyPointsOpt = None,
    debounce: Annotated[int, typer.Option(
        "--debounce", min=0, help="Milliseconds to wait for more saves before rebuilding.")]
    = 300,
    quiet: QuietOpt = False,
) -> None:
    """Build, then rebuild what changed on every save, until Ctrl-C.

    Sources, the style folder and lighthouse.toml are watched. Rendering happens in this
    process, so a rebuild starts warm.

    Example:

        lighthouse-docs watch --pdf
    """
    import watchfiles

    choices = _Choices(pdf=pdf, epub=epub, html=html, output=output, style=style, paper=paper,
                       pdf_variant=pdf_variant, lang=lang, marking=marking,
                       key_points=key_points, jobs=1)

    def build_once() -> list[Path] | None:
        try:
            request = dataclasses.replace(_request(sources, choices), jobs=1)
            if quiet:
                build_module.run(request, _Changes(_Reporter(quiet=True, verbose=False)))
            else:
                _run_watch(request)
        except LighthouseError as error:
            typer.echo(f"lighthouse-docs: {error.category.lower()}: {error}", err=True)
            return None
        return _watched(request, sources, request.root)

    try:
        watched = build_once()
        if watched is None:
            # Nothing to watch yet (bad configuration): watch the project root.
            watched = [find_root(Path.cwd())]
        announced = False
        # yield_on_timeout: the first (empty) yield means the watcher is live; saves made
        # between the first build and that moment are caught by one more incremental build.
        for changes in watchfiles.watch(*watched, debounce=debounce, step=50,
                                        rust_timeout=500, yield_on_timeout=True,
                                        raise_interrupt=True):
            if changes or not announced:
                watched = build_once() or watched
            if not announced:
                typer.echo(f"watching {', '.join(_shown(p) for p in watched)} "
                           "(Ctrl-C to stop)", err=True)
                announced = True
    except KeyboardInterrupt:
        typer.echo("stopped", err=True)
    raise typer.Exit(EXIT_OK)


def _run_watch(request: BuildRequest) -> None:
    # In watch mode only what happens is interesting: built and failed lines, no table.
    reporter = _Reporter(quiet=False, verbose=False)
    reporter.err = Console(stderr=True, highlight=False, force_terminal=False)
    try:
        build_module.run(request, _Changes(reporter))
    finally:
        reporter.close()


class _Changes(BuildListener):
    """Forwards only built and failed sources (watch mode stays quiet about the rest)."""

    def __init__(self, inner: _Reporter) -> None:
        self.inner = inner

    def finished(self, result: SourceResult) -> None:
        if result.status != "up to date":
            self.inner.finished(result)


def main() -> NoReturn:
    """Console-script entry point."""
    sys.exit(app())


if __name__ == "__main__":
    main()
