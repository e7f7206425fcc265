"""The build: sources -> documents -> outputs, incrementally, in parallel, one failure at a time.

:func:`run` plans every source (read, hash, name its outputs, compare with the manifest), renders
what is out of date — in this process for ``jobs == 1``, else in a process pool whose workers
import the writers once — writes each output atomically and records what it built in the
output folder's manifest. A source that fails is reported and the others go on; the caller
(``cli.py``) turns the :class:`BuildReport` into an exit code.

Writers (and therefore WeasyPrint) are imported only when something must be rendered, so a build
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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from . import __version__, readers
from .checks import check_document, pack_marking
from .config import FORMATS
from .diagnostics import Diagnostic, as_diagnostic, from_json
from .errors import ConfigError, InputError, LighthouseError, OutputError, RenderError
from .i18n import pack_language
from .limits import MAX_JOBS_PER_CPU, Limits, cap_jobs, map_limited, run_limited
from .model import Document, Pack
from .output import locked, remove_stale_temp_files, write_atomic
from .project import assign_names, display_path, title_slug
from .readers._common import bound_marking
from .render import RenderOptions
from .theme import PACKAGE_DIR, Theme
from .writers import Output
from .writers.resources import confined_files

logger = logging.getLogger("lighthouse_docs")

MANIFEST_NAME = ".lighthouse-manifest.json"
LOCK_NAME = ".lighthouse-manifest.lock"
MANIFEST_FORMAT = 1
COMBINED_KEY_PREFIX = "combine:"

WriterFn = Callable[[Any, RenderOptions], Output]
WriterRef = str | WriterFn
"""A writer, or ``"module:function"`` naming one (picklable, imported where it runs)."""

DEFAULT_WRITERS: dict[str, WriterRef] = {
    fmt: f"lighthouse_docs.writers.{fmt}:build_{fmt}" for fmt in FORMATS
}
DEFAULT_PACK_WRITERS: dict[str, WriterRef] = {
    fmt: f"lighthouse_docs.writers.{fmt}:build_pack_{fmt}" for fmt in FORMATS
}

Status = Literal["built", "up to date", "failed"]

# --------------------------------------------------------------------------- clock


def build_clock(*sources: Path) -> dt.datetime:
    """The time stamped into outputs: ``SOURCE_DATE_EPOCH`` when set, else the latest
    modification time of ``sources`` (UTC, whole seconds).

    :raises ConfigError: ``SOURCE_DATE_EPOCH`` is not an integer.
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
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


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
    key_points: bool = True
    strict: bool = False
    force: bool = False
    jobs: int = 1
    combine: str | None = None
    """Title of one combined brief built from all sources; None = one brief per source."""
    sort: Literal["given", "date"] = "given"
    limits: Limits = field(default_factory=Limits)
    """Wall-clock and memory limits of each source's parsing and rendering."""
    writers: Mapping[str, WriterRef] = field(default_factory=lambda: dict(DEFAULT_WRITERS))
    pack_writers: Mapping[str, WriterRef] = field(
        default_factory=lambda: dict(DEFAULT_PACK_WRITERS))


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
    when it was built, from the manifest)."""
    error: str | None = None
    """One line saying why the source failed."""
    trace: str | None = None
    """Traceback of an unexpected failure, for ``--debug``."""

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """The diagnostics of severity ``warning``."""
        return tuple(d for d in self.diagnostics if d.severity == "warning")


@dataclass(frozen=True, slots=True)
class BuildReport:
    """The results of a build, one per source, in source order."""

    results: tuple[SourceResult, ...]

    @property
    def failed(self) -> tuple[SourceResult, ...]:
        return tuple(r for r in self.results if r.status == "failed")

    @property
    def built(self) -> tuple[SourceResult, ...]:
        return tuple(r for r in self.results if r.status == "built")

    @property
    def ok(self) -> bool:
        return not self.failed


class BuildListener:
    """Progress hooks; the default does nothing (the CLI subclasses it)."""

    def planned(self, total: int, to_render: int) -> None:
        """All sources are planned; ``to_render`` of ``total`` must be rendered."""

    def finished(self, result: SourceResult) -> None:
        """One source is done (built, up to date or failed)."""


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
        try:
            digest.update(f"{dist} {metadata.version(dist)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{dist} -\0".encode())
    _hash_tree(digest, PACKAGE_DIR)
    return digest.hexdigest()


def theme_fingerprint(theme: Theme) -> str:
    """Hash of every file of ``theme`` (stylesheets, fonts, images)."""
    digest = hashlib.sha256(theme.name.encode())
    _hash_tree(digest, theme.root)
    return digest.hexdigest()


# --------------------------------------------------------------------------- manifest


def manifest_path(output: Path) -> Path:
    """Where the build manifest of the output folder ``output`` lives."""
    return output / MANIFEST_NAME


def read_manifest(output: Path) -> dict[str, dict[str, Any]]:
    """The manifest entries of ``output`` (source key -> entry); empty when missing or unreadable
    (then everything is simply rebuilt)."""
    path = manifest_path(output)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        logger.warning("%s: unreadable build manifest; rebuilding everything", path)
        return {}
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def update_manifest(output: Path, updates: Mapping[str, dict[str, Any]]) -> None:
    """Merge ``updates`` into the manifest of ``output`` under the folder lock, atomically.

    Re-reading under the lock keeps entries another build wrote since this one started.
    """
    if not updates:
        return
    with locked(output / LOCK_NAME):
        entries = read_manifest(output)
        entries.update(updates)
        data = {"format": MANIFEST_FORMAT, "entries": dict(sorted(entries.items()))}
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        write_atomic(manifest_path(output), text.encode("utf-8"))


# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderJob:
    """One document (or pack) to render into some formats; sent to a worker process."""

    key: str
    display: str
    """How diagnostics name the source (or the combined brief)."""
    subject: Document | Pack
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
    trace: str | None = None


def resolve_writer(ref: WriterRef) -> WriterFn:
    """The writer function ``ref`` names (imports its module).

    :raises RenderError: the writer does not exist in this installation.
    """
    if callable(ref):
        return ref
    module_name, _, attribute = ref.partition(":")
    try:
        function = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise RenderError(f"writer {ref} is not available ({exc})") from None
    if not callable(function):
        raise RenderError(f"writer {ref} is not callable")
    return function  # type: ignore[no-any-return]


def warm_writers(refs: Sequence[WriterRef]) -> None:
    """Import the writers (WeasyPrint, ebooklib) here, once, before the render processes are
    forked: every child then starts warm."""
    for ref in refs:
        try:
            resolve_writer(ref)
        except RenderError:
            # Reported per source when the job runs.
            continue


def _warm_themes(jobs: Sequence[RenderJob]) -> None:
    """Let each writer module prepare what every job shares (parsed stylesheets, fonts) once
    here, through its optional ``warm(options)``, before the render processes are forked."""
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
                warm(job.options)


def render_job(job: RenderJob) -> RenderOutcome:
    """Render ``job`` into every requested format; never raises.

    All formats are rendered before anything is written, so a source that fails in its EPUB
    does not leave a fresh PDF next to a stale EPUB.
    """
    started = time.perf_counter()
    writers = dict(job.writers)
    outputs: list[tuple[str, bytes]] = []
    found: list[Diagnostic] = []
    pages: int | None = None
    try:
        for fmt in job.formats:
            result = resolve_writer(writers[fmt])(job.subject, job.options)
            outputs.append((fmt, result.data))
            found.extend(as_diagnostic(w, source=job.display, stage="render", format=fmt)
                         for w in result.warnings)
            if result.pages is not None and pages is None:
                pages = result.pages
    except LighthouseError as error:
        return RenderOutcome(key=job.key, error=str(error),
                             seconds=time.perf_counter() - started)
    except Exception as error:
        # Per-source isolation: a bug triggered by one source must not sink the batch.
        return RenderOutcome(
            key=job.key, seconds=time.perf_counter() - started,
            error=f"internal error ({type(error).__name__}: {error}); rerun with --debug",
            trace=traceback.format_exc())
    return RenderOutcome(key=job.key, outputs=tuple(outputs), diagnostics=tuple(found),
                         pages=pages, seconds=time.perf_counter() - started)


def _run_jobs(jobs: Sequence[RenderJob], workers: int, limits: Limits,
              spent: Mapping[str, float]) -> Iterable[RenderOutcome]:
    """Outcomes of ``jobs`` as they complete, each rendered in its own limited process
    (:mod:`.limits`), at most ``workers`` at a time; ``spent`` is the time each source's
    parsing already took off its wall-clock limit."""
    if not jobs:
        return
    warm_writers(sorted({ref for job in jobs for _, ref in job.writers}, key=str))
    _warm_themes(jobs)
    calls = [(job.key, functools.partial(render_job, job)) for job in jobs]
    for key, outcome in map_limited(calls, limits, workers=workers, budgets=dict(spent)):
        if outcome.value is not None:
            yield outcome.value
        elif outcome.error is not None:
            yield RenderOutcome(key=key, error=str(outcome.error), seconds=outcome.seconds)
        else:
            yield RenderOutcome(key=key, error=outcome.crash, trace=outcome.trace,
                                seconds=outcome.seconds)


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
    spent: float = 0.0
    """Seconds parsing took, off the source's wall-clock limit (:mod:`.limits`)."""


