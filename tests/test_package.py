"""The package's own data: versions of installed distributions without importlib.metadata."""

from __future__ import annotations

from importlib import metadata

import pytest

import lighthouse_docs


@pytest.mark.parametrize("dist", ["weasyprint", "ebooklib", "jinja2", "pydyf", "lighthouse-docs",
                                  "typing-extensions"])
def test_installed_versions_are_the_ones_importlib_metadata_finds(dist: str) -> None:
    assert lighthouse_docs.installed_version(dist) == metadata.version(dist)


def test_a_distribution_that_is_not_installed_has_no_version() -> None:
    assert lighthouse_docs.installed_version("no-such-distribution-here") is None
    assert lighthouse_docs.__version__ == metadata.version("lighthouse-docs")
