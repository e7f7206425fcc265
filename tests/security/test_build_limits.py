"""Every source builds under limits (issue 16, item 3), through the real CLI: a source over the
wall-clock limit or with a YAML alias bomb fails alone in one line naming the problem, the
others are built, and ``kill -9`` of a parallel build leaves no process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import EPOCH, failure_lines, make_project, run_cli
from .test_bounded_inputs import BOMB

pytestmark = pytest.mark.slow

OK = "---\ntitle: Fine\n---\n\nA short and harmless article.\n\n## Part\n\nText.\n"


def test_alias_bomb_fails_alone_in_one_line(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    (project / "sources" / "bomb.md").write_text(BOMB, encoding="utf-8")
    (project / "sources" / "fine.md").write_text(OK, encoding="utf-8")
    run = run_cli(["build", "--html", "--jobs", "2"], project)
    assert run.returncode == 1, run.stderr
    assert failure_lines(run) == [
        "lighthouse-docs: failed: sources/bomb.md:3: front matter: aliases (*name) are not "
        "allowed"], run.stderr
    assert (project / "output" / "fine.html").is_file()
    assert "Traceback" not in run.stderr and "MemoryError" not in run.stderr


FAKE_CLI = Path(__file__).resolve().parents[1] / "cli" / "fake_cli.py"


def test_source_over_the_time_limit_fails_alone(tmp_path: Path) -> None:
    # A rendering that never ends (the stand-in writer sleeps on the "HANG" title: no CPU
    # burnt; tests/test_limits.py kills a busy child) against a harmless source, through
    # the real command line: the limit stops the one, the other is built.
    project = make_project(tmp_path / "p")
    (project / "sources" / "huge.md").write_text("---\ntitle: HANG\n---\n\nText.\n",
                                                 encoding="utf-8")
    (project / "sources" / "fine.md").write_text(OK, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(FAKE_CLI), "build", "--pdf", "--jobs", "2", "--time-limit", "10"],
        cwd=project, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "COLUMNS": "200"},
        capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 1, run.stderr
    assert [line for line in run.stderr.splitlines() if line.startswith("lighthouse-docs:")] \
        == ["lighthouse-docs: failed: sources/huge.md: over the time limit of 10 s (time_limit "
            "in lighthouse.toml, --time-limit); not built"], run.stderr
    assert (project / "output" / "fine.pdf").is_file()
    assert not (project / "output" / "huge.pdf").exists()


def test_limits_are_settings(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    (project / "sources" / "fine.md").write_text(OK, encoding="utf-8")
    (project / "lighthouse.toml").write_text('jobs = 99999999\ntime_limit = 60\n'
                                             'memory_limit = "1GB"\n', encoding="utf-8")
    assert run_cli(["build", "--html"], project).returncode == 0
    (project / "lighthouse.toml").write_text('memory_limit = "lots"\n', encoding="utf-8")
    bad = run_cli(["build", "--html"], project)
    assert bad.returncode == 2 and "lighthouse.toml: memory_limit: expected MiB" in bad.stderr


def test_jobs_are_capped(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    count = 2 * (os.cpu_count() or 1) + 1
    for i in range(count):
        (project / "sources" / f"a{i}.md").write_text(f"# Article {i}\n\nText.\n")
    run = run_cli(["build", "--html", "--jobs", "99999999"], project)
    assert run.returncode == 0, run.stderr
    assert f"--jobs 99999999 capped to {count - 1} worker processes" in run.stderr


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found.update(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_kill_9_of_a_parallel_build_leaves_no_process(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    body = "\n\n".join(f"## Part {i}\n\n" + "Words of a long article. " * 200
                       for i in range(60))
    for name in ("one", "two"):
        (project / "sources" / f"{name}.md").write_text(f"# {name}\n\n{body}\n")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    build = subprocess.Popen([sys.executable, "-m", "lighthouse_docs.cli", "build", "--pdf",
                              "--jobs", "2"], cwd=project, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        children: set[int] = set()
        for _ in range(1200):  # until both sources are being rendered (or the build ended)
            children = _children(build.pid)
            if len(children) >= 2 or build.poll() is not None:
                break
            time.sleep(0.05)
        assert len(children) >= 2, "the build never ran two workers"
        build.send_signal(signal.SIGKILL)
        build.wait()
        for _ in range(600):  # the kernel kills them at once; a loaded machine gets 60 s
            if not any(_alive(pid) for pid in children):
                break
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in children)
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