def _digest(*parts: object) -> str:
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
    return _digest(tool_fingerprint(), theme_fp, request.formats, request.paper,
                   request.pdf_variant, request.lang, request.marking, request.markings,
                   request.key_points, request.strict)


def _with_marking(doc: Document, marking: str | None) -> Document:
    if marking is None:
        return doc
    return dataclasses.replace(doc, meta=dataclasses.replace(doc.meta, marking=marking))


def _render_options(request: BuildRequest, base_dir: Path, clock: dt.datetime) -> RenderOptions:
    return RenderOptions(theme=request.theme, base_dir=base_dir, modified=clock,
                         paper=request.paper, pdf_variant=request.pdf_variant,
                         key_points=request.key_points)


def _outputs_for(request: BuildRequest, name: str) -> tuple[Path, ...]:
    return tuple(request.output / f"{name}.{fmt}" for fmt in request.formats)


def _up_to_date(request: BuildRequest, plan: _Planned) -> bool:
    return (not request.force and plan.entry.get("key") == plan.entry.get("previous_key")
            and all(p.is_file() for p in plan.outputs))


def _read(plan: _Planned, source: Path) -> bool:
    """Read the source's bytes into ``plan``; on failure record it and return False."""
    try:
        plan.data = readers.read_source(source, plan.display)
    except (OSError, InputError) as error:
        plan.result = _failure(plan.display, error)
        return False
    return True


