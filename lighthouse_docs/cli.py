"""The command line: the only module that prints and knows exit codes.

Exit codes: 0 all went well; 1 some sources failed (the others were still done);
2 usage or configuration error.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from inspect import Parameter, Signature, signature
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, get_type_hints

import typer
from typer._click.exceptions import NoArgsIsHelpError
from typer._click.exceptions import UsageError as ClickUsageError
from typer.core import TyperGroup
from typer.exceptions import TyperException

from . import cli_coercion
from .errors import ConfigError, InputError, LighthouseError, UsageError

if TYPE_CHECKING:
    import watchfiles
    from rich.console import Console
    from rich.progress import Progress, TaskID
    from rich.table import Table

    from .build import BuildReport, BuildRequest, SourceResult
    from .config import Settings
    from .diagnostics import Diagnostic, Severity

# Everything else is imported where it is used: `lighthouse-docs --help`, `inspect` and a
# build with nothing to do must not pay for WeasyPrint, Rich or the readers they do not use
# (tests/cli/test_cli_imports.py checks sys.modules in a fresh process).

EXIT_OK = 0
EXIT_SOURCES_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
"""Ctrl-C: 128 + SIGINT, as a shell reports a process ended by it."""
EXIT_BROKEN_PIPE = 141
"""The reader of our output went away (``inspect FILE | head``): 128 + SIGPIPE, as a shell
reports ``seq 100000 | head`` and other Unix tools ended by a closed pipe, with no message."""

DEBUG_FLAG = "--debug"


class _Commands(TyperGroup):
    """The command group; ``--debug`` is accepted anywhere on the command line (before the
    subcommand, after it, between its options), not only where Click would look for it."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        end = args.index("--") if "--" in args else len(args)
        _state["debug"] = DEBUG_FLAG in args[:end]
        if _state["debug"]:
            args = [a for a in args[:end] if a != DEBUG_FLAG] + args[end:]
        return super().parse_args(ctx, args)

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None,
                     **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except ClickUsageError as error:
            _usage_failure(error)

    def invoke(self, ctx: Any) -> Any:
        """Run the command; no traceback escapes it without ``--debug``.

        A :class:`LighthouseError` no command caught becomes its one line and exit code; any
        other exception (a bug, or the working folder deleted under us) one line and exit 1.
        Typer's own exits and usage errors pass through unchanged.
        """
        try:
            return super().invoke(ctx)
        except ClickUsageError as error:  # a command's options did not parse
            _usage_failure(error, ctx.invoked_subcommand)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except LighthouseError as error:
            fail(error)
        except BrokenPipeError:
            _quiet_broken_pipe()
        except Exception as error:
            if _state["debug"]:
                import traceback

                traceback.print_exception(error)
            from .project import shown as escaped

            message = escaped(str(error)).replace("\n", " ")[:300]
            hint = "" if _state["debug"] else "; rerun with --debug for the traceback"
            typer.echo(f"lighthouse-docs: internal error ({type(error).__name__}: {message})"
                       f"{hint}", err=True)
            raise typer.Exit(EXIT_SOURCES_FAILED) from None


