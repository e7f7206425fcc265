"""The confined URL fetcher: what a build may read, and what it must refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from lighthouse_docs.theme import resolve_theme
from lighthouse_docs.writers.fetch import ConfinedURLFetcher, ResourceRefused
from lighthouse_docs.writers.resources import allowed_roots, local_path, resolve_src


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    source.mkdir()
    (source / "chart.png").write_bytes(b"\x89PNG fake")
    (tmp_path / "secret.txt").write_text("top secret", encoding="utf-8")
    (source / "link.txt").symlink_to(tmp_path / "secret.txt")
    return source


def test_reads_files_inside_the_roots(tree: Path) -> None:
    fetcher = ConfinedURLFetcher([tree])
    response = fetcher.fetch((tree / "chart.png").as_uri())
    assert response.read() == b"\x89PNG fake"
    assert response.content_type == "image/png"
    assert fetcher.warnings == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/x.png",
        "ftp://example.org/x.png",
        "file://otherhost/etc/passwd",
    ],
)
def test_refuses_outside_and_network(tree: Path, url: str) -> None:
    fetcher = ConfinedURLFetcher([tree])
    with pytest.raises(ResourceRefused):
        fetcher.fetch(url)
    assert len(fetcher.warnings) == 1 and url in fetcher.warnings[0]


def test_refuses_dotdot_and_symlink_escapes(tree: Path) -> None:
    fetcher = ConfinedURLFetcher([tree])
    for url in (tree.as_uri() + "/../secret.txt", (tree / "link.txt").as_uri()):
        with pytest.raises(ResourceRefused):
            fetcher.fetch(url)
    assert len(fetcher.warnings) == 2


def test_data_urls_are_decoded_in_memory(tree: Path) -> None:
    response = ConfinedURLFetcher([tree]).fetch("data:text/plain;base64,aGk=")
    assert response.read() == b"hi"


def test_same_refusal_is_reported_once(tree: Path) -> None:
    fetcher = ConfinedURLFetcher([tree])
    for _ in range(3):
        with pytest.raises(ResourceRefused):
            fetcher.fetch("file:///etc/passwd")
    assert len(fetcher.warnings) == 1


def test_resolve_src_relative_and_absolute(tree: Path) -> None:
    roots = allowed_roots(tree, resolve_theme(None))
    assert resolve_src("chart.png", tree, roots) == (tree / "chart.png").resolve()
    assert resolve_src("../secret.txt", tree, roots) is None
    assert resolve_src("/etc/passwd", tree, roots) is None
    assert resolve_src("missing.png", tree, roots) is None
    assert local_path("http://example.org/a.png", roots) is None


def test_theme_and_fonts_are_allowed(tree: Path) -> None:
    theme = resolve_theme(None)
    roots = allowed_roots(tree, theme)
    assert local_path(theme.print_css.as_uri(), roots) == theme.print_css.resolve()
