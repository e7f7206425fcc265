"""Project configuration: defaults, both file forms, and errors naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from lighthouse_docs.config import Settings, apply, load_settings
from lighthouse_docs.errors import ConfigError


def test_no_configuration_means_the_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    assert settings == Settings(output=tmp_path / "output")
    assert settings.formats == ("pdf", "epub") and settings.pdf_variant == "pdf/ua-1"


def test_lighthouse_toml_sets_every_key(tmp_path: Path) -> None:
    (tmp_path / "lighthouse.toml").write_text(
        'paper = "Letter"\nstyle = "house"\nlanguage = "id"\nmarking = "TERBATAS"\n'
        'output = "briefs"\nformats = ["epub", "html", "epub"]\njobs = 3\n'
        'key_points = false\npdf_variant = "none"\n')
    settings = load_settings(tmp_path)
    assert settings == Settings(paper="letter", style="house", lang="id", marking="TERBATAS",
                                output=tmp_path / "briefs", formats=("epub", "html"), jobs=3,
                                key_points="off", pdf_variant=None,
                                file=tmp_path / "lighthouse.toml")


@pytest.mark.parametrize(("value", "mode"), [
    ('"auto"', "auto"), ("true", "auto"), ('"author"', "author"), ("false", "off")])
def test_key_points_mode(tmp_path: Path, value: str, mode: str) -> None:
    (tmp_path / "lighthouse.toml").write_text(f"key_points = {value}\n")
    assert load_settings(tmp_path).key_points == mode


def test_cover_details_and_logo(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (30, 10), (0, 0, 255)).save(tmp_path / "logo.png")
    (tmp_path / "lighthouse.toml").write_text(
        'organisation = "Unit"\nreference = "R-1"\nversion = "2"\nprepared_for = "DG"\n'
        'notes = "foot"\nlinks = "notes"\ndate = 2026-01-31\nlogo = "logo.png"\n')
    shown = load_settings(tmp_path).presentation
    assert (shown.organisation, shown.reference, shown.version, shown.prepared_for,
            shown.notes, shown.links) == ("Unit", "R-1", "2", "DG", "foot", "notes")
    assert shown.date is not None and shown.date.isoformat() == "2026-01-31"
    assert shown.logo is not None and shown.logo.data_uri.startswith("data:image/png;base64,")


@pytest.mark.parametrize(("text", "message"), [
    ('logo = "missing.png"\n', "lighthouse.toml: logo: logo"),
    ('logo = "lighthouse.toml"\n', "is not a usable image"),
    ('logo = "../outside.png"\n', "lighthouse.toml: logo: logo"),
    ('notes = "side"\n', 'expected "end" or "foot"'),
    ('links = "footnotes"\n', 'expected "inline", "notes" or "hidden"'),
    ('date = "tomorrow"\n', "expected a date"),
])
def test_bad_cover_and_note_settings(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "lighthouse.toml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    assert message in str(caught.value)


def test_pyproject_table_is_read_and_lighthouse_toml_wins(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.lighthouse-docs]\njobs = "auto"\n'
                                             'paper = "letter"\n')
    assert load_settings(tmp_path).paper == "letter"
    assert load_settings(tmp_path).jobs is None
    (tmp_path / "lighthouse.toml").write_text('paper = "a4"\n')
    assert load_settings(tmp_path).paper == "a4"


def test_pyproject_without_the_table_means_defaults(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_settings(tmp_path).file is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('papr = "a4"\n', "lighthouse.toml: papr: unknown key"),
        ('paper = "a5"\n', "lighthouse.toml: paper: expected one of a4, letter"),
        ('formats = ["pdf", "docx"]\n', "lighthouse.toml: formats: unknown format 'docx'"),
        ("formats = []\n", "lighthouse.toml: formats: expected a non-empty list"),
        ("jobs = 0\n", "lighthouse.toml: jobs: expected a positive integer"),
        ("jobs = true\n", "lighthouse.toml: jobs: expected a positive integer"),
        ('key_points = "no"\n',
         'lighthouse.toml: key_points: expected "auto", "author" or false'),
        ('pdf_variant = "pdf/q"\n', "lighthouse.toml: pdf_variant: unknown PDF variant"),
        ('marking = ""\n', "lighthouse.toml: marking: expected a non-empty string"),
        ("paper = \n", "lighthouse.toml: not valid TOML"),
    ],
)
def test_bad_configuration_names_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "lighthouse.toml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    assert message in str(caught.value)
    assert str(tmp_path) in str(caught.value)


def test_pyproject_errors_name_the_full_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.lighthouse-docs]\ncolour = "red"\n')
    with pytest.raises(ConfigError, match=r"pyproject.toml: tool.lighthouse-docs.colour"):
        load_settings(tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('language = "en\\"x"\n', "language: expected a language tag"),
        ('markings = ["OFFICIAL", "official"]\n', "markings: a marking is listed twice"),
        ('markings = []\n', "markings: expected a non-empty list"),
        ('markings = ["OFFICIAL", "SECRET"]\nmarking = "SECERT"\n',
         "marking: marking 'SECERT' is not one of the configured markings"),
        ('markng = "SECRET"\n', "did you mean 'marking'?"),
    ],
)
def test_new_keys_are_validated(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "lighthouse.toml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    assert message in str(caught.value)


def test_command_line_values_go_through_the_same_validators(tmp_path: Path) -> None:
    base = load_settings(tmp_path)
    with pytest.raises(ConfigError, match="--marking: expected a non-empty string"):
        apply(base, {"marking": "   "}, names={"marking": "--marking"})
    with pytest.raises(ConfigError, match="--lang: expected a language tag"):
        apply(base, {"language": "en<x>"}, names={"language": "--lang"})
    assert apply(base, {"marking": " SECRET "}).marking == "SECRET"
    assert apply(base, {"formats": ["epub", "pdf"]}).formats == ("pdf", "epub")


def test_markings_order_is_read(tmp_path: Path) -> None:
    (tmp_path / "lighthouse.toml").write_text('markings = ["OFFICIAL", "SECRET"]\n')
    assert load_settings(tmp_path).markings == ("OFFICIAL", "SECRET")


@pytest.mark.parametrize("value", ["0", "-5", "90000", "soon"])
def test_a_time_limit_out_of_range_says_the_range_it_excludes(tmp_path: Path,
                                                               value: str) -> None:
    # "between 0 and 86400" read as if 0 were allowed ("--time-limit 0" was refused with it).
    with pytest.raises(ConfigError) as raised:
        apply(load_settings(tmp_path), {"time_limit": value}, names={"time_limit": "--time-limit"})
    assert str(raised.value) == (f"--time-limit: expected seconds, more than 0 and at most "
                                 f"86400, or \"none\", got {value!r}")
