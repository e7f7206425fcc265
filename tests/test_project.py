"""Project paths: source discovery, output names and scaffolding."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lighthouse_docs.config import Settings
from lighthouse_docs.errors import UsageError
from lighthouse_docs.project import (
    ProjectPaths,
    assign_names,
    discover_sources,
    display_path,
    find_root,
    scaffold,
    title_slug,
)


@pytest.fixture
def paths(tmp_path: Path) -> ProjectPaths:
    sources = tmp_path / "sources"
    (sources / "sub").mkdir(parents=True)
    (sources / ".hidden").mkdir()
    for name in ("b.md", "a.txt", "c.html", "notes.rst", "sub/d.md", ".hidden/e.md"):
        (sources / name).write_text("x")
    return ProjectPaths.for_root(tmp_path, Settings())


def test_default_sources_are_txt_md_html_under_sources(paths: ProjectPaths) -> None:
    found = discover_sources([], paths, cwd=paths.root)
    assert [p.relative_to(paths.sources).as_posix() for p in found] == [
        "a.txt", "b.md", "c.html", "sub/d.md"]


def test_arguments_keep_their_order_and_each_file_once(paths: ProjectPaths) -> None:
    found = discover_sources(["sources/sub/d.md", "sources/*.md", "sources/b.md",
                              str(paths.sources / "a.txt")], paths, cwd=paths.root)
    assert [p.name for p in found] == ["d.md", "b.md", "a.txt"]


def test_an_explicit_file_is_taken_even_with_another_suffix(paths: ProjectPaths) -> None:
    assert [p.name for p in discover_sources(["sources/notes.rst"], paths,
                                             cwd=paths.root)] == ["notes.rst"]


def test_empty_globs_are_usage_errors(paths: ProjectPaths) -> None:
    with pytest.raises(UsageError, match=r"\*\.docx"):
        discover_sources(["sources/*.docx"], paths, cwd=paths.root)


def test_a_missing_named_file_is_kept_so_that_reading_it_names_the_problem(
        paths: ProjectPaths) -> None:
    found = discover_sources(["missing.md"], paths, cwd=paths.root)
    assert found == (paths.root.resolve() / "missing.md",)


def test_a_folder_that_cannot_be_listed_is_taken_as_a_source(
        paths: ProjectPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    # Reading it then fails that one source with the reason; its articles never vanish from
    # the build without a word (as root, file modes cannot refuse it: refuse the listing).
    listing = os.scandir

    def refuse(folder: Path) -> Any:
        if Path(folder).name == "sub":
            raise PermissionError(13, "Permission denied", str(folder))
        return listing(folder)

    monkeypatch.setattr(os, "scandir", refuse)
    found = discover_sources([], paths, cwd=paths.root)
    assert [p.relative_to(paths.sources).as_posix() for p in found] == [
        "a.txt", "b.md", "c.html", "sub"]
    assert discover_sources(["sources/sub"], paths, cwd=paths.root) == (paths.sources / "sub",)


def test_the_sources_folder_as_output_folder_is_a_usage_error_saying_so(
        paths: ProjectPaths) -> None:
    same = dataclasses.replace(paths, output=paths.sources)
    with pytest.raises(UsageError, match=r"output folder \S+ is the sources folder "):
        discover_sources([], same, cwd=paths.root)
    around = dataclasses.replace(paths, output=paths.root)
    with pytest.raises(UsageError, match=r"output folder \S+ holds the sources folder "):
        discover_sources([], around, cwd=paths.root)


def test_no_sources_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no sources/ folder"):
        discover_sources([], ProjectPaths.for_root(tmp_path, Settings()), cwd=tmp_path)


def test_root_is_the_nearest_folder_with_a_config(tmp_path: Path) -> None:
    (tmp_path / "lighthouse.toml").write_text("")
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert find_root(tmp_path / "a" / "b") == tmp_path.resolve()


def test_display_path_is_relative_to_the_root_or_absolute(tmp_path: Path) -> None:
    assert display_path(tmp_path / "sources" / "x.md", tmp_path) == "sources/x.md"
    # Outside the project: a path the user can find the file by (fourth trial, F15), not
    # the bare name, and the same from any working folder.
    assert display_path(Path("/elsewhere/y.md"), tmp_path) == "/elsewhere/y.md"
    assert display_path(tmp_path / "sources" / ".." / ".." / "z.md", tmp_path) == \
        (tmp_path.parent.resolve() / "z.md").as_posix()


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Analisis Strategis: Korut dan Dukungan untuk Rusia",
         "analisis-strategis-korut-dan-dukungan-untuk-rusia"),
        ("Beta Übersicht — Ärger", "beta-ubersicht-arger"),
        ("北朝鮮", "bei-zhao-xian"),
        ("!!!", "fallback"),
    ],
)
def test_title_slug_is_transliterated_lower_case(title: str, slug: str) -> None:
    assert title_slug(title, fallback="fallback") == slug


def test_long_titles_are_cut_at_a_word_boundary() -> None:
    slug = title_slug("word " * 40)
    assert len(slug) <= 80 and slug.endswith("word")


def test_colliding_names_are_numbered_in_path_order() -> None:
    names = assign_names({"z.md": "brief", "a.md": "brief", "m.md": "brief-2", "q.md": "x"})
    assert names == {"a.md": "brief", "z.md": "brief-3", "m.md": "brief-2", "q.md": "x"}


@given(st.dictionaries(st.text(min_size=1, max_size=5), st.sampled_from(["a", "b", "a-2"]),
                       max_size=8))
def test_assigned_names_are_distinct_and_order_independent(slugs: dict[str, str]) -> None:
    names = assign_names(slugs)
    assert len(set(names.values())) == len(slugs)
    assert assign_names(dict(reversed(list(slugs.items())))) == names


def test_scaffold_refuses_to_overwrite(tmp_path: Path) -> None:
    created = scaffold(tmp_path)
    assert tmp_path / "lighthouse.toml" in created
    before = {p: p.read_bytes() for p in created}
    with pytest.raises(UsageError, match="refusing to overwrite"):
        scaffold(tmp_path)
    assert {p: p.read_bytes() for p in created} == before