def _quiet_broken_pipe() -> NoReturn:
    """End quietly, as Unix tools do, when whoever reads stdout or stderr closed it (``| head``).

    What is still buffered for the closed pipe goes to ``/dev/null``, so the flush at exit
    raises no second ``BrokenPipeError`` (the Python documentation's recipe, "Note on SIGPIPE").
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a stream without a descriptor
            os.dup2(devnull, stream.fileno())
    raise typer.Exit(EXIT_BROKEN_PIPE)


app = typer.Typer(
    cls=_Commands,
    name="lighthouse-docs",
    help="Turn articles into print-ready PDF briefs and EPUB 3 e-books.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

cli_coercion.install()  # plain values without pydantic (0.1 s of every command)

_state = {"debug": False}
"""Process-wide CLI state: ``--debug`` was given (tracebacks are shown)."""


def exit_code_for(error: LighthouseError) -> int:
    """The one mapping from errors to exit codes."""
    if isinstance(error, ConfigError | UsageError):
        return EXIT_USAGE
    return EXIT_SOURCES_FAILED


_DEBUG_HINT = re.compile(r"; rerun with --debug(?: for the traceback)?")


def _hinted(message: str) -> str:
    """``message`` without its "rerun with --debug" hint when ``--debug`` was given (the
    traceback is printed already)."""
    return _DEBUG_HINT.sub("", message) if _state["debug"] else message


def say(error: LighthouseError) -> None:
    """Print ``error`` as one line on stderr (traceback on --debug)."""
    if _state["debug"]:
        import traceback

        traceback.print_exception(error)
    typer.echo(f"lighthouse-docs: {error.category.lower()}: {_hinted(str(error))}", err=True)


def fail(error: LighthouseError) -> NoReturn:
    """Print ``error`` as one line on stderr and exit with its code (traceback on --debug)."""
    say(error)
    raise typer.Exit(exit_code_for(error))


def _usage_failure(error: ClickUsageError, subcommand: str | None = None) -> NoReturn:
    """Click's usage error (``--bogus``, ``--port 99999``, a missing argument) as the tool's
    one line and exit 2, instead of Click's three lines (usage, hint, "Error: ...")."""
    if isinstance(error, NoArgsIsHelpError):
        raise error  # "lighthouse-docs" alone prints the help
    names: list[str] = []
    ctx = error.ctx
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    if not names and subcommand:  # raised without the command's own context
        names = [subcommand]
    command = " ".join(["lighthouse-docs", *reversed(names)])
    message = error.format_message().rstrip(".")
    fail(UsageError(f"{message[:1].lower()}{message[1:]} (see {command} --help)"))


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"lighthouse-docs {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    """Turn articles into print-ready PDF briefs and EPUB 3 e-books."""
    _state["debug"] = _state["debug"] or debug
    _configure_logging(quiet=False, verbose=False)


def _configure_logging(*, quiet: bool, verbose: bool) -> None:
    """Where library log records (not diagnostics: those are data) go: stderr, at the level
    ``-q``/default/``-v``/``--debug`` ask for."""
    level = (logging.DEBUG if _state["debug"] else logging.ERROR if quiet
             else logging.INFO if verbose else logging.WARNING)
    logging.basicConfig(level=max(level, logging.WARNING), format="%(levelname)s: %(message)s",
                        force=True)
    logging.getLogger("lighthouse_docs").setLevel(level)


def _print_tree(doc_title: str, sections: tuple[object, ...],
                uncertain: dict[int, str] | None = None) -> None:
    from .outline import iter_sections, plain_text

    typer.echo(doc_title)
    for section in iter_sections(sections):  # type: ignore[arg-type]
        indent = "  " * (section.level - 1)
        hint = (uncertain or {}).get(section.line or -1)
        mark = "? " if hint else ""
        tail = f"    [{hint}]" if hint else ""
        typer.echo(f"{indent}{mark}{plain_text(section.heading)}{tail}")


def _print_analysis(analysis: object, *, explain: bool) -> None:
    """Structure-model findings: uncertain text lines, leftovers, and with ``explain`` every
    decision with its confidence and the features that decided it."""
    from .readers import structure
    from .readers.text import fix_hint, uncertain_summary

    assert isinstance(analysis, structure.Analysis)
    names = {"prose": "text", "h2": "H2", "h3": "H3"}
    for d in analysis.decisions:
        if d.label == "prose" and d.uncertain:
            typer.echo(f"? line {d.line}: kept as text: {d.text[:70]!r}    [{fix_hint(d)}]")
    for lo in analysis.leftovers:
        what = {"drop": "dropped (web leftover)", "byline": "byline -> authors",
                "dateline": "dateline -> date"}[lo.kind]
        if lo.kind == "byline" and not structure.author_names(lo.text):
            what = "byline (an editor, not an author)"
        typer.echo(f"- line {lo.line}: {what}: {lo.text[:70]!r}")
    if not explain:
        return
    typer.echo("")
    margins = structure.shipped_model().uncertain_margins
    typer.echo("Decisions (confidence = log-odds margin over the best alternative outline; "
               f"uncertain below {margins['heading']:g} for a heading that could be text, "
               f"{margins['text']:g} for text that could be a heading, "
               f"{margins['level']:g} for section or subsection):")
    for d in analysis.decisions:
        if (d.label == "prose" and d.heading_probability < 0.1
                and not structure.heading_shaped(d.text)):
            continue  # plainly a paragraph: not a heading-shaped line
        margin = "explicit" if d.margin == float("inf") else f"{d.margin:.2f}"
        flag = "?" if d.uncertain else " "
        typer.echo(f"{flag} line {d.line:<4} {names[d.label]:<5} confidence {margin:<8} "
                   f"{d.text[:60]!r}")
        if d.uncertain:
            typer.echo(f"      {uncertain_summary(d)}; {fix_hint(d)}")
        probs = f"p(heading)={d.heading_probability:.2f}"
        if d.section_probability is not None:
            probs += f" p(section)={d.section_probability:.2f}"
        reasons = ", ".join(f"{name} {value:+.2f}" for name, value in d.reasons)
        typer.echo(f"      {probs}; {reasons or 'explicit # line'}")


def _print_key_points(doc: Any) -> None:
    """The brief's key points and, when extracted, every sentence's score (``--key-points``)."""
    from .brief import WEIGHTS, choose_key_points

    choice = choose_key_points(doc)
    origins = {"key_points": "front matter key_points", "summary": "front matter summary",
               "extracted": "extracted", "none": "none"}
    typer.echo(f"Key points ({origins[choice.origin]}):")
    for point in choice.points:
        typer.echo(f"  - {point}")
    if not choice.candidates:
        if choice.origin == "none":
            typer.echo(f"  (none: {choice.words} words of running text, too short to need them)")
        return
    weights = ", ".join(f"{name} {weight:g}" for name, weight in WEIGHTS.items())
    typer.echo("")
    typer.echo(f"Sentences (* chosen; score = {weights}; x = never a key point):")
    for c in choice.candidates:
        flag = "*" if c.chosen else ("x" if c.rejected else " ")
        features = " ".join(f"{name[:4]} {value:.2f}" for name, value in c.features.items())
        why = f"  [{c.rejected}]" if c.rejected else ""
        typer.echo(f"{flag} {c.index + 1:>3} {c.score:.3f}  {features}  {c.text[:80]!r}{why}")


@app.command()
def inspect(
    source: Annotated[Path, typer.Argument(
        help="One article file: .txt, .md, .html or .docx (not a folder).")],
    outline_json: Annotated[bool, typer.Option("--outline-json",
                            help="Print the outline as JSON (the corpus golden format).")] = False,
    model_json: Annotated[bool, typer.Option("--json",
                          help="Print the whole model as JSON.")] = False,
    lang: Annotated[str | None, typer.Option("--lang",
                    help="Language tag to use instead of detecting it.")] = None,
    explain: Annotated[bool, typer.Option("--explain", help=(
        "Plain text: print every heading decision (and every rejected heading-shaped line) "
        "with its level, confidence and the features that decided it."))] = False,
    show_key_points: Annotated[bool, typer.Option("--key-points", help=(
        "Print the key points the brief will show, where they come from and, when extracted, "
        "every sentence's score, features and why a sentence cannot be one."))] = False,
) -> None:
    """Show the outline lighthouse-docs recovers from SOURCE.

    Headings the structure model is unsure of are marked "?" with the one-line fix.

    Example:

        lighthouse-docs inspect sources/korut-rusia.txt --outline-json
        lighthouse-docs inspect sources/korut-rusia.txt --explain
        lighthouse-docs inspect sources/korut-rusia.txt --key-points
    """
    from . import readers
    from .diagnostics import as_diagnostic
    from .limits import Limits, run_limited
    from .outline import to_json, to_outline_json

    if sum((outline_json, model_json, show_key_points)) > 1:
        fail(UsageError("use just one of --outline-json, --json or --key-points"))
    if os.path.isdir(source):  # False when it cannot be looked at: reading it says why
        fail(UsageError(_folder_given(source)))
    try:
        tag = _lang_option(lang)
    except UsageError as error:
        fail(error)

    def parse() -> tuple[Any, Any]:
        if readers.FORMATS_BY_SUFFIX.get(source.suffix.lower()) == "text":
            return readers.load_text_analysis(source, lang=tag)
        return readers.load(source, lang=tag), None

    # Parsed in a child process under the default limits, like a build (lighthouse_docs.limits).
    outcome = run_limited(parse, Limits())
    if outcome.error is not None:
        fail(outcome.error)
    if outcome.value is None:
        if outcome.trace:
            logging.getLogger("lighthouse_docs").debug("%s", outcome.trace)
        fail(InputError(outcome.crash or "internal error", path=source))
    doc, analysis = outcome.value
    from .checks import check_document

    def image_refusal(src: str, folder: Path) -> str | None:
        # The writers' resolver, imported only for a source that has images.
        from .writers.resources import image_refusal as writers_decision

        return writers_decision(src, folder)

    fmt = doc.meta.source.format
    found = [*(as_diagnostic(w, source=str(source), stage="read", format=fmt)
               for w in doc.warnings), *check_document(doc, image_refusal=image_refusal)]
    for item in found:
        typer.echo(diagnostic_line(item), err=True)
    if show_key_points:
        _print_key_points(doc)
    elif outline_json:
        typer.echo(json.dumps(to_outline_json(doc), ensure_ascii=False, indent=2))
    elif model_json:
        typer.echo(json.dumps(to_json(doc), ensure_ascii=False, indent=2))
    else:
        meta = doc.meta
        header = meta.title if not meta.publisher else f"{meta.title}  ({meta.publisher})"
        uncertain: dict[int, str] = {}
        if analysis is not None:
            from .readers.text import fix_hint
            uncertain = {d.line: fix_hint(d) for d in analysis.decisions
                         if d.uncertain and d.label != "prose"}
        _print_tree(f"{header}  [lang={meta.lang}]", doc.sections, uncertain)
        if analysis is not None:
            _print_analysis(analysis, explain=explain)
    if any(item.severity == "error" for item in found):
        # What build would refuse to write: the same exit code as build's failure.
        raise typer.Exit(EXIT_SOURCES_FAILED)


def _folder_given(folder: Path) -> str:
    """Why ``inspect FOLDER`` is refused, naming a few of the articles it holds."""
    from .readers import FORMATS_BY_SUFFIX

    try:
        articles = sorted(p for p in folder.iterdir()
                          if p.suffix.lower() in FORMATS_BY_SUFFIX and p.is_file())
    except OSError:
        articles = []
    examples = ", ".join(_shown(p.resolve()) for p in articles[:3])
    more = f", ... ({len(articles)} articles)" if len(articles) > 3 else ""
    hint = f"; for example {examples}{more}" if articles else ""
    return (f"{_shown(folder.resolve())} is a folder; inspect takes one article file"
            f"{hint} (build and doctor take folders)")


# --------------------------------------------------------------------------- build, init, watch

# Choices are plain strings checked by the tool itself (``--paper`` and ``--names`` through
# the project file's validation): an unknown value is one line naming the accepted ones, exit
# 2, not Typer's pydantic "Value error, ...".
SORTS = ("given", "date")
REPORT_FORMATS = ("json",)

PaperOpt = Annotated[str | None, typer.Option(
    "--paper", metavar="a4|letter", help="Paper size of the PDF: a4 or letter.",
    show_default=False)]
SourcesArg = Annotated[list[str] | None, typer.Argument(
    help="Files, folders or globs. Default: every .txt, .md, .html and .docx in sources/.",
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
StrictOpt = Annotated[bool, typer.Option(
    "--strict", help="Fail a source that has warnings (nothing is written for it).")]


NamesOpt = Annotated[str | None, typer.Option(
    "--names", metavar="source|title", show_default=False,
    help="Output file names: after the source file (default: sources/x.txt -> x.pdf) or "
         "after the document title.")]


@dataclass(frozen=True, slots=True)
class _Choices:
    """The options ``build`` and ``watch`` share, defined once: each field is one option (its
    annotation carries the Typer declaration) and :func:`_shared_options` gives them to both
    commands. None = not given on the command line (the project settings apply)."""

    sources: SourcesArg = None
    pdf: PdfOpt = False
    epub: EpubOpt = False
    html: HtmlOpt = False
    output: OutputOpt = None
    style: StyleOpt = None
    paper: PaperOpt = None
    pdf_variant: VariantOpt = None
    lang: LangOpt = None
    marking: MarkingOpt = None
    key_points: KeyPointsOpt = None
    quiet: QuietOpt = False
    strict: StrictOpt = False
    names: NamesOpt = None


_SHARED = tuple(
    Parameter(f.name, Parameter.KEYWORD_ONLY, default=f.default, annotation=hint)
    for f, hint in zip(fields(_Choices), get_type_hints(_Choices, include_extras=True).values(),
                       strict=True))


def _shared_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give ``command`` the shared build/watch options; it receives them as ``choices``."""
    own = [p.replace(kind=Parameter.KEYWORD_ONLY)
           for p in signature(command, eval_str=True).parameters.values() if p.name != "choices"]

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> None:
        choices = _Choices(**{p.name: kwargs.pop(p.name) for p in _SHARED})
        command(choices=choices, **kwargs)

    parameters = [*_SHARED, *own]
    wrapper.__signature__ = Signature(parameters)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
    return wrapper


