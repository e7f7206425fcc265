"""The live preview of ``lighthouse-docs serve``: briefs in a browser while they are written.

One warm process: the CLI's loop rebuilds on save (the incremental build of ``watch``) and
records what happened in a :class:`PreviewState`; :func:`start` serves that state over HTTP on
127.0.0.1 from a thread. Every change bumps the state's generation and open pages, told by
server-sent events (``/_lh/events``), reload themselves.

Per brief the preview shows two views of the printed brief:

- **text**: the brief's HTML with the theme's print stylesheet (the ``--html`` writer),
  rendered straight after a save in a limited child (parsing and templates, no layout), so
  the new text is on screen well before the PDF is ready;
- **pages**: the pages of the current PDF as images (Poppler's ``pdftoppm``, when it is
  installed), i.e. the page boxes as printed: cover, running heads, page numbers, marking
  bands. Browsers do not lay out ``@page`` boxes on screen and paged.js is not available
  offline; imitating the pagination in CSS would show pages that disagree with the PDF.

What may be served is closed: the pages this module makes, its own script and stylesheet, and
files under the output folder that the output manifest records as ours (regular files, after
resolving links). Sources and brief names are looked up in the state, never joined to a path;
there is no directory listing and every other path is a 404.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from .errors import InputError, LighthouseError

if TYPE_CHECKING:
    from .build import BuildRequest, SourceResult

logger = logging.getLogger("lighthouse_docs")

HOST = "127.0.0.1"
"""The only address the preview listens on: it is for the author's own browser."""
STATIC_DIR = Path(__file__).resolve().parent / "templates" / "serve"
KEEPALIVE_SECONDS = 10.0
PAGE_DPI = 60
CONTENT_TYPES = {".pdf": "application/pdf", ".epub": "application/epub+zip",
                 ".html": "text/html; charset=utf-8"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; "
       "base-uri 'none'; form-action 'none'")
LIVE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"
"""The article's own HTML may run nothing and fetch nothing (its images are inlined)."""


# --------------------------------------------------------------------------- state


@dataclass(slots=True)
class Brief:
    """What the preview knows about one source."""

    key: str
    """The source's display path (``sources/a.md``): its name in URLs."""
    source: Path
    title: str = ""
    live: bytes | None = None
    """The last good HTML of the brief (kept while a broken save shows its error)."""
    error: str | None = None
    """Why the last save could not be built; None when it was."""
    outputs: tuple[str, ...] = ()
    """Its current outputs, relative to the output folder."""
    pages: int | None = None
    generation: int = 0
    built_at: float | None = None
    digest: str = ""
    """SHA-256 of the bytes the text view was rendered from."""
    inputs: tuple[tuple[str, str, str, str], ...] = ()
    """The images the text view pulled in, as they were then (:func:`.build.local_inputs`)."""
    warnings: tuple[str, ...] = ()
    """The last build's warnings, as the terminal prints them (capped per kind)."""
    warning_count: int = 0


@dataclass(slots=True)
class PreviewState:
    """The briefs, and a generation number that grows with every change (thread-safe)."""

    output: Path
    briefs: dict[str, Brief] = field(default_factory=dict)
    generation: int = 0
    problem: str | None = None
    """A project-wide problem (a broken configuration): shown on every page."""
    stopping: bool = False
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def change(self, key: str | None = None, **values: Any) -> None:
        """Update the brief ``key`` (None: the project) with ``values`` and wake the pages
        (only when something changed)."""
        with self._changed:
            target: object = self.briefs[key] if key is not None else self
            if all(getattr(target, name) == value for name, value in values.items()):
                return
            self.generation += 1
            if key is not None:
                brief = self.briefs[key]
                for name, value in values.items():
                    setattr(brief, name, value)
                brief.generation = self.generation
            else:
                for name, value in values.items():
                    setattr(self, name, value)
            self._changed.notify_all()

    def track(self, sources: Mapping[str, Path]) -> None:
        """Follow exactly ``sources`` (display path -> file): new ones appear, deleted go."""
        with self._changed:
            gone = [k for k in self.briefs if k not in sources]
            new = [k for k in sources if k not in self.briefs]
            for key in gone:
                del self.briefs[key]
            for key in new:
                self.briefs[key] = Brief(key=key, source=sources[key])
            if gone or new:
                self.generation += 1
                self._changed.notify_all()

    def snapshot(self) -> tuple[int, str | None, list[Brief]]:
        """The generation, project problem and a copy of every brief, in key order."""
        with self._changed:
            return (self.generation, self.problem,
                    [dataclasses.replace(self.briefs[k]) for k in sorted(self.briefs)])

    def brief(self, key: str) -> Brief | None:
        with self._changed:
            found = self.briefs.get(key)
            return dataclasses.replace(found) if found is not None else None

    def wait(self, since: int, timeout: float) -> int | None:
        """The generation once it is past ``since`` (None after ``timeout`` or on stop)."""
        with self._changed:
            self._changed.wait_for(lambda: self.generation > since or self.stopping,
                                   timeout=timeout)
            if self.stopping or self.generation <= since:
                return None
            return self.generation

    def stop(self) -> None:
        with self._changed:
            self.stopping = True
            self._changed.notify_all()


