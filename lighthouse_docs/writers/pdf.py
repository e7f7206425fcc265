"""The print-ready PDF: print HTML (``render.print``) -> WeasyPrint -> bytes.

Per process, the parsed theme stylesheets, the ``@font-face`` fonts and the font configuration
are built once and reused by every build (WeasyPrint's own cost is the layout; parsing CSS and
loading fonts again for each document would add to it). Each build gets its own
:class:`~lighthouse_docs.writers.fetch.ConfinedURLFetcher`, so what one source may read never
leaks into another, and WeasyPrint's log records of the build are collected as warnings.

Reproducibility: creation and modification dates come from ``RenderOptions.modified`` and the
file identifier is derived from the content, so the same input gives the same bytes.
The marking (if any) goes into the /Subject (as a ``[MARKING]`` prefix) and a custom
``/marking`` entry of the document information dictionary (WeasyPrint lower-cases names). On
the pages it does not depend on the theme: a theme whose print.css places ``string(marking)``
in a margin box of every page (a plain ``@page`` rule, as the default theme does) shows it its
own way; any other theme gets the built-in band of ``templates/print/marking.css``, appended
after it.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import logging
import os
import posixpath
import re
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import RenderError, ResourceError
from ..images import ImageRefused, fit, looks_like_svg, print_box, vet
from ..model import Document, Pack
from ..render import RenderOptions
from ..render.print import font_face_css
from ..theme import PACKAGE_DIR, Theme
from . import Output
from ._weasyprint import CSS, HTML, VARIANTS, FontConfiguration, URLFetcherResponse, boxes
from .fetch import REFUSED, ConfinedURLFetcher, ResourceRefused
from .print_input import (
    COMPACT_MAX_PAGES,
    COMPACT_MAX_WORDS,
    LONG_MARKING,
    LayoutPlan,
    PrintInput,
    places_marking,
    plan_for,
    print_input,
    theme_places_marking,
)
from .resources import allowed_roots, describe, font_dirs

__all__ = ["COMPACT_MAX_PAGES", "COMPACT_MAX_WORDS", "LONG_MARKING", "LayoutPlan",
           "PrintInput", "build_pdf", "build_pdf_beside", "html_to_pdf", "places_marking",
           "plan_for"]

PAPER_CSS = {"a4": "@page { size: A4; } @page landscape { size: A4 landscape; }",
             "letter": "@page { size: letter; } @page landscape { size: letter landscape; }"}
"""Paper size per choice; the ``landscape`` named page carries tables too wide for portrait."""
TAGGED_VARIANTS = frozenset({"pdf/ua-1", "pdf/ua-2", "pdf/a-1a", "pdf/a-2a", "pdf/a-3a"})

_WEASYPRINT_LOGGER = logging.getLogger("weasyprint")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    """The process-wide font configuration every stylesheet and document shares.

    WeasyPrint copies the theme's ``@font-face`` files into a ``weasyprint-*`` temporary
    folder that the configuration's ``__del__`` removes; that also happens at exit
    (:func:`_remove_font_folder`), so that a process ending without the interpreter's
    teardown (the console script, ``cli.main``) leaves nothing behind. Render processes
    forked from this one end with ``os._exit`` (:mod:`lighthouse_docs.limits`): they run
    neither, and never remove the folder their parent still uses.
    """
    config = FontConfiguration()
    atexit.register(_remove_font_folder, config, os.getpid())
    return config


def _remove_font_folder(config: FontConfiguration, owner: int) -> None:
    folder = getattr(config, "_folder", None)  # WeasyPrint's own attribute (its __del__)
    if folder is not None and os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True, slots=True)
class _Sheets:
    sheets: tuple[Any, ...]
    warnings: tuple[str, ...]


@lru_cache(maxsize=1)
def _marking_sheet() -> Any:
    from ..render import environment

    css = environment().get_template("print/marking.css").render()
    return CSS(string=css, font_config=font_config())


@lru_cache(maxsize=16)
def _stylesheets(theme_root: Path, css_text: str, paper: str) -> _Sheets:
    # The stylesheet's text is part of the key so that an edited theme is picked up (watch).
    fetcher = ConfinedURLFetcher((theme_root, PACKAGE_DIR, *font_dirs()))
    config = font_config()
    with _collect_logs() as logged:
        fonts = CSS(string=font_face_css(), font_config=config, url_fetcher=fetcher)
        theme = CSS(string=css_text, base_url=theme_root.as_uri() + "/", font_config=config,
                    url_fetcher=fetcher)
        size = CSS(string=PAPER_CSS[paper], font_config=config, url_fetcher=fetcher)
    if fetcher.warnings:
        # A theme's own @import or @font-face leading out of its folder (a symlink to
        # /proc/self/environ, ../secret.css) is a broken theme: an error naming the file.
        raise ResourceError(f"theme {theme_root / 'print.css'}: {fetcher.warnings[0]}")
    return _Sheets((fonts, theme, size), tuple(_without_refusals(logged)))


def _theme_sheets(theme: Theme, paper: str) -> _Sheets:
    try:
        css_text = theme.read(theme.print_css).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RenderError(f"theme stylesheet {theme.print_css} is not UTF-8") from exc
    if paper not in PAPER_CSS:
        raise RenderError(f"unknown paper size {paper!r} (use a4 or letter)")
    return _stylesheets(theme.root, css_text, paper)


def stylesheets(theme: Theme, paper: str) -> tuple[tuple[Any, ...], tuple[str, ...]]:
    """The parsed stylesheets for ``theme`` on ``paper`` (cached) and their warnings."""
    cached = _theme_sheets(theme, paper)
    return cached.sheets, cached.warnings


def needs_marking_band(theme: Theme, paper: str = "a4") -> bool:
    """Whether a marked document printed with ``theme`` needs the built-in marking band (the
    theme does not place the marking on every page itself)."""
    _theme_sheets(theme, paper)  # a broken theme or paper is an error here too
    return not theme_places_marking(theme)


def warm(options: RenderOptions, langs: Sequence[str] = ()) -> None:
    """Parse the theme's stylesheets, load the fonts and the hyphenation dictionaries of
    ``langs`` in this process, so that the render processes forked from it
    (:mod:`lighthouse_docs.limits`) start with them. A broken theme is reported by each
    source's own rendering, not here."""
    with contextlib.suppress(RenderError, ResourceError):
        stylesheets(options.theme, options.paper)
    from . import _hyphenation

    for lang in langs:
        _hyphenation.load(lang)  # into pyphen's own cache, where WeasyPrint looks