def _lang_option(value: str | None) -> str | None:
    """A ``--lang`` value normalised (``en_US`` -> ``en-US``).

    :raises UsageError: not a valid language tag.
    """
    if value is None:
        return None
    from .lang import describe_invalid, normalize_tag

    tag = normalize_tag(value)
    if tag is None:
        raise UsageError(f"--lang: {describe_invalid(value)}")
    return tag


def _settings(choices: _Choices) -> tuple[Path, Settings]:
    """Project root and its settings with the command line applied on top, through the same
    validators as the project file."""
    from .config import apply, load_settings
    from .project import find_root

    try:
        cwd = Path.cwd()
    except OSError:
        raise UsageError("the working folder no longer exists (or cannot be read)") from None
    root = find_root(cwd)
    settings = load_settings(root)
    given: dict[str, object] = {}
    names: dict[str, str] = {}
    wanted = [f for f, on in (("pdf", choices.pdf), ("epub", choices.epub),
                              ("html", choices.html)) if on]
    if wanted:
        given["formats"], names["formats"] = wanted, "--pdf/--epub/--html"
    if choices.output is not None:
        # Relative to the working folder (a project file's output is relative to the root).
        given["output"] = str(choices.output.expanduser().resolve())
    if choices.paper is not None:
        given["paper"] = choices.paper
    for key, value in (("style", choices.style), ("language", choices.lang),
                       ("marking", choices.marking), ("key_points", choices.key_points),
                       ("pdf_variant", choices.pdf_variant),
                       ("output_names", choices.names)):
        if value is not None:
            given[key] = value
    names.update({"output": "--output", "paper": "--paper", "style": "--style",
                  "language": "--lang", "marking": "--marking", "key_points": "--key-points",
                  "pdf_variant": "--pdf-variant", "jobs": "--jobs",
                  "output_names": "--names"})
    return root, apply(settings, given, file=None, names=names)


def _jobs_option(value: str | None) -> int | str | None:
    """``--jobs`` as the project file's ``jobs`` takes it: a whole number or ``auto`` (checked
    by the same validator, so ``--jobs 0`` is the same one-line error as ``jobs = 0``)."""
    if value is None:
        return None
    text = value.strip().lower()
    return int(text) if re.fullmatch(r"[+-]?[0-9]+", text) else text


