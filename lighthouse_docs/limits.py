"""Run one source's work under a wall-clock and a memory limit, in a child process.

Parsing and rendering a source are the steps a hostile or careless input can make hang or eat
memory (an SVG with exponential ``<use>`` fan-out, a quadratic layout, a decompression bomb).
:func:`run_limited` runs each such call in a process forked for it alone:

- the child sets ``RLIMIT_AS`` to the memory limit, so an allocation past it fails there
  (``MemoryError``, or the child dies) and never takes the machine or the batch with it;
- the parent waits at most the wall-clock limit and then kills the child (``SIGKILL``);
- the child asks the kernel to kill it when its parent dies (``PR_SET_PDEATHSIG``), and
  checks that the parent is still the one that forked it, so ``kill -9`` of a build leaves
  no process behind; it also ignores ``SIGINT`` (Ctrl-C reaches the parent, which kills it).

A fork per call (not a pool of long-lived workers) keeps the parent's warm state (imported
writers, parsed stylesheets) shared with every child, gives each call a fresh address space
to limit, and lets any callable run (no pickling of the work itself); only the result
travels back, pickled through a pipe. The cost is one ``fork`` per call, a few milliseconds.
The child freezes what it inherits out of its garbage collector (``gc.freeze``), so that its
collections never touch, and so copy, the parent's objects.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import gc
import logging
import os
import pickle
import resource
import selectors
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from .errors import LighthouseError

T = TypeVar("T")
K = TypeVar("K")

DEFAULT_SECONDS = 120.0
"""Wall-clock limit of one source (parsing and rendering together), in seconds."""
DEFAULT_MEMORY_MB = 2048
"""Address-space limit of the process working on one source, in MiB."""
MAX_JOBS_PER_CPU = 2
"""``--jobs`` beyond this many processes per CPU only adds memory pressure: it is capped."""

_PR_SET_PDEATHSIG = 1


class LimitExceeded(LighthouseError):
    """A source went over the wall-clock or the memory limit."""

    category = "Limit exceeded"


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """What one source may use; ``None`` switches a limit off."""

    seconds: float | None = DEFAULT_SECONDS
    memory_mb: int | None = DEFAULT_MEMORY_MB
    in_process: bool = False
    """Run the calls in this process, one after the other, with no limit at all: only for
    tests whose work shares state (events, monkeypatches) with the caller."""

    def time_message(self) -> str:
        return (f"over the time limit of {self.seconds:g} s (time_limit in lighthouse.toml, "
                "--time-limit); not built")

    def memory_message(self) -> str:
        return (f"over the memory limit of {self.memory_mb} MiB (memory_limit in "
                "lighthouse.toml, --memory-limit); not built")


def cap_jobs(requested: int, cpus: int | None = None) -> int:
    """``requested`` worker processes, at most :data:`MAX_JOBS_PER_CPU` per CPU (and >= 1)."""
    cpus = cpus or os.cpu_count() or 1
    return max(1, min(requested, MAX_JOBS_PER_CPU * cpus))


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """The result of one limited call: its value, or the error it ended with."""

    value: T | None = None
    error: LighthouseError | None = None
    """A :class:`LighthouseError` the call raised, or :class:`LimitExceeded`."""
    crash: str | None = None
    """One line for an unexpected exception or a dead child (a bug, not the user's)."""
    trace: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and self.crash is None


# --------------------------------------------------------------------------- the child


def _die_with_parent(parent: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # the process's own symbols include libc's
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the closed pipe still ends the child
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _limit_memory(memory_mb: int | None) -> None:
    if memory_mb is None:
        return
    wanted = memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def _quiet_logging() -> None:
    # The parent's handlers (a Rich console, pytest's capture) must not be used from here:
    # whatever the work has to say travels back in its result.
    for logger in [logging.getLogger(), *(
            item for item in logging.Logger.manager.loggerDict.values()
            if isinstance(item, logging.Logger))]:
        logger.handlers.clear()
    logging.getLogger().addHandler(logging.NullHandler())


def _child(parent: int, write_fd: int, limits: Limits, call: Callable[[], object]) -> None:
    # Everything inherited from the parent is left out of this process's garbage
    # collections: a collection that walked it would write to every inherited object's
    # header, copying most of the parent's pages into this process (copy-on-write) for
    # nothing. 10-15 % of a warm render's CPU time (bench: a batch's render processes).
    gc.freeze()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # held by the parent
    _die_with_parent(parent)
    _quiet_logging()
    payload: tuple[object, ...]
    try:
        _limit_memory(limits.memory_mb)
        payload = ("ok", call())
    except MemoryError:
        payload = ("memory",)
    except LighthouseError as error:
        payload = ("error", error)
    except BaseException as error:  # reported as a crash of this source
        payload = ("crash", f"{type(error).__name__}: {error}", traceback.format_exc())
    try:
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("memory",))
    except Exception as error:
        data = pickle.dumps(("crash", f"result cannot be sent back ({error})", None))
    with os.fdopen(write_fd, "wb") as pipe:
        pipe.write(data)


@contextlib.contextmanager
def _interrupt_held() -> Iterator[None]:
    """Ctrl-C (``SIGINT``) held back, pending, while a child is forked and recorded. Arriving
    during ``fork()``, it was raised in the interpreter's at-fork hooks (logging's lock
    release), where Python prints "Exception ignored" and drops it: the build went on (and
    waited for a render that never ends). Arriving between the fork and the recording, it
    would leave a child the pool does not know of. Released, it is raised right after."""
    if not hasattr(signal, "pthread_sigmask"):  # not POSIX
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _fork(limits: Limits, call: Callable[[], object]) -> tuple[int, int]:
    read_fd, write_fd = os.pipe()
    parent = os.getpid()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover  (runs in the child; coverage does not follow it)
        code = 0
        try:
            os.close(read_fd)
            _child(parent, write_fd, limits, call)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    os.set_blocking(read_fd, False)
    return pid, read_fd


# --------------------------------------------------------------------------- the parent


@dataclass(slots=True)
class _Running(Generic[K]):
    key: K
    pid: int
    fd: int
    started: float
    deadline: float | None
    chunks: list[bytes]


def _reap(pid: int) -> int:
    """The wait status of the child ``pid`` (waits for it)."""
    while True:
        try:
            return os.waitpid(pid, 0)[1]
        except ChildProcessError:
            return 0
        except InterruptedError:
            continue


def _outcome(limits: Limits, data: bytes, status: int, seconds: float) -> Outcome[object]:
    if data:
        try:
            payload = pickle.loads(data)  # noqa: S301  # our own child wrote it
        except Exception as error:
            return Outcome(crash=f"internal error (bad result: {error})", seconds=seconds)
        kind = payload[0]
        if kind == "ok":
            return Outcome(value=payload[1], seconds=seconds)
        if kind == "memory":
            return Outcome(error=LimitExceeded(limits.memory_message()), seconds=seconds)
        if kind == "error":
            return Outcome(error=payload[1], seconds=seconds)
        return Outcome(crash=f"internal error ({payload[1]}); rerun with --debug",
                       trace=payload[2], seconds=seconds)
    if os.WIFSIGNALED(status) and limits.memory_mb is not None:
        # Libraries written in C abort or crash when an allocation fails under RLIMIT_AS.
        return Outcome(error=LimitExceeded(
            f"{limits.memory_message()} (the worker died of signal "
            f"{os.WTERMSIG(status)})"), seconds=seconds)
    return Outcome(crash="internal error (the worker process died without a result); "
                         "rerun with --debug", seconds=seconds)


class LimitedPool(Generic[K, T]):
    """Limited children (one per call, see the module), at most ``workers`` at a time, that can
    be given more work while they run: a call's result may submit the next step of its job.

    Calls start in submission order, ``first=True`` ones before the others. Nothing is forked
    before :meth:`start` or :meth:`results`, so the caller can start the first calls, then do
    something else of its own (they run meanwhile), then collect. Use it as a context manager:
    leaving it kills what still runs.
    """

    def __init__(self, limits: Limits, workers: int = 1) -> None:
        self.limits = limits
        self.workers = max(1, workers)
        self._queued: collections.deque[tuple[K, Callable[[], T], float]] = collections.deque()
        self._running: dict[int, _Running[K]] = {}
        self._finished: collections.deque[tuple[K, Outcome[T]]] = collections.deque()
        self._selector = selectors.DefaultSelector()

    def __enter__(self) -> LimitedPool[K, T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def submit(self, key: K, call: Callable[[], T], *, spent: float = 0.0,
               first: bool = False) -> None:
        """Queue ``call``; ``spent`` seconds already count against its wall-clock limit."""
        if first:
            self._queued.appendleft((key, call, spent))
        else:
            self._queued.append((key, call, spent))

    def cancel(self, *keys: K) -> None:
        """Drop the queued calls of ``keys`` and kill their running ones (no outcome for them)."""
        self._queued = collections.deque(q for q in self._queued if q[0] not in keys)
        self._finished = collections.deque(f for f in self._finished if f[0] not in keys)
        for job in [r for r in self._running.values() if r.key in keys]:
            _kill(job, self._selector)
            del self._running[job.fd]

    def spare(self) -> bool:
        """Whether a worker slot is free with nothing queued to take it."""
        return not self._queued and len(self._running) < self.workers

    def _next(self) -> tuple[K, Callable[[], T], float] | None:
        return self._queued.popleft() if self._queued else None

    def start(self) -> None:
        """Fork queued calls into free slots (in this process: nothing; see :meth:`results`)."""
        if self.limits.in_process:
            return
        while len(self._running) < self.workers:
            item = self._next()
            if item is None:
                return
            key, call, spent = item
            now = time.monotonic()
            deadline = None
            if self.limits.seconds is not None:
                deadline = now + max(0.0, self.limits.seconds - spent)
            with _interrupt_held():
                pid, fd = _fork(self.limits, call)
                self._running[fd] = _Running(key, pid, fd, now, deadline, [])
                self._selector.register(fd, selectors.EVENT_READ)

    def results(self) -> Iterator[tuple[K, Outcome[T]]]:
        """``(key, outcome)`` pairs as the calls finish, until nothing is queued or running
        (calls submitted meanwhile included); those :meth:`poll` took in come first."""
        if self.limits.in_process:
            while (item := self._next()) is not None:
                yield item[0], _call_here(item[1])
            return
        while self._finished:
            yield self._finished.popleft()
        while True:
            self.start()
            if not self._running:
                return
            deadlines = [r.deadline for r in self._running.values() if r.deadline is not None]
            timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            yield from self._collect(timeout)

    def poll(self) -> None:
        """Without waiting: take in the calls that have finished (:meth:`results` gives them
        first) and fork queued calls into the slots they freed. For a caller busy with work of
        its own while the first calls run: the slots do not stay idle meanwhile."""
        if self.limits.in_process or not self._running:
            return
        self._finished.extend(self._collect(0.0))
        self.start()

    def _collect(self, timeout: float | None) -> list[tuple[K, Outcome[T]]]:
        """The calls that finish within ``timeout`` seconds, and those over their limit."""
        finished: list[tuple[K, Outcome[T]]] = []
        for event, _ in self._selector.select(timeout):
            job = self._running[event.fd]
            try:
                chunk = os.read(job.fd, 1 << 20)
            except BlockingIOError:
                continue
            if chunk:
                job.chunks.append(chunk)
                continue
            self._selector.unregister(job.fd)
            os.close(job.fd)
            del self._running[job.fd]
            status = _reap(job.pid)
            result = _outcome(self.limits, b"".join(job.chunks), status,
                              time.monotonic() - job.started)
            finished.append((job.key, result))  # type: ignore[arg-type]
        now = time.monotonic()
        for job in [r for r in self._running.values()
                    if r.deadline is not None and now >= r.deadline]:
            _kill(job, self._selector)
            del self._running[job.fd]
            finished.append((job.key, Outcome(error=LimitExceeded(self.limits.time_message()),
                                              seconds=now - job.started)))
        return finished

    def close(self) -> None:
        """Kill every call still running."""
        for job in self._running.values():
            _kill(job, self._selector)
        self._running.clear()
        self._selector.close()


def map_limited(calls: Iterable[tuple[K, Callable[[], T]]], limits: Limits, *,
                workers: int = 1, budgets: dict[K, float] | None = None
                ) -> Iterator[tuple[K, Outcome[T]]]:
    """Run every call in its own limited child, at most ``workers`` at a time.

    :param budgets: seconds already spent per key (e.g. parsing before rendering): they are
        taken off that key's wall-clock limit.
    :returns: ``(key, outcome)`` pairs as the calls finish.
    """
    with LimitedPool[K, T](limits, workers) as pool:
        for key, call in calls:
            pool.submit(key, call, spent=(budgets or {}).get(key, 0.0))
        yield from pool.results()


def _kill(job: _Running[K], selector: selectors.BaseSelector) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(job.pid, signal.SIGKILL)
    _reap(job.pid)
    with contextlib.suppress(KeyError, ValueError):
        selector.unregister(job.fd)
    os.close(job.fd)


def _call_here(call: Callable[[], T]) -> Outcome[T]:
    started = time.monotonic()
    try:
        value = call()
    except LighthouseError as error:
        return Outcome(error=error, seconds=time.monotonic() - started)
    except Exception as error:  # reported as a crash of this source, as from a child
        return Outcome(crash=f"internal error ({type(error).__name__}: {error}); rerun with "
                             "--debug", trace=traceback.format_exc(),
                       seconds=time.monotonic() - started)
    return Outcome(value=value, seconds=time.monotonic() - started)


def run_limited(call: Callable[[], T], limits: Limits, *, spent: float = 0.0) -> Outcome[T]:
    """Run ``call`` alone in a limited child; see :func:`map_limited`."""
    for _, outcome in map_limited([(0, call)], limits, budgets={0: spent}):
        return outcome
    raise AssertionError("map_limited returned no outcome")  # pragma: no cover
