"""Where the time goes: ``-X importtime`` and cProfile reports of a cold build and the warm path.

``python -m bench --only profile`` writes into ``bench/results/``:

* ``profile-imports.txt``: the slowest top-level imports of a cold ``build --pdf --epub``;
* ``profile-cold.txt`` (+ ``.prof``): cProfile of that whole cold CLI process;
* ``profile-warm.txt`` (+ ``.prof``): cProfile of the per-document path in a warm process
  (load and check, build_pdf, build_epub; after one untimed run).

Open a ``.prof`` with ``python -m pstats`` or snakeviz for more. Child entry points:
``python -m bench.profile cold OUT.prof -- ARGS...`` and ``... warm SOURCE OUT.prof``.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import re
import shutil
import sys
from pathlib import Path

from bench.measure import run, tool_env

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "sources" / "korut-rusia.txt"
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)\s*$")


def top_imports(importtime_stderr: str, limit: int = 20) -> list[tuple[str, float]]:
    """The slowest imports by cumulative milliseconds, top-level packages first-seen only.

    A package counted once: nested lines (more indentation) are already in their parent's
    cumulative time.
    """
    best: dict[str, float] = {}
    for line in importtime_stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if not match:
            continue
        _, cumulative, indent, name = match.groups()
        if len(indent) > 1:
            continue
        best[name] = max(best.get(name, 0.0), int(cumulative) / 1000)
    return sorted(best.items(), key=lambda kv: -kv[1])[:limit]


def _stats_text(profile_path: Path, limit: int = 35) -> str:
    out = io.StringIO()
    stats = pstats.Stats(str(profile_path), stream=out)
    stats.strip_dirs()
    out.write("== by cumulative time ==\n")
    stats.sort_stats("cumulative").print_stats(limit)
    out.write("\n== by own time ==\n")
    stats.sort_stats("tottime").print_stats(limit)
    return out.getvalue()


def profile_all(work: Path, results: Path) -> dict[str, Path]:
    """Run the three profiles on the example; returns report name -> text file."""
    results.mkdir(parents=True, exist_ok=True)
    project = work / "profile"
    shutil.rmtree(project, ignore_errors=True)
    (project / "sources").mkdir(parents=True)
    source = project / "sources" / EXAMPLE.name
    shutil.copyfile(EXAMPLE, source)
    env = tool_env({"PYTHONPATH": str(REPO)})
    build_args = ["build", str(source), "--pdf", "--epub", "--force"]
    reports: dict[str, Path] = {}

    traced = run([sys.executable, "-X", "importtime", "-c",
                  "from lighthouse_docs.cli import main; main()",
                  *build_args, "--output", str(project / "out-imports")],
                 cwd=project, env=env).check("importtime build")
    lines = [f"{ms:9.1f} ms  {name}" for name, ms in top_imports(traced.stderr)]
    reports["imports"] = results / "profile-imports.txt"
    reports["imports"].write_text(
        f"cold build wall {traced.wall_s:.3f} s (with importtime overhead)\n"
        "slowest top-level imports (cumulative):\n" + "\n".join(lines) + "\n", encoding="utf-8")

    cold = results / "profile-cold.prof"
    run([sys.executable, "-m", "bench.profile", "cold", str(cold), "--",
         *build_args, "--output", str(project / "out-cold")],
        cwd=REPO, env=env).check("cProfile cold build")
    reports["cold"] = results / "profile-cold.txt"
    reports["cold"].write_text(_stats_text(cold), encoding="utf-8")

    warm = results / "profile-warm.prof"
    run([sys.executable, "-m", "bench.profile", "warm", str(source), str(warm)],
        cwd=REPO, env=env).check("cProfile warm path")
    reports["warm"] = results / "profile-warm.txt"
    reports["warm"].write_text(_stats_text(warm), encoding="utf-8")
    return reports


def _cold(out: Path, args: list[str]) -> None:
    sys.argv = ["lighthouse-docs", *args]
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        from lighthouse_docs.cli import app  # main() would end the process here

        app()
    except SystemExit:
        pass
    finally:
        profiler.disable()
        profiler.dump_stats(str(out))


def _warm(source: Path, out: Path, rounds: int = 3) -> None:
    from bench.floor import _options, prepared
    from lighthouse_docs.writers.epub import build_epub
    from lighthouse_docs.writers.pdf import build_pdf

    options = _options(source)
    doc = prepared(source)
    build_pdf(doc, options)
    build_epub(doc, options)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        doc = prepared(source)
        build_pdf(doc, options)
        build_epub(doc, options)
    profiler.disable()
    profiler.dump_stats(str(out))


def main(argv: list[str]) -> None:
    if argv[:1] == ["cold"] and len(argv) >= 3 and argv[2] == "--":
        _cold(Path(argv[1]), argv[3:])
    elif argv[:1] == ["warm"] and len(argv) == 3:
        _warm(Path(argv[1]), Path(argv[2]))
    else:
        raise SystemExit("usage: python -m bench.profile cold OUT.prof -- ARGS... | "
                         "warm SOURCE OUT.prof")


if __name__ == "__main__":
    main(sys.argv[1:])