def _request(choices: _Choices, *, jobs: int | str | None = None, force: bool = False,
             combine: str | None = None, sort: str = "given", time_limit: str | None = None,
             memory_limit: str | None = None, pack_lang: str | None = None) -> BuildRequest:
    from .build import BuildRequest
    from .config import apply
    from .diagnostics import diagnostic
    from .limits import Limits
    from .project import ProjectPaths, Skipped, discover_sources
    from .theme import resolve_theme

    root, settings = _settings(choices)
    given = {key: value for key, value in (("jobs", jobs), ("time_limit", time_limit),
                                           ("memory_limit", memory_limit),
                                           ("pack_language", pack_lang)) if value is not None}
    if given:
        settings = apply(settings, given, names={"jobs": "--jobs", "time_limit": "--time-limit",
                                                 "memory_limit": "--memory-limit",
                                                 "pack_language": "--pack-lang"})
    paths = ProjectPaths.for_root(root, settings)
    skipped: list[Skipped] = []
    files = discover_sources(choices.sources or [], paths, skipped=skipped)
    if not choices.quiet:
        for item in skipped:
            typer.echo(diagnostic_line(diagnostic(item.name, item.reason, code=item.code,
                                                  stage="build")), err=True)
    if combine is not None and not combine.strip():
        raise UsageError("--combine needs a title")
    return BuildRequest(
        sources=files, root=paths.root, output=paths.output, formats=settings.formats,
        theme=resolve_theme(settings.style, paths.root), paper=settings.paper,
        pdf_variant=settings.pdf_variant, lang=settings.lang, marking=settings.marking,
        markings=settings.markings, key_points=settings.key_points, strict=choices.strict,
        presentation=settings.presentation,
        image_max_side=settings.image_max_side, image_dpi=settings.image_dpi,
        force=force, jobs=settings.jobs or os.cpu_count() or 1,
        limits=Limits(seconds=settings.time_limit, memory_mb=settings.memory_limit),
        combine=combine.strip() if combine else None,
        sort="date" if sort == "date" else "given", names=settings.output_names)


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"


def _shown(path: Path) -> str:
    from .project import shown as escaped

    try:
        return escaped(path.relative_to(Path.cwd()).as_posix())
    except (ValueError, OSError):
        return escaped(path)


def diagnostic_line(item: Diagnostic, formats: tuple[str, ...] = ()) -> str:
    """One diagnostic as the terminal shows it: ``path:line: severity: message [code]``
    (:func:`.diagnostics.diagnostic_line`, which ``serve`` shares)."""
    from .diagnostics import diagnostic_line as line

    return line(item, formats)


class _Reporter:
    """A progress bar on a terminal while building; nothing per source otherwise unless -v
    (the summary says what happened, see :func:`_summary`). A
    :class:`~lighthouse_docs.build.BuildListener`."""

    def __init__(self, *, quiet: bool, verbose: bool, console: Console | None = None) -> None:
        self.quiet, self.verbose = quiet, verbose
        self.console = console
        self.progress: Progress | None = None
        self.task: TaskID | None = None
        self.built = 0
        """Sources built (outputs written) so far."""

    @property
    def err(self) -> Console:
        """The Rich console on stderr (made, and Rich imported, when first needed)."""
        if self.console is None:
            from rich.console import Console

            self.console = Console(stderr=True, highlight=False)
        return self.console

    def _on_terminal(self) -> bool:
        # Rich decides; it can only say yes for a TTY or when told to (TTY_COMPATIBLE=1,
        # FORCE_COLOR): otherwise Rich is not imported before the build (~0.02-0.03 s).
        if self.console is None and _plain_stderr():
            return False
        return self.err.is_terminal

    def idle(self) -> None:
        """The build waits for its render processes with a CPU to spare: import Rich for the
        summary now rather than after the last output is written (when the summary needs
        it)."""
        if self.verbose or not _plain_stderr():
            import rich.console  # noqa: F401

    def planned(self, total: int, to_render: int) -> None:
        if not self.quiet and to_render and self._on_terminal():
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self.progress = Progress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                MofNCompleteColumn(), TimeElapsedColumn(), console=self.err, transient=True)
            self.progress.start()
            self.task = self.progress.add_task("building", total=total)

    def _line(self, text: str) -> None:
        if self.progress is not None:
            self.progress.console.print(text, markup=False, soft_wrap=True)
        else:
            typer.echo(text, err=True)

    def finished(self, result: SourceResult) -> None:
        self.built += result.status == "built"
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, advance=1, description=_fit(result.source, 30))
        if self.verbose and result.status == "built":
            outputs = ", ".join(_shown(p) for p in result.outputs)
            pages = f"{result.pages} pages, " if result.pages is not None else ""
            self._line(f"built {result.source} -> {outputs} ({pages}{result.seconds:.1f} s)")
        if result.status == "failed" and _state["debug"] and result.trace:
            self._line(result.trace)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


_UNWRAPPED = 10_000
"""The width the ``-v`` table may take when stderr is not a terminal (it takes what it needs)."""


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else "..." + text[-(width - 3):]


def _table(report: BuildReport) -> Table:
    from rich.table import Table

    table = Table(title=None, show_edge=False, pad_edge=False)
    for column, justify in (("Source", "left"), ("Outputs", "left"), ("Pages", "right"),
                            ("Size", "right"), ("Time", "right"), ("Warn", "right")):
        table.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for r in report.results:
        outputs = "FAILED" if r.status == "failed" else " ".join(p.suffix[1:] for p in r.outputs)
        if r.status == "up to date":
            outputs += " (up to date)"
        table.add_row(r.source, outputs, "" if r.pages is None else str(r.pages),
                      _size(r.size) if r.status == "built" else "",
                      f"{r.seconds:.1f} s" if r.status != "up to date" else "",
                      str(r.counted("warning")))
    return table


def _plain_stderr() -> bool:
    """Whether Rich would write plain text to stderr: no terminal there, and nothing
    (TTY_COMPATIBLE=1, FORCE_COLOR) tells it to act as one."""
    return not (os.environ.get("TTY_COMPATIBLE") == "1" or os.environ.get("FORCE_COLOR")
                or sys.stderr.isatty())


class _PlainLines:
    """Lines to stderr as they are: what the summary's Rich console writes off a terminal,
    without importing Rich (~0.025 s of a no-op build's ~0.18 s)."""

    is_terminal = False

    def print(self, line: str, *, markup: bool = False) -> None:
        typer.echo(line, err=True)


