"""Same inputs and SOURCE_DATE_EPOCH, same bytes: Markdown with images, and combined packs,
across --jobs values and working folders (tests/cli covers the plain-text example)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import make_project, run_cli

pytestmark = pytest.mark.slow
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082")


def _project(root: Path) -> Path:
    project = make_project(root)
    sources = project / "sources"
    (sources / "img").mkdir()
    (sources / "img" / "dot.png").write_bytes(PNG)
    (sources / "pictures.md").write_text(
        "---\ntitle: Pictures\ndate: 2025-03-04\n---\n\nLead with ![a dot](img/dot.png).\n\n"
        "## Figure\n\n![Second dot](img/dot.png)\n\nText with a note.[^n]\n\n[^n]: The note.\n")
    (sources / "other.md").write_text("---\ntitle: Other\nlang: id\n---\n\nTeks.\n\n## Bagian\n"
                                      "\nIsi.\n")
    return project


def _build_all(project: Path, cwd: Path, jobs: str, out: Path) -> dict[str, bytes]:
    single = run_cli(["build", "--pdf", "--epub", "--jobs", jobs, "-o", str(out)], cwd,
                     timeout=300)
    assert single.returncode == 0, single.stderr
    pack = run_cli(["build", str(project / "sources" / "pictures.md"),
                    str(project / "sources" / "other.md"), "--combine", "Weekly",
                    "--pdf", "--epub", "--jobs", jobs, "-o", str(out)], cwd, timeout=300)
    assert pack.returncode == 0, pack.stderr
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.suffix in (".pdf", ".epub")}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    base = tmp_path_factory.mktemp("repro")
    project = _project(base / "first")
    outputs = _build_all(project, project, "1", base / "out-1")
    assert sorted(outputs) == ["other.epub", "other.pdf", "pictures.epub", "pictures.pdf",
                               "weekly.epub", "weekly.pdf"]
    return project, outputs


# WeasyPrint names an image XObject after the md5 of its URL: the PDF writer gives it a
# location-free base URL that its fetcher maps back to the article's folder (issue 16.5).
def test_same_bytes_across_jobs_working_folders_and_project_moves(
        reference: tuple[Path, dict[str, bytes]], tmp_path: Path) -> None:
    # One build differing from the reference in every way that must not matter at once:
    # another --jobs, run from inside sources/, the project copied elsewhere.
    project, expected = reference
    moved = tmp_path / "elsewhere" / "second"
    shutil.copytree(project, moved)
    again = _build_all(moved, moved / "sources", "2", tmp_path / "out-2")
    for name, data in expected.items():
        assert again[name] == data, name