def _load(request: BuildRequest, plan: _Planned, source: Path) -> Document | None:
    """Parse the bytes read into ``plan`` and check the document; None (and ``plan.result``
    set) when it cannot be built: a reader error or an ``error`` diagnostic."""
    # Parsed in a child process under the source's limits (hostile input cannot hang or
    # exhaust the build); the time it took counts against the rendering's limit too.
    outcome = run_limited(functools.partial(
        readers.load, source, display_path=plan.display, lang=request.lang, data=plan.data),
        request.limits)
    plan.spent += outcome.seconds
    if outcome.error is not None:
        plan.result = _failure(plan.display, outcome.error)
        return None
    if outcome.value is None:
        plan.result = SourceResult(source=plan.display, status="failed", trace=outcome.trace,
                                   error=f"{plan.display}: {outcome.crash}")
        return None
    doc = outcome.value
    fmt = doc.meta.source.format
    plan.diagnostics = [
        *(as_diagnostic(w, source=plan.display, stage="read", format=fmt) for w in doc.warnings),
        # A marking given on the command line or in the config replaces the source's own.
        *check_document(doc, markings=request.markings if request.marking is None else ())]
    errors = [d for d in plan.diagnostics if d.severity == "error"]
    if errors:
        first = errors[0]
        plan.result = SourceResult(source=plan.display, status="failed",
                                   diagnostics=tuple(plan.diagnostics),
                                   error=f"{first.location()}: {first.message}")
        return None
    return _with_marking(doc, request.marking)


