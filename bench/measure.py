"""Measuring child processes: wall time and peak memory of one command, plus small statistics.

Peak memory comes from ``os.wait4``: the kernel's rusage for exactly that child *and the
descendants it waited for* (pool workers), collected when it ends. That is what
``getrusage(RUSAGE_CHILDREN)`` in a fresh wrapper process or ``/usr/bin/time -v`` report, without
a wrapper (``RUSAGE_CHILDREN`` of the benchmark process itself would be a maximum over *all*
earlier runs). ``ru_maxrss`` is the largest resident set of any single process of the tree;
for multi-process builds :class:`TreeSampler` adds the sampled sum over the whole tree.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass(frozen=True, slots=True)
class Run:
    """One finished command."""

    wall_s: float
    maxrss_mb: float
    """Peak RSS of the largest single process in the child's tree (kernel figure)."""
    returncode: int
    stdout: str
    stderr: str
    tree_peak_mb: float | None = None
    """Sampled peak of the summed RSS of the whole tree, when sampling was asked for."""
    cpu_s: float = 0.0
    """User + system CPU seconds of the child and the descendants it waited for: on a shared
    machine far steadier than the wall clock (waiting for a CPU is not counted)."""
    load1: float = 0.0
    """The machine's 1-minute load average when the command started."""

    def check(self, what: str) -> Run:
        """Self, or :class:`BenchError` with the tail of stderr when the command failed."""
        if self.returncode != 0:
            tail = "\n".join(self.stderr.strip().splitlines()[-5:])
            raise BenchError(f"{what} exited {self.returncode}: {tail}")
        return self


class BenchError(RuntimeError):
    """A benchmark step could not run (missing tool, failed build)."""


def bin_dir() -> Path:
    """The folder of this interpreter's console scripts.

    Called directly rather than through a PATH shim (pyenv's shims add ~50-100 ms of bash to
    every start, which would be charged to whichever tool happens to go through one).
    """
    return Path(sys.executable).parent


def tool_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for every measured command: fixed clock, real scripts first on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir()}{os.pathsep}{env.get('PATH', '')}"
    env["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    # Rich and progress bars must not draw; the benchmark reads plain logs.
    env["TERM"] = "dumb"
    env.setdefault("NO_COLOR", "1")
    if extra:
        env.update(extra)
    return env


SOURCE_DATE_EPOCH = "1700000000"


def compile_package() -> str:
    """Write the bytecode of the package under test, as installing it does (pip compiles every
    module at install time). A checkout run with ``PYTHONDONTWRITEBYTECODE=1`` (set in this
    machine's sessions) never writes any, so every measured process would compile each module
    of lighthouse_docs from source again: ~0.05 s of CPU in the build's own process before
    it does anything, which no installed copy pays (and pandoc's WeasyPrint, installed, does
    not either). Returns what was done, for the machine facts of the JSON."""
    import compileall

    import lighthouse_docs

    folder = Path(lighthouse_docs.__file__).resolve().parent
    if compileall.compile_dir(str(folder), quiet=1):
        return f"compiled ({folder})"
    return f"compileall failed in {folder}: modules compiled by every run"


def run(cmd: Sequence[str | Path], *, cwd: Path, env: Mapping[str, str] | None = None,
        sample_tree: bool = False, timeout: float = 900.0) -> Run:
    """Run ``cmd`` to completion and measure it (wall clock from spawn to reaped)."""
    argv = [str(c) for c in cmd]
    load1 = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=dict(env) if env is not None else tool_env(),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid) if sample_tree else None
    if sampler:
        sampler.start()
    out_chunks: list[str] = []
    err_chunks: list[str] = []
    # Drain both pipes in threads so a chatty child never blocks on a full pipe while we wait4.
    readers = [threading.Thread(target=_drain, args=(proc.stdout, out_chunks), daemon=True),
               threading.Thread(target=_drain, args=(proc.stderr, err_chunks), daemon=True)]
    for t in readers:
        t.start()
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.002)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    for t in readers:
        t.join()
    tree_peak = sampler.stop() if sampler else None
    return Run(wall_s=wall, maxrss_mb=usage.ru_maxrss / 1024, returncode=proc.returncode,
               stdout="".join(out_chunks), stderr="".join(err_chunks), tree_peak_mb=tree_peak,
               cpu_s=usage.ru_utime + usage.ru_stime, load1=load1)


def _drain(stream: object, sink: list[str]) -> None:
    if stream is None:
        return
    for chunk in iter(stream.readline, ""):  # type: ignore[attr-defined]
        sink.append(chunk)
    stream.close()  # type: ignore[attr-defined]


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and all its descendants every ``interval`` s."""

    def __init__(self, root_pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.interval = interval
        self.peak_kb = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.root_pid))
            self._stop_event.wait(self.interval)

    def stop(self) -> float:
        self._stop_event.set()
        self.join()
        return self.peak_kb / 1024


def _tree_rss_kb(root: int) -> int:
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        rss[pid] = int(fields[21]) * _PAGE_KB
    total, stack = 0, [root]
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total


@dataclass(slots=True)
class Series:
    """Repeated measurements of one thing."""

    walls: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)

    def add(self, result: Run) -> None:
        self.walls.append(result.wall_s)
        self.rss.append(result.maxrss_mb)
        self.cpus.append(result.cpu_s)
        self.loads.append(result.load1)

    @property
    def median_load(self) -> float:
        return statistics.median(self.loads) if self.loads else 0.0

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpus) if self.cpus else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def peak_rss(self) -> float:
        return max(self.rss) if self.rss else 0.0

    def summary(self) -> dict[str, object]:
        """The JSON figures: median, min, max, every run, peak RSS."""
        return {"median_s": round(self.median, 4), "min_s": round(min(self.walls), 4),
                "max_s": round(max(self.walls), 4), "runs_s": [round(w, 4) for w in self.walls],
                "median_cpu_s": round(self.median_cpu, 4),
                "cpu_runs_s": [round(c, 4) for c in self.cpus],
                "load1_runs": [round(x, 2) for x in self.loads],
                "median_load1": round(self.median_load, 2),
                "peak_rss_mb": round(self.peak_rss, 1)}
