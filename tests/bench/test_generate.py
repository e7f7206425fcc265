"""The benchmark's generator and harness pieces (fast; no timing assertions)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bench.generate import generate_article, text_to_markdown, write_batch
from bench.measure import run, tool_env
from bench.profile import top_imports
from bench.run import Row, render_table, weasyprint_imported

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "sources" / "korut-rusia.txt"
GOLDEN = next(p for p in (ROOT / "tests" / "fixtures" / "korut-rusia.outline.json",
                          ROOT.parent / "shared" / "corpus" / "korut-rusia.outline.json")
              if p.is_file())


def test_same_seed_same_bytes_and_seeds_differ(tmp_path: Path) -> None:
    first = write_batch(tmp_path / "a", 4)
    second = write_batch(tmp_path / "b", 4)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert len({p.read_bytes() for p in first}) == 4


def test_batch_mixes_languages_and_stays_article_sized() -> None:
    articles = [generate_article(7000 + i) for i in range(50)]
    assert {a.lang for a in articles} == {"id", "en"}
    assert all(550 <= a.words() <= 1700 for a in articles)


def test_text_is_in_the_corpus_format() -> None:
    article = generate_article(3, lang="id")
    lines = article.to_text().splitlines()
    site, _, rest = lines[0].partition(", ")
    assert site == article.site
    assert rest.startswith(f"{article.title}. {article.lead}")
    headings = [s.heading for s in article.sections]
    # A closing section without subsections ends the article.
    assert headings[-1] in {"Kesimpulan", "Penutup", "Rangkuman"}
    assert not article.sections[-1].children
    assert any(s.children for s in article.sections)
    # Heading lines carry no final punctuation; paragraph lines end with a period.
    for line in lines[1:]:
        if line in headings:
            assert not line.endswith(".")
    assert all(line == line.strip() and line for line in lines)


def test_lists_appear_as_marker_lines_somewhere_in_a_batch() -> None:
    text = "\n".join(generate_article(7000 + i).to_text() for i in range(20))
    assert "\n- " in text
    assert "\n1. " in text


def test_scale_grows_length_roughly_linearly() -> None:
    words = [generate_article(4242, scale=s).words() for s in (1, 4, 16)]
    assert 3 * words[0] < words[1] < 5 * words[0]
    assert 3 * words[1] < words[2] < 5 * words[1]


def test_markdown_has_the_same_headings_as_the_text() -> None:
    article = generate_article(9)
    md = article.to_markdown()
    assert md.startswith("---\ntitle: ")
    md_headings = [line.lstrip("#").strip() for line in md.splitlines() if line.startswith("##")]
    expected = [s.heading for s in article.sections]
    expected_all = [h for s in article.sections for h in (s.heading, *(c.heading
                                                                        for c in s.children))]
    assert [h for h in md_headings if h in expected] == expected
    assert md_headings == expected_all


def test_example_as_markdown_matches_the_golden_outline() -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    md = text_to_markdown(EXAMPLE.read_text(encoding="utf-8"), lang="id")
    h2 = [line[3:] for line in md.splitlines() if line.startswith("## ")]
    h3 = [line[4:] for line in md.splitlines() if line.startswith("### ")]
    assert f'title: "{golden["title"]}"' in md
    assert h2 == [s["heading"] for s in golden["sections"]]
    assert h3 == [c["heading"] for s in golden["sections"] for c in s["children"]]


def test_measured_run_reports_wall_time_and_peak_memory(tmp_path: Path) -> None:
    # The child allocates ~60 MB; its peak RSS must show it (wait4 rusage, not the parent's).
    code = "b = bytearray(60 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); print('ok')"
    result = run([sys.executable, "-c", code], cwd=tmp_path, sample_tree=True)
    assert result.returncode == 0 and result.stdout.strip() == "ok"
    assert result.wall_s > 0
    assert result.maxrss_mb >= 60
    assert result.tree_peak_mb is not None


def test_tool_env_fixes_the_clock_and_prefers_the_real_scripts() -> None:
    env = tool_env()
    assert env["SOURCE_DATE_EPOCH"] == "1700000000"
    assert env["PATH"].split(":")[0] == str(Path(sys.executable).parent)
    assert "PYTHONPROFILEIMPORTTIME" not in env


def test_weasyprint_import_detection_reads_importtime_output() -> None:
    seen = ("import time:      1200 |      90000 | weasyprint\n"
            "import time:       300 |        300 |   weasyprint.css\n")
    unseen = "import time:       150 |        150 | lighthouse_docs.build\n"
    assert weasyprint_imported(seen)
    assert weasyprint_imported("import time:  5 |  7 |     weasyprint.text.fonts\n")
    assert not weasyprint_imported(unseen)
    assert top_imports(seen + unseen)[0] == ("weasyprint", 90.0)


def test_table_marks_targets_pass_or_miss() -> None:
    table = render_table([Row("example", "ratio", "0.80x", "<= 1.0x", "PASS"),
                          Row("batch", "speed-up", "1.20x", ">= 1.7x", "MISS")])
    lines = table.splitlines()
    assert lines[0].split()[:2] == ["case", "measurement"]
    assert lines[2].endswith("PASS") and lines[3].endswith("MISS")


@pytest.mark.slow
def test_quick_smoke_of_the_harness_on_the_nothing_changed_case(tmp_path: Path) -> None:
    """The harness runs a real (tiny) case end to end and writes its JSON."""
    out = tmp_path / "bench.json"
    env = tool_env({"PYTHONPATH": str(ROOT)})
    result = run([sys.executable, "-m", "bench", "--quick", "--only", "incremental",
                  "--articles", "2", "--json", out], cwd=ROOT, env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    figures = report["figures"]["incremental"]
    assert figures["articles"] == 2
    assert figures["weasyprint_imported"] in (True, False)
    assert "nothing-changed rebuild" in result.stdout


def test_text_to_markdown_recovers_a_generated_outline() -> None:
    # Every heading line is found, in order; the level may differ where a section has intro
    # paragraphs before its subsections (the corpus rule alone cannot see those as parents).
    for seed in range(20):
        article = generate_article(seed)
        recovered = text_to_markdown(article.to_text())
        headings = [line.lstrip("# ") for line in recovered.splitlines() if line.startswith("#")]
        expected = [line.lstrip("# ") for line in article.to_markdown().splitlines()
                    if line.startswith("#")]
        assert headings == expected


@pytest.mark.slow
def test_floor_measures_weasyprint_and_our_writer_on_a_tiny_source(tmp_path: Path) -> None:
    """The floor harness keeps up with writers.pdf's interface (no timing asserted)."""
    from bench.floor import measure

    source = tmp_path / "tiny.txt"
    source.write_text(generate_article(1, lang="en").to_text(), encoding="utf-8")
    figures = measure(source, repeats=1)
    assert figures["pages"] >= 2
    assert figures["floor_s"] > 0 and figures["pdf_s"] > 0
    assert figures["words"] > 500
