"""Rules of the test suite itself, checked on its source (issue 14, "tests you can trust").

- The CLI under test is this checkout's (``sys.executable -m lighthouse_docs`` or Typer's
  runner), never a ``lighthouse-docs`` found on PATH, which may be another install.
- No assertion on wall-clock time: on a loaded machine it fails for no fault of the code
  (scaling belongs to ``bench/``; a test counts operations or checks completeness instead).
  Timeouts that only stop a hung process are not assertions and are fine.

Each rule is also run on a snippet of the kind it exists for, so it cannot pass by checking
nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

TESTS = Path(__file__).resolve().parent
_RUNNERS = {"run", "Popen", "check_output", "check_call", "call", "create_subprocess_exec"}
_CLOCKS = {"perf_counter", "perf_counter_ns", "monotonic", "monotonic_ns", "time", "time_ns",
           "process_time"}
_DURATIONS = {"seconds", "elapsed", "duration", "wall", "wall_s", "wall_seconds"}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _program_on_path(tree: ast.AST) -> list[int]:
    """Lines that start ``lighthouse-docs`` by name or look it up on PATH."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        first = node.args[0] if node.args else None
        if name == "which" and isinstance(first, ast.Constant) \
                and str(first.value).startswith("lighthouse-docs"):
            found.append(node.lineno)
        elif name in _RUNNERS and first is not None:
            program = first.elts[0] if isinstance(first, ast.List | ast.Tuple) and first.elts \
                else first
            if isinstance(program, ast.Constant) and program.value == "lighthouse-docs":
                found.append(node.lineno)
    return found


def _clock_assertions(tree: ast.AST) -> list[int]:
    """Lines of ``assert`` statements that test a measured time (``x > 0``, "a time was
    measured", is allowed)."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assert):
            continue
        for part in ast.walk(node.test):
            if isinstance(part, ast.Compare) and len(part.ops) == 1 \
                    and isinstance(part.ops[0], ast.Gt | ast.GtE) \
                    and isinstance(part.comparators[0], ast.Constant) \
                    and part.comparators[0].value == 0:
                continue
            if isinstance(part, ast.Compare) and any(
                    (isinstance(side, ast.Call) and _name(side.func) in _CLOCKS)
                    or (isinstance(side, ast.Attribute) and side.attr in _DURATIONS)
                    for operand in (part.left, *part.comparators) for side in ast.walk(operand)):
                found.append(node.lineno)
                break
    return found


def _violations(rule: Callable[[ast.AST], list[int]]) -> dict[str, list[int]]:
    out = {}
    for path in sorted(TESTS.rglob("*.py")):
        if "fixtures" in path.parts:
            continue
        lines = rule(ast.parse(path.read_text(encoding="utf-8")))
        if lines:
            out[str(path.relative_to(TESTS))] = lines
    return out


def test_no_test_runs_a_lighthouse_docs_found_on_path() -> None:
    old = ast.parse('subprocess.run(["lighthouse-docs", "inspect", str(p)], check=False)\n'
                    'exe = shutil.which("lighthouse-docs")\n')
    assert _program_on_path(old) == [1, 2]
    assert not _program_on_path(ast.parse(
        'subprocess.run([sys.executable, "-m", "lighthouse_docs", "build"])'))
    assert _violations(_program_on_path) == {}


def test_no_assertion_on_wall_clock_time() -> None:
    old = ast.parse("assert five.seconds < 120 and five.peak_rss_mb < 1500\n"
                    "assert (time.perf_counter() - started) / base < 6\n"
                    "assert result.wall_s > 0\n"
                    "assert run.returncode == 0\n")
    assert _clock_assertions(old) == [1, 2]
    assert _violations(_clock_assertions) == {}
