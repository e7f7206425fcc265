"""``lighthouse-docs inspect``: the corpus outline, warnings, and one-line errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lighthouse_docs.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "sources" / "korut-rusia.txt"
GOLDEN = ROOT / "tests" / "fixtures" / "korut-rusia.outline.json"

runner = CliRunner()


def test_outline_json_of_the_corpus_article_equals_the_golden_outline() -> None:
    result = runner.invoke(app, ["inspect", str(EXAMPLE), "--outline-json"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_plain_inspect_prints_the_heading_tree() -> None:
    result = runner.invoke(app, ["inspect", str(EXAMPLE)], catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "thelighthousepeople.com" in lines[0] and "[lang=id]" in lines[0]
    assert "  Latar Belakang Hubungan Korea Utara dan Rusia" in lines
    assert "    Sejarah Hubungan Diplomatik yang Berawal dari Era Soviet" in lines
    # Every section in order; a heading the structure model is unsure of carries "? " and
    # the one-line fix, but keeps its place and indentation.
    last = next(line for line in reversed(lines) if "Kesimpulan" in line)
    assert last.startswith("  Kesimpulan") or last.startswith("  ? Kesimpulan")


def test_inspect_exits_1_on_an_error_build_would_refuse(tmp_path: Path) -> None:
    # One line without a full stop is all title: nothing to build. inspect shows what it
    # found, prints build's error and fails like build does (it used to exit 0).
    path = tmp_path / "title-only.txt"
    path.write_text("Judul Tanpa Titik dan Tanpa Isi Apa Pun\n", encoding="utf-8")
    result = runner.invoke(app, ["inspect", str(path)])
    assert result.exit_code == 1
    assert "has no body text" in result.stderr and "[empty-body]" in result.stderr
    assert result.stdout.startswith("Judul Tanpa Titik")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b"  \r\n\t\n\n   ", "is empty"),
        ("bom-only.txt", b"\xef\xbb\xbf\n", "is empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" + bytes(range(256)), "binary"),
        ("bad-yaml.txt", b"---\ntitle: [oops\n---\nText here.\n", "front matter"),
    ],
)
def test_bad_input_gives_one_line_naming_the_file_and_exit_1(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = runner.invoke(app, ["inspect", str(path), "--outline-json"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert str(path) in err and message in err
    assert "Traceback" not in result.output


def test_latin1_text_is_decoded_with_a_warning(tmp_path: Path) -> None:
    text = ("Café Politique, Les élèves à Montréal. Les écoles francophones de Montréal "
            "accueillent de plus en plus d'élèves venus d'ailleurs.\nLes Raisons\n"
            "Les familles arrivent pour le travail, et les écoles doivent s'adapter.\n")
    path = tmp_path / "latin.txt"
    path.write_bytes(text.encode("cp1252"))
    result = runner.invoke(app, ["inspect", str(path), "--outline-json"], catch_exceptions=False)
    assert result.exit_code == 0
    outline = json.loads(result.stdout)
    assert outline["title"] == "Les élèves à Montréal"
    assert "not UTF-8" in result.stderr


def test_real_process_exits_non_zero_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("   \n", encoding="utf-8")
    proc = subprocess.run(  # a real process of this checkout's CLI (never one on PATH)
        [sys.executable, "-m", "lighthouse_docs", "inspect", str(path)],
        capture_output=True, text=True, check=False, timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and str(path) in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_process_under_test_runs_this_checkout(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "import lighthouse_docs; print(lighthouse_docs.__file__)"],
        capture_output=True, text=True, check=True, timeout=60, cwd=tmp_path)
    assert Path(proc.stdout.strip()).resolve().is_relative_to(ROOT)


def test_inspect_reports_front_matter_typos_with_a_did_you_mean(tmp_path: Path) -> None:
    path = tmp_path / "typo.md"
    path.write_text("---\ntitle: T\nsubtile: S\n---\n\nBody text.\n", encoding="utf-8")
    result = runner.invoke(app, ["inspect", str(path)], catch_exceptions=False)
    assert result.exit_code == 0
    assert "did you mean 'subtitle'" in result.stderr and "[front-matter-unknown]" in result.stderr
