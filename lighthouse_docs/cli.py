"""The command line: the only module that prints and knows exit codes.

Exit codes: 0 all went well; 1 some sources failed (the others were still done);
2 usage or configuration error.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from . import __version__
from .errors import ConfigError, InputError, LighthouseError, UsageError

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
    model_json: Annotated[bool, typer.Option("--json", help="Print the whole model as JSON.")] = False,
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


def main() -> NoReturn:
    """Console-script entry point."""
    sys.exit(app())
