"""What a command imports, read from ``sys.modules`` of a fresh process (not timed).

``--help``, ``inspect`` and a build with nothing to do must not load WeasyPrint, ebooklib or
other libraries they do not use: each such import costs tens of milliseconds on every run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import EPOCH, write_project

PROBE = """
import json, os, sys
sys.argv = ["lighthouse-docs", *sys.argv[2:]]
code = None
from lighthouse_docs.cli import app
try:
    app()
except SystemExit as exit:
    code = exit.code
with open(os.environ["PROBE_OUT"], "w") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""

RENDERING = ("weasyprint", "ebooklib", "pydyf", "tinycss2", "cssselect2", "fontTools", "PIL")
"""Libraries only rendering needs."""


def _modules(args: list[str], cwd: Path, tmp_path: Path) -> tuple[int, set[str]]:
    out = tmp_path / "probe.json"
    env = {**os.environ, "PROBE_OUT": str(out), "SOURCE_DATE_EPOCH": EPOCH}
    subprocess.run([sys.executable, "-c", PROBE, "-", *args], cwd=cwd, env=env,
                   capture_output=True, text=True, timeout=300, check=False)
    found = json.loads(out.read_text(encoding="utf-8"))
    return found["code"], {m.split(".")[0] for m in found["modules"]} | set(found["modules"])


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return [name for name in names if name in modules]


def test_help_imports_no_renderer_no_rich_and_no_pipeline(tmp_path: Path) -> None:
    code, modules = _modules(["--help"], tmp_path, tmp_path)
    assert code == 0
    assert _loaded(modules, (*RENDERING, "rich", "jinja2", "markdown_it", "yaml",
                             "importlib.metadata", "lighthouse_docs.build",
                             "lighthouse_docs.readers", "lighthouse_docs.render")) == []


def test_inspect_imports_no_renderer(tmp_path: Path) -> None:
    project = write_project(tmp_path / "proj")
    code, modules = _modules(["inspect", "sources/alpha.md"], project, tmp_path)
    assert code == 0
    assert "lighthouse_docs.readers" in modules  # the probe did run the command
    # fontTools is left out: checks.py imports lighthouse_docs.fonts (and so fontTools)
    # for its glyph-coverage check, which inspect does not run.
    no_render = tuple(name for name in RENDERING if name != "fontTools")
    assert _loaded(modules, (*no_render, "jinja2", "lighthouse_docs.writers",
                             "lighthouse_docs.build")) == []


@pytest.mark.slow
def test_build_with_nothing_to_do_imports_no_renderer(tmp_path: Path) -> None:
    project = write_project(tmp_path / "proj",
                            {"alpha.md": "# Alpha\n\nLead.\n\n## One\n\nText.\n"})
    first = subprocess.run([sys.executable, "-m", "lighthouse_docs", "build", "-q"], cwd=project,
                           env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, capture_output=True,
                           text=True, timeout=300, check=False)
    assert first.returncode == 0, first.stderr
    code, modules = _modules(["build", "-q"], project, tmp_path)
    assert code == 0
    assert "lighthouse_docs.build" in modules
    assert _loaded(modules, (*RENDERING, "jinja2", "yaml", "markdown_it", "babel", "pycld2",
                             "lighthouse_docs.readers._common",
                             "lighthouse_docs.readers.structure",
                             "lighthouse_docs.readers.markdown", "lighthouse_docs.brief",
                             "lighthouse_docs.checks")) == []


RICH_AT_RUN = """
import json, os, sys
sys.argv = ["lighthouse-docs", *sys.argv[2:]]
from lighthouse_docs import build, cli

def run(request, listener=None):
    with open(os.environ["PROBE_OUT"], "w") as out:
        json.dump({"rich": sorted(m for m in sys.modules if m.split(".")[0] == "rich")}, out)
    raise SystemExit(0)

build.run = run
cli.app()
"""


def test_a_build_not_on_a_terminal_starts_without_rich(tmp_path: Path) -> None:
    # Rich (~0.02-0.03 s) is only imported before the build for a progress bar on a terminal;
    # otherwise the summary imports it, while the build waits for its render processes.
    project = write_project(tmp_path / "proj")
    out = tmp_path / "probe.json"
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    env.update(PROBE_OUT=str(out), SOURCE_DATE_EPOCH=EPOCH)
    run = subprocess.run([sys.executable, "-c", RICH_AT_RUN, "-", "build", "--force"],
                         cwd=project, env=env, capture_output=True, text=True, timeout=300,
                         check=False)
    assert run.returncode == 0, run.stderr
    assert json.loads(out.read_text(encoding="utf-8")) == {"rich": []}


@pytest.mark.slow
def test_the_summary_off_a_terminal_is_written_without_rich(tmp_path: Path) -> None:
    # Off a terminal Rich would write the summary's lines as they are: they are written
    # without it (~0.025 s of a no-op build); -v's table still uses it.
    project = write_project(tmp_path / "proj",
                            {"alpha.md": "# Alpha\n\nLead.\n\n## One\n\nText.\n"})
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    env["SOURCE_DATE_EPOCH"] = EPOCH
    first = subprocess.run([sys.executable, "-m", "lighthouse_docs", "build"], cwd=project,
                           env=env, capture_output=True, text=True, timeout=300, check=False)
    assert first.returncode == 0, first.stderr
    assert "1 built, 0 up to date, 0 failed; 0 warnings" in first.stderr.splitlines()
    out = tmp_path / "probe.json"
    again = subprocess.run([sys.executable, "-c", PROBE, "-", "build"], cwd=project,
                           env={**env, "PROBE_OUT": str(out)}, capture_output=True, text=True,
                           timeout=300, check=False)
    assert again.stderr.splitlines()[-1] == "0 built, 1 up to date, 0 failed; 0 warnings"
    found = json.loads(out.read_text(encoding="utf-8"))
    assert found["code"] in (0, None)
    assert not [m for m in found["modules"] if m.split(".")[0] == "rich"]

    verbose = subprocess.run([sys.executable, "-c", PROBE, "-", "build", "-v"], cwd=project,
                             env={**env, "PROBE_OUT": str(out)}, capture_output=True,
                             text=True, timeout=300, check=False)
    assert "(up to date)" in verbose.stderr  # the per-source table
    assert "rich.console" in json.loads(out.read_text(encoding="utf-8"))["modules"]