def warm_up(options: RenderOptions, sample: Document) -> None:
    """Lay out and write ``sample`` (:func:`lighthouse_docs.warmup.sample_document`) and drop
    the PDF: the render processes forked after this start with what WeasyPrint loads on its
    first document (fonts in Pango, C types, the subsetter)."""
    build_pdf(sample, options)


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _collect_logs() -> Iterator[list[str]]:
    """Collect WeasyPrint's warnings and errors of one build instead of printing them.

    The lock serialises builds in one process: WeasyPrint's logger is global, and the records
    of two simultaneous builds must not mix.
    """
    handler = _ListHandler()
    with _lock:
        propagate = _WEASYPRINT_LOGGER.propagate
        _WEASYPRINT_LOGGER.addHandler(handler)
        _WEASYPRINT_LOGGER.propagate = False
        try:
            yield handler.messages
        finally:
            _WEASYPRINT_LOGGER.removeHandler(handler)
            _WEASYPRINT_LOGGER.propagate = propagate


_NOTDEF = re.compile(r'\.notdef glyph rendered for Unicode string unsupported by fonts: "(.*)"',
                     re.DOTALL)


def _without_refusals(messages: list[str]) -> list[str]:
    # The fetcher already reported each refusal in its own words; characters without a font
    # (one WeasyPrint message per string) are reported by the build's glyph check, once per
    # script (lighthouse_docs.checks.glyphs), from the same fonts.
    return [f"weasyprint: {m}" for m in messages if REFUSED not in m and not _NOTDEF.search(m)]


