"""Stand-in writers for build orchestration tests: fast, deterministic, and they fail on cue.

The real writers render with WeasyPrint and ebooklib; these return bytes that spell out what
they were given, so a test can see which options and metadata reached the writer. They import
WeasyPrint like the real ones do, so tests can check when a build imports the writers at all.
"""

from __future__ import annotations

import os
import time

import weasyprint  # noqa: F401  (imported like the real writers, see the module docstring)

from lighthouse_docs.errors import RenderError
from lighthouse_docs.model import Document, Pack
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.writers import Output


def _render(fmt: str, title: str, body: str, options: RenderOptions) -> Output:
    if "EXPLODE" in title:
        raise RuntimeError("the fake writer exploded")
    if "RENDERFAIL" in title and fmt == "epub":
        raise RenderError("the fake layout failed")
    if "HANG" in title:
        time.sleep(600)  # stands for a layout that never ends (a limit must stop it)
    delay = float(os.environ.get("FAKE_WRITER_DELAY", "0"))
    if delay:
        time.sleep(delay)
    text = (f"{fmt}|{title}|{body}|{options.modified.isoformat()}|{options.paper}|"
            f"{options.pdf_variant}|{options.key_points}|{options.theme.name}\n")
    warnings = ("the fake writer frowns",) if "WARNME" in title else ()
    return Output(data=text.encode() * 20, warnings=warnings,
                  pages=3 if fmt == "pdf" else None)


def _write(fmt: str, subject: Document | Pack, options: RenderOptions) -> Output:
    if isinstance(subject, Pack):
        body = (f"pack:{';'.join(d.meta.title for d in subject.documents)}|{subject.lang}|"
                f"{subject.marking}")
        return _render(fmt, subject.title, body, options)
    body = f"{subject.meta.source.path}|{subject.meta.lang}|{subject.meta.marking}"
    return _render(fmt, subject.meta.title, body, options)


def build_pdf(subject: Document | Pack, options: RenderOptions) -> Output:
    return _write("pdf", subject, options)


def build_epub(subject: Document | Pack, options: RenderOptions) -> Output:
    return _write("epub", subject, options)


def build_html(subject: Document | Pack, options: RenderOptions) -> Output:
    return _write("html", subject, options)


WRITERS = {fmt: f"fake_writers:build_{fmt}" for fmt in ("pdf", "epub", "html")}
