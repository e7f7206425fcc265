"""Session fixtures: the example and a few fixtures built once, shared by the e2e tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from lighthouse_docs.model import Document, Pack
from lighthouse_docs.readers import load
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.theme import resolve_theme
from lighthouse_docs.writers import Output
from lighthouse_docs.writers.pdf import build_pdf

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "sources" / "korut-rusia.txt"
MARKDOWN = ROOT / "tests" / "fixtures" / "markdown"
MODIFIED = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def render_options(source: Path, **changes: object) -> RenderOptions:
    """Options for building ``source`` with the default theme at the fixed build time."""
    options = RenderOptions(theme=resolve_theme(None), base_dir=source.parent, modified=MODIFIED)
    return dataclasses.replace(options, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def example_doc() -> Document:
    return load(EXAMPLE)


@pytest.fixture(scope="session")
def example_pdf(example_doc: Document) -> Output:
    """The example brief as the build command makes it (A4, tagged PDF/UA-1)."""
    return build_pdf(example_doc, render_options(EXAMPLE))


@pytest.fixture(scope="session")
def marked_pdf(example_doc: Document) -> Output:
    """The example with a handling marking."""
    meta = dataclasses.replace(example_doc.meta, marking="TERBATAS")
    return build_pdf(dataclasses.replace(example_doc, meta=meta), render_options(EXAMPLE))


@pytest.fixture(scope="session")
def english_doc() -> Document:
    return load(MARKDOWN / "images_table_footnotes.md")


@pytest.fixture(scope="session")
def english_pdf(english_doc: Document) -> Output:
    """An English Markdown article with an image, a table and footnotes."""
    return build_pdf(english_doc, render_options(MARKDOWN / "images_table_footnotes.md"))


@pytest.fixture(scope="session")
def pack_docs(example_doc: Document, english_doc: Document) -> tuple[Document, ...]:
    return (example_doc, english_doc, load(MARKDOWN / "opini_front_matter.md"))


@pytest.fixture(scope="session")
def pack_pdf(pack_docs: tuple[Document, ...]) -> Output:
    """A combined brief of three sources."""
    pack = Pack(title="Briefing Pack", documents=pack_docs, lang="en",
                date=dt.date(2026, 1, 2), marking="INTERNAL", publisher="Lighthouse")
    return build_pdf(pack, render_options(MARKDOWN / "images_table_footnotes.md"))


@pytest.fixture(scope="session")
def example_path() -> Path:
    return EXAMPLE


@pytest.fixture(scope="session")
def make_options() -> object:
    """``render_options`` for tests (test modules do not import conftest)."""
    return render_options