def _summary_console(*, verbose: bool) -> Any:
    if not verbose and _plain_stderr():
        return _PlainLines()
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _summary(report: BuildReport, *, quiet: bool, verbose: bool) -> None:
    """Diagnostics once each, the counts in one line, failures last with their reason.

    ``-q``: only the failures. Default: the diagnostics of what was built or failed now (those
    of up-to-date sources are counted). ``-v``: all of them, and the per-source table. Of each
    kind (code and severity) of problem in one source only the first
    :data:`~lighthouse_docs.diagnostics.SHOWN_PER_KIND` are listed, then one line with how
    many more (``inspect`` and ``--report json`` list them all).
    """
    from .diagnostics import source_lines

    out = _summary_console(verbose=verbose)
    failed = report.failed
    if not quiet:
        severities: tuple[Severity, ...] = (("info", "warning", "error") if verbose
                                            else ("warning", "error"))
        # A failure's own reason is its last line below; everything else once, here.
        for r in report.results:
            if not verbose and r.status == "up to date":
                continue
            own = [d for d in r.diagnostics
                   if not (r.status == "failed" and r.error == f"{d.location()}: {d.message}")]
            for line in source_lines(own, r.omitted, severities=severities):
                out.print(line, markup=False)
        if verbose:
            from rich.console import Console

            # Off a terminal (a log, a pipe) the table is as wide as its longest row: Rich's
            # default of 80 columns would fold source names in two.
            wide = out if out.is_terminal else Console(stderr=True, highlight=False,
                                                       width=_UNWRAPPED)
            wide.print(_table(report))
        warnings = sum(r.counted("warning") for r in report.results)
        stale = sum(r.counted("warning") for r in report.results
                    if r.status == "up to date")
        up_to_date = len(report.results) - len(report.built) - len(failed)
        line = (f"{len(report.built)} built, {up_to_date} up to date, {len(failed)} failed; "
                f"{warnings} warning{'s' if warnings != 1 else ''}")
        if stale and not verbose:
            line += f" ({stale} in up-to-date sources, -v lists them)"
        out.print(line, markup=False)
    if report.stale and not quiet:
        out.print(f"{len(report.stale)} stale output(s) of deleted or renamed sources "
                  "(lighthouse-docs clean removes them):", markup=False)
        for path in report.stale:
            out.print(f"  {_shown(path)}", markup=False)
    for result in failed:
        out.print(f"lighthouse-docs: failed: {_hinted(result.error or '')}", markup=False)


def _report_json(report: BuildReport) -> dict[str, Any]:
    """The ``--report json`` document: every source with its outputs and diagnostics (all of
    them for a source parsed now; for an up-to-date one, what the manifest kept, and in
    ``omitted`` how many of each kind it only counted)."""
    results = report.results
    return {
        "format": 1,
        "ok": report.ok,
        "counts": {
            "sources": len(results), "built": len(report.built),
            "up_to_date": sum(1 for r in results if r.status == "up to date"),
            "failed": len(report.failed),
            "errors": sum(r.counted("error") for r in results),
            "warnings": sum(r.counted("warning") for r in results),
        },
        "sources": [{
            "source": r.source, "status": r.status,
            "outputs": [_shown(p) for p in r.outputs], "pages": r.pages,
            "error": r.error, "diagnostics": [d.to_json() for d in r.diagnostics],
            "omitted": [o.to_json() for o in r.omitted],
        } for r in results],
    }


def _write_report(report: BuildReport, target: Path) -> None:
    text = json.dumps(_report_json(report), ensure_ascii=False, indent=2) + "\n"
    if str(target) == "-":
        typer.echo(text, nl=False)
        return
    from .output import write_atomic

    write_atomic(target.expanduser().resolve(), text.encode("utf-8"))


def _interrupted(what: str) -> NoReturn:
    """Ctrl-C: one line saying what was left as it was, exit 130, no traceback."""
    typer.echo(f"lighthouse-docs: interrupted; {what}", err=True)
    raise typer.Exit(EXIT_INTERRUPTED)


def _run(request: BuildRequest, *, quiet: bool, verbose: bool) -> BuildReport:
    from . import build as build_module

    reporter = _Reporter(quiet=quiet, verbose=verbose)
    try:
        report = build_module.run(request, reporter)
    except KeyboardInterrupt:
        reporter.close()
        # The build commits each source whole between two interrupts (build.run): the
        # sources not counted here kept their outputs as they were.
        _interrupted(f"{reporter.built} source{'s' * (reporter.built != 1)} built before it, "
                     "the others' outputs unchanged" if reporter.built else "outputs unchanged")
    finally:
        reporter.close()
    _summary(report, quiet=quiet, verbose=verbose)
    return report