def _plan_sources(request: BuildRequest, manifest: Mapping[str, dict[str, Any]],
                  options_fp: str) -> list[_Planned]:
    plans: list[_Planned] = []
    docs: dict[str, Document] = {}
    slugs: dict[str, str] = {}
    for source in request.sources:
        key, display = source.resolve().as_posix(), display_path(source, request.root)
        plan = _Planned(key=key, display=display)
        plans.append(plan)
        if not _read(plan, source):
            continue
        try:
            clock = build_clock(source)
        except OSError as error:
            plan.result = _failure(display, error)
            continue
        old = manifest.get(key, {})
        sha = hashlib.sha256(plan.data).hexdigest()
        slug_key = _digest(sha, display, request.lang, tool_fingerprint())
        if old.get("slug_key") == slug_key and isinstance(old.get("slug"), str):
            slugs[key] = old["slug"]
        else:
            doc = _load(request, plan, source)
            if doc is None:
                continue
            docs[key] = doc
            slugs[key] = title_slug(doc.meta.title, fallback=source.stem)
        plan.entry = {"slug": slugs[key], "slug_key": slug_key, "clock": clock.isoformat(),
                      "sha": sha, "previous_key": old.get("key"),
                      "previous_pages": old.get("pages"),
                      "previous_diagnostics": old.get("diagnostics")}
    # Sources built earlier into this folder keep their claim on a name, so that building a
    # subset never hands another source's output name to a newcomer.
    claims = {k: e["slug"] for k, e in manifest.items()
              if not k.startswith(COMBINED_KEY_PREFIX) and k not in slugs
              and isinstance(e.get("slug"), str) and Path(k).is_file()}
    names = assign_names({**claims, **slugs})
    for plan in plans:
        if plan.result is not None:
            continue
        plan.name = names[plan.key]
        plan.outputs = _outputs_for(request, plan.name)
        plan.entry["key"] = _digest(options_fp, plan.entry["sha"], plan.display,
                                    plan.entry["clock"], plan.name)
        if _up_to_date(request, plan):
            continue
        source = Path(plan.key)
        loaded = docs.get(plan.key) or _load(request, plan, source)
        if loaded is None:
            continue
        plan.job = RenderJob(
            key=plan.key, display=plan.display, subject=loaded, formats=request.formats,
            options=_render_options(request, source.parent,
                                    dt.datetime.fromisoformat(plan.entry["clock"])),
            writers=tuple((fmt, request.writers[fmt]) for fmt in request.formats))
    return plans


def _sort_key(doc: Document) -> tuple[bool, dt.date]:
    return (doc.meta.date is None, doc.meta.date or dt.date.min)


def _plan_combined(request: BuildRequest, manifest: Mapping[str, dict[str, Any]],
                   options_fp: str) -> list[_Planned]:
    title = request.combine or ""
    name = title_slug(title)
    plan = _Planned(key=f"{COMBINED_KEY_PREFIX}{name}", display=title, name=name)
    plan.outputs = _outputs_for(request, name)
    failures: list[_Planned] = []
    docs: list[Document] = []
    shas: list[tuple[str, str]] = []
    for source in request.sources:
        display = display_path(source, request.root)
        part = _Planned(key=source.as_posix(), display=display)
        doc = _load(request, part, source) if _read(part, source) else None
        if doc is None:
            failures.append(part)
            continue
        plan.diagnostics.extend(part.diagnostics)
        docs.append(doc)
        shas.append((display, hashlib.sha256(part.data).hexdigest()))
    if failures:
        plan.result = SourceResult(source=title, status="failed",
                                   diagnostics=tuple(plan.diagnostics),
                                   error=f"{title}: {len(failures)} source(s) failed; "
                                         "not combined")
        return [*failures, plan]
    if request.sort == "date":
        docs.sort(key=_sort_key)
    clock = build_clock(*request.sources)
    old = manifest.get(plan.key, {})
    plan.entry = {"key": _digest(options_fp, shas, request.sort, title, clock.isoformat()),
                  "previous_key": old.get("key"), "previous_pages": old.get("pages"),
                  "previous_diagnostics": old.get("diagnostics"), "slug": name}
    if _up_to_date(request, plan):
        return [plan]
    publishers = {d.meta.publisher for d in docs}
    dates = [d.meta.date for d in docs if d.meta.date is not None]
    pack = Pack(title=title, documents=tuple(docs),
                lang=pack_language((d.meta.lang for d in docs), request.lang),
                date=max(dates) if dates else None,
                marking=pack_marking((d.meta.marking for d in docs), request.markings),
                publisher=publishers.pop() if len(publishers) == 1 else None)
    base_dir = Path(os.path.commonpath([s.resolve().parent for s in request.sources]))
    plan.job = RenderJob(key=plan.key, display=title, subject=pack, formats=request.formats,
                         options=_render_options(request, base_dir, clock),
                         writers=tuple((f, request.pack_writers[f]) for f in request.formats))
    return [plan]


# --------------------------------------------------------------------------- the build