_VIRTUAL_ROOT = "/lighthouse-docs"
SOURCE_URL = f"file://{_VIRTUAL_ROOT}/source/"
"""The base URL WeasyPrint is given for an article's folder. WeasyPrint names image objects
after the md5 of their URL: a location-free base keeps the PDF the same bytes wherever the
project lies (and no absolute path of the author's machine ends up in it)."""
_RASTER_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF", b"II*\x00", b"MM\x00*",
                 b"BM", b"\x00\x00\x01\x00")


class _ArticleFetcher(ConfinedURLFetcher):
    """The confined fetcher seen through :data:`SOURCE_URL`, vetting every image
    (:func:`lighthouse_docs.images.vet`) before WeasyPrint decodes or draws it, and
    downscaling it to ``box`` pixels (:func:`lighthouse_docs.images.fit`)."""

    def __init__(self, roots: Sequence[Path], source_dir: Path,
                 box: tuple[int, int] = print_box()) -> None:
        super().__init__(roots)
        self.source_dir = source_dir.resolve()
        self.box = box

    def real_url(self, url: str) -> str:
        """``url`` with the location-free base replaced by the article's real folder."""
        parts = urlsplit(url)
        path = unquote(parts.path)
        if parts.scheme.lower() != "file" or not (
                path == _VIRTUAL_ROOT or path.startswith(_VIRTUAL_ROOT + "/")):
            return url
        relative = posixpath.relpath(path, f"{_VIRTUAL_ROOT}/source")
        return Path(os.path.normpath(self.source_dir / relative)).as_uri()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        real = self.real_url(url)
        folder = self.source_dir.as_uri() + "/"
        shown = unquote(real[len(folder):]) if real.startswith(folder) else real
        response = super().fetch(real, headers)
        try:
            data = response.read()
            mime = response.headers.get_content_type()
        finally:
            response.close()
        if not (mime.startswith("image/") or data.startswith(_RASTER_MAGIC)
                or looks_like_svg(data)):
            return URLFetcherResponse(url, data, {"Content-Type": mime})
        try:
            image = fit(vet(data), self.box)
        except ImageRefused as error:
            message = f"refused resource {describe(shown)}: {error}"
            if message not in self.warnings:
                self.warnings.append(message)
            raise ResourceRefused(f"{REFUSED}: {message}") from None
        for note in image.notes:
            message = f"image {describe(shown)}: {note}"
            if message not in self.warnings:
                self.warnings.append(message)
        return URLFetcherResponse(url, image.data, {"Content-Type": image.media_type})


def pdf_options(variant: str | None, identifier: bytes) -> dict[str, Any]:
    """WeasyPrint options for ``variant`` (None = plain PDF), with a fixed file identifier."""
    options: dict[str, Any] = {"pdf_identifier": identifier, "custom_metadata": True}
    if variant is not None:
        if variant not in VARIANTS:
            raise RenderError(f"unknown PDF variant {variant!r}; choose one of "
                              f"{', '.join(sorted(VARIANTS))}")
        options.update(VARIANTS[variant][1])
        options["pdf_variant"] = variant
        # WeasyPrint only fills variant defaults for options left at None, and pdf_tags
        # defaults to False: ask for tags explicitly for the tagged variants.
        options["pdf_tags"] = variant in TAGGED_VARIANTS
        options["pdf_identifier"] = identifier
    return options


MIN_END_LINES = 4
"""Fewest lines of text on the last page of a brief (or of a part of a combined brief)."""
COMPACT_CSS = ".toc { display: none; } .front { break-after: auto; } " \
              ".key-points { margin-bottom: 8mm; }"
