"""The real writers behind `lighthouse-docs build`: the example article, end to end."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cli_support import EPOCH

from lighthouse_docs.project import example_article

pytestmark = pytest.mark.slow
NAME = "korut-rusia"  # outputs are named after the source file
NOTHING_TO_DO = """
import sys
from lighthouse_docs import cli
sys.argv = ["lighthouse-docs", *sys.argv[1:]]
try:
    cli.app()
except SystemExit as stop:
    print("weasyprint-imported", "weasyprint" in sys.modules, "exit", stop.code)
"""


def lighthouse(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    return subprocess.run([sys.executable, "-m", "lighthouse_docs.cli", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project built once with --jobs 1 (PDF, EPUB and HTML)."""
    root = tmp_path_factory.mktemp("e2e")
    (root / "sources").mkdir()
    (root / "sources" / "korut-rusia.txt").write_bytes(example_article().read_bytes())
    (root / "lighthouse.toml").write_text("jobs = 1\n")
    result = lighthouse(["build", "--pdf", "--epub", "--html"], root)
    assert result.returncode == 0, result.stderr
    return root


def test_example_builds_into_a_pdf_an_epub_and_an_html_named_after_its_source(
        built: Path) -> None:
    import pypdf

    output = built / "output"
    reader = pypdf.PdfReader(output / f"{NAME}.pdf")
    assert len(reader.pages) >= 2
    assert "Korut" in (reader.metadata.title or "")
    with zipfile.ZipFile(output / f"{NAME}.epub") as epub:
        assert epub.namelist()[0] == "mimetype"
    assert "<html" in (output / f"{NAME}.html").read_text(encoding="utf-8")