def _finish(request: BuildRequest, plan: _Planned, outcome: RenderOutcome) -> SourceResult:
    found = (*plan.diagnostics, *outcome.diagnostics)
    if outcome.error is not None:
        message = outcome.error if plan.display in outcome.error else \
            f"{plan.display}: {outcome.error}"
        return SourceResult(source=plan.display, status="failed", error=message,
                            seconds=outcome.seconds, diagnostics=found, trace=outcome.trace)
    warned = sum(1 for d in found if d.severity == "warning")
    if request.strict and warned:
        return SourceResult(source=plan.display, status="failed", seconds=outcome.seconds,
                            diagnostics=found,
                            error=f"{plan.display}: {warned} warning(s) and --strict; "
                                  "nothing written")
    data = dict(outcome.outputs)
    try:
        for path in plan.outputs:
            write_atomic(path, data[path.suffix[1:]])
    except OutputError as error:
        return SourceResult(source=plan.display, status="failed", error=str(error),
                            seconds=outcome.seconds, diagnostics=found)
    return SourceResult(source=plan.display, status="built", outputs=plan.outputs,
                        size=sum(len(b) for b in data.values()), pages=outcome.pages,
                        seconds=outcome.seconds, diagnostics=found)


def _manifest_entry(plan: _Planned, result: SourceResult) -> dict[str, Any]:
    entry = {k: v for k, v in plan.entry.items() if not k.startswith("previous_")}
    entry.update(outputs=[p.name for p in plan.outputs], pages=result.pages,
                 source=plan.display, diagnostics=[d.to_json() for d in result.diagnostics])
    return entry


def _stored_diagnostics(plan: _Planned) -> tuple[Diagnostic, ...]:
    """What the manifest says was met when an up-to-date source was built."""
    stored = plan.entry.get("previous_diagnostics")
    if not isinstance(stored, list):
        return ()
    found = (from_json(item) for item in stored if isinstance(item, dict))
    return tuple(d for d in found if d is not None)


def run(request: BuildRequest, listener: BuildListener | None = None) -> BuildReport:
    """Build ``request.sources`` into ``request.output``.

    :returns: one result per source (one in all with ``combine``), in source order.
    :raises ConfigError: ``SOURCE_DATE_EPOCH`` is malformed.
    :raises OutputError: the output folder's manifest cannot be written.
    """
    listener = listener or BuildListener()
    unknown = [f for f in request.formats if f not in request.writers]
    if unknown or not request.formats:
        raise ConfigError(f"no writer for format(s) {', '.join(unknown) or '(none)'}",
                          key="formats")
    build_clock()  # a malformed SOURCE_DATE_EPOCH is a configuration error, not N failures
    marking, too_long = bound_marking(request.marking, "--marking")
    for warning in too_long:
        logger.warning("%s", warning)
    request = dataclasses.replace(request, marking=marking)
    if request.output.is_dir():
        with locked(request.output / LOCK_NAME):
            for temp in remove_stale_temp_files(request.output):
                logger.info("removed %s, left by a build that was killed", temp)
    manifest = read_manifest(request.output)
    options_fp = _options_digest(request, theme_fingerprint(request.theme))
    planner = _plan_combined if request.combine is not None else _plan_sources
    plans = planner(request, manifest, options_fp)
    jobs = [p.job for p in plans if p.job is not None]
    listener.planned(len(plans), len(jobs))
    results: dict[str, SourceResult] = {}
    updates: dict[str, dict[str, Any]] = {}
    for plan in plans:
        if plan.result is not None:
            results[plan.key] = plan.result
        elif plan.job is None:
            results[plan.key] = SourceResult(source=plan.display, status="up to date",
                                             outputs=plan.outputs,
                                             pages=plan.entry.get("previous_pages"),
                                             diagnostics=_stored_diagnostics(plan))
        else:
            continue
        listener.finished(results[plan.key])
    by_key = {p.key: p for p in plans}
    workers = cap_jobs(request.jobs)
    if workers < min(request.jobs, len(jobs)):
        logger.warning("--jobs %d capped to %d worker processes (%d per CPU)", request.jobs,
                       workers, MAX_JOBS_PER_CPU)
    spent = {p.key: p.spent for p in plans}
    for outcome in _run_jobs(jobs, workers, request.limits, spent):
        plan = by_key[outcome.key]
        result = _finish(request, plan, outcome)
        results[plan.key] = result
        if result.status == "built":
            updates[plan.key] = _manifest_entry(plan, result)
        listener.finished(result)
    update_manifest(request.output, updates)
    return BuildReport(tuple(results[p.key] for p in plans))