# --------------------------------------------------------------------------- the text view


def render_preview(source: Path, display: str, request: BuildRequest
                   ) -> tuple[str, bytes, tuple[tuple[str, str, str, str], ...]]:
    """The title and self-contained HTML of ``source`` as ``build --html`` makes it (same
    reader, checks, marking and theme), and the images it pulled in
    (:func:`.build.local_inputs`). Runs in a limited child (:mod:`.limits`).

    :raises LighthouseError: the source cannot be read, fails a check, or cannot be rendered.
    """
    from . import readers
    from .build import build_clock, checked, local_inputs, render_options
    from .writers.html import build_html

    loaded = readers.load(source, display_path=display, lang=request.lang)
    doc, _, failure = checked(loaded, display, marking=request.marking,
                              markings=request.markings, key_points=request.key_points)
    if doc is None:
        raise InputError(failure or f"{display}: cannot be built")
    options = render_options(request, source.parent, build_clock(source))
    inputs = local_inputs([doc])  # before rendering: a later change is seen by the next save
    return doc.meta.title, build_html(doc, options).data, inputs


# --------------------------------------------------------------------------- files


def served_output(output: Path, relative: str) -> Path | None:
    """The file ``relative`` names in the output folder, if it may be served: a regular file
    that the manifest records as an output, inside the folder after resolving links."""
    from .output import read_manifest

    if not relative or "\\" in relative or "\0" in relative or relative.startswith("/"):
        return None
    parts = relative.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    try:
        recorded = {name for entry in read_manifest(output).values()
                    for name in entry.get("outputs", [])}
    except (OSError, ValueError, LighthouseError):  # an unreadable manifest serves nothing
        return None
    if relative not in recorded:
        return None
    root = Path(os.path.realpath(output))
    path = Path(os.path.realpath(output / relative))
    if not path.is_relative_to(root):
        return None
    try:
        info = path.stat()
    except OSError:
        return None
    return path if stat.S_ISREG(info.st_mode) else None