@app.command()
@_shared_options
def build(
    choices: _Choices,
    jobs: Annotated[str | None, typer.Option(
        "--jobs", "-j", metavar="N|auto",
        help="Worker processes, or auto (as jobs in lighthouse.toml). Default: the number of "
             "CPUs.", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force",
                     help="Rebuild even what is up to date.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v",
                       help="Also list up-to-date sources' warnings and a table of every "
                       "source.")] = False,
    combine: Annotated[str | None, typer.Option(
        "--combine", metavar="TITLE",
        help="Build one combined brief titled TITLE from all sources, in the order given. "
             "Its cover, contents and page labels are in the language of most of its "
             "articles (--pack-lang chooses).")]
    = None,
    sort: Annotated[str, typer.Option(
        "--sort", metavar="given|date",
        help="Order of the sources in a combined brief: as given, or by date.")] = "given",
    pack_lang: Annotated[str | None, typer.Option(
        "--pack-lang", metavar="TAG",
        help="Language of a combined brief's own cover, contents and page labels (as "
             "pack_language in lighthouse.toml); the articles keep theirs. Default: --lang, "
             "else the language of most of its articles.", show_default=False)] = None,
    report: Annotated[tuple[str, Path] | None, typer.Option(
        "--report", metavar="json FILE",
        help="Also write every source's outputs, warnings and errors as JSON to FILE "
        "('-' for standard output).", show_default=False)] = None,
    time_limit: Annotated[str | None, typer.Option(
        "--time-limit", metavar="SECONDS",
        help="Wall-clock limit per source (parse and render), or none. Default: 120.",
        show_default=False)] = None,
    memory_limit: Annotated[str | None, typer.Option(
        "--memory-limit", metavar="MiB",
        help="Memory limit of the process building one source (e.g. 2048 or 2GB), or none. "
             "Default: 2GB.", show_default=False)] = None,
) -> None:
    """Build briefs (PDF and EPUB by default) from SOURCES into the output folder.

    Only sources whose inputs changed are rebuilt (--force rebuilds all).

    Exit status: 0 all built; 1 some sources failed (the others are still written);
    2 usage or configuration error.

    Example:

        lighthouse-docs build

        lighthouse-docs build sources/korut-rusia.txt --pdf --paper letter -o out/

        lighthouse-docs build "sources/*.md" --combine "Weekly brief" --sort date

        lighthouse-docs build --report json build-report.json
    """
    if choices.quiet and verbose:
        fail(UsageError("use just one of --quiet or --verbose"))
    sort = sort.strip().lower()
    if sort not in SORTS:
        fail(UsageError(f"--sort: expected one of {', '.join(SORTS)}, got {sort!r}"))
    if report is not None and report[0].strip().lower() not in REPORT_FORMATS:
        fail(UsageError(f"--report: expected {' or '.join(REPORT_FORMATS)} (--report json "
                        f"FILE), got {report[0]!r}"))
    if sort == "date" and combine is None:
        fail(UsageError("--sort only applies with --combine"))
    if pack_lang is not None and combine is None:
        fail(UsageError("--pack-lang only applies with --combine"))
    _configure_logging(quiet=choices.quiet, verbose=verbose)
    result: BuildReport | None = None
    try:
        request = _request(choices, jobs=_jobs_option(jobs), force=force, combine=combine,
                           sort=sort, time_limit=time_limit, memory_limit=memory_limit,
                           pack_lang=pack_lang)
        result = _run(request, quiet=choices.quiet, verbose=verbose)
        if report is not None:
            _write_report(result, report[1])
    except LighthouseError as error:
        fail(error)
    except KeyboardInterrupt:  # before the build began, or after it (_run: during it)
        _interrupted("outputs unchanged" if result is None else
                     "the build was done, its --report not written")
    if not result.ok:
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
    from .project import scaffold

    try:
        created = scaffold(directory, style_name)
    except LighthouseError as error:
        fail(error)
    for path in created:
        typer.echo(f"created {_shown(path.resolve())}")


@app.command()
def fetch(
    urls: Annotated[list[str], typer.Argument(help="Addresses of article pages (http/https).",
                                              show_default=False)],
    force: Annotated[bool, typer.Option(
        "--force", help="Fetch again a page whose source file already exists.")] = False,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private",
        help="Also fetch from private, loopback and link-local addresses (an intranet).")]
    = False,
    timeout: Annotated[float, typer.Option(
        "--timeout", min=0.1, help="Seconds to wait for any one connect or read.")] = 15.0,
    max_size: Annotated[int, typer.Option(
        "--max-size", min=1, help="Largest page or image to download, in MiB.")] = 10,
    max_redirects: Annotated[int, typer.Option(
        "--max-redirects", min=0, help="Redirects to follow per address.")] = 5,
    quiet: QuietOpt = False,
) -> None:
    """Download article pages once and save them into sources/ for offline builds.

    Each URL becomes sources/NAME.html (the extracted article with its URL, fetch time,
    title, authors, date, site and language in the page head) and its images
    sources/NAME_files/. Builds then read the saved file and never the network.

    Exit status: 0 all fetched; 1 some addresses failed (the others are still saved);
    2 usage error (not an http(s) address, a source that exists without --force).

    Example:

        lighthouse-docs fetch https://example.org/2025/01/article.html

        lighthouse-docs build
    """
    from . import webfetch
    from .config import load_settings
    from .project import ProjectPaths, find_root

    policy = webfetch.Policy(timeout=timeout, max_bytes=max_size * 1024 * 1024,
                             max_redirects=max_redirects, allow_private=allow_private)
    try:
        root = find_root(Path.cwd())
        paths = ProjectPaths.for_root(root, load_settings(root))
        for url in urls:
            try:
                webfetch.check_url(url)
            except webfetch.FetchError as error:
                raise UsageError(str(error)) from None
            target = paths.sources / f"{webfetch.source_name(url)}.html"
            if target.exists() and not force:
                raise UsageError(f"{_shown(target)} exists (fetched before?); use --force to "
                                 f"fetch {url} again")
    except LighthouseError as error:
        fail(error)
    failed = 0
    for url in urls:
        try:
            saved = webfetch.fetch_to(url, paths.sources, policy, force=True)
        except LighthouseError as error:
            failed += 1
            typer.echo(f"lighthouse-docs: failed: {error}", err=True)
            continue
        if not quiet:
            images = f" ({len(saved.images)} images)" if saved.images else ""
            typer.echo(f"fetched {url} -> {_shown(saved.path)}{images}", err=True)
            for warning in saved.warnings:
                typer.echo(f"  warning: {warning}", err=True)
    if failed:
        raise typer.Exit(EXIT_SOURCES_FAILED)


@app.command()
def clean(
    output: OutputOpt = None,
    everything: Annotated[bool, typer.Option(
        "--all", help="Remove every output the manifest records, not only stale ones.")]
    = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n",
                       help="List what would be removed; remove nothing.")] = False,
) -> None:
    """Remove stale outputs: briefs of sources that were deleted, renamed or retitled.

    Only files the output folder's manifest records as written by lighthouse-docs are ever
    deleted; anything else in the folder is left alone.

    Example:

        lighthouse-docs clean --dry-run
    """
    from . import output as output_module
    from .project import ProjectPaths

    try:
        root, settings = _settings(_Choices(output=output))
        folder = ProjectPaths.for_root(root, settings).output
        if dry_run:
            entries = output_module.read_manifest(folder) if folder.is_dir() else {}
            doomed = ([folder / n for e in entries.values() for n in e.get("outputs", [])
                       if (folder / n).is_file()] if everything
                      else output_module.stale_outputs(folder, entries))
            for path in sorted(set(doomed)):
                typer.echo(f"would remove {_shown(path)}")
            if not doomed:
                typer.echo("nothing to remove" + ("" if everything else " (no stale outputs)"),
                           err=True)
            return
        removed = output_module.clean(folder, everything=everything)
    except LighthouseError as error:
        fail(error)
    for path in removed:
        typer.echo(f"removed {_shown(path)}")
    if not removed:
        typer.echo("nothing to remove" + ("" if everything else " (no stale outputs)"),
                   err=True)