def test_rebuild_with_nothing_to_do_does_not_import_weasyprint(built: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    result = subprocess.run([sys.executable, "-c", NOTHING_TO_DO, "build", "--pdf", "--epub",
                             "--html"], cwd=built, env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    assert "weasyprint-imported False exit 0" in result.stdout, result.stdout + result.stderr
    assert "1 up to date" in result.stderr


def test_outputs_are_byte_identical_across_jobs_and_folders(built: Path,
                                                            tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    (copy / "sources").mkdir(parents=True)
    (copy / "sources" / "korut-rusia.txt").write_bytes(example_article().read_bytes())
    (copy / "sources" / "other.md").write_text("---\ntitle: Other\n---\n\nText.\n")
    (copy / "lighthouse.toml").write_text("")
    result = lighthouse(["build", "--jobs", "2", "--pdf", "--epub", "-o", str(tmp_path / "o")],
                        copy / "sources")
    assert result.returncode == 0, result.stderr
    for suffix in ("pdf", "epub"):
        assert (tmp_path / "o" / f"{NAME}.{suffix}").read_bytes() == \
            (built / "output" / f"{NAME}.{suffix}").read_bytes()


def test_combined_brief_with_the_real_writers(built: Path, tmp_path: Path) -> None:
    (tmp_path / "second.md").write_text("---\ntitle: Second Item\nlang: id\n---\n\nTeks.\n")
    result = lighthouse(["build", str(built / "sources" / "korut-rusia.txt"),
                         str(tmp_path / "second.md"), "--combine", "Ringkasan Mingguan",
                         "-o", str(tmp_path / "pack"), "--jobs", "1"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "pack").iterdir()
                  if not p.name.startswith(".")) == ["ringkasan-mingguan.epub",
                                                     "ringkasan-mingguan.pdf"]


def test_a_missing_image_is_one_line_naming_its_source_with_real_writers_in_workers(
        tmp_path: Path) -> None:
    # The review's case: one missing image printed three times (returned, logged by the EPUB
    # writer, logged by the build), unformatted and unnamed from worker processes (-j 2),
    # with different words in EPUB and PDF/HTML, and still printed under -q.
    (tmp_path / "sources").mkdir()
    for name in ("one", "two"):
        (tmp_path / "sources" / f"{name}.md").write_text(
            f"# {name.title()}\n\nText of {name}.\n\n![A chart](missing-{name}.png)\n")
    result = lighthouse(["build", "--pdf", "--epub", "--html", "--jobs", "2"], tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    for name in ("one", "two"):
        [line] = [line for line in lines if f"missing-{name}.png" in line]
        assert line.startswith(f"sources/{name}.md:5: warning: "), line  # the figure's line
        assert line.endswith("(pdf, epub, html)"), line
    assert not [line for line in lines if line.startswith(("WARNING", "ERROR"))], lines
    assert lines[-1] == "2 built, 0 up to date, 0 failed; 2 warnings"
    quiet = lighthouse(["build", "--force", "--pdf", "--epub", "--html", "--jobs", "2", "-q"],
                       tmp_path)
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr


def test_a_cart_page_fails_alone_and_a_short_article_page_is_built(tmp_path: Path) -> None:
    # The new user's report: a shop's cart page (menus, a table of items and prices,
    # buttons) was built as a brief titled "Your cart".
    import pypdf

    fixtures = Path(__file__).parents[1] / "fixtures" / "html"
    (tmp_path / "sources").mkdir()
    for name in ("no_article/cart_en.html", "short_articles/news_brief_en.html"):
        (tmp_path / "sources" / Path(name).name).write_bytes((fixtures / name).read_bytes())
    result = lighthouse(["build", "--pdf", "--jobs", "1"], tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if "cart_en.html" in line]
    assert "no article found" in line
    assert "1 built, 0 up to date, 1 failed; 0 warnings" in result.stderr.splitlines()
    written = sorted(p.name for p in (tmp_path / "output").iterdir() if not p.name.startswith("."))
    assert written == ["news_brief_en.pdf"]
    text = "".join(page.extract_text() for page in
                   pypdf.PdfReader(tmp_path / "output" / "news_brief_en.pdf").pages)
    assert "Port strike called off" in text and "Southhaven" in text


def test_a_text_saved_as_one_giant_line_builds_in_paragraphs_with_one_warning(
        tmp_path: Path) -> None:
    # The new user's report: a 5 MB text file of one line ran into the 120 s time limit
    # (WeasyPrint cut each line from the rest of the one paragraph: 400 kB took 42 s here).
    # Its paragraph is now cut at sentence ends; every word stays, in order.
    import pypdf

    (tmp_path / "sources").mkdir()
    words = [f"w{i}" for i in range(15_000)]
    sentences = [" ".join(words[i:i + 10]).capitalize() + "." for i in range(0, 15_000, 10)]
    (tmp_path / "sources" / "dump.txt").write_text(" ".join(sentences), encoding="utf-8")
    result = lighthouse(["build", "--pdf", "--epub", "--jobs", "1"], tmp_path)
    assert result.returncode == 0, result.stderr
    [warning] = [line for line in result.stderr.splitlines() if "dump.txt" in line]
    assert warning.startswith("sources/dump.txt:1: warning: a paragraph of "), warning
    assert "put each paragraph on a line of its own" in warning
    with zipfile.ZipFile(tmp_path / "output" / "dump.epub") as book:
        body = " ".join(book.read(n).decode("utf-8") for n in book.namelist()
                        if n.endswith(".xhtml"))
    assert body.count("<p") > 40 and "W14990 w14991" in body
    pdf = pypdf.PdfReader(tmp_path / "output" / "dump.pdf")
    assert "w14999." in pdf.pages[-1].extract_text()


def test_the_users_5_mb_text_fails_at_once_naming_the_way_out_and_keeps_the_old_output(
        tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    source = tmp_path / "sources" / "dump.txt"
    source.write_text("Dump\n\nA short first version of the text.\n", encoding="utf-8")
    assert lighthouse(["build", "--epub", "--jobs", "1"], tmp_path).returncode == 0
    good = (tmp_path / "output" / "dump.epub").read_bytes()
    sentence = "Words of a text that was saved without any paragraph breaks. "
    source.write_text(sentence * (5_000_000 // len(sentence)), encoding="utf-8")
    result = lighthouse(["build", "--epub", "--pdf", "--jobs", "1"], tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "lighthouse-docs: failed: sources/dump.txt: 5.0 MB of text cannot be laid out within "
        "the time limit of 120 s (some 32 kB a second); split it into several sources, or "
        "raise the limit (--time-limit 180 or none, time_limit in lighthouse.toml); not built")
    assert (tmp_path / "output" / "dump.epub").read_bytes() == good
    assert not (tmp_path / "output" / "dump.pdf").exists()


def test_the_console_entry_point_leaves_no_font_folder_and_keeps_its_exit_code(
        tmp_path: Path) -> None:
    # cli.main() ends the process without the interpreter's teardown (os._exit): WeasyPrint's
    # temporary @font-face folder, removed by its FontConfiguration.__del__ in a normal exit,
    # must still go, and the exit code and the summary (flushed) must be the usual ones.
    temp = tmp_path / "tmp"
    temp.mkdir()
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "one.md").write_text("# One\n\nText of one.\n")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "TMPDIR": str(temp)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "lighthouse_docs", *args], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=300,
                              check=False)

    single = run("build", "sources/one.md", "--pdf", "--epub")  # one article: split formats
    assert single.returncode == 0, single.stderr
    assert single.stderr.splitlines()[-1] == "1 built, 0 up to date, 0 failed; 0 warnings"
    assert (tmp_path / "output" / "one.pdf").read_bytes().startswith(b"%PDF")
    assert list(temp.iterdir()) == []
    failed = run("build", "sources/one.md", "sources/gone.md", "--pdf", "--jobs", "2",
                 "--force")
    assert failed.returncode == 1, failed.stderr
    assert "gone.md" in failed.stderr and "1 built" in failed.stderr
    assert list(temp.iterdir()) == []
    usage = run("build", "--no-such-option")
    assert usage.returncode == 2 and "no such option" in usage.stderr
    helped = run("--help")
    assert helped.returncode == 0 and "Usage: " in helped.stdout
