"""The structure model: explanations, uncertainty reporting, leftovers and the corpus figures."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from lighthouse_docs.model import SourceInfo
from lighthouse_docs.outline import heading_texts
from lighthouse_docs.readers import structure, text

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "sources" / "korut-rusia.txt"

AMBIGUOUS = """situs.id, Tiga Catatan. Paragraf pembuka yang cukup panjang untuk sebuah artikel.
Latar Belakang
Persoalan ini sudah lama dibicarakan di banyak forum dan belum juga selesai.
Catatan Pertama
Paragraf tentang catatan pertama yang cukup panjang untuk dibaca sebagai isi bagian ini.
Catatan Kedua
Paragraf tentang catatan kedua yang cukup panjang untuk dibaca sebagai isi bagian ini.
"""


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lighthouse_docs", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300, check=False)


def test_explain_gives_a_reason_for_each_of_the_seed_headings() -> None:
    result = cli("inspect", str(SEED), "--explain")
    assert result.returncode == 0, result.stderr
    decided = [line for line in result.stdout.splitlines()
               if line.lstrip("? ").startswith("line ") and (" H2 " in line or " H3 " in line)]
    assert len(decided) == 12
    margins = structure.shipped_model().uncertain_margins
    # the thresholds in use, not a default
    assert (f"{margins['heading']:g} for a heading that could be text, "
            f"{margins['text']:g} for text that could be a heading, "
            f"{margins['level']:g} for section or subsection") in result.stdout
    lines = result.stdout.splitlines()
    for row in decided:
        at = lines.index(row)
        reasons = next(line for line in lines[at + 1:at + 3] if "p(heading)=" in line)
        assert "p(section)=" in reasons and "+" in reasons


def test_ambiguous_article_is_reported_by_inspect_build_and_strict(tmp_path: Path) -> None:
    source = tmp_path / "sources" / "tiga.txt"
    source.parent.mkdir()
    source.write_text(AMBIGUOUS, encoding="utf-8")
    shown = cli("inspect", str(source), cwd=tmp_path)
    assert shown.returncode == 0
    assert "? " in shown.stdout and "in front of the line makes it a" in shown.stdout
    built = cli("build", str(source), "--html", "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert "uncertain heading" in built.stdout + built.stderr
    strict = cli("build", str(source), "--html", "--strict", "--force",
                 "-o", str(tmp_path / "out2"), cwd=tmp_path)
    assert strict.returncode == 1


def test_explicit_markers_settle_an_uncertain_heading() -> None:
    fixed = AMBIGUOUS.replace("Catatan Pertama", "## Catatan Pertama")
    fixed = fixed.replace("Catatan Kedua", "## Catatan Kedua")
    fixed = fixed.replace("Latar Belakang", "## Latar Belakang")
    doc, analysis = text.explain(fixed, SourceInfo(path="a.txt", format="text"))
    assert [lvl for lvl, _ in heading_texts(doc.sections)] == [2, 2, 2]
    assert not any(d.uncertain for d in analysis.decisions)


def test_following_the_hint_on_one_line_gives_the_level_it_names() -> None:
    """The hint says what a marker does; a lone ``### `` among unmarked headings is a
    subsection (it used to be taken as the top level of relative levels: a section)."""
    doc, analysis = text.explain(AMBIGUOUS, SourceInfo(path="a.txt", format="text"))
    flagged = next(d for d in analysis.decisions if d.uncertain)
    hint = text.fix_hint(flagged)
    other = "## " if flagged.label == "h3" else "### "
    assert f"{other!r} in front of the line makes it a " in hint
    fixed = AMBIGUOUS.replace(f"\n{flagged.text}\n", f"\n{other}{flagged.text}\n")
    doc = text.parse(fixed, SourceInfo(path="a.txt", format="text"))
    levels = dict((t, lvl) for lvl, t in heading_texts(doc.sections))
    assert levels[flagged.text] == (2 if other == "## " else 3)
    for mark, level in (("### ", 3), ("## ", 2)):
        doc = text.parse(AMBIGUOUS.replace("\nCatatan Kedua", f"\n{mark}Catatan Kedua"),
                         SourceInfo(path="a.txt", format="text"))
        assert dict((t, lvl) for lvl, t in heading_texts(doc.sections))["Catatan Kedua"] == level


def test_every_heading_marked_with_three_hashes_is_a_section() -> None:
    marked = "\n".join(f"### {line}" if line in ("Latar Belakang", "Catatan Pertama",
                                                  "Catatan Kedua") else line
                       for line in AMBIGUOUS.splitlines())
    doc = text.parse(marked, SourceInfo(path="a.txt", format="text"))
    assert [lvl for lvl, _ in heading_texts(doc.sections)] == [2, 2, 2]


def test_web_leftovers_are_dropped_and_bylines_become_authors() -> None:
    article = (
        "kabar.id, Harga Beras Naik. JAKARTA — Harga beras naik lagi pekan ini di pasar.\n"
        "Penulis: Rina Wulandari\n"
        "Baca juga: Petani Jawa Tengah Keluhkan Pupuk Langka\n"
        "Harga medium kini Rp14.000 per kilogram, naik dari Rp12.500 bulan lalu di Jakarta.\n"
        "ADVERTISEMENT\n"
        "Foto: ANTARA/Budi Santoso\n"
        "Pedagang mengaku pasrah dengan kenaikan ini karena pasokan dari daerah seret.\n"
        "Sumber: BPS, 2024.\n")
    doc, analysis = text.explain(article, SourceInfo(path="a.txt", format="text"))
    assert doc.meta.authors == ("Rina Wulandari",)
    kinds = [(lo.line, lo.kind) for lo in analysis.leftovers]
    assert kinds == [(2, "byline"), (3, "drop"), (5, "drop"), (6, "drop")]
    words = " ".join(b.inlines[0].text for b in doc.lead)  # type: ignore[attr-defined]
    assert "Baca juga" not in words and "ADVERTISEMENT" not in words
    assert "Sumber: BPS" in words


def test_credit_lines_are_bylines_but_a_label_word_alone_starts_a_heading() -> None:
    assert structure.leftover_kind("Teks: Khairul Anuar Yusof") == "byline"
    assert structure.leftover_kind("Tambahan laporan: Mohd Hafiz Che Mat") == "byline"
    assert structure.leftover_kind("Additional reporting by Claire Tan") == "byline"
    assert structure.byline_names("Teks: Khairul Anuar Yusof") == ("Khairul Anuar Yusof",)
    assert structure.byline_names("Interview by Melissa Tan") == ("Melissa Tan",)
    # "Teks" is a label only before a colon: without it, the line is a heading candidate.
    assert structure.leftover_kind("Teks Lengkap Pidato Presiden") is None
    assert structure.leftover_kind("Interview With the Minister") is None


def test_author_lines_with_a_place_or_a_role_are_bylines() -> None:
    assert structure.byline_names("Reporting by Carmela Reyes in Iloilo and Manila") == (
        "Carmela Reyes",)
    assert structure.byline_names("Laporan: Bagus Wicaksono dan Marlina Tandirerung") == (
        "Bagus Wicaksono", "Marlina Tandirerung")
    assert structure.leftover_kind("Laporan Tahunan Bank Indonesia") is None
    # Names and a role: a byline only right after the lead, where policy briefs put authors.
    line = "Priya Raman and Joost de Vries, Energy Transition Programme"
    assert structure.leftover_kind(line, after_lead=True) == "byline"
    assert structure.leftover_kind(line) is None
    assert structure.byline_names(line) == ("Priya Raman", "Joost de Vries")
    assert structure.leftover_kind("Rice, Sugar and Oil Prices", after_lead=True) is None
    # A wire service's credits: every part a byline.
    wire = "(Reporting by Ann Lee in Hanoi; Editing by Tom Hogue)"
    assert structure.leftover_kind(wire) == "byline"
    assert structure.byline_names(wire) == ("Ann Lee", "Tom Hogue")
    assert structure.leftover_kind("(Harga Naik; Upah Turun)") is None
    article = ("situs.id, Judul Kajian. Paragraf pembuka yang cukup panjang untuk kajian ini.\n"
               "Dewi Lestari, Peneliti Senior\n"
               "Latar Belakang\n"
               "Paragraf pertama yang cukup panjang untuk dibaca sebagai isi bagian ini.\n")
    doc = text.parse(article, SourceInfo(path="a.txt", format="text"))
    assert doc.meta.authors == ("Dewi Lestari",)
    assert heading_texts(doc.sections) == [(2, "Latar Belakang")]


def test_a_question_pointing_back_is_less_likely_a_heading() -> None:
    # "Who pays for that?" continues the text; "Who pays for the rise?" can name a part.
    para = ("Paragraf yang cukup panjang untuk dibaca sebagai isi bagian, dengan beberapa "
            "kalimat tentang harga, pasokan dan kebijakan yang sedang dibahas.")

    def heading_logit(question: str) -> float:
        article = (
            "situs.id, Judul Artikel. Paragraf pembuka yang cukup panjang untuk artikel.\n"
            f"Mengapa harga beras naik?\n{para}\n{para}\n{question}\n{para}\n"
            f"Apa yang bisa dilakukan pemerintah?\n{para}\n{para}\n")
        items = text.explain(article, SourceInfo(path="a.txt", format="text"))[1].items
        line = next(k for k, it in enumerate(items) if it.text == question)
        features = structure.heading_features(structure.make_context(items), line)
        return structure.shipped_model().heading.logit(features)

    assert structure.vocabulary().back_references >= {"itu", "ini", "that", "this"}
    assert (heading_logit("Siapa yang menanggung kenaikan itu?")
            < heading_logit("Siapa yang menanggung kenaikan harga?") - 0.5)


def test_rhetorical_question_and_pull_quote_stay_prose() -> None:
    article = (
        "situs.id, Judul Artikel. Paragraf pembuka yang cukup panjang untuk sebuah artikel.\n"
        "Latar Belakang Kebijakan Harga\n"
        "Paragraf pertama yang cukup panjang untuk dibaca sebagai isi dari bagian ini.\n"
        "“Kami tidak punya pilihan lain,” kata seorang pedagang.\n"
        "Lalu, siapa yang diuntungkan?\n"
        "Paragraf kedua yang cukup panjang untuk dibaca sebagai isi dari bagian ini juga.\n")
    doc = text.parse(article, SourceInfo(path="a.txt", format="text"))
    assert heading_texts(doc.sections) == [(2, "Latar Belakang Kebijakan Harga")]


def test_vocabulary_comes_from_the_per_language_data_files() -> None:
    vocab = structure.vocabulary()
    assert "kesimpulan" in vocab.closing and "conclusion" in vocab.closing
    assert "baca juga" in vocab.drop_prefixes and "penulis" in vocab.byline_prefixes


def test_held_out_figures_do_not_regress() -> None:
    """The README's held-out figures (tests/fixtures/corpus/test, never fitted on): a change
    that loses an exact article or lets a wrong outline pass silently fails here."""
    sys.path.insert(0, str(ROOT))
    from tools.structure_eval import report

    figures = report("test")
    assert figures["articles"] == 160
    # The twenty-third to twenty-sixth splits: 141 exact and 3 silent as measured, 143 and 0
    # after their misses were read (two line-1 fixes, one byline fix, one line-1 doubt
    # reported: README, Evaluation); the targets are 0 silent and 0 promoted.
    assert figures["exact"] >= 143
    assert figures["wrong_silent"] == 0
    assert figures["articles_with_prose_promoted"] <= 2


def test_a_superscript_digit_in_a_lead_in_is_not_a_count() -> None:
    # Found by the property test: "¹" is a digit to str.isdigit but not a number to int().
    assert structure.announced_count("Ada ¹ alasan:") is None
    assert structure.announced_count("Ada 3 alasan:") == 3
    text.parse("0\n\n¹ :\n", SourceInfo(path="a.txt", format="text"))


def test_each_kind_of_doubt_has_its_own_threshold() -> None:
    """A level call and a heading call with the same margin are judged by their own kind's
    threshold: a sure-enough section is not flagged to catch an unsure heading."""
    shipped = structure.shipped_model()
    model = structure.StructureModel(shipped.heading, shipped.level,
                                     {"heading": 3.0, "text": 3.0, "level": 1.0})
    assert model.uncertain("h2", "prose", 2.0)  # a heading that could be text
    assert model.uncertain("prose", "h3", 2.0)  # text that could be a heading
    assert not model.uncertain("h2", "h3", 2.0)  # a section that could be a subsection
    assert model.uncertain("h3", "h2", 0.5)


def test_a_model_file_with_one_threshold_applies_it_to_every_kind() -> None:
    weights = {"bias": 0.0, "weights": {}}
    old = structure.model_from_json({"heading": weights, "level": weights,
                                     "uncertain_margin": 2.5})
    assert old.uncertain_margins == {"heading": 2.5, "text": 2.5, "level": 2.5}


def _decisions(margins: dict[structure.Doubt, float]) -> list[structure.Decision]:
    shipped = structure.shipped_model()
    model = structure.StructureModel(shipped.heading, shipped.level, margins)
    source = SourceInfo(path="tiga.txt", format="text")
    return [d for d in text.explain(AMBIGUOUS, source, model=model)[1].decisions
            if d.label != "prose"]


def test_a_heading_is_flagged_by_the_rival_within_its_kinds_threshold() -> None:
    """Every rival the decoder weighed is kept; the flag follows the per-kind thresholds, and
    the alternative the user is told about is the rival that raised the doubt."""
    headings = _decisions({"heading": 0.0, "text": 0.0, "level": 0.0})
    assert headings and not any(d.uncertain for d in headings)
    for d in headings:
        assert {alt for alt, _ in d.rivals} == {"prose", "h2", "h3"} - {d.label}
    level_gap = {d.line: dict(d.rivals)[other] for d in headings
                 for other in ({"h2": "h3", "h3": "h2"}[d.label],)}
    # Only level doubts, at a threshold just above one heading's level margin: that heading
    # alone is flagged, and its named alternative is the other level, whatever is closest.
    line, gap = min(level_gap.items(), key=lambda kv: kv[1])
    flagged = {d.line: d for d in _decisions({"heading": 0.0, "text": 0.0, "level": gap + 0.01})
               if d.uncertain}
    assert line in flagged
    assert flagged[line].alternative in ("h2", "h3") and flagged[line].margin == gap
    assert all(level_gap[k] <= gap + 0.01 for k in flagged)


def _context(body: str) -> structure.Context:
    lines = text.scan_lines(body)
    units = text.group_units(lines)
    return structure.make_context(text.model_items(units))


def test_evidence_is_weighed_by_how_alike_the_headings_look() -> None:
    """Where sections and subsections share one look, the look cannot separate them: every
    feature gets a copy scaled by how alike the article's headings are (and one by how many are
    questions), so the fitted model can weigh paragraphs and intros more in such articles."""
    alike = _context("Latar Belakang\nSatu paragraf yang cukup panjang untuk isi bagian.\n"
                     "Catatan Pertama\nSatu paragraf yang cukup panjang untuk isi bagian.\n"
                     "Catatan Kedua\nSatu paragraf yang cukup panjang untuk isi bagian.\n")
    mixed = _context("1. Latar Belakang\nSatu paragraf yang cukup panjang untuk isi bagian.\n"
                     "1.1 Catatan Pertama\nSatu paragraf yang cukup panjang untuk isi bagian.\n"
                     "Mengapa Ini Penting?\nSatu paragraf yang cukup panjang untuk isi bagian.\n")
    assert alike.one_look == 1.0 and alike.question_share == 0.0
    assert mixed.one_look == 1 / 3 and mixed.question_share == 1 / 3
    heading = next(i for i, it in enumerate(alike.items) if it.text == "Catatan Pertama")
    features = structure.heading_features(alike, heading)
    assert features["one_look:words"] == features["words"]
    assert features["questions:words"] == 0.0


def test_an_explanation_names_each_piece_of_evidence_once() -> None:
    """The regime copies of a feature are added into it in ``--explain``: one figure per piece
    of evidence, the sum of what it contributed."""
    model = structure.LogisticModel(0.0, {"open_intro": 1.0, "one_look:open_intro": 2.0,
                                          "questions:open_intro": -1.0, "words": 0.5})
    reasons = model.reasons({"open_intro": 1.0, "one_look:open_intro": 0.5,
                             "questions:open_intro": 0.0, "words": 1.0})
    assert reasons == (("open_intro", 2.0), ("words", 0.5))


def test_a_question_that_could_be_text_is_told_to_join_its_paragraph() -> None:
    """A question cannot end with a full stop: the hint for it as text is to start the
    paragraph after it, and doing so makes it text."""
    question = "Who benefits the most?"
    doubt = structure.Decision(index=0, line=4, text=question, label="h2", alternative="prose",
                               margin=1.0, heading_probability=0.6, section_probability=0.9,
                               reasons=(), uncertain=True)
    hint = text.fix_hint(doubt)
    assert "move it to the start of the paragraph after it" in hint and "full stop" not in hint
    statement = dataclasses.replace(doubt, text="The case of Oslo")
    assert "end it with a full stop" in text.fix_hint(statement)
    # Page furniture copied with the article ("Change Size", "Related coverage") is deleted.
    assert "if it was left over from the web page, delete the line" in text.fix_hint(statement)
    paragraph = "Residents of the centre gain quieter streets and cleaner air this year."
    article = (f"situs.id, Judul Artikel. Paragraf pembuka yang cukup panjang untuk artikel.\n"
               f"Latar Belakang\n{paragraph}\n")
    source = SourceInfo(path="a.txt", format="text")
    joined = text.parse(article.replace(f"{paragraph}", f"{question} {paragraph}"), source)
    assert question not in [t for _, t in heading_texts(joined.sections)]


def test_a_count_in_words_sets_how_many_subsections_a_section_expects() -> None:
    """"Three forces are pushing ..." in a section's intro (or "Tiga Kesan Utama" as its heading)
    is soft evidence that three subsections follow: pending until the third, complete after."""
    assert structure.count_in("Tiga Kesan Utama") == 3
    assert structure.count_in("Three forces are pushing chipmakers toward the region.") == 3
    assert structure.count_in("Rents rose 31 percent in 2023.") is None
    assert structure.count_in("The treaty has survived three wars, but new dams test it.") is None
    ctx = _context("What Is Driving the New Wave\n"
                   "Three forces are pushing chipmakers toward the region, each with its own "
                   "conditions.\n"
                   "Geopolitical Risk\nA paragraph long enough to be body text of a part.\n"
                   "Cheaper Power\nA paragraph long enough to be body text of a part.\n"
                   "Skilled Labour\nA paragraph long enough to be body text of a part.\n"
                   "What Comes Next\nA paragraph long enough to be body text of a part.\n")
    index = {it.text: it.index for it in ctx.items}
    open_: structure.OpenSection | None = None
    seen: dict[str, dict[str, float]] = {}
    for it in ctx.items:
        if it.text in index and ctx.shapes[it.index]:
            if open_ is not None:
                seen[it.text] = structure.level_features(ctx, it.index, open_, None, True)
            label: structure.Label = "h2" if open_ is None or it.text == "What Comes Next" else "h3"
            open_ = structure._after_heading(open_, it, label, ctx)
        else:
            open_ = structure._advance_open(open_, it, ctx)
    assert seen["Geopolitical Risk"]["expected_pending"] == 1.0
    assert seen["Skilled Labour"]["expected_pending"] == 1.0
    assert seen["What Comes Next"]["expected_complete"] == 1.0


def test_an_announcing_paragraph_after_a_heading_is_seen_before_its_subsections() -> None:
    """The level of a heading is weighed knowing what follows it up to the next heading: one
    paragraph that announces parts is a section's intro, several plain paragraphs a section's
    (or a subsection's) text."""
    ctx = _context("Latar Belakang\nSatu paragraf yang cukup panjang untuk isi bagian ini.\n"
                   "Dampak bagi Petani\nAda tiga dampak yang paling terasa di lapangan.\n"
                   "Harga Gabah\nSatu paragraf yang cukup panjang untuk isi bagian ini.\n"
                   "Satu paragraf lagi yang cukup panjang untuk isi bagian ini.\n"
                   "Biaya Pupuk\nSatu paragraf yang cukup panjang untuk isi bagian ini.\n")
    at = {it.text: it.index for it in ctx.items}
    intro = structure.level_features(ctx, at["Dampak bagi Petani"], None, None, True)
    part = structure.level_features(ctx, at["Harga Gabah"], None, None, True)
    last = structure.level_features(ctx, at["Biaya Pupuk"], None, None, False)
    assert intro["text_after_short"] == intro["text_after_announces"] == 1.0
    assert part["text_after_short"] == part["text_after_announces"] == 0.0
    assert "text_after_then_heading" not in last


def test_a_table_rule_pasted_into_text_is_never_a_heading() -> None:
    """A Markdown table pasted into a .txt (fourth new-user trial): its rule line became a
    section in the contents, the bookmarks and the EPUB's chapters."""
    assert not structure.heading_shaped("|---|---|---|---|")
    assert not structure.heading_shaped("| :--- | ---: |")
    assert not structure.heading_shaped("| Kuartal | Penerimaan |")
    assert structure.heading_shaped("2.1 Harga Pangan")
    article = ("kabar.id, Pajak Digital. Pemerintah menyiapkan aturan pajak baru tahun depan.\n"
               "Isi Rancangan Aturan\n"
               "Aturan ini mengatur tiga hal yang selama ini belum jelas bagi platform asing.\n"
               "| Kuartal | Penerimaan |\n|---|---|\n| Q1 | 120 |\n"
               "Reaksi Pelaku Usaha\n"
               "Pelaku usaha meminta masa transisi yang cukup sebelum aturan ini berlaku.\n")
    doc = text.parse(article, SourceInfo(path="a.txt", format="text"))
    assert heading_texts(doc.sections) == [(2, "Isi Rancangan Aturan"),
                                           (2, "Reaksi Pelaku Usaha")]


def test_the_headline_after_a_bare_read_also_label_is_dropped_with_it() -> None:
    """News pages put "Baca juga:" on its own line above the linked headline (fourth new-user
    trial: the headline became the brief's last section). "ADVERTISEMENT" links nothing: the
    heading after it stays."""
    article = ("kabar.id, Harga Beras Naik. JAKARTA — Harga beras naik lagi pekan ini di pasar.\n"
               "Langkah Pemerintah\n"
               "Pemerintah menyiapkan operasi pasar di lima ratus titik mulai pekan depan.\n"
               "ADVERTISEMENT\n"
               "Suara Pedagang\n"
               "Pedagang mengaku penjualan turun karena konsumen mengurangi pembelian.\n"
               "Baca juga:\n"
               "Stok Beras Bulog Dipastikan Aman Hingga Akhir Tahun\n")
    doc, analysis = text.explain(article, SourceInfo(path="a.txt", format="text"))
    assert heading_texts(doc.sections) == [(2, "Langkah Pemerintah"), (2, "Suara Pedagang")]
    assert [(lo.line, lo.kind) for lo in analysis.leftovers] == [
        (4, "drop"), (7, "drop"), (8, "drop")]


def test_explain_lists_a_heading_shaped_line_it_kept_as_text(tmp_path: Path) -> None:
    """``--explain`` promises every rejected heading-shaped line: a question line the model
    is sure is text (fourth new-user trial: it was missing from the list) is shown, so a
    user can see it and overrule it with ``## ``."""
    source = tmp_path / "a.txt"
    source.write_text(
        "kabar.id, Harga Beras Naik Lagi, Pemerintah Siapkan Operasi Pasar. JAKARTA — Harga "
        "beras medium di pasar tradisional naik lagi pekan ini.\n"
        "Langkah Pemerintah\n"
        "Pemerintah menyiapkan tiga langkah untuk menahan laju kenaikan harga:\n"
        "1. operasi pasar beras medium di 500 titik;\n"
        "2. bantuan pangan beras 10 kilogram kepada 22 juta keluarga;\n"
        "3. pengawasan distribusi bersama Satgas Pangan.\n"
        "Operasi pasar akan berlangsung selama dua bulan dan dapat diperpanjang bila harga "
        "belum turun.\n"
        "Apakah operasi pasar cukup untuk menurunkan harga?\n"
        "Sejumlah ekonom meragukannya. Menurut peneliti pangan, operasi pasar hanya menahan "
        "harga sementara.\n"
        "Suara Pedagang\n"
        "Pedagang di Pasar Induk Beras Cipinang mengaku penjualan turun karena konsumen "
        "mengurangi pembelian.\n", encoding="utf-8")
    _, analysis = text.explain(source.read_text(encoding="utf-8"),
                               SourceInfo(path="a.txt", format="text"))
    question = next(d for d in analysis.decisions if d.line == 8)
    assert question.label == "prose" and question.heading_probability < 0.1
    result = cli("inspect", str(source), "--explain")
    assert result.returncode == 0, result.stderr
    assert any(line.lstrip("? ").startswith("line 8 ") and " text " in line
               and "Apakah operasi pasar" in line for line in result.stdout.splitlines())


def test_datelines_give_the_date_and_are_never_headings() -> None:
    """Fifth new-user trial: "Jakarta, Kamis (26/11/2026)" under the bylines was read as a sure
    section (the real sections became its subsections) and the cover showed the build date."""
    article = ("Kabar Kebijakan, Reformasi Subsidi BBM. Anggaran subsidi energi terus membengkak "
               "tahun ini.\nPenulis: Dewi Anggraini\nEditor: Bambang Sutrisno\n"
               "Jakarta, Kamis (26/11/2026)\n"
               "Besarnya Beban Subsidi\n"
               "Realisasi subsidi energi hingga Oktober mencapai Rp 412 triliun tahun ini.\n"
               "Pilihan Kebijakan\n"
               "Pemerintah dapat menaikkan harga secara bertahap atau membatasi penerima.\n")
    doc, analysis = text.explain(article, SourceInfo(path="a.txt", format="text"))
    assert heading_texts(doc.sections) == [(2, "Besarnya Beban Subsidi"),
                                           (2, "Pilihan Kebijakan")]
    assert doc.meta.date == dt.date(2026, 11, 26)
    # An editor is credited, not an author: not under "Oleh" on the cover.
    assert doc.meta.authors == ("Dewi Anggraini",)
    assert [(lo.line, lo.kind) for lo in analysis.leftovers] == [
        (2, "byline"), (3, "byline"), (4, "dateline")]


@pytest.mark.parametrize(("line", "date"), [
    ("Published 14 November 2026", dt.date(2026, 11, 14)),
    ("Updated: March 3, 2025 at 2:30 pm", dt.date(2025, 3, 3)),
    ("KUALA LUMPUR, 12 Disember 2026", dt.date(2026, 12, 12)),
    ("Senin, 3 Maret 2025 14:30 WIB", dt.date(2025, 3, 3)),
    ("Diterbitkan pada 2025-05-05", dt.date(2025, 5, 5)),
    ("Jakarta, 12/31/2026.", dt.date(2026, 12, 31)),
])
def test_a_line_that_is_only_a_date_is_a_dateline(line: str, date: dt.date) -> None:
    assert structure.leftover_kind(line) == "dateline"
    assert structure.dateline_date(line) == date


@pytest.mark.parametrize("line", [
    "Since 1 January 2024", "2024 in Review", "Jakarta, the City That Sinks",
    "Kamis Kelabu di Pasar Senen", "31/02/2026"])
def test_headings_and_impossible_dates_are_not_datelines(line: str) -> None:
    assert structure.dateline_date(line) is None
    assert structure.leftover_kind(line) is None


@pytest.mark.parametrize("line", [
    "Photo credit: Mekong River Commission",
    "Copyright 2026 The Mekong Dialogue. All rights reserved.",
    "© 2026 Kabar Kebijakan",
    "Simak breaking news dan berita pilihan kami langsung di ponselmu.",
    "Hak cipta terpelihara. Kongsi artikel ini:",
])
def test_page_footers_and_photo_credits_are_dropped(line: str) -> None:
    """Fifth new-user trial: "Photo credit: ..." became the last section, and copyright and
    app-promotion lines were printed as text."""
    assert structure.leftover_kind(line) == "drop"


def test_copyright_as_a_subject_is_text() -> None:
    assert structure.leftover_kind("Copyright Law Is Older Than the Printing Press") is None


def test_academic_degrees_after_a_name_keep_a_byline_a_byline() -> None:
    """"Penulis: Dewi Lestari, S.H., M.H." ends with a period, but it is no sentence: the line
    was kept as the lead's second paragraph (read in the eleventh held-out split)."""
    assert structure.leftover_kind("Penulis: Dewi Lestari, S.H., M.H.") == "byline"
    assert structure.author_names("Oleh: Budi Santoso, M.Si.") == ("Budi Santoso",)
    assert structure.author_names("By Jane Doe, Ph.D.") == ("Jane Doe",)


def test_editors_are_not_authors() -> None:
    assert structure.author_names("(Reporting by Ana Cruz; Editing by Tom Hale)") == (
        "Ana Cruz",)
    assert structure.author_names("Penyunting: Rudi Hartono") == ()
    assert structure.author_names("Penulis: Rina W. dan Budi") == ("Rina W.", "Budi")


def test_a_byline_label_allows_a_team_after_the_names() -> None:
    line = "Penulis: Nurul Hidayati dan Gede Artawan, Tim Analisis Kesehatan rumahdata.or.id"
    assert structure.leftover_kind(line) == "byline"
    assert structure.author_names(line) == ("Nurul Hidayati", "Gede Artawan")
    # Without a label and a colon, a long capitalised line is not taken for names.
    assert structure.leftover_kind(
        "Nurul Hidayati dan Gede Artawan, Tim Analisis Kesehatan rumahdata.or.id") is None


def test_an_unnumbered_line_inside_a_numbered_run_is_not_one_of_its_sections() -> None:
    ctx = _context("1. Siapa pekerja gig?\nParagraf yang cukup panjang untuk dibaca sebagai isi.\n"
                   "2. Apa yang ditawarkan\nParagraf yang cukup panjang untuk dibaca sebagai isi.\n"
                   "Bagaimana dengan simpanan hari tua?\n"
                   "Paragraf yang cukup panjang untuk dibaca sebagai isi.\n"
                   "3. Menimbang jalan tengah\n"
                   "Paragraf yang cukup panjang untuk dibaca sebagai isi.\n"
                   "Catatan penutup\nParagraf yang cukup panjang untuk dibaca sebagai isi.\n")
    flagged = {ctx.items[i].text for i, hit in enumerate(ctx.interrupts_numbering) if hit}
    # Between 2 and 3, not after the run ended (no numbered heading after "Catatan penutup").
    assert flagged == {"Paragraf yang cukup panjang untuk dibaca sebagai isi.",
                       "Bagaimana dengan simpanan hari tua?"}
    question = next(it.index for it in ctx.items if it.text.startswith("Bagaimana"))
    assert structure.heading_features(ctx, question)["interrupts_numbering"] == 1.0


def test_interview_questions_are_text_not_headings() -> None:
    article = (
        "pelabuhan.id, Wawancara: Syahbandar yang Pindah ke Darat. Kami berbicara dengan "
        "syahbandar baru tentang tahun pertamanya di pelabuhan yang sibuk ini.\n"
        "Tanya: Apa yang paling sulit di awal?\n"
        "Jawab: Mendengarkan warga sekitar pelabuhan. Debu batu bara adalah keluhan pertama "
        "mereka, dan keluhan itu benar.\n"
        "Tanya: Bagaimana dengan pelatihan dan pendampingan dari dinas?\n"
        "Jawab: Kami sudah ikut puluhan pelatihan. Yang kurang adalah pendampingan setelahnya, "
        "ketika usaha mulai berjalan sendiri.\n"
        "Q: What would you tell a new harbourmaster?\n"
        "A: Walk the neighbourhood before you read the manuals. A port that loses the trust of "
        "its neighbours loses everything else soon after.\n")
    doc, analysis = text.explain(article, SourceInfo(path="a.txt", format="text"))
    assert heading_texts(doc.sections) == []
    asked = [d for d in analysis.decisions if d.text.startswith(("Tanya:", "Q:"))]
    assert [d.label for d in asked] == ["prose", "prose", "prose"]
    assert all(dict(d.reasons).get("interview_label", 0.0) < 0 for d in asked)


def test_a_question_answered_in_a_few_words_is_asked_by_the_text() -> None:
    ctx = _context("Why the Levy Matters\nA paragraph long enough to be body text of a part.\n"
                   "Is that changing?\nSlowly, she says. Two agencies have begun to share data.\n"
                   "Who decides the price?\nThe regulator sets the tariff every five years after "
                   "a public review of costs.\n")
    by_text = {it.text: it.index for it in ctx.items}
    assert structure.heading_features(ctx, by_text["Is that changing?"])["answered_at_once"] == 1.0
    assert structure.heading_features(ctx, by_text["Who decides the price?"])[
        "answered_at_once"] == 0.0


def test_a_section_closing_short_of_the_parts_it_named_costs_the_outline() -> None:
    named = structure.OpenSection(index=0, children=4, expected=5)
    assert structure._closing_section_cost(named) == structure.SHORT_OF_NAMED_PARTS_PENALTY
    assert structure._closing_section_cost(dataclasses.replace(named, children=5)) == 0.0
    # A flat section that named parts (its list had them) is not short of subsections.
    assert structure._closing_section_cost(dataclasses.replace(named, children=0)) == 0.0
    assert structure._closing_section_cost(dataclasses.replace(named, expected=None)) == 0.0


def test_lettered_headings_count_c_as_the_third_letter_not_roman_one_hundred() -> None:
    # "A.", "B.", "C." number sections; "C." is not the Roman numeral 100 there.
    assert structure.numbering("C. Rekomendasi") == (1, 3)
    assert structure.numbering("III. Scope") == (1, 3)
    assert structure.numbering("XL. Annex") == (1, 40)


def test_a_labelled_heading_after_the_lead_is_not_names_with_a_role() -> None:
    # "Besar" is a role word ("Duta Besar"), but names never carry a label and a colon.
    line = "Produksi: Naik Tipis, Didominasi Kapal Besar"
    assert structure.leftover_kind(line, after_lead=True) is None
    assert structure.leftover_kind("Natthaya Chaiyasit, Urban Mobility Fellow",
                                   after_lead=True) == "byline"


# --------------------------------------------------------------------------- seventh trial

LEFTOVERS = ROOT / "tests" / "fixtures" / "text" / "leftovers"

TEAM_BYLINE = LEFTOVERS / "team-byline-title-alone.txt"


def test_a_team_byline_under_a_title_alone_is_the_author_not_a_section() -> None:
    """Seventh new-user trial (B1): on a page copied from Tempo, the title stands alone on
    line 1 and "Tim Redaksi Tempo.co" was the first section, silently; "Pilihan editor: ..."
    was the last, with the Google News footer as its text."""
    article = TEAM_BYLINE.read_text(encoding="utf-8")
    doc = text.parse(article, SourceInfo(path="pemilu.txt", format="text"))
    assert heading_texts(doc.sections) == [(2, "Alasan Pendukung"), (2, "Alasan Penolak")]
    assert doc.meta.authors == ("Tim Redaksi Tempo.co",)
    assert doc.meta.date == dt.date(2026, 11, 23)
    shown = cli("inspect", str(TEAM_BYLINE))
    assert shown.returncode == 0, shown.stderr
    assert "- line 2: byline -> authors: 'Tim Redaksi Tempo.co'" in shown.stdout
    assert "- line 12: dropped (web leftover): 'Pilihan editor:" in shown.stdout
    assert "- line 13: dropped (web leftover): 'Ikuti berita terkini" in shown.stdout
    # The heading right after the linked headline is the article's, not a second link.
    assert "  Alasan Pendukung" in shown.stdout.splitlines()


OUTLET_BYLINE = LEFTOVERS / "outlet-byline-dateline.txt"


def test_a_name_with_its_outlet_and_a_place_day_date_line_are_byline_and_date() -> None:
    """Seventh new-user trial (B1, A2, A3): "Dian Septiari (The Jakarta Post)" was a section and
    "Kuala Lumpur ● Wed, November 25, 2026" its subsection, the cover showed the build date,
    the caption kept its credit, and the brief ended on an empty "Change Size" section."""
    article = OUTLET_BYLINE.read_text(encoding="utf-8")
    doc, analysis = text.explain(article, SourceInfo(path="a.txt", format="text"))
    assert heading_texts(doc.sections) == [(2, "What the new plan says"), (2, "Indonesia's role")]
    assert doc.meta.authors == ("Dian Septiari",)
    assert doc.meta.date == dt.date(2026, 11, 25)
    assert [(lo.line, lo.kind) for lo in analysis.leftovers] == [
        (3, "byline"), (5, "dateline"), (9, "drop"), (19, "drop"), (21, "drop"), (23, "drop")]
    piped = article.replace("Dian Septiari (The Jakarta Post)\n", "").replace(" ● ", " | ")
    doc = text.parse(piped, SourceInfo(path="a.txt", format="text"))
    assert heading_texts(doc.sections) == [(2, "What the new plan says"), (2, "Indonesia's role")]
    assert doc.meta.date == dt.date(2026, 11, 25)


@pytest.mark.parametrize("line", [
    "BACA: Harga cabai naik lagi di pasar induk",
    "Photo by Getty Images",
    "Sumber foto: ANTARA",
    "[Gambas:Video CNBC]",
    "Halaman: 1 2 3",
    "Page 2 of 3",
    "Baca berita selengkapnya di sini",
    "Ikuti berita terkini dari Tempo di Google News, klik di sini.",
    "Pilihan editor: Mendagri Tanggapi Usulan Pilkada Lewat DPRD",
    "3 minute read",
    "5 menit baca",
    "Our Standards: The Thomson Reuters Trust Principles.",
    "Topics : ASEAN, Myanmar, Indonesia, diplomacy",
    "Tags: subsidi, BBM",
    "Change Size",
    "Listen to this article",
    "(ant/rhm)",
    "REUTERS/Willy Kurniawan",
    "ANTARA FOTO/Aprillio Akbar/nym",
    "Image source, Getty Images",
    "Updated 2 hours ago",
    "3 jam yang lalu",
    "Artikel ini telah tayang di Tribunnews.com dengan judul Harga Cabai Naik Lagi",
    "(Foto: ANTARA/Aji Styawan) Petugas memeriksa beras di gudang Bulog, Senin (23/11/2026).",
])
def test_site_furniture_of_every_kind_is_dropped(line: str) -> None:
    """Seventh new-user trial (B1, A2, A3, and 6 of the 23 label styles of its probe)."""
    assert structure.leftover_kind(line) == "drop"
    assert structure.leftover_kind(line, after_lead=True) == "drop"


@pytest.mark.parametrize("line", [
    "Baca Tulis Al-Quran di Sekolah Dasar", "Halaman Belakang yang Hilang", "Topik Utama Pekan Ini",
    "Print Media in Crisis", "Photo Finish for the Election", "Photographs by the River",
    "Sumber Foto Lama", "Tim Sukses Bergerak", "Tim Riset Temukan Bukti Baru", "Hospital Staff",
    "Bank Indonesia (BI)", "Latar Belakang (Konteks)", "Three Minutes to Midnight",
    "Komisi II DPR (2024-2029)", "Input/Output Ratios", "AP/NORC Survey",
    "Reuters/Ipsos Poll Shows Support", "2 Hours Ago: A Timeline",
    "Untuk mendaftar, warga cukup membawa KTP ke kantor kelurahan terdekat (Perpres 12/2025).",
])
def test_headings_and_prose_near_the_furniture_stay(line: str) -> None:
    assert structure.leftover_kind(line) is None
    assert structure.leftover_kind(line, after_lead=True) is None


@pytest.mark.parametrize(("line", "date"), [
    ("Kuala Lumpur ● Wed, November 25, 2026", dt.date(2026, 11, 25)),
    ("Kuala Lumpur | Wed, November 25, 2026", dt.date(2026, 11, 25)),
    ("Kompas.com - 25/11/2026, 09:15 WIB", dt.date(2026, 11, 25)),
    ("November 25, 2026 / 10:22 AM", dt.date(2026, 11, 25)),
    ("Last modified on Wed 25 Nov 2026 10.22 GMT", dt.date(2026, 11, 25)),
])
def test_a_place_or_a_site_before_the_date_keeps_it_a_dateline(line: str, date: dt.date) -> None:
    assert structure.leftover_kind(line) == "dateline"
    assert structure.dateline_date(line) == date


def test_a_byline_names_people_with_their_outlet_role_or_team() -> None:
    assert structure.leftover_kind("Dian Septiari (The Jakarta Post)", after_lead=True) == "byline"
    # Away from the lead, a name with something in brackets may be a heading.
    assert structure.leftover_kind("Dian Septiari (The Jakarta Post)") is None
    assert structure.leftover_kind("CNA Staff", after_lead=True) == "byline"
    assert structure.leftover_kind("Tim Liputan6.com") == "byline"
    line = ("Ratna Wijayanti (peneliti kebijakan) dan Fadli Rahman (analis data), "
            "Pelabuhan Gagasan")
    assert structure.leftover_kind(line, after_lead=True) == "byline"
    assert structure.author_names(line) == ("Ratna Wijayanti", "Fadli Rahman")
    credit = "Interview by Rachel Simanjuntak; edited for length and clarity"
    assert structure.leftover_kind(credit) == "byline"
    assert structure.author_names(credit) == ("Rachel Simanjuntak",)


def test_the_headlines_under_related_coverage_go_with_it_and_the_caption_with_its_credit() -> None:
    """Seventh new-user trial (A2): "Related coverage" was dropped but its two headlines stayed
    as paragraphs; the caption under "Foto: ANTARA/..." became a paragraph of the section."""
    texts = ["Farmers' groups criticised the move, saying cheaper imports would depress prices.",
             "Related coverage",
             "Vietnam rice exports hit record as Philippine demand surges",
             "Thailand cuts 2027 rice export forecast on drought concerns",
             "The department said it would also expand a loan programme for farmers.",
             "Foto: ANTARA/Aditya Pradana Putra",
             "Antrean kendaraan di sebuah SPBU di Jakarta Selatan, Senin (23/11/2026).",
             "Foto: ANTARA/Aditya Pradana Putra",
             "Konsumsi Pertalite naik lagi tahun ini (Perpres 12/2025).",
             "Read also:",
             "Vietnam rice exports hit record as Philippine demand surges",
             "What the tariff cut changes",
             "A paragraph under the heading that is long enough to be body text."]
    assert structure.leftover_kinds(texts) == [
        None, "drop", "drop", "drop", None, "drop", "drop", "drop", None, "drop", "drop", None,
        None]