@app.command()
def doctor(
    sources: Annotated[list[str] | None, typer.Argument(
        help="Source files, folders or glob patterns. Default: everything in sources/.",
        show_default=False)] = None,
) -> None:
    """Report the scripts (writing systems) of the sources and the fonts the PDF draws them
    with (the style's fonts for each source's language): characters no installed font has
    print as empty boxes.

    Exit status: 0 every character has a font; 1 some have none or a source cannot be
    read; 2 usage or configuration error.

    Example:

        lighthouse-docs doctor

        lighthouse-docs doctor sources/seoul-summit.md
    """
    from . import readers
    from .fonts import (
        document_text,
        install_hint,
        installed_coverage,
        script_report,
        theme_font_stacks,
    )
    from .limits import Limits, run_limited
    from .project import ProjectPaths, discover_sources
    from .theme import resolve_theme

    try:
        root, settings = _settings(_Choices())
        files = discover_sources(sources or [], ProjectPaths.for_root(root, settings))
        theme = resolve_theme(settings.style, root)
    except LighthouseError as error:
        fail(error)
    try:
        # The fonts the PDF draws each source with: the theme's stacks for its language.
        css = theme.read(theme.print_css).decode("utf-8", "replace")
    except LighthouseError as error:
        say(error)  # then the installed fonts with most of each script's characters
        css = ""
    texts: dict[str, str] = {}
    stacks: dict[str, tuple[tuple[str, ...], ...]] = {}
    unreadable = False
    for path in files:
        name = _shown(path)
        outcome = run_limited(functools.partial(readers.load, path, display_path=name),
                              Limits())
        if outcome.value is None:
            unreadable = True
            # An input error names the source already ("x.md: no such file"), once.
            typer.echo(str(outcome.error) if isinstance(outcome.error, InputError)
                       else f"{name}: {outcome.error or outcome.crash}", err=True)
            continue
        texts[name] = document_text(outcome.value)
        stacks[name] = theme_font_stacks(css, settings.lang or outcome.value.meta.lang)
    rows = script_report(texts, installed_coverage(), stacks)
    for row in rows:
        # What the PDF draws the script with; else the installed families with most of it.
        fonts = ", ".join(row.drawn) if row.drawn else \
            ", ".join(row.families[:2]) + (" ..." if len(row.families) > 2 else "")
        if row.missing:
            fonts = (f"NO FONT for {len(row.missing)} ({' '.join(row.missing[:8])}); "
                     f"{install_hint(row.code)}")
        users = f"{len(row.sources)} source{'s' if len(row.sources) > 1 else ''}"
        typer.echo(f"{row.name:<12} {users:<11} {row.characters:>5} characters  "
                   f"{fonts or '-'}")
    lacking = [row for row in rows if row.missing]
    for row in lacking:
        typer.echo(f"no font for {len(row.missing)} {row.name} characters in "
                   f"{', '.join(row.sources)}", err=True)
    if lacking or unreadable:
        raise typer.Exit(EXIT_SOURCES_FAILED)


class _NotOutput:
    """The watch filter of ``watch`` and ``serve``: watchfiles' default filter, and never the
    output folder, so writing outputs does not trigger a rebuild even when the output folder
    sits inside sources/ (``watch --html -o sources/preview``)."""

    def __init__(self) -> None:
        import watchfiles

        self._default = watchfiles.DefaultFilter()
        self._output: Path | None = None

    @property
    def output(self) -> Path | None:
        """The output folder of the current build (resolved); None before the first."""
        return self._output

    @output.setter
    def output(self, folder: Path) -> None:
        self._output = Path(os.path.realpath(folder))

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        real = Path(os.path.realpath(path))
        output = self._output
        return self._default(change, path) and not (
            output is not None and (real == output or real.is_relative_to(output)))


def _changes(watched: list[Path], **options: Any) -> Iterator[set[tuple[Any, str]]]:
    """``watchfiles.watch`` (a first empty yield once the watcher is live; Ctrl-C raises),
    restarted when the watcher meets a file name it cannot decode (a name that is not UTF-8
    stops watchfiles' Rust side): said once, and the restart counts as a change, so a save
    made meanwhile is not missed."""
    import watchfiles

    warned = False
    while True:
        try:
            yield from watchfiles.watch(*watched, yield_on_timeout=True, raise_interrupt=True,
                                        **options)
            return
        except RuntimeError as error:
            if "decode path" not in str(error):
                raise
            if not warned:
                typer.echo(f"warning: a file name that is not UTF-8 cannot be watched ({error})",
                           err=True)
                warned = True
            yield {(watchfiles.Change.modified, "")}


def _watched(request: BuildRequest, sources: list[str] | None, root: Path) -> list[Path]:
    from .config import config_file
    from .project import SOURCES_DIR

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
@_shared_options
def watch(
    choices: _Choices,
    debounce: Annotated[int, typer.Option(
        "--debounce", min=0, help="Milliseconds to wait for more saves before rebuilding.")]
    = 300,
) -> None:
    """Build, then rebuild what changed on every save, until Ctrl-C.

    Sources, the style folder and lighthouse.toml are watched. Rendering happens in this
    process, so a rebuild starts warm.

    Example:

        lighthouse-docs watch --pdf
    """

    _configure_logging(quiet=choices.quiet, verbose=False)
    wanted = _NotOutput()
    shown: dict[Path, str] = {}  # how the banner names a watched path
    stale_seen: set[Path] = set()  # stale outputs already listed

    # Sources of the last build; emptied once a build before the watcher went live built or
    # failed anything (it said so itself).
    current: list[int] = []
    fresh = [True]

    def build_once() -> list[Path]:
        request = _request(choices, jobs=1)
        wanted.output = request.output
        report = _run_watch(request, quiet=choices.quiet, stale_seen=stale_seen)
        fresh[0] = fresh[0] and bool(report.results) and all(
            r.status == "up to date" for r in report.results)
        current[:] = [len(request.sources)] if fresh[0] else []
        paths = _watched(request, choices.sources, request.root)
        theme = request.theme
        if not theme.root.resolve().is_relative_to(request.root.resolve()):
            # A packaged style: its path is the tool's install folder, not the user's.
            shown[theme.root] = f"the {theme.name} style"
        return paths

    def rebuild() -> list[Path] | None:
        try:
            return build_once()
        except LighthouseError as error:  # broken while watching: said, fixed by a save
            fresh[0] = False
            current.clear()
            say(error)
            return None

    try:
        # What build would refuse (no sources/ folder, a bad option or project file) ends
        # watch the same way, with the same one line and exit code, before anything is
        # watched: there is nothing to watch yet, and watching the project root instead
        # (perhaps $HOME) looped on any log written there.
        try:
            watched = build_once()
        except LighthouseError as error:
            fail(error)
        announced = False
        # yield_on_timeout: the first (empty) yield means the watcher is live; saves made
        # between the first build and that moment are caught by one more incremental build.
        for changes in _changes(watched, watch_filter=wanted, debounce=debounce, step=50,
                                rust_timeout=500):
            if changes or not announced:
                watched = rebuild() or watched
            if not announced and not choices.quiet:
                names = [*(_shown(p) for p in watched if p not in shown),
                         *(shown[p] for p in watched if p in shown)]
                # Trial 4 (F15): when every output was already current, nothing else says so.
                # A line of its own: scripts wait for the line starting "watching".
                for n in current:
                    typer.echo(f"up to date: {n} source{'s' * (n != 1)}", err=True)
                typer.echo(f"watching {', '.join(names)} (Ctrl-C to stop)", err=True)
            announced = True
    except KeyboardInterrupt:
        if not choices.quiet:
            typer.echo("stopped", err=True)
    raise typer.Exit(EXIT_OK)