"""No contents page: the key points open the text's first page."""
BANDED_CSS = ".front, main { page: banded; }"
TIGHT_CSS = ("html { line-height: 14pt; } p { margin-bottom: 4pt; } "
             "main h2, main .heading-2 { margin-top: 15pt; } "
             "main h3, main .heading-3 { margin-top: 10pt; } .standfirst { margin-bottom: 10pt; }")
"""Slightly tighter leading and spacing, to pull a short last page back onto the one before."""
REBALANCE_CSS = "main p, main li, .notes p { widows: 4; orphans: 3; }"
"""More lines onto a short last page, from the page before."""
_ENDS = (".section > :nth-last-child(-n+{n}), main > p:nth-last-child(-n+{n}), "
         ".part > p:nth-last-child(-n+{n}), .notes {{ break-before: avoid; }}")
KEEP_END_CSS = (REBALANCE_CSS + " " + _ENDS.format(n=1),
                REBALANCE_CSS + " " + _ENDS.format(n=3))
"""...and when the last blocks are themselves shorter than that (a closing line before the
notes), the last block, then the last three, go over with the lines of the one before."""


def _body_lines(page: Any) -> tuple[int, int]:
    """Lines of text on ``page`` and lines of notes (the endnotes section, the footnote area);
    the running head and footer left out."""
    text = notes = 0
    stack = [(child, False) for child in page._page_box.children
             if not isinstance(child, boxes.MarginBox)]
    while stack:
        box, in_notes = stack.pop()
        element = getattr(box, "element", None)
        in_notes = in_notes or isinstance(box, boxes.FootnoteAreaBox) or (
            element is not None and "notes" in (element.get("class") or "").split())
        if isinstance(box, boxes.LineBox):
            if in_notes:
                notes += 1
            else:
                text += 1
        stack.extend((child, in_notes) for child in getattr(box, "children", ()))
    return text, notes


def _starts_part(page: Any) -> bool:
    for child in page._page_box.children:
        if isinstance(child, boxes.MarginBox):
            continue
        for box in child.descendants():
            element = getattr(box, "element", None)
            if element is not None and "part-head" in (element.get("class") or "").split():
                return True
    return False


def short_ends(document: Any) -> int:
    """Pages that end a brief or a part of a combined brief with fewer than
    :data:`MIN_END_LINES` lines of text; notes are not counted, so a page holding only notes
    is short (a page of only a figure or a table has no lines to count and is not, nor is a
    page that follows one of another size: its lines cannot go back onto a landscape page)."""
    pages = document.pages
    ends = [i for i in range(2, len(pages)) if i == len(pages) - 1 or _starts_part(pages[i + 1])]
    short = 0
    for i in ends:
        if pages[i].width != pages[i - 1].width:
            continue  # the text after a landscape table: no stylesheet pulls it across the turn
        text, notes = _body_lines(pages[i])
        short += bool(text or notes) and text < MIN_END_LINES
    return short


