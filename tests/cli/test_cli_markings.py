"""Handling markings fail closed: typos refuse to build, packs carry the highest marking."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

Invoke = Callable[..., Result]


def _article(project: Path, name: str, marking: str | None) -> str:
    line = f"marking: {marking}\n" if marking is not None else ""
    (project / "sources" / name).write_text(
        f"---\ntitle: {name.upper()}\n{line}---\n\nBody of {name}.\n", encoding="utf-8")
    return f"sources/{name}"


def test_a_marking_like_key_is_an_error_and_nothing_is_written(cli_in: Invoke,
                                                               project: Path) -> None:
    (project / "sources" / "typo.md").write_text(
        "---\ntitle: Typo\nmarkings: SECRET\n---\n\nBody.\n", encoding="utf-8")
    result = cli_in("build", "sources/typo.md")
    assert result.exit_code == 1
    assert "front matter key 'markings' looks like a handling marking" in result.output
    assert not list((project / "output").glob("typo*"))


def test_an_unknown_key_warns_with_did_you_mean_and_fails_under_strict(
        cli_in: Invoke, project: Path) -> None:
    (project / "sources" / "odd.md").write_text(
        "---\ntitle: Odd\nsubtitel: Sub\n---\n\nBody.\n", encoding="utf-8")
    relaxed = cli_in("build", "sources/odd.md")
    assert relaxed.exit_code == 0
    # The file and the key's line, like every other diagnostic.
    assert ("sources/odd.md:3: warning: unknown front matter key 'subtitel' ignored; did you "
            "mean 'subtitle'? [front-matter-unknown]") in relaxed.output
    assert cli_in("build", "sources/odd.md", "--strict").exit_code == 1


def test_an_empty_marking_key_fails_under_strict(cli_in: Invoke, project: Path) -> None:
    source = _article(project, "blank.md", '""')
    relaxed = cli_in("build", source)
    assert relaxed.exit_code == 0 and "[marking-empty]" in relaxed.output
    strict = cli_in("build", source, "--strict")
    assert strict.exit_code == 1 and "--strict" in strict.output


@pytest.mark.parametrize(
    ("config", "markings", "expected"),
    [
        ("", ("OFFICIAL-SENSITIVE", None), "OFFICIAL-SENSITIVE"),
        ('markings = ["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET"]\n',
         ("SECRET", "OFFICIAL", "OFFICIAL-SENSITIVE"), "SECRET"),
        ('markings = ["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET"]\n',
         ("official", None, "OFFICIAL-SENSITIVE"), "OFFICIAL-SENSITIVE"),
        ("", ("OFFICIAL", "SECRET", "OFFICIAL"), "OFFICIAL / SECRET"),
        ("", (None, None), "None"),
    ],
)
def test_a_pack_carries_the_highest_marking_of_its_articles(
        cli_in: Invoke, project: Path, config: str, markings: tuple[str | None, ...],
        expected: str) -> None:
    with (project / "lighthouse.toml").open("a", encoding="utf-8") as handle:
        handle.write(config)
    sources = [_article(project, f"m{i}.md", m) for i, m in enumerate(markings)]
    result = cli_in("build", *sources, "--combine", "Pack", "--pdf")
    assert result.exit_code == 0, result.output
    text = (project / "output" / "pack.pdf").read_text(encoding="utf-8")
    assert text.split("\n")[0].split("|")[4] == expected


def test_a_marking_outside_the_configured_list_fails(cli_in: Invoke, project: Path) -> None:
    with (project / "lighthouse.toml").open("a", encoding="utf-8") as handle:
        handle.write('markings = ["OFFICIAL", "SECRET"]\n')
    source = _article(project, "odd.md", "SECERT")
    result = cli_in("build", source, "--pdf")
    assert result.exit_code == 1
    assert "marking 'SECERT' is not one of the configured markings" in result.output
    assert cli_in("build", source, "--pdf", "--marking", "SECRET").exit_code == 0