def page_image(pdf: Path, number: int) -> bytes | None:
    """Page ``number`` (1-based) of ``pdf`` as a PNG, through ``pdftoppm``; None when Poppler
    is not installed or the page cannot be drawn."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        return None
    try:
        run = subprocess.run([tool, "-f", str(number), "-l", str(number), "-r", str(PAGE_DPI),
                              "-png", "-singlefile", str(pdf)],
                             capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return run.stdout if run.returncode == 0 and run.stdout.startswith(b"\x89PNG") else None


# --------------------------------------------------------------------------- pages


def _page(template: str, **values: Any) -> bytes:
    from .render import environment

    return environment().get_template(f"serve/{template}").render(**values).encode("utf-8")


def _brief_url(view: str, key: str) -> str:
    return f"/{view}?src={quote(key, safe='')}"


class _Handler(BaseHTTPRequestHandler):
    """GET (and HEAD) only; every answer is built from the state, never from the path."""

    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "lighthouse-docs-serve"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("serve: " + format, *args)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _answer(self, *, head: bool) -> None:
        try:
            parts = urlsplit(self.path)
        except ValueError:
            self._send(HTTPStatus.BAD_REQUEST, b"bad request\n", "text/plain", head=head)
            return
        query = parse_qs(parts.query)
        state = self.server.state
        route = parts.path
        if route == "/_lh/events":
            self._events(query)
            return
        if route in ("/", "/index.html"):
            generation, problem, briefs = state.snapshot()
            self._send(HTTPStatus.OK, _page("index.html.j2", briefs=briefs, problem=problem,
                                            generation=generation, url=_brief_url),
                       "text/html; charset=utf-8", head=head)
            return
        if route in ("/_lh/serve.js", "/_lh/serve.css"):
            name = route.rsplit("/", 1)[1]
            kind = "text/javascript" if name.endswith(".js") else "text/css"
            self._send(HTTPStatus.OK, (STATIC_DIR / name).read_bytes(),
                       f"{kind}; charset=utf-8", head=head)
            return
        if route.startswith("/output/"):
            self._output(unquote(route[len("/output/"):]), head=head)
            return
        key = (query.get("src") or [""])[0]
        brief = state.brief(key) if key else None
        if brief is None or route not in ("/brief", "/pages", "/live", "/page"):
            self._not_found(head=head)
            return
        if route == "/live":
            if brief.live is None:
                self._not_found(head=head)
                return
            self._send(HTTPStatus.OK, brief.live, "text/html; charset=utf-8", head=head,
                       csp=LIVE_CSP)
            return
        if route == "/page":
            self._page_image(brief, (query.get("n") or [""])[0], head=head)
            return
        generation, problem, _ = state.snapshot()
        pdf = next((o for o in brief.outputs if o.endswith(".pdf")), None)
        body = _page("brief.html.j2", brief=brief, problem=problem, generation=generation,
                     view="pages" if route == "/pages" else "text", url=_brief_url,
                     pdf=pdf, epub=next((o for o in brief.outputs if o.endswith(".epub")),
                                        None),
                     outputs=brief.outputs, paper=self.server.paper,
                     images=pdf is not None and shutil.which("pdftoppm") is not None)
        self._send(HTTPStatus.OK, body, "text/html; charset=utf-8", head=head)

    def _output(self, relative: str, *, head: bool) -> None:
        path = served_output(self.server.state.output, relative)
        if path is None:
            self._not_found(head=head)
            return
        try:
            data = path.read_bytes()
        except OSError:
            self._not_found(head=head)
            return
        kind = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
        self._send(HTTPStatus.OK, data, kind, head=head,
                   csp=LIVE_CSP if path.suffix == ".html" else CSP)

    def _page_image(self, brief: Brief, number: str, *, head: bool) -> None:
        pdf = next((o for o in brief.outputs if o.endswith(".pdf")), None)
        path = served_output(self.server.state.output, pdf) if pdf else None
        if path is None or not number.isdigit() or not 1 <= int(number) <= (brief.pages or 0):
            self._not_found(head=head)
            return
        image = page_image(path, int(number))
        if image is None:
            self._not_found(head=head)
            return
        self._send(HTTPStatus.OK, image, "image/png", head=head)

    def _events(self, query: Mapping[str, list[str]]) -> None:
        """Server-sent events: one ``data: <generation>`` line per change."""
        since_text = (query.get("since") or ["0"])[0]
        since = int(since_text) if since_text.isdigit() else 0
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        state = self.server.state
        try:
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while not state.stopping:
                current = state.wait(since, KEEPALIVE_SECONDS)
                if state.stopping:
                    return
                message = (b": keep-alive\n\n" if current is None
                           else f"data: {current}\n\n".encode())
                since = current if current is not None else since
                self.wfile.write(message)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return

    def _not_found(self, *, head: bool) -> None:
        self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8", head=head)

    def _send(self, status: HTTPStatus, body: bytes, kind: str, *, head: bool,
              csp: str = CSP) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        if not head:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, state: PreviewState, paper: str) -> None:
        self.state = state
        self.paper = paper
        super().__init__((HOST, port), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that goes away mid-request (a browser's preconnect socket, a tab closed
        while loading) is not a problem; anything else is one log line, with its traceback
        only under ``--debug`` (socketserver printed the traceback to stderr)."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return
        logger.error("serve: a request from %s failed: %s", client_address[0], error,
                     exc_info=logger.isEnabledFor(logging.DEBUG))


@contextlib.contextmanager
def serving(state: PreviewState, port: int = 0, *, paper: str = "a4") -> Iterator[str]:
    """Serve ``state`` on 127.0.0.1:``port`` (0: a free port) from a thread; yields the URL.
    On exit the event streams end, the server stops and its socket is closed.

    :raises OSError: the port cannot be bound (in use, not allowed).
    """
    server = _Server(port, state, paper)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              name="lighthouse-docs-serve", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/"
    finally:
        state.stop()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- updating


def seed(state: PreviewState, request: BuildRequest) -> None:
    """Follow ``request.sources`` and show at once the outputs the output folder's manifest
    records for each (PDF, EPUB, pages), before any text view is rendered: a server started
    on a built project lists its briefs and their pages right away instead of "building…"
    until every text view is made (0.5-1 s each on a busy machine) and the build has
    checked them. The build that follows replaces them with what it finds."""
    from .output import read_manifest
    from .project import display_path

    sources = {display_path(s, request.root): s for s in request.sources}
    state.track(sources)
    try:
        entries = read_manifest(request.output, warn=False)
    except (OSError, ValueError, LighthouseError):
        return  # the build says what is wrong with it
    for key, path in sources.items():
        entry = entries.get(path.resolve().as_posix(), {})
        outputs = tuple(name for name in entry.get("outputs", [])
                        if name.rsplit(".", 1)[-1] in request.formats
                        and served_output(request.output, name) is not None)
        pages = entry.get("pages")
        if outputs:
            state.change(key, outputs=outputs,
                         pages=pages if isinstance(pages, int) and "pdf" in request.formats
                         else None)


def refresh(state: PreviewState, request: BuildRequest, *, force: bool = False) -> list[str]:
    """Follow ``request.sources`` and render the text view of every source whose bytes
    changed since it was last rendered (all with ``force``), each in a limited child.

    :returns: the keys whose text view changed (or failed).
    """
    import functools
    import hashlib
    import importlib

    from .build import inputs_current, warm_readers
    from .limits import run_limited
    from .project import display_path
    from .render import warm_templates

    sources = {display_path(s, request.root): s for s in request.sources}
    state.track(sources)
    # Imported and loaded here once: each save's child then only parses and renders.
    warm_readers(sources.values())
    warm_templates()
    importlib.import_module("lighthouse_docs.writers.html")
    changed: list[str] = []
    for key, path in sources.items():
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as error:
            state.change(key, error=f"{key}: cannot be read ({error.strerror or error})",
                         digest="")
            changed.append(key)
            continue
        known = state.brief(key)
        if not force and known is not None and known.digest == digest and \
                inputs_current(known.inputs):
            continue  # the same bytes and images (an image save renders it again)
        outcome = run_limited(functools.partial(render_preview, path, key, request),
                              request.limits)
        changed.append(key)
        if outcome.value is not None:
            title, html, inputs = outcome.value
            state.change(key, title=title, live=html, error=None, digest=digest,
                         inputs=inputs)
        else:
            reason = str(outcome.error) if outcome.error is not None else outcome.crash
            if outcome.error is not None and not isinstance(outcome.error, InputError):
                reason = f"{key}: {reason}"
            state.change(key, error=reason, digest=digest)
    return changed


def record(state: PreviewState, request: BuildRequest, results: Iterable[SourceResult]) -> None:
    """Take in what a build did: each brief's outputs, pages and warnings, or why it failed."""
    from .diagnostics import source_lines

    for result in results:
        if state.brief(result.source) is None:
            continue
        outputs = tuple(p.relative_to(request.output).as_posix() for p in result.outputs
                        if p.is_relative_to(request.output))
        # The warnings the terminal prints, for the page's collapsible note (fourth trial,
        # F9: the preview showed errors only). An up-to-date source has the manifest's.
        notes = {"warnings": source_lines(result.diagnostics, result.omitted,
                                          severities=("warning",)),
                 "warning_count": result.counted("warning")}
        if result.status == "failed":
            state.change(result.source, error=result.error, **notes)
        elif result.status == "built":
            state.change(result.source, outputs=outputs, pages=result.pages,
                         built_at=time.time(), **notes)
        else:
            known = state.brief(result.source)
            if known is not None and (known.outputs, known.pages) != (outputs, result.pages):
                state.change(result.source, outputs=outputs, pages=result.pages, **notes)
            else:
                state.change(result.source, **notes)
