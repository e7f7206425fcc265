"""The build: sources -> documents -> outputs, incrementally, in parallel, one failure at a time.

:func:`run` plans every source (read, hash, name its outputs, compare with the manifest), renders
what is out of date — in this process for ``jobs == 1``, else in a process pool whose workers
import the writers once — writes each output atomically and records what it built in the
output folder's manifest. A source that fails is reported and the others go on; the caller
(``cli.py``) turns the :class:`BuildReport` into an exit code.

Writers (and therefore WeasyPrint), the parsers and what prepares a document (checks, links,
typography, captions, key points) are imported only when something must be rendered, so a build
with nothing to do stays fast.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import importlib
import json
import logging
import os
import time
import traceback
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol

from . import __version__, installed_version, readers
from .config import FORMATS, KeyPointsMode, Presentation
from .diagnostics import (
    Diagnostic,
    Omitted,
    Severity,
    as_diagnostic,
    attribute_repeats,
    cap,
    count,
    from_json,
    omitted_from_json,
)
from .errors import ConfigError, InputError, LighthouseError, OutputError, RenderError, UsageError
from .limits import (
    MAX_JOBS_PER_CPU,
    LimitedPool,
    Limits,
    Outcome,
    cap_jobs,
    interrupt_held,
    run_limited,
)
from .model import Document, Pack
from .output import (
    COMBINED_KEY_PREFIX,
    LOCK_NAME,
    MANIFEST_NAME,
    commit,
    current_outputs,
    locked,
    read_manifest,
    remove_stale_temp_files,
    stale_outputs,
)
from .project import (
    SOURCES_DIR,
    assign_names,
    check_output_folder,
    display_path,
    make_output_folder,
    output_name,
    shown,
    title_slug,
)
from .render import RenderOptions, warm_templates
from .theme import PACKAGE_DIR, Theme
from .writers import Output
from .writers.resources import confined_files

logger = logging.getLogger("lighthouse_docs")


WriterFn = Callable[[Any, RenderOptions], Output]
WriterRef = str | WriterFn
"""A writer, or ``"module:function"`` naming one (picklable, imported where it runs)."""

DEFAULT_WRITERS: dict[str, WriterRef] = {
    fmt: f"lighthouse_docs.writers.{fmt}:build_{fmt}" for fmt in FORMATS
}

AHEAD: dict[str, str] = {
    "lighthouse_docs.writers.pdf:build_pdf": "lighthouse_docs.writers.print_input:print_input",
}
"""Writers whose first half can run ahead, in the process that parsed the source: writer ->
``"module:function"`` of that half, ``(document, options) -> input``, which the writer takes in
place of the document. Used when one article's formats render side by side (the print HTML
is rendered while this process still imports WeasyPrint): its modules must be light."""
BESIDE: dict[str, str] = {
    "lighthouse_docs.writers.pdf:build_pdf": "lighthouse_docs.writers.pdf:build_pdf_beside",
}
"""Writers with a variant for a render process that has a CPU to spare beside it (one
article's formats side by side, :func:`_run_jobs`): writer -> ``"module:function"`` of the
variant, which may run part of its work in a process of its own. Same output."""
SELF_WARMING = frozenset({"epub"})
"""Formats whose render process, when one article's formats render side by side, imports its
writer itself (ebooklib, the EPUB templates, the cover's fonts: a few hundredths of a second
this process would otherwise spend before it can fork the PDF's process)."""

Status = Literal["built", "up to date", "failed"]

# --------------------------------------------------------------------------- clock


def build_clock(*sources: Path) -> dt.datetime:
    """The time stamped into outputs: ``SOURCE_DATE_EPOCH`` when set, else the latest
    modification time of ``sources`` (UTC, whole seconds).

    :raises ConfigError: ``SOURCE_DATE_EPOCH`` is not an integer or out of range.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            seconds = int(epoch)
        except ValueError:
            raise ConfigError(f"expected an integer number of seconds, got {epoch!r}",
                              key="SOURCE_DATE_EPOCH") from None
    else:
        seconds = int(max((p.stat().st_mtime for p in sources), default=0))
    try:
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise ConfigError(f"{seconds} seconds is out of range for a date (years 1-9999)",
                          key="SOURCE_DATE_EPOCH" if epoch else "modification time") from None


# --------------------------------------------------------------------------- request/report


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildRequest:
    """Everything one build needs; the CLI fills it from settings and options."""

    sources: tuple[Path, ...]
    """Source files, in the order given (the order of a combined brief)."""
    root: Path
    """Project root: display paths are relative to it."""
    output: Path
    formats: tuple[str, ...]
    theme: Theme
    paper: Literal["a4", "letter"] = "a4"
    pdf_variant: str | None = "pdf/ua-1"
    lang: str | None = None
    marking: str | None = None
    markings: tuple[str, ...] = ()
    """Configured handling markings, lowest first (see ``Settings.markings``)."""
    key_points: KeyPointsMode = "auto"
    presentation: Presentation = field(default_factory=Presentation)
    """Notes, printed links, cover details and a combined brief's date (the project file)."""
    image_max_side: int = 1600
    """Longest side in pixels of images in the EPUB and HTML."""
    image_dpi: int = 300
    """Resolution of images in the PDF at their largest printed size."""
    strict: bool = False
    force: bool = False
    jobs: int = 1
    combine: str | None = None
    """Title of one combined brief built from all sources; None = one brief per source."""
    sort: Literal["given", "date"] = "given"
    limits: Limits = field(default_factory=Limits)
    """Wall-clock and memory limits of each source's parsing and rendering."""
    names: Literal["source", "title"] = "source"
    """Output base names: the source file's (``sources/x.txt`` -> ``x.pdf``), or its title's."""
    writers: Mapping[str, WriterRef] = field(default_factory=lambda: dict(DEFAULT_WRITERS))


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceResult:
    """What happened to one source (or to the combined brief)."""

    source: str
    """Display path of the source, or the combined brief's title."""
    status: Status
    outputs: tuple[Path, ...] = ()
    size: int = 0
    """Total bytes of the outputs written."""
    pages: int | None = None
    seconds: float = 0.0
    diagnostics: tuple[Diagnostic, ...] = ()
    """Everything met on the way, reader to writer (for an up-to-date source: what was met
    when it was built, from the manifest, which keeps the first of each kind)."""
    omitted: tuple[Omitted, ...] = ()
    """For an up-to-date source: how many of each kind the manifest did not keep."""
    error: str | None = None
    """One line saying why the source failed."""
    trace: str | None = None
    """Traceback of an unexpected failure, for ``--debug``."""

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """The diagnostics of severity ``warning``."""
        return tuple(d for d in self.diagnostics if d.severity == "warning")

    def counted(self, severity: Severity) -> int:
        """How many problems of ``severity`` the source met, each once (the omitted too)."""
        return count(self.diagnostics, severity) + sum(
            o.count for o in self.omitted if o.severity == severity)


@dataclass(frozen=True, slots=True)
class BuildReport:
    """The results of a build, one per source, in source order."""

    results: tuple[SourceResult, ...]
    stale: tuple[Path, ...] = ()
    """Outputs of deleted, renamed or retitled sources left in the output folder
    (``lighthouse-docs clean`` removes them)."""

    @property
    def failed(self) -> tuple[SourceResult, ...]:
        return tuple(r for r in self.results if r.status == "failed")

    @property
    def built(self) -> tuple[SourceResult, ...]:
        return tuple(r for r in self.results if r.status == "built")

    @property
    def ok(self) -> bool:
        return not self.failed


class BuildListener(Protocol):
    """Progress hooks; the methods here do nothing (the CLI's reporter has the same methods,
    without importing this module before it builds)."""

    def planned(self, total: int, to_render: int) -> None:
        """All sources are planned; ``to_render`` of ``total`` must be rendered."""
        return None

    def finished(self, result: SourceResult) -> None:
        """One source is done (built, up to date or failed)."""
        return None

    def idle(self) -> None:
        """Optional: the build waits for its render processes and has a CPU to spare (at most
        once per build): a moment to load what the listener needs at the end."""
        return None


class _Silent(BuildListener):
    """The listener of a build nobody watches."""


# --------------------------------------------------------------------------- fingerprints


def _hash_tree(digest: Any, root: Path) -> None:
    # Only regular files really inside root: a symlink out (to /proc/self/environ, a FIFO)
    # is never opened, not even to hash it.
    for path in confined_files(root):
        if "__pycache__" in path.parts or path.suffix in {".pyc", ".pyo"}:
            continue
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """Hash of what turns a document into outputs: our version, code and templates, and the
    versions of the rendering libraries. A change to any of them rebuilds everything."""
    digest = hashlib.sha256(f"lighthouse-docs {__version__}\0".encode())
    for dist in ("weasyprint", "ebooklib", "jinja2", "pydyf"):
        digest.update(f"{dist} {installed_version(dist) or '-'}\0".encode())
    _hash_tree(digest, PACKAGE_DIR)
    return digest.hexdigest()


def theme_fingerprint(theme: Theme) -> str:
    """Hash of every file of ``theme`` (stylesheets, fonts, images)."""
    digest = hashlib.sha256(theme.name.encode())
    _hash_tree(digest, theme.root)
    return digest.hexdigest()


Input = tuple[str, str, str, str]
"""A local file a source pulls in: (the source's folder, the reference as written, its
state, its stamp). The state is ``sha256:<hex>`` of the file's bytes when the reference
resolves to an allowed file, else the reason it does not (``missing``, ``outside``, ...). The
stamp is the file's device, inode, size, modification and change times when its bytes were
hashed (``dev:ino:size:mtime_ns:ctime_ns``), or "" (see :func:`_input_current`)."""

STAMP_SETTLE_NS = 2_000_000_000
"""A file changed less than this long before it was hashed gets no stamp: on a file system
with coarse timestamps a second change within the same tick could leave the stamp as it
was (git's "racily clean" entries); it is hashed again each time instead."""


def _stamp(path: Path) -> str:
    info = os.stat(path)
    return (f"{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:"
            f"{info.st_ctime_ns}")


def _input_state(folder: str, reference: str) -> tuple[str, str]:
    """What ``reference`` in a source of ``folder`` resolves to now (see :data:`Input`): the
    writers' own decision and bytes (:func:`.writers.resources.load_image`), and the stamp
    of the file those bytes were read from when it held still while they were read."""
    from .writers.resources import load_image, resolve_image

    found = resolve_image(reference, Path(folder))
    try:
        before = _stamp(found.path) if found.path is not None else ""
    except OSError:
        before = ""
    image = load_image(reference, Path(folder))
    if isinstance(image, str):  # why it is not read: "missing", "outside", ...
        return image, ""
    state = "sha256:" + hashlib.sha256(image.data).hexdigest()
    try:
        after = _stamp(image.path) if image.path is not None and image.path == found.path \
            else ""
    except OSError:
        after = ""
    settled = bool(after) and time.time_ns() - int(after.rsplit(":", 1)[1]) > STAMP_SETTLE_NS
    return state, after if after == before and settled else ""


def _input_current(folder: str, src: str, state: str, stamp: str) -> bool:
    """Whether the input is as recorded. A stamped file that resolves to the same file with
    the same stamp is, without reading it: its content cannot have changed without its
    change time (ctime, which no program can set back) or, replaced, its inode changing."""
    if not Path(folder).is_absolute():
        return False
    if stamp:
        from .writers.resources import resolve_image

        found = resolve_image(src, Path(folder))
        try:
            if found.path is not None and _stamp(found.path) == stamp:
                return True
        except OSError:
            pass
    return _input_state(folder, src)[0] == state


def local_inputs(docs: Iterable[Document]) -> tuple[Input, ...]:
    """Every local file ``docs`` pull in besides their sources — their images, as each
    document's source folder resolves them — with the state of each now.

    An image that is missing or refused is recorded too (with the reason), so that a file
    appearing under that name later makes the brief out of date. ``data:`` URIs and network
    addresses are not files and are left out.
    """
    from .model import Image, InlineImage
    from .outline import walk
    from .writers.resources import NETWORK_SCHEMES

    found: dict[tuple[str, str], tuple[str, str]] = {}
    for doc in docs:
        folder = doc.meta.source.folder
        if folder is None:
            continue
        for node in walk((doc.lead, doc.sections, doc.footnotes)):
            if not isinstance(node, Image | InlineImage):
                continue
            src = node.src.strip()
            scheme = src.partition(":")[0].lower() if ":" in src else ""
            if scheme == "data" or scheme in NETWORK_SCHEMES or src.startswith("//"):
                continue
            if (folder, src) not in found:
                found[(folder, src)] = _input_state(folder, src)
    return tuple((folder, src, state, stamp)
                 for (folder, src), (state, stamp) in sorted(found.items()))


def _inputs_json(inputs: Iterable[Input]) -> list[dict[str, str]]:
    return [{"folder": folder, "src": src, "state": state} for folder, src, state, _ in inputs]


def _stamps_json(inputs: Iterable[Input]) -> list[str]:
    """The stamps of ``inputs``, in the order of :func:`_inputs_json` (the manifest entry's
    ``input_stamps``: apart, so that a touched image with the same bytes leaves ``inputs``,
    which say which outputs are current, as they were)."""
    return [stamp for *_, stamp in inputs]


def inputs_current(inputs: Iterable[Input]) -> bool:
    """Whether every one of ``inputs`` is in the state it was in when it was recorded: the
    same bytes, still missing, ... A changed, deleted or newly appearing file is not."""
    return all(_input_current(*item) for item in inputs)


def _recorded_inputs_current(recorded: object, stamps: object = None) -> bool:
    """:func:`inputs_current` of a manifest entry's ``inputs`` (``[{"folder", "src",
    "state"}]``) and ``input_stamps``; a missing or malformed record is not current (missing
    or malformed stamps only cost reading the files)."""
    if not isinstance(recorded, list):
        return False
    if not (isinstance(stamps, list) and len(stamps) == len(recorded)
            and all(isinstance(s, str) for s in stamps)):
        stamps = [""] * len(recorded)
    inputs: list[Input] = []
    for item, stamp in zip(recorded, stamps, strict=True):
        if not isinstance(item, dict):
            return False
        folder, src, state = item.get("folder"), item.get("src"), item.get("state")
        if not (isinstance(folder, str) and isinstance(src, str) and isinstance(state, str)):
            return False
        inputs.append((folder, src, state, stamp))
    return inputs_current(inputs)


# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True, slots=True, kw_only=True)
class ParseJob:
    """A source to parse and check in the worker that renders it (not in the build's own
    process, where sources would be parsed one after the other)."""

    source: Path
    display: str
    data: bytes
    """The bytes the build read and hashed: exactly these are parsed."""
    lang: str | None
    marking: str | None
    markings: tuple[str, ...]
    key_points: KeyPointsMode


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderJob:
    """One document (or pack) to render into some formats; sent to a worker process."""

    key: str
    display: str
    """How diagnostics name the source (or the combined brief)."""
    subject: Document | Pack | ParseJob
    """The document or pack, or the source a worker parses first."""
    formats: tuple[str, ...]
    options: RenderOptions
    writers: tuple[tuple[str, WriterRef], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderOutcome:
    """What a worker sends back: the bytes per format, or why it failed."""

    key: str
    outputs: tuple[tuple[str, bytes], ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    pages: int | None = None
    seconds: float = 0.0
    error: str | None = None
    located: bool = False
    """``error`` already starts with the location (an input error naming its file)."""
    trace: str | None = None
    files: tuple[Input, ...] | None = None
    """What :attr:`Prepared.files` found (recorded in the manifest entry's ``inputs``)."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """A job's subject ready to render (parsed and checked), and what that found."""

    subject: Document | Pack
    diagnostics: tuple[Diagnostic, ...] = ()
    inputs: tuple[tuple[str, Any], ...] = ()
    """Per format, what its writer takes in place of the subject, prepared ahead
    (:data:`AHEAD`)."""
    files: tuple[Input, ...] | None = None
    """The local files the subject pulls in (:func:`local_inputs`), taken before rendering;
    None when the build computed them itself (a subject parsed in the build's process)."""


def resolve_writer(ref: WriterRef) -> WriterFn:
    """The writer function ``ref`` names (imports its module).

    :raises RenderError: the writer does not exist in this installation.
    """
    if callable(ref):
        return ref
    module_name, _, attribute = ref.partition(":")
    try:
        function: WriterFn = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise RenderError(f"writer {ref} is not available ({exc})") from None
    if not callable(function):
        raise RenderError(f"writer {ref} is not callable")
    return function


def warm_writers(refs: Sequence[WriterRef]) -> None:
    """Import the writers (WeasyPrint, ebooklib) here, once, before the render processes are
    forked: every child then starts warm."""
    for ref in refs:
        try:
            resolve_writer(ref)
        except RenderError:
            # Reported per source when the job runs.
            continue


def warm_readers(sources: Iterable[Path]) -> None:
    """Import the readers ``sources`` need and load their data (the structure model and its
    vocabulary, the installed fonts' coverage for the checks) here, once, before the
    processes that parse them are forked: each would otherwise load them again. Reads no
    source."""
    from .fonts import installed_coverage
    from .readers import structure

    formats = {readers.FORMATS_BY_SUFFIX.get(path.suffix.lower()) for path in sources}
    if formats:
        installed_coverage()  # the fonts the checks know of (fontconfig is asked once)
    for fmt in sorted(f for f in formats if f is not None):
        readers.parser_for(fmt)
        if fmt in ("text", "docx"):  # both infer headings with the structure model
            structure.vocabulary()
            structure.shipped_model()
        _warm_parse(fmt)


_SAMPLE_SUFFIX = {"text": ".txt", "markdown": ".md", "html": ".html"}


def _warm_parse(fmt: str) -> None:
    """Parse and check a small sample in ``fmt`` (:func:`.warmup.sample_source`) and throw it
    away: what parsing loads on first use (the language registry, patterns compiled once,
    the key-point rules) is then inherited by every parsing process forked afterwards
    (about 0.05 s of CPU each, measured on the bench batch)."""
    from .warmup import sample_source

    data = sample_source(fmt)
    if data is None:
        return
    try:
        doc = readers.load(Path("warm-up" + _SAMPLE_SUFFIX[fmt]), display_path="warm-up",
                           data=data)
        checked(doc, "warm-up", marking=None, markings=(), key_points="auto")
    except Exception as error:  # the real sources report their own failures
        logger.debug("warm-up parse of a %s sample skipped: %s", fmt, error)


def _warm_themes(jobs: Sequence[RenderJob], langs: Sequence[str] = ()) -> None:
    """Let each writer module prepare what every job shares (parsed stylesheets, fonts, the
    hyphenation dictionaries of ``langs``) once here, through its optional
    ``warm(options, langs)``, before the render processes are forked."""
    done: set[tuple[str, tuple[str, str]]] = set()
    for job in jobs:
        for _, ref in job.writers:
            if not isinstance(ref, str):
                continue
            try:
                module = importlib.import_module(ref.partition(":")[0])
            except ImportError:
                continue  # reported per source when the job runs
            warm = getattr(module, "warm", None)
            key = (module.__name__, (str(job.options.theme.root), job.options.paper))
            if callable(warm) and key not in done:
                done.add(key)
                warm(job.options, langs)


_warmed_up: set[tuple[str, str, str, str | None]] = set()
"""Writer module, theme, paper and variant the sample brief went through in this process."""


def _warm_layout(jobs: Sequence[RenderJob], lang: str) -> None:
    """Give :func:`.warmup.sample_document` to the optional ``warm_up(options, sample)`` of
    each packaged writer's module, once per process, module and theme, so the render
    processes forked after it inherit what a first layout loads (:mod:`.warmup`). A failure
    here is left for the real jobs to report."""
    from .warmup import sample_document

    sample: Document | None = None
    for job in jobs:
        options = job.options
        for _, ref in job.writers:
            if not isinstance(ref, str):
                continue
            name = ref.partition(":")[0]
            key = (name, str(options.theme.root), options.paper, options.pdf_variant)
            if key in _warmed_up:
                continue
            _warmed_up.add(key)
            try:
                warm_up = getattr(importlib.import_module(name), "warm_up", None)
                if not callable(warm_up):
                    continue
                if sample is None:
                    sample = _derived(sample_document(lang), None, "auto")
                warm_up(options, sample)
            except Exception as error:  # the real jobs report their own failures
                logger.debug("warm-up of %s skipped: %s", name, error)


def _derived(doc: Document, marking: str | None, key_points: KeyPointsMode) -> Document:
    """Bare addresses as links, typographic punctuation, caption numbers and the brief's
    derived data (key points, reading time, ...) applied to ``doc``."""
    from . import captions
    from .brief import attach
    from .links import linkify
    from .typography import typeset

    return attach(captions.number(typeset(linkify(_with_marking(doc, marking)))), key_points)


def checked(doc: Document, display: str, *, marking: str | None, markings: Sequence[str],
            key_points: KeyPointsMode) -> tuple[Document | None, list[Diagnostic], str | None]:
    """``doc`` as every format renders it (links, typography, caption numbers, the marking
    and the brief's derived data applied), what reading and checking found, and the failure
    line of the first ``error`` diagnostic (then no document)."""
    from .checks import check_document
    from .fonts import installed_coverage
    from .writers.resources import image_refusal

    fmt = doc.meta.source.format
    found = [
        *(as_diagnostic(w, source=display, stage="read", format=fmt) for w in doc.warnings),
        # A marking given on the command line or in the config replaces the source's own.
        *check_document(doc, markings=markings if marking is None else (),
                        image_refusal=image_refusal,
                        coverage=installed_coverage())]
    errors = [d for d in found if d.severity == "error"]
    if errors:
        return None, found, f"{errors[0].location()}: {errors[0].message}"
    # Computed here, once, for every format the job renders.
    return _derived(doc, marking, key_points), found, None


def _failed_outcome(key: str, error: Exception, found: Sequence[Diagnostic],
                    seconds: float) -> RenderOutcome:
    if isinstance(error, LighthouseError):
        located = isinstance(error, InputError) and error.path is not None
        return RenderOutcome(key=key, error=str(error), located=located,
                             diagnostics=tuple(found), seconds=seconds)
    # Per-source isolation: a bug triggered by one source must not sink the batch.
    return RenderOutcome(
        key=key, seconds=seconds, trace=traceback.format_exc(),
        error=f"internal error ({type(error).__name__}: {error}); rerun with --debug")


def prepare_job(job: RenderJob, *, ahead: bool = False) -> Prepared | RenderOutcome:
    """The job's subject ready to render: parsed and checked when the job carries a source
    (this runs in a worker process), else as it is; or the outcome of a source that cannot
    be built. With ``ahead``, the first half of the writers that have one (:data:`AHEAD`)
    is done too. Never raises."""
    subject = job.subject
    if not isinstance(subject, ParseJob):
        return Prepared(subject)
    started = time.perf_counter()
    found: list[Diagnostic] = []
    try:
        loaded = readers.load(subject.source, display_path=subject.display,
                              lang=subject.lang, data=subject.data)
        doc, found, failure = checked(loaded, subject.display, marking=subject.marking,
                                      markings=subject.markings, key_points=subject.key_points)
    except Exception as error:
        return _failed_outcome(job.key, error, found, time.perf_counter() - started)
    if doc is None:
        return RenderOutcome(key=job.key, error=failure, located=True,
                             diagnostics=tuple(found), seconds=time.perf_counter() - started)
    # Taken before rendering: a file changed after this is seen by the next build.
    return Prepared(doc, tuple(found), _ahead(job, doc) if ahead else (),
                    files=local_inputs([doc]))


def _ahead(job: RenderJob, doc: Document) -> tuple[tuple[str, Any], ...]:
    """The inputs of ``job``'s writers that can be prepared ahead (:data:`AHEAD`). A
    preparation that fails is left out: the writer then does it itself and reports it."""
    inputs: list[tuple[str, Any]] = []
    for fmt, ref in job.writers:
        first = AHEAD.get(ref) if isinstance(ref, str) else None
        if first is None:
            continue
        try:
            inputs.append((fmt, resolve_writer(first)(doc, job.options)))
        except Exception as error:  # reported by the writer itself, which does it again
            logger.debug("%s: %s input not prepared ahead: %s", job.display, fmt, error)
    return tuple(inputs)


def render_formats(job: RenderJob, subject: Document | Pack, formats: Sequence[str],
                   inputs: Sequence[tuple[str, Any]] = (), *,
                   beside: bool = False) -> tuple[tuple[str, Output], ...]:
    """``subject`` in each of ``formats``, one after the other (all of them before anything is
    written, so a source that fails in its EPUB leaves no fresh PDF next to a stale EPUB);
    a format with an input prepared ahead (``inputs``, :data:`AHEAD`) is given that instead.
    With ``beside`` (a CPU is spare beside this process), writers of :data:`BESIDE` are
    replaced with their variant.

    :raises LighthouseError: a writer's error.
    """
    writers = {fmt: BESIDE.get(ref, ref) if beside and isinstance(ref, str) else ref
               for fmt, ref in job.writers}
    ready = dict(inputs)
    return tuple((fmt, resolve_writer(writers[fmt])(ready.get(fmt, subject), job.options))
                 for fmt in formats)


@dataclass(slots=True, kw_only=True)
class _Progress:
    """A job whose formats are being rendered (one process for all, or one per format)."""

    job: RenderJob
    prepared: Prepared
    parse_seconds: float = 0.0
    done: dict[str, Output] = field(default_factory=dict)
    render_seconds: float = 0.0

    def add(self, rendered: Iterable[tuple[str, Output]], seconds: float = 0.0) -> None:
        self.done.update(rendered)
        self.render_seconds = max(self.render_seconds, seconds)

    @property
    def complete(self) -> bool:
        return all(fmt in self.done for fmt in self.job.formats)

    def outcome(self, seconds: float | None = None) -> RenderOutcome:
        """The finished job: outputs, diagnostics and pages in the job's format order."""
        found = list(self.prepared.diagnostics)
        pages: int | None = None
        for fmt in self.job.formats:
            result = self.done[fmt]
            found.extend(as_diagnostic(w, source=self.job.display, stage="render", format=fmt)
                         for w in result.warnings)
            if result.pages is not None and pages is None:
                pages = result.pages
        return RenderOutcome(
            key=self.job.key, outputs=tuple((f, self.done[f].data) for f in self.job.formats),
            diagnostics=tuple(found), pages=pages, files=self.prepared.files,
            seconds=self.parse_seconds + self.render_seconds if seconds is None else seconds)


_PARSE = ""
"""The stage key of a job's parsing (a format name is the key of that format's rendering)."""
_ALL = "*"
"""The stage key of a job's formats rendered one after the other in one process."""


def _warm(jobs: Sequence[RenderJob], *, readers_too: bool, layout: bool,
          split: bool = False, between: Callable[[], None] = lambda: None) -> None:
    """Load here, before the render processes are forked, what all of them would otherwise
    load each: the readers (``readers_too``: sources still to be parsed in processes forked
    later), writers, stylesheets, fonts, templates, hyphenation dictionaries, one sample
    layout (``layout``). With ``split`` (each format in a process of its own), the
    writers of :data:`SELF_WARMING` formats, the templates and the hyphenation
    dictionaries are left to the processes that use them. ``between`` is called after each
    step (the pool forks the next sources' parsing into the slots that finished meanwhile:
    they start with the readers warm)."""
    from .warmup import frequent, guess_language

    if readers_too:
        warm_readers(job.subject.source for job in jobs if isinstance(job.subject, ParseJob))
        between()

    # Side by side, the PDF's process loads its document's own dictionary (from the cache
    # folder, writers/_hyphenation.py): guessing the language here would only delay it.
    langs = () if split else frequent(
        (job.subject.lang or guess_language(job.subject.source, job.subject.data))
        if isinstance(job.subject, ParseJob) else
        job.subject.meta.lang if isinstance(job.subject, Document) else job.subject.lang
        for job in jobs)
    if split:
        jobs = [dataclasses.replace(job, writers=tuple(
            (fmt, ref) for fmt, ref in job.writers if fmt not in SELF_WARMING))
            for job in jobs]
    warm_writers(sorted({ref for job in jobs for _, ref in job.writers}, key=str))
    between()
    _warm_themes(jobs, langs)
    if not split:  # side by side, the PDF's process renders no template (its HTML is ready)
        warm_templates()
    between()
    if layout:
        _warm_layout(jobs, langs[0] if langs else "en")


def _run_jobs(jobs: Sequence[RenderJob], workers: int, limits: Limits,
              spent: Mapping[str, float],
              idle: Callable[[], None] | None = None) -> Iterable[RenderOutcome]:
    """Outcomes of ``jobs`` as they complete. Every step runs in a limited process of its own
    (:mod:`.limits`), at most ``workers`` at a time, each job within its wall-clock limit
    (``spent`` is what its parsing in this process already took):

    - a source is parsed and checked in one, started first: while the first sources are
      parsed, this process imports the writers and warms up (:func:`_warm`), so that what
      renders afterwards starts warm;
    - then its formats are rendered: when the build has spare worker slots (one brief on two
      CPUs), each format in a process of its own, side by side (the EPUB beside the PDF);
      otherwise all of them one after the other in one process (a batch never runs more
      renderers than ``workers``).

    Side by side (``split``), the parsing process also prepares what the writers can take
    ahead (:data:`AHEAD`: the print HTML), and this process warms only the writers that are
    slow to import (not :data:`SELF_WARMING`): both would otherwise wait on this process's
    warm-up, which is what the PDF's process waits for. The renderers then use their
    variant for a spare CPU (:data:`BESIDE`): the EPUB is done long before the PDF.

    ``idle`` is called once, the first time a step ends and leaves a worker slot with
    nothing to start (the EPUB done beside the PDF): this process then has a CPU to spare.
    """
    if not jobs:
        return
    split = len(jobs) < workers
    by_key = {job.key: job for job in jobs}
    budget = dict(spent)
    progress: dict[str, _Progress] = {}
    with LimitedPool[tuple[str, str], Any](limits, workers) as pool:

        def render(job: RenderJob, prepared: Prepared, parse_seconds: float) -> None:
            progress[job.key] = _Progress(job=job, prepared=prepared,
                                          parse_seconds=parse_seconds)
            stages = job.formats if split and len(job.formats) > 1 else (_ALL,)
            for stage in reversed(stages):  # each goes first: keep them in format order
                formats = job.formats if stage == _ALL else (stage,)
                pool.submit((job.key, stage), functools.partial(
                    render_formats, job, prepared.subject, formats, prepared.inputs,
                    beside=split and not limits.in_process),
                    spent=budget.get(job.key, 0.0), first=True)

        for job in jobs:
            if isinstance(job.subject, ParseJob):
                pool.submit((job.key, _PARSE), functools.partial(prepare_job, job, ahead=split),
                            spent=budget.get(job.key, 0.0))
        pool.start()  # the first sources are parsed while this process warms up
        parsing = sum(1 for job in jobs if isinstance(job.subject, ParseJob))
        _warm(jobs, readers_too=parsing > workers, layout=not limits.in_process and not split,
              split=split, between=pool.poll)
        for job in jobs:
            if not isinstance(job.subject, ParseJob):
                render(job, Prepared(job.subject), 0.0)
        for (key, stage), outcome in pool.results():
            done = _step(key, stage, outcome, by_key[key], progress, budget, render, pool, split)
            if idle is not None and pool.spare():
                idle()
                idle = None
            if done is not None:
                # Free slots get their next step before the build writes this one's outputs
                # (writing, with its fsync, must not keep a CPU idle).
                pool.start()
                yield done


def _step(key: str, stage: str, outcome: Outcome[Any], job: RenderJob,
          progress: dict[str, _Progress], budget: dict[str, float],
          render: Callable[[RenderJob, Prepared, float], None],
          pool: LimitedPool[tuple[str, str], Any], split: bool) -> RenderOutcome | None:
    """Take in the outcome of one step of ``job``: schedule its rendering after its parsing,
    or return the job's outcome once it is done (or failed)."""
    if stage == _PARSE:
        if isinstance(outcome.value, Prepared):
            budget[key] = budget.get(key, 0.0) + outcome.seconds
            render(job, outcome.value, outcome.seconds)
            return None
        if isinstance(outcome.value, RenderOutcome):
            return dataclasses.replace(outcome.value, seconds=outcome.seconds)
        return _lost(key, "", outcome, (), outcome.seconds)
    state = progress.get(key)
    if state is None:
        return None  # another format of this job failed already
    if outcome.value is not None:
        state.add(outcome.value, outcome.seconds)
        if not state.complete:
            return None
        del progress[key]
        return state.outcome()
    del progress[key]
    pool.cancel(*((key, f) for f in (*job.formats, _ALL)))
    return _lost(key, stage if split and stage != _ALL else "", outcome,
                 state.prepared.diagnostics, state.parse_seconds + outcome.seconds)


def _lost(key: str, fmt: str, outcome: Outcome[Any], found: Sequence[Diagnostic],
          seconds: float) -> RenderOutcome:
    """The outcome of a job whose step failed in its process: an error it raised, a limit it
    went over, or a crash (then with the traceback; ``fmt`` names the format's process)."""
    if outcome.error is not None:
        return _failed_outcome(key, outcome.error, found, seconds)
    crash = outcome.crash or "internal error (no result); rerun with --debug"
    return RenderOutcome(key=key, error=f"{fmt}: {crash}" if fmt else crash,
                         trace=outcome.trace, diagnostics=tuple(found), seconds=seconds)


# --------------------------------------------------------------------------- planning


@dataclass(slots=True)
class _Planned:
    key: str
    """Manifest key: the source's absolute path, or ``combine:<name>``."""
    display: str
    name: str = ""
    entry: dict[str, Any] = field(default_factory=dict)
    job: RenderJob | None = None
    result: SourceResult | None = None
    outputs: tuple[Path, ...] = ()
    data: bytes = b""
    """The source's bytes, read once: hashed, then parsed."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """What reading and checking found (writers add theirs when the job is done)."""
    seen: dict[str, Any] | None = None
    """The manifest entry this plan started from (compare-and-swap on commit)."""
    read_ns: int = 0
    """When the source's bytes were read (before): of two builds, the later read is newer."""
    spent: float = 0.0
    """Seconds parsing took, off the source's wall-clock limit (:mod:`.limits`)."""
    source: Path | None = None
    """The source file (a part); None for an output plan."""
    doc: Document | None = None
    """The part's document, once parsed and checked."""
    parts: list[_Planned] = field(default_factory=list)
    """The sources an output is made of: one for a brief, all of them for a combined brief."""


def _digest(*parts: object) -> str:
    text = json.dumps(parts, ensure_ascii=True, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _failure(display: str, error: LighthouseError | OSError,
             diagnostics: Sequence[Diagnostic] = ()) -> SourceResult:
    if isinstance(error, InputError):
        message = str(error)  # already names the source
    elif isinstance(error, OSError):
        message = f"{display}: cannot be read ({error.strerror or error})"
    else:
        message = f"{display}: {error}"
    return SourceResult(source=display, status="failed", error=message,
                        diagnostics=tuple(diagnostics))


def _options_digest(request: BuildRequest, theme_fp: str) -> str:
    # Not the formats: each output records the key it was made with (``keys``), so asking
    # for another format does not make the others out of date.
    # Nor --strict: it decides whether outputs are written, not what they hold; an up-to-date
    # source fails under it on the warnings its build met (:func:`_up_to_date_result`).
    return _digest(tool_fingerprint(), theme_fp, request.paper,
                   request.pdf_variant, request.lang, request.marking, request.markings,
                   request.key_points, repr(request.presentation),
                   request.image_max_side, request.image_dpi)


def _with_marking(doc: Document, marking: str | None) -> Document:
    if marking is None:
        return doc
    return dataclasses.replace(doc, meta=dataclasses.replace(doc.meta, marking=marking))


def render_options(request: BuildRequest, base_dir: Path, clock: dt.datetime) -> RenderOptions:
    """What every writer of ``request`` needs besides the document."""
    return RenderOptions(theme=request.theme, base_dir=base_dir, modified=clock,
                         paper=request.paper, pdf_variant=request.pdf_variant,
                         key_points=request.key_points != "off",
                         presentation=request.presentation,
                         image_max_side=request.image_max_side, image_dpi=request.image_dpi)


def _outputs_for(request: BuildRequest, name: str) -> tuple[Path, ...]:
    return tuple(request.output / f"{name}.{fmt}" for fmt in request.formats)


def _stale_formats(request: BuildRequest, plan: _Planned) -> tuple[str, ...]:
    """The requested formats whose output must be rendered: all with ``--force`` or when a
    file the sources pull in (an image) changed, appeared or went; else each whose output is
    missing or was made with another key (other bytes, options, tool, theme or name)."""
    if request.force:
        return request.formats
    made = plan.entry.get("previous_keys")
    made = made if isinstance(made, dict) else {}
    key = plan.entry.get("key")
    stale = tuple(fmt for fmt, path in zip(request.formats, plan.outputs, strict=True)
                  if made.get(path.relative_to(request.output).as_posix()) != key
                  or not path.is_file())
    if len(stale) == len(request.formats):
        return stale
    # Checked last: it stats every image of the sources (and reads those it must).
    if not _recorded_inputs_current(plan.entry.get("previous_inputs"),
                                    plan.entry.get("previous_input_stamps")):
        return request.formats
    return stale


def _read(part: _Planned) -> bool:
    """Read the part's source bytes into it; on failure record it and return False."""
    assert part.source is not None
    part.read_ns = time.time_ns()
    try:
        part.data = readers.read_source(part.source, part.display)
    except (OSError, InputError) as error:
        part.result = _failure(part.display, error)
        return False
    return True


def _load(request: BuildRequest, part: _Planned) -> Document | None:
    """Parse the bytes read into ``part`` and check the document (kept in ``part.doc``); None
    (and ``part.result`` set) when it cannot be built: a reader error or an ``error``
    diagnostic."""
    if part.doc is not None or part.result is not None:
        return part.doc
    assert part.source is not None
    # Parsed in a child process under the source's limits (hostile input cannot hang or
    # exhaust the build); the time it took counts against the rendering's limit too.
    outcome = run_limited(functools.partial(
        readers.load, part.source, display_path=part.display, lang=request.lang,
        data=part.data), request.limits)
    part.spent += outcome.seconds
    if outcome.error is not None:
        part.result = _failure(part.display, outcome.error)
        return None
    if outcome.value is None:
        part.result = SourceResult(source=part.display, status="failed", trace=outcome.trace,
                                   error=f"{part.display}: {outcome.crash}")
        return None
    part.doc, part.diagnostics, failure = checked(
        outcome.value, part.display, marking=request.marking, markings=request.markings,
        key_points=request.key_points)
    if part.doc is None:
        part.result = SourceResult(source=part.display, status="failed",
                                   diagnostics=tuple(part.diagnostics), error=failure)
    return part.doc


def _targets(request: BuildRequest) -> list[_Planned]:
    """The outputs of this build, each with the sources it is made of: one brief per source,
    or one combined brief of all of them (a brief is a combined brief of one source that is
    not bound as a part)."""
    def part(source: Path, key: str) -> _Planned:
        return _Planned(key=key, display=display_path(source, request.root), source=source)

    if request.combine is None:
        singles = [part(s, s.resolve().as_posix()) for s in request.sources]
        return [_Planned(key=p.key, display=p.display, parts=[p]) for p in singles]
    name = title_slug(request.combine)
    return [_Planned(key=f"{COMBINED_KEY_PREFIX}{name}", display=request.combine, name=name,
                     parts=[part(s, s.as_posix()) for s in request.sources])]


TEXT_BYTES_PER_SECOND = 32_000
"""Bytes of plain text or Markdown a brief is built from per second of the time limit, at
most: more fails at once rather than when the limit runs out. Measured: a 5 MB text (1,456
PDF pages and an EPUB) took 114 s of CPU and 152 s on a shared 2-core machine, 1 MB 23 s."""


def _beyond_time_limit(request: BuildRequest, plan: _Planned) -> str | None:
    """Why ``plan`` cannot be built within the time limit, judged by the size of its text
    sources before anything is parsed (None when it may be, or there is no limit)."""
    seconds = request.limits.seconds
    if seconds is None:
        return None
    size = sum(len(p.data) for p in plan.parts if p.source is not None
               and readers.FORMATS_BY_SUFFIX.get(p.source.suffix.lower()) in ("text",
                                                                               "markdown"))
    if size <= TEXT_BYTES_PER_SECOND * seconds:
        return None
    needed = -(-size // TEXT_BYTES_PER_SECOND // 60) * 60
    shown = f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size // 1000} kB"
    return (f"{plan.display}: {shown} of text cannot be laid out within "
            f"the time limit of {seconds:g} s (some {TEXT_BYTES_PER_SECOND // 1000} kB a "
            f"second); split it into several sources, or raise the limit (--time-limit "
            f"{needed} or none, time_limit in lighthouse.toml); not built")


def _failed(request: BuildRequest, plan: _Planned) -> list[_Planned]:
    """The plans to report for an output some of whose sources failed: a brief fails with its
    source's reason; a combined brief lists each failed source (all of them: the ones read
    are parsed too), then fails itself."""
    if _is_brief(plan):
        plan.result = plan.parts[0].result
        return [plan]
    for part in plan.parts:
        if part.result is None:
            _load(request, part)
    failed = [p for p in plan.parts if p.result is not None]
    plan.result = SourceResult(
        source=plan.display, status="failed",
        diagnostics=tuple(d for p in plan.parts if p.result is None for d in p.diagnostics),
        error=f"{plan.display}: {len(failed)} source(s) failed; not combined")
    return [*failed, plan]


def _is_brief(plan: _Planned) -> bool:
    """Whether ``plan`` is a brief of one source (not a combined brief)."""
    return not plan.key.startswith(COMBINED_KEY_PREFIX)


def _sort_key(doc: Document) -> tuple[bool, dt.date]:
    return (doc.meta.date is None, doc.meta.date or dt.date.min)


def _plan(request: BuildRequest, manifest: Mapping[str, dict[str, Any]],
          options_fp: str) -> list[_Planned]:
    """Plan every output of the build, brief or combined brief, in one path: read its sources
    once, stamp its clock, name it, compare it with the manifest; only what is out of date is
    parsed (a title-named brief is parsed to be named) and gets its render job.

    :returns: the plans in report order (the failed sources of a combined brief before it).
    """
    plans = _targets(request)
    sources_dir = request.root.resolve() / SOURCES_DIR
    for plan in plans:
        for part in plan.parts:
            _read(part)
        if any(p.result is not None for p in plan.parts):
            continue
        try:
            clock = build_clock(*(p.source for p in plan.parts if p.source is not None))
        except (OSError, ConfigError) as error:
            plan.result = _failure(plan.display, error)
            continue
        plan.seen = manifest.get(plan.key)
        old = plan.seen or {}
        shas = [(p.display, hashlib.sha256(p.data).hexdigest()) for p in plan.parts]
        single = _is_brief(plan)
        plan.entry = {"sha": shas[0][1] if single else _digest(shas),
                      "clock": clock.isoformat(), "read_ns": min(p.read_ns for p in plan.parts),
                      "previous_keys": old.get("keys"), "previous_inputs": old.get("inputs"),
                      "previous_input_stamps": old.get("input_stamps"),
                      "previous_pages": old.get("pages"),
                      "previous_diagnostics": old.get("diagnostics"),
                      "previous_omitted": old.get("omitted"),
                      "previous_outputs": old.get("outputs", []),
                      "previous_stale": old.get("stale", [])}
        if not single:
            plan.entry["slug"] = plan.name
            continue
        [part] = plan.parts
        assert part.source is not None
        slug_key = _digest(plan.entry["sha"], plan.display, request.lang, tool_fingerprint(),
                           request.names)
        if request.names == "source":
            slug = output_name(part.source, sources_dir)
        elif old.get("slug_key") == slug_key and isinstance(old.get("slug"), str):
            slug = old["slug"]
        else:
            doc = _load(request, part)
            if doc is None:
                continue
            slug = title_slug(doc.meta.title, fallback=part.source.stem)
        plan.entry.update(slug=slug, slug_key=slug_key)
    _name(request, plans, manifest)
    planned: list[_Planned] = []
    for plan in plans:
        if plan.result is None and any(p.result is not None for p in plan.parts):
            planned.extend(_failed(request, plan))
            continue
        planned.append(plan)
        if plan.result is not None:
            continue
        plan.outputs = _outputs_for(request, plan.name)
        plan.entry["key"] = _digest(options_fp, plan.entry["sha"], plan.display,
                                    plan.entry["clock"], plan.name,
                                    None if _is_brief(plan) else request.sort)
        formats = _stale_formats(request, plan)
        if not formats:
            continue
        if (too_big := _beyond_time_limit(request, plan)) is not None:
            plan.result = SourceResult(source=plan.display, status="failed", error=too_big)
            continue
        writers = tuple((fmt, request.writers[fmt]) for fmt in formats)
        if _is_brief(plan) and plan.parts[0].doc is None:
            # Parsed by the worker that renders it: sources are parsed in parallel, and the
            # parsing counts against the job's own limits.
            [part] = plan.parts
            assert part.source is not None
            plan.job = RenderJob(
                key=plan.key, display=plan.display, formats=formats,
                options=render_options(request, part.source.parent,
                                        dt.datetime.fromisoformat(plan.entry["clock"])),
                writers=writers,
                subject=ParseJob(source=part.source, display=part.display, data=part.data,
                                 lang=request.lang, marking=request.marking,
                                 markings=request.markings, key_points=request.key_points))
            continue
        docs = [_load(request, part) for part in plan.parts]
        if any(doc is None for doc in docs):
            planned[-1:] = _failed(request, plan)
            continue
        loaded = [doc for doc in docs if doc is not None]
        found = local_inputs(loaded)  # before rendering
        plan.entry.update(inputs=_inputs_json(found), input_stamps=_stamps_json(found))
        plan.diagnostics = [d for part in plan.parts for d in part.diagnostics]
        sources = [p.source for p in plan.parts if p.source is not None]
        subject: Document | Pack
        if _is_brief(plan):
            [subject], base_dir = loaded, sources[0].parent
            # Parsing counts against the source's own wall-clock limit.
            plan.spent = plan.parts[0].spent
        else:
            if request.sort == "date":
                loaded.sort(key=_sort_key)
            from .brief import make_pack

            subject = make_pack(plan.display, loaded,
                                lang=request.presentation.pack_language or request.lang,
                                markings=request.markings, date=request.presentation.date)
            base_dir = Path(os.path.commonpath([s.resolve().parent for s in sources]))
        plan.job = RenderJob(
            key=plan.key, display=plan.display, subject=subject, formats=formats,
            options=render_options(request, base_dir,
                                    dt.datetime.fromisoformat(plan.entry["clock"])),
            writers=writers)
    return planned


def _name(request: BuildRequest, plans: Sequence[_Planned],
          manifest: Mapping[str, dict[str, Any]]) -> None:
    """Give every brief its output name: its source's (``names="source"``) or its title's,
    ``-2``, ``-3`` for equal titles; a combined brief is named after its title already."""
    slugs = {p.key: p.entry["slug"] for p in plans
             if p.result is None and _is_brief(p) and "slug" in p.entry}
    if request.names == "source":
        names = slugs
    else:
        # Sources built earlier into this folder keep their claim on a name, so that building
        # a subset never hands another source's output name to a newcomer.
        claims = {k: e["slug"] for k, e in manifest.items()
                  if not k.startswith(COMBINED_KEY_PREFIX) and k not in slugs
                  and isinstance(e.get("slug"), str) and Path(k).is_file()}
        names = assign_names({**claims, **slugs})
    for plan in plans:
        if plan.key in slugs:
            plan.name = names[plan.key]


# --------------------------------------------------------------------------- the build


def _claims(request: BuildRequest, plans: Sequence[_Planned],
            manifest: Mapping[str, dict[str, Any]]) -> None:
    """Refuse, before anything is written, a build whose outputs would overwrite a source,
    each other, or an existing output that another live source or pack owns; names that
    differ only in letter case (``Case.pdf``, ``case.pdf``) are one file on Mac, Windows and
    FAT (e-reader) storage, so they count as one claim wherever this build runs.

    :raises UsageError: naming the output and both claimants.
    """
    sources = {Path(os.path.realpath(s)) for s in request.sources}
    output = Path(os.path.realpath(request.output))
    for source in sorted(sources):
        if source.is_relative_to(output):
            raise UsageError(f"{shown(source)} is inside the output folder {shown(output)}: "
                             "outputs are never read as sources")
    owner: dict[Path, str] = {}
    spelled: dict[str, Path] = {}  # folded name -> the first output spelled so
    for plan in plans:
        for path in plan.outputs:
            if path in owner and owner[path] != plan.display:
                raise UsageError(f"{shown(path)} would be written for both {owner[path]} and "
                                 f"{plan.display}; rename one (or build them apart)")
            other = spelled.setdefault(_folded(path, request.output), path)
            if other != path:
                raise UsageError(
                    f"{_named(path, request)} ({plan.display}) and {_named(other, request)} "
                    f"({owner[other]}) differ only in letter case: {_ONE_FILE}; rename one "
                    "source")
            owner[path] = plan.display
            if Path(os.path.realpath(path)) in sources:
                raise UsageError(f"{shown(path)} would overwrite a source; choose another "
                                 "output folder")
    keys = {p.key for p in plans}
    live = current_outputs(dict(manifest))
    sources_dir = request.root.resolve() / SOURCES_DIR
    for key, entry in manifest.items():
        combined = key.startswith(COMBINED_KEY_PREFIX)
        if key in keys or (not combined and request.combine is None
                           and request.names == "title"):
            continue  # title names: assign_names already gave claimed names to their owners
        if not combined and any(_same_file(key, k) for k in keys
                                if not k.startswith(COMBINED_KEY_PREFIX)):
            continue  # a brief of ours under another spelling (a case-insensitive system)
        # An entry claims what it would be called today (an old name is merely stale).
        current = entry.get("slug") if combined or request.names == "title" else \
            output_name(Path(key), sources_dir)
        for name in entry.get("outputs", []):
            path = request.output / name
            mine = spelled.get(_folded(path, request.output))
            if mine is not None and name in live and name.rsplit(".", 1)[0] == current \
                    and path.is_file():
                what = (f"the combined brief {key.removeprefix(COMBINED_KEY_PREFIX)!r}"
                        if combined else display_path(Path(key), request.root))
                if mine != path:
                    raise UsageError(
                        f"{_named(mine, request)} ({owner[mine]}) and {_named(path, request)} "
                        f"({what}) differ only in letter case: {_ONE_FILE}; rename one "
                        "source (or choose another output folder)")
                raise UsageError(f"{shown(path)} belongs to {what}; {owner[path]} would "
                                 "overwrite it (choose another title or output folder, or "
                                 "delete that file first)")


_ONE_FILE = "they are one file on Mac, Windows and e-reader (FAT) storage"


def _folded(path: Path, output: Path) -> str:
    """``path`` in the output folder as a case-insensitive file system compares names."""
    return unicodedata.normalize("NFC", path.relative_to(output).as_posix()).casefold()


def _named(output: Path, request: BuildRequest) -> str:
    """An output as messages name it: relative to the project root when inside it."""
    return display_path(output, request.root) if output.is_relative_to(request.root.resolve()) \
        else shown(output)


def _same_file(key: str, source: str) -> bool:
    try:
        return os.path.samefile(key, source)
    except (OSError, ValueError):
        return False


def _finish(request: BuildRequest, plan: _Planned, outcome: RenderOutcome) -> SourceResult:
    data = dict(outcome.outputs)
    if outcome.files is not None:
        plan.entry.update(inputs=_inputs_json(outcome.files),
                          input_stamps=_stamps_json(outcome.files))
    # The requested outputs that were current and not rendered again keep what their own
    # rendering met (the reader's and the checks' findings are new: the source was parsed);
    # a source that failed now keeps nothing of an earlier build: it is not that source.
    stored, stored_omitted = _stored_diagnostics(plan)
    kept = () if outcome.error is not None else tuple(
        d for d in stored
        if d.stage == "render" and d.format in request.formats and d.format not in data)
    # Of those kept, the ones the manifest only counted (beyond the first of their kind).
    omitted = tuple(o for o in stored_omitted if o.stage == "render") if kept else ()
    # A writer's report of what a reader or check already said is that record's problem.
    found = attribute_repeats((*plan.diagnostics, *outcome.diagnostics, *kept))
    if outcome.error is not None:
        message = outcome.error if outcome.located else f"{plan.display}: {outcome.error}"
        return SourceResult(source=plan.display, status="failed", error=message,
                            seconds=outcome.seconds, diagnostics=found, trace=outcome.trace)
    refused = _strict_failure(request, plan, found, outcome.seconds, omitted)
    if refused is not None:
        return refused
    pages = outcome.pages
    if pages is None and "pdf" in request.formats and "pdf" not in data:
        pages = plan.entry.get("previous_pages")  # the current PDF was not made again
    built = SourceResult(source=plan.display, status="built", outputs=plan.outputs,
                         size=sum(len(b) for b in data.values()), pages=pages,
                         seconds=outcome.seconds, diagnostics=found, omitted=omitted)
    try:
        # Outputs and manifest entry together, compare-and-swap per source (output.commit).
        written = commit(request.output, plan.key, plan.seen,
                         _manifest_entry(request, plan, built, data),
                         {path: data[path.suffix[1:]] for path in plan.outputs
                          if path.suffix[1:] in data})
    except OutputError as error:
        return SourceResult(source=plan.display, status="failed", error=str(error),
                            seconds=outcome.seconds, diagnostics=found)
    if not written:
        return SourceResult(source=plan.display, status="failed", seconds=outcome.seconds,
                            diagnostics=found,
                            error=f"{plan.display}: not written: a build that read a newer "
                                  "version of it finished first; build again")
    return built


def _manifest_entry(request: BuildRequest, plan: _Planned, result: SourceResult,
                    rendered: Mapping[str, bytes]) -> dict[str, Any]:
    """The entry recorded for ``plan`` once ``rendered`` (format -> bytes) is written: its
    outputs, each with the key it was made with (``keys``), the inputs it read, what the
    build met."""
    entry = {k: v for k, v in plan.entry.items() if not k.startswith("previous_")}
    names = [p.relative_to(request.output).as_posix() for p in plan.outputs]
    # Outputs of this source under its old name (renamed or retitled) become stale; other
    # formats under the same name stay ours and current.
    stale = list(plan.entry.get("previous_stale", []))
    for old in plan.entry.get("previous_outputs", []):
        if old in names:
            continue
        if old.rsplit(".", 1)[0] == plan.name and (request.output / old).is_file():
            names.append(old)
        elif old not in stale:
            stale.append(old)
    made = plan.entry.get("previous_keys")
    if not isinstance(made, dict) or plan.entry.get("previous_inputs") != entry.get("inputs"):
        made = {}  # outputs not made again now were made from other images: out of date
    keys = {name: plan.entry["key"] if name.rsplit(".", 1)[-1] in rendered else made.get(name)
            for name in names}
    # The first few problems of each kind, the rest counted: a 2 MB text with 1,395 uncertain
    # headings stored them all (500 KB); --strict and the summary still count every one.
    diagnostics, omitted = cap(result.diagnostics, omitted=result.omitted)
    pages = result.pages
    if pages is None and any(name.endswith(".pdf") for name in names):
        # Another format alone was made (build --html): the PDF kept is as many pages as before.
        pages = plan.entry.get("previous_pages")
    entry.update(outputs=names, pages=pages, source=plan.display,
                 keys={name: key for name, key in keys.items() if isinstance(key, str)},
                 diagnostics=[d.to_json() for d in diagnostics])
    if omitted:
        entry["omitted"] = [o.to_json() for o in omitted]
    if stale:
        entry["stale"] = [n for n in stale if n not in names]
    return entry


def _up_to_date_result(request: BuildRequest, plan: _Planned) -> SourceResult:
    """A source whose outputs are current: up to date, or failed under ``--strict`` when its
    build met warnings (the same verdict a rebuild would give, without rendering again)."""
    stored, omitted = _stored_diagnostics(plan)
    refused = _strict_failure(request, plan, stored, omitted=omitted)
    if refused is not None:
        return refused
    return SourceResult(source=plan.display, status="up to date", outputs=plan.outputs,
                        pages=plan.entry.get("previous_pages"), diagnostics=stored,
                        omitted=omitted)


def _strict_failure(request: BuildRequest, plan: _Planned, found: Sequence[Diagnostic],
                    seconds: float = 0.0, omitted: Sequence[Omitted] = ()
                    ) -> SourceResult | None:
    """The failure ``--strict`` makes of a source whose build met warnings, or None."""
    failed = SourceResult(source=plan.display, status="failed", seconds=seconds,
                          diagnostics=tuple(found), omitted=tuple(omitted))
    warned = failed.counted("warning")  # as the summary counts them: once each, omitted too
    if not (request.strict and warned):
        return None
    return dataclasses.replace(failed, error=f"{plan.display}: {warned} warning(s) and "
                                             "--strict; nothing written")


def _stored_diagnostics(plan: _Planned) -> tuple[tuple[Diagnostic, ...], tuple[Omitted, ...]]:
    """What the manifest says was met when an up-to-date source was built: the records it
    kept and how many of each kind it only counted."""
    stored, left = plan.entry.get("previous_diagnostics"), plan.entry.get("previous_omitted")
    found = (from_json(item) for item in (stored if isinstance(stored, list) else ())
             if isinstance(item, dict))
    omitted = (omitted_from_json(item) for item in (left if isinstance(left, list) else ())
               if isinstance(item, dict))
    return (tuple(d for d in found if d is not None),
            tuple(o for o in omitted if o is not None))


_theme_warnings_said: set[str] = set()
"""Theme warnings this process printed already (``watch`` says each once, not per save)."""


def _check_theme(theme: Theme) -> None:
    """Check the theme's stylesheets once, before any source is rendered (:mod:`.theme_check`):
    a refused ``@import`` or ``@font-face`` is one configuration error, not one failure per
    source; a block left open is one warning naming the file and line."""
    from .theme_check import check_theme

    for warning in check_theme(theme):
        if warning not in _theme_warnings_said:
            _theme_warnings_said.add(warning)
            logger.warning("%s", warning)


def run(request: BuildRequest, listener: BuildListener | None = None) -> BuildReport:
    """Build ``request.sources`` into ``request.output``.

    :returns: one result per source (one in all with ``combine``), in source order, and the
        stale outputs of sources that are gone or renamed.
    :raises ConfigError: ``SOURCE_DATE_EPOCH`` is malformed or out of range, or a theme
        stylesheet imports or loads a font from where the renderer may not read.
    :raises UsageError: the output folder is a file or cannot be created; two outputs claim
        the same path, or an output would overwrite a source or another source's output;
        nothing is written then.
    :raises OutputError: the output folder's manifest cannot be written.
    """
    listener = listener or _Silent()
    unknown = [f for f in request.formats if f not in request.writers]
    if unknown or not request.formats:
        raise ConfigError(f"no writer for format(s) {', '.join(unknown) or '(none)'}",
                          key="formats")
    build_clock()  # a malformed SOURCE_DATE_EPOCH is a configuration error, not N failures
    if request.marking is not None:
        from .readers._common import bound_marking

        marking, too_long = bound_marking(request.marking, "--marking")
        for warning in too_long:
            logger.warning("%s", warning)
        request = dataclasses.replace(request, marking=marking)
    check_output_folder(request.output)
    manifest = read_manifest(request.output)
    options_fp = _options_digest(request, theme_fingerprint(request.theme))
    plans = _plan(request, manifest, options_fp)
    _claims(request, plans, manifest)
    jobs = [p.job for p in plans if p.job is not None]
    if jobs:
        _check_theme(request.theme)
        make_output_folder(request.output)
    if request.output.is_dir():
        # Only temporary files of outputs the manifest records or this build writes: a
        # user's own hidden .tmp file is never taken for one of ours.
        ours = {n for e in manifest.values() for n in e.get("outputs", [])}
        ours.update(p.relative_to(request.output).as_posix() for pl in plans
                    for p in pl.outputs)
        ours.add(MANIFEST_NAME)
        with locked(request.output / LOCK_NAME):
            for temp in remove_stale_temp_files(request.output, ours):
                logger.info("removed %s, left by a build that was killed", temp)
    listener.planned(len(plans), len(jobs))
    results: dict[str, SourceResult] = {}
    for plan in plans:
        if plan.result is not None:
            results[plan.key] = plan.result
        elif plan.job is None:
            results[plan.key] = _up_to_date_result(request, plan)
        else:
            continue
        listener.finished(results[plan.key])
    by_key = {p.key: p for p in plans}
    workers = cap_jobs(request.jobs)
    if workers < min(request.jobs, len(jobs)):
        logger.warning("--jobs %d capped to %d worker processes (%d per CPU)", request.jobs,
                       workers, MAX_JOBS_PER_CPU)
    spent = {p.key: p.spent for p in plans}
    idle = getattr(listener, "idle", None)
    for outcome in _run_jobs(jobs, workers, request.limits, spent,
                             idle if callable(idle) else None):
        plan = by_key[outcome.key]
        # Ctrl-C lands between two sources: each source's outputs and manifest entry are
        # written, and told to the listener, all or not at all.
        with interrupt_held():
            result = _finish(request, plan, outcome)
            results[plan.key] = result
            listener.finished(result)
    return BuildReport(tuple(results[p.key] for p in plans),
                       stale=tuple(stale_outputs(request.output)))