def html_to_pdf(html: str, options: RenderOptions,
                source_dirs: Sequence[Path] | None = None, *, marking_band: bool = False,
                plan: LayoutPlan | None = None, beside: bool = False) -> Output:
    """Lay out the final print ``html`` of a source in ``options.base_dir`` with WeasyPrint.

    Layout rules no stylesheet can express are applied by laying out again with a small
    extra stylesheet (at most six layouts, mostly one): a ``plan.compact`` brief whose text
    fits on :data:`COMPACT_MAX_PAGES` pages after the cover is set so, without contents; a
    brief or a part ending on a page with fewer than :data:`MIN_END_LINES` lines of text (its
    notes not counted: a page of notes alone is short) is tightened (:data:`TIGHT_CSS`) or,
    failing that, rebalanced (:data:`REBALANCE_CSS`, then :data:`KEEP_END_CSS`); a
    ``plan.banded`` (long) marking gets bands of its own.

    :param source_dirs: the folders WeasyPrint may read article files from (default: just
        ``options.base_dir``); the theme, the package data and the fonts are always allowed.
    :param marking_band: append the built-in marking band after the theme (the HTML was
        rendered with ``marking_band=True``).
    :param beside: a CPU is spare beside this process (:func:`build_pdf_beside`): a
        ``plan.compact`` brief has its full layout made in a process of its own while this
        one tries the compact one, instead of after it, if no other work is waiting for the
        CPUs right then (:func:`cpu_to_spare`). The same PDF either way.
    :raises RenderError: the theme is unreadable or WeasyPrint fails on the document.
    """
    sheets, sheet_warnings = stylesheets(options.theme, options.paper)
    if marking_band:
        sheets = (*sheets, _marking_sheet())
    roots = allowed_roots(options.base_dir, options.theme)
    if source_dirs is not None:
        roots = (*(d.resolve() for d in source_dirs), *roots[1:])
    fetcher = _ArticleFetcher(roots, options.base_dir, print_box(options.image_dpi))
    identifier = hashlib.sha256(
        html.encode("utf-8") + str(options.pdf_variant).encode()).hexdigest()[:32].encode()
    wp_options = pdf_options(options.pdf_variant, identifier)
    plan = plan or LayoutPlan()
    fix_ends = plan.fix_ends

    def lay_out(*extra: str) -> tuple[Any, list[str]]:
        added = [_extra_sheet(css) for css in extra if css]
        with _collect_logs() as logged:
            try:
                document = HTML(string=html, base_url=SOURCE_URL, url_fetcher=fetcher).render(
                    stylesheets=[*sheets, *added], font_config=font_config(), **wp_options)
            except (OSError, ValueError, AssertionError) as exc:
                raise RenderError(f"WeasyPrint could not lay out the document: {exc}") from exc
        return document, logged

    def finish(document: Any, logged: list[str], used: str) -> Output:
        """``document`` with its short ends fixed, written."""
        short = short_ends(document) if fix_ends else 0
        for fix in (TIGHT_CSS, REBALANCE_CSS, *KEEP_END_CSS) if short else ():
            again, again_logged = lay_out(used, fix)
            if short_ends(again) < short or len(again.pages) < len(document.pages):
                document, logged = again, again_logged
                break
        with _collect_logs() as written:
            try:
                data = document.write_pdf(**wp_options)
            except (OSError, ValueError, AssertionError) as exc:
                raise RenderError(f"WeasyPrint could not write the document: {exc}") from exc
        warnings = (*sheet_warnings, *fetcher.warnings,
                    *_without_refusals([*logged, *written]))
        return Output(data=bytes(data), warnings=tuple(dict.fromkeys(warnings)),
                      pages=len(document.pages))

    def full() -> Output:
        return finish(*lay_out(base), base)

    base = BANDED_CSS if plan.banded and not marking_band else ""
    if not plan.compact:
        return full()
    if beside and cpu_to_spare():
        return _compact_beside(lambda: lay_out(base, COMPACT_CSS), full, finish,
                               base + COMPACT_CSS, (sheet_warnings, fetcher.warnings))
    document, logged = lay_out(base, COMPACT_CSS)
    if len(document.pages) > 1 + COMPACT_MAX_PAGES:
        return full()
    return finish(document, logged, base + COMPACT_CSS)


LOADAVG = Path("/proc/loadavg")


def cpu_to_spare(loadavg: Path = LOADAVG) -> bool:
    """Whether a second process would get a CPU of its own now: no more tasks are runnable on
    the machine (the fourth field of ``/proc/loadavg``, this process and the build's other
    renderer included) than the CPUs this process may run on. A second process on a machine
    whose CPUs are all taken only adds CPU time (its first layout loads the fonts again).
    Without ``/proc``: yes."""
    try:
        runnable = int(loadavg.read_text(encoding="ascii").split()[3].partition("/")[0])
        cpus = len(os.sched_getaffinity(0))
    except (OSError, ValueError, IndexError, AttributeError):
        return True
    return runnable <= cpus


