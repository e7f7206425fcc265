"""`lighthouse-docs init`: a ready-to-build project, and never a clobbered file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lighthouse_docs.cli import app
from lighthouse_docs.config import load_settings
from lighthouse_docs.project import example_article
from lighthouse_docs.theme import packaged_styles_dir


def test_init_scaffolds_sources_style_and_config(tmp_path: Path) -> None:
    target = tmp_path / "briefs"
    result = CliRunner().invoke(app, ["init", str(target), "--style-name", "kantor"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (target / "sources" / "korut-rusia.txt").read_bytes() == \
        example_article().read_bytes()
    for path in (packaged_styles_dir() / "default").rglob("*"):
        if path.is_file():
            copied = target / "styles" / "kantor" / path.relative_to(packaged_styles_dir() /
                                                                     "default")
            assert copied.read_bytes() == path.read_bytes()
    config = tomllib.loads((target / "lighthouse.toml").read_text())
    assert config == {"style": "kantor"}
    assert load_settings(target).style == "kantor"
    assert "created" in result.output


def test_init_refuses_to_overwrite_anything(tmp_path: Path) -> None:
    (tmp_path / "lighthouse.toml").write_text("# mine\n")
    result = CliRunner().invoke(app, ["init", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 2
    assert "refusing to overwrite" in result.output and "lighthouse.toml" in result.output
    assert (tmp_path / "lighthouse.toml").read_text() == "# mine\n"
    assert not (tmp_path / "sources").exists()


@pytest.mark.parametrize("name", ["../evil", ".hidden", ""])
def test_init_rejects_odd_style_names(tmp_path: Path, name: str) -> None:
    result = CliRunner().invoke(app, ["init", str(tmp_path), "--style-name", name],
                                catch_exceptions=False)
    assert result.exit_code == 2


@pytest.mark.parametrize("kind", ["dangling link", "file"])
def test_init_into_something_that_is_no_folder_says_so(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "briefs"
    if kind == "file":
        target.write_text("mine\n")
    else:
        target.symlink_to(tmp_path / "nowhere")
    result = CliRunner().invoke(app, ["init", str(target)], catch_exceptions=False)
    assert result.exit_code == 2
    why = "a link to nothing" if kind == "dangling link" else "not a folder"
    assert result.output.strip() == (f"lighthouse-docs: usage error: {target} is {why}; "
                                     "name a new or existing folder")
    assert not (tmp_path / "nowhere").exists()
