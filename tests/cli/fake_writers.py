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
    delay = float(os.environ.get("FAKE_WRITER_DELAY", "0"))
    if delay:
        time.sleep(delay)
    text = (f"{fmt}|{title}|{body}|{options.modified.isoformat()}|{options.paper}|"
            f"{options.pdf_variant}|{options.key_points}|{options.theme.name}\n")
    warnings = ("the fake writer frowns",) if "WARNME" in title else ()
    return Output(data=text.encode() * 20, warnings=warnings,
                  pages=3 if fmt == "pdf" else None)


def _doc(fmt: str, doc: Document, options: RenderOptions) -> Output:
    body = f"{doc.meta.source.path}|{doc.meta.lang}|{doc.meta.marking}"
    return _render(fmt, doc.meta.title, body, options)


def _pack(fmt: str, pack: Pack, options: RenderOptions) -> Output:
    body = f"pack:{';'.join(d.meta.title for d in pack.documents)}|{pack.lang}|{pack.marking}"
    return _render(fmt, pack.title, body, options)


def build_pdf(doc: Document, options: RenderOptions) -> Output:
    return _doc("pdf", doc, options)


def build_epub(doc: Document, options: RenderOptions) -> Output:
    return _doc("epub", doc, options)


def build_html(doc: Document, options: RenderOptions) -> Output:
    return _doc("html", doc, options)


def build_pack_pdf(pack: Pack, options: RenderOptions) -> Output:
    return _pack("pdf", pack, options)


def build_pack_epub(pack: Pack, options: RenderOptions) -> Output:
    return _pack("epub", pack, options)


WRITERS = {fmt: f"fake_writers:build_{fmt}" for fmt in ("pdf", "epub", "html")}
PACK_WRITERS = {fmt: f"fake_writers:build_pack_{fmt}" for fmt in ("pdf", "epub")}