def _compact_beside(compact: Callable[[], tuple[Any, list[str]]], full: Callable[[], Output],
                    finish: Callable[[Any, list[str], str], Output], used: str,
                    seen: tuple[Sequence[str], Sequence[str]]) -> Output:
    """The compact layout tried here while ``full`` runs in a limited process of its own
    (:mod:`lighthouse_docs.limits`; forked from this one, it starts as warm): the compact one
    when it fits (the other process is killed), else the full one, as :func:`html_to_pdf`
    lays them out one after the other. Its warnings are those of both layouts, as they
    would be in one process (``seen``: the stylesheets' and this process's fetcher's, which
    come first); a full layout that fails fails the same way here."""
    from ..limits import LimitedPool, LimitExceeded, Limits

    # The process's own memory limit (RLIMIT_AS) is inherited; the build's wall-clock
    # limit ends this process, and the other with it (it dies with its parent).
    pool = LimitedPool[int, Output](Limits(seconds=None, memory_mb=None))
    try:
        pool.submit(0, full)
        pool.start()
        document, logged = compact()
        fits = len(document.pages) <= 1 + COMPACT_MAX_PAGES
        outcomes = [] if fits else list(pool.results())
    finally:
        pool.close()  # kills the full layout when the compact one is taken
    if fits:
        return finish(document, logged, used)
    [(_, outcome)] = outcomes
    if isinstance(outcome.error, LimitExceeded):
        raise MemoryError  # over this process's memory limit: reported as the build's
    if outcome.error is not None:
        raise outcome.error
    if outcome.value is None:  # the process died (a crash): lay it out here, as before
        return full()
    found = outcome.value
    return Output(data=found.data, pages=found.pages,
                  warnings=tuple(dict.fromkeys((*seen[0], *seen[1], *found.warnings))))


@lru_cache(maxsize=8)
def _extra_sheet(css: str) -> Any:
    return CSS(string=css, font_config=font_config())


def build_pdf(subject: Document | Pack | PrintInput, options: RenderOptions, *,
              beside: bool = False) -> Output:
    """The print-ready PDF of a brief, or of a combined brief (one part per article, one
    contents, one outline); ``subject`` may also be its :func:`.print_input.print_input`
    prepared ahead (in another process: a single-article build prepares it where the source
    was parsed, while WeasyPrint is imported here).

    Each article's relative images resolve against its own source folder, and nothing outside
    the articles' folders is read. Warnings are this writer's own (refused resources,
    layout); the reader's stay on the documents. ``beside``: see :func:`build_pdf_beside`.
    """
    from . import _hyphenation

    ready = subject if isinstance(subject, PrintInput) else print_input(subject, options)
    for lang in ready.langs:
        _hyphenation.load(lang)  # parsed once per machine, not once per process
    out = html_to_pdf(ready.html, options, source_dirs=ready.source_dirs,
                      marking_band=ready.marking_band, plan=ready.plan, beside=beside)
    return Output(data=out.data, warnings=tuple(dict.fromkeys((*ready.warnings, *out.warnings))),
                  pages=out.pages)


def build_pdf_beside(subject: Document | Pack | PrintInput, options: RenderOptions) -> Output:
    """:func:`build_pdf` for a process with a CPU to spare beside it (one article's formats
    rendered side by side, ``build.BESIDE``): a short brief that may fit the compact layout
    (``LayoutPlan.compact``: short, and not sure not to fit, :mod:`.fit`) has it tried while
    its full layout is made in a second process, not after it (its second layout, 0.15-0.2 s
    of CPU, off the PDF's time), when a CPU is free right then (:func:`cpu_to_spare`). The
    same PDF, bytes and warnings, as :func:`build_pdf`. It costs CPU (the second process
    loads the fonts into Pango again: ~0.05-0.1 s; when the compact layout fits, the full
    one is dropped half done), so a batch, whose CPUs are busy, does not use it."""
    return build_pdf(subject, options, beside=True)
