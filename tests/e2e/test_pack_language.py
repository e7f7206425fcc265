"""A combined brief speaks one language, which the user can choose (the fourth new user's
trial, F16: "Weekly Brief 48" over three Indonesian and two English articles came out with an
English title and "DISUSUN", "Daftar Isi", "Halaman x dari 17", and no option to change it).

Built with the checkout's CLI; the PDF read back with pypdf, the HTML as text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from tests.e2e.e2e_support import run_checkout_cli

pytestmark = pytest.mark.slow
TITLE = "Weekly Brief 48"
ARTICLES = {
    "a-id.md": ("id", "Harga Beras Turun", "Harga beras turun untuk pekan kedua berturut-turut."),
    "b-en.md": ("en", "Wheat Imports Rise", "Wheat imports rose for a third month running."),
    "c-id.md": ("id", "Tarif Listrik Naik", "Tarif listrik rumah tangga naik empat persen."),
}


def _project(root: Path, config: str = "") -> Path:
    (root / "sources").mkdir(parents=True)
    for name, (lang, title, lead) in ARTICLES.items():
        (root / "sources" / name).write_text(
            f"---\ntitle: {title}\nlang: {lang}\n---\n\n{lead}\n\n## Latar\n\n{lead}\n",
            encoding="utf-8")
    (root / "lighthouse.toml").write_text(f"jobs = 1\n{config}", encoding="utf-8")
    return root


def _html_labels(path: Path) -> tuple[str, list[str]]:
    html = path.read_text(encoding="utf-8")
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match is not None
    found = re.findall(r"Daftar Isi|Contents|Disusun|Compiled|Halaman|data-page-label=\"Page\"",
                       html)
    return match[1], sorted(set(found))


def test_by_default_the_pack_speaks_the_language_of_most_of_its_articles(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    result = run_checkout_cli(["build", "--html", "--combine", TITLE], root)
    assert result.returncode == 0, result.stderr
    assert _html_labels(root / "output" / "weekly-brief-48.html") == (
        "id", ["Daftar Isi", "Disusun", "Halaman"])


def test_pack_language_in_the_project_file_chooses_the_packs_language(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", 'pack_language = "en"\n')
    result = run_checkout_cli(["build", "--html", "--combine", TITLE], root)
    assert result.returncode == 0, result.stderr
    assert _html_labels(root / "output" / "weekly-brief-48.html") == (
        "en", ["Compiled", "Contents", 'data-page-label="Page"'])
    # --pack-lang on the command line wins over the project file.
    result = run_checkout_cli(["build", "--html", "--combine", TITLE, "--pack-lang", "id"], root)
    assert result.returncode == 0, result.stderr
    assert _html_labels(root / "output" / "weekly-brief-48.html")[0] == "id"


def test_pack_lang_gives_the_pdf_one_language_and_the_articles_keep_theirs(
        tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    result = run_checkout_cli(["build", "--pdf", "--epub", "--combine", TITLE,
                               "--pack-lang", "en"], root)
    assert result.returncode == 0, result.stderr
    reader = pypdf.PdfReader(root / "output" / "weekly-brief-48.pdf")
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert TITLE in pages[0] and "COMPILED" in pages[0] and "DISUSUN" not in pages[0]
    assert pages[1].startswith("CONTENTS")
    whole = " ".join(pages)
    assert f"Page 2 of {len(pages)}" in whole
    assert "Daftar Isi" not in whole and "Halaman" not in whole
    # An Indonesian article's own part head is still Indonesian.
    assert "BAGIAN 1" in whole and "PART 2" in whole
    assert '<dc:language>en</dc:language>' in _opf(root / "output" / "weekly-brief-48.epub")


def _opf(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as book:
        return book.read("EPUB/content.opf").decode("utf-8")