@app.command()
@_shared_options
def serve(
    choices: _Choices,
    port: Annotated[int, typer.Option(
        "--port", "-p", min=0, max=65535,
        help="Port on 127.0.0.1 to serve the preview on (0: any free port).")] = 8000,
    debounce: Annotated[int, typer.Option(
        "--debounce", min=0, help="Milliseconds to wait for more saves before rebuilding.")]
    = 50,
) -> None:
    """Preview briefs in the browser, rebuilt and reloaded on every save, until Ctrl-C.

    Serves on 127.0.0.1 only: an index of the briefs and, per brief, its text with the
    print stylesheet (shown as soon as a save is parsed), the pages of its PDF as images,
    and links to the current PDF and EPUB. Sources, the style folder and lighthouse.toml are
    watched, and rebuilt as by watch; a source that fails shows its error in the page.

    Example:

        lighthouse-docs serve --port 8000
    """

    from . import serve as preview

    _configure_logging(quiet=choices.quiet, verbose=False)
    wanted = _NotOutput()

    try:
        request = _request(choices, jobs=1)
    except LighthouseError as error:
        fail(error)
    state = preview.PreviewState(output=request.output)

    def rebuild(*, first: bool) -> None:
        try:
            current = _request(choices, jobs=1)
        except LighthouseError as error:
            say(error)
            state.change(problem=f"{error.category}: {error}")
            return
        wanted.output = current.output
        state.change(problem=None, output=current.output)
        if first:
            preview.seed(state, current)  # the outputs already built, shown at once
        preview.refresh(state, current, force=first)
        try:
            report = _run_watch(current, quiet=choices.quiet)
        except LighthouseError as error:
            say(error)
            state.change(problem=f"{error.category}: {error}")
        else:
            preview.record(state, current, report.results)

    try:
        with preview.serving(state, port, paper=request.paper) as url:
            typer.echo(f"serving the preview at {url} (Ctrl-C to stop)", err=True)
            wanted.output = request.output
            watched = _watched(request, choices.sources, request.root)
            first = True
            # yield_on_timeout: the first (empty) yield means the watcher is live; the first
            # build runs then, so no save made during it is missed.
            for changes in _changes(watched, watch_filter=wanted, debounce=debounce, step=20,
                                    rust_timeout=300):
                if changes or first:
                    rebuild(first=first)
                    first = False
    except KeyboardInterrupt:
        typer.echo("stopped", err=True)
    except OSError as error:
        fail(UsageError(f"cannot serve on 127.0.0.1:{port} ({error.strerror or error}); "
                        "choose another --port"))
    raise typer.Exit(EXIT_OK)


def _run_watch(request: BuildRequest, *, quiet: bool,
               stale_seen: set[Path] | None = None) -> BuildReport:
    # In watch mode only what happens is interesting: what was built or failed now, and its
    # diagnostics; no table, no progress bar, nothing about up-to-date sources. With
    # ``stale_seen`` (watch), outputs that became stale (a source renamed or deleted) are
    # listed once each, as build lists them.
    from rich.console import Console

    from . import build as build_module
    from .render import warm_templates

    # A long-lived process: templates loaded here once are inherited by every process a
    # rebuild forks (one article's print HTML is rendered where it is parsed).
    warm_templates()
    reporter = _Reporter(quiet=quiet, verbose=False,
                         console=Console(stderr=True, highlight=False, force_terminal=False))
    try:
        report = build_module.run(request, reporter)
    finally:
        reporter.close()
    new_stale: tuple[Path, ...] = ()
    if stale_seen is not None:
        new_stale = tuple(p for p in report.stale if p not in stale_seen)
        stale_seen.clear()
        stale_seen.update(report.stale)
    changed = build_module.BuildReport(
        tuple(r for r in report.results if r.status != "up to date"), stale=new_stale)
    for result in () if quiet else changed.built:  # -q: only the failures
        typer.echo(f"built {result.source} -> "
                   f"{', '.join(_shown(p) for p in result.outputs)}", err=True)
    if changed.results or new_stale:
        _summary(changed, quiet=quiet, verbose=False)
    return report


def main() -> NoReturn:
    """Console-script entry point (and ``python -m lighthouse_docs``): run the command, then
    end the process without the interpreter's teardown.

    Tearing down a process that imported WeasyPrint (freeing every module and object one by
    one) takes 0.1-0.15 s after the work is done. What a normal exit would still do that
    matters runs first: the ``atexit`` functions (logging's flush; the PDF writer's removal of
    WeasyPrint's temporary font folder, :mod:`.writers.pdf`), then stdout and stderr are
    flushed. Outputs are already written and synced (:mod:`.output`). A process with another
    non-daemon thread still running, or an exit that is not a plain code, exits as usual.

    To run the command line inside another Python program, call :data:`app` (it raises
    ``SystemExit`` with the exit code); this function never returns to its caller.
    """
    try:
        app()
    except SystemExit as exit:
        code = exit.code
    else:  # pragma: no cover  (Typer's standalone mode always raises SystemExit)
        code = EXIT_OK
    _end_process(code)


def _end_process(code: object) -> NoReturn:
    import threading

    others = [t for t in threading.enumerate()
              if t is not threading.current_thread() and not t.daemon and t.is_alive()]
    if (code is not None and not isinstance(code, int)) or others:
        raise SystemExit(code)  # a message to print, or threads to wait for
    import atexit

    atexit._run_exitfuncs()
    status = code or EXIT_OK
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # a closed pipe (``| head``) met only at the last flush
            status = status or EXIT_BROKEN_PIPE
        except (OSError, ValueError):  # as Python reports a failed flush at exit
            status = status or 120
    os._exit(status)


if __name__ == "__main__":
    main()
