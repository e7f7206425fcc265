"""The PDF writer's first half, without WeasyPrint: a brief's final print HTML and how its
pages may be laid out (:class:`PrintInput`).

Everything here depends on the document, the theme's text and the options only, and is plain
data: :mod:`.pdf` lays it out with WeasyPrint right after, or, in a build of one article, the
process that parsed the source prepares it (while the build's own process is still importing
WeasyPrint) and sends it along with the document (:mod:`lighthouse_docs.build`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from ..errors import RenderError
from ..model import Document, Pack, Text
from ..outline import query
from ..render import RenderOptions, front_of
from ..render.print import render_print_html
from ..theme import Theme
from .fit import cannot_fit
from .resources import load_image, refusal, source_folder

LONG_MARKING = 12
"""Markings longer than this many characters get bands of their own (the theme's ``banded``
named page) instead of the head's corner."""

COMPACT_MAX_PAGES = 2
"""A brief whose text, with its key points on the first page, fits on this many pages after
the cover has no contents page: a contents page for one or two pages of text was mostly
empty paper, and the PDF's bookmarks still list the sections."""
COMPACT_MAX_WORDS = 1400
"""More words than this never fit on two A4 pages with key points: skip trying."""


@dataclass(frozen=True, slots=True)
class LayoutPlan:
    """How a brief's pages may be arranged (see :func:`.pdf.html_to_pdf`)."""

    compact: bool = False
    """Try the brief without contents first (cover + at most :data:`COMPACT_MAX_PAGES`):
    at most :data:`COMPACT_MAX_WORDS` words and, once its HTML is rendered, not sure not to
    fit (:func:`.fit.cannot_fit`)."""
    banded: bool = False
    """The marking is long: bands of its own on every page after the cover."""
    fix_ends: bool = True
    """Tighten or rebalance a short last page (off only to see the layout without it)."""


def plan_for(subject: Document | Pack) -> LayoutPlan:
    """The :class:`LayoutPlan` of a brief or combined brief."""
    marking = subject.marking if isinstance(subject, Pack) else subject.meta.marking
    banded = bool(marking) and len(marking or "") > LONG_MARKING
    if isinstance(subject, Pack):
        return LayoutPlan(banded=banded)
    words = sum(len(text.text.split()) for text in query(subject, Text))
    return LayoutPlan(compact=words <= COMPACT_MAX_WORDS, banded=banded)


_MARGIN_BOXES = frozenset(
    f"{edge}-{where}" for edge in ("top", "bottom") for where in ("left", "center", "right")
) | frozenset(f"{edge}-{where}" for edge in ("left", "right")
              for where in ("top", "middle", "bottom"))


@lru_cache(maxsize=8)
def places_marking(css_text: str) -> bool:
    """Whether a print stylesheet shows ``string(marking)`` in a margin box of a plain
    ``@page`` rule (one that applies to every page, not only ``:first`` or a named page)."""
    import tinycss2

    for rule in tinycss2.parse_stylesheet(css_text, skip_comments=True, skip_whitespace=True):
        if rule.type != "at-rule" or rule.lower_at_keyword != "page" or rule.content is None:
            continue
        if tinycss2.serialize(rule.prelude).strip():
            continue  # :left, :first, a named page: not every page
        for box in tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                  skip_whitespace=True):
            if box.type != "at-rule" or box.lower_at_keyword not in _MARGIN_BOXES \
                    or box.content is None:
                continue
            for decl in tinycss2.parse_blocks_contents(box.content, skip_comments=True,
                                                       skip_whitespace=True):
                if decl.type == "declaration" and decl.lower_name == "content" and \
                        "string(marking)" in tinycss2.serialize(decl.value).replace(" ", ""):
                    return True
    return False


def theme_places_marking(theme: Theme) -> bool:
    """Whether ``theme``'s print stylesheet places the marking on every page itself
    (:func:`places_marking`); if not, a marked brief gets the built-in marking band.

    :raises RenderError: the stylesheet is not UTF-8.
    """
    try:
        css_text = theme.read(theme.print_css).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RenderError(f"theme stylesheet {theme.print_css} is not UTF-8") from exc
    return places_marking(css_text)


@dataclass(frozen=True, slots=True, kw_only=True)
class PrintInput:
    """What WeasyPrint is given for one brief or combined brief (picklable)."""

    html: str
    """The final print HTML (``render.print``)."""
    source_dirs: tuple[Path, ...]
    """The folders the articles' files (images) may be read from."""
    marking_band: bool
    """The HTML carries the built-in marking band (the theme does not place the marking)."""
    plan: LayoutPlan
    langs: tuple[str, ...]
    """The languages of the brief and its articles (their hyphenation dictionaries)."""
    warnings: tuple[str, ...] = ()
    """Refused images met while rendering the HTML."""


def _image_url(folder: Path, base_dir: Path,
               warnings: list[str]) -> Callable[[str], str | None]:
    """Image resolver of one article: :func:`.resources.resolve_image` in its own ``folder``.

    Allowed files are written relative to the pack's ``base_dir`` when they lie under it (the
    HTML, and so the PDF, does not depend on where the sources live), else as ``file:`` URLs.
    """

    def image_url(src: str) -> str | None:
        src = src.strip()
        image = load_image(src, folder)  # the decision every writer makes
        if isinstance(image, str):
            message = refusal(src, image)
            if message not in warnings:
                warnings.append(message)
            return None
        path = image.path
        if path is None:
            return src  # an image data: URI, decoded in memory by the fetcher
        relative = os.path.relpath(path, base_dir)
        if relative.startswith(".."):
            return path.as_uri()
        return quote(Path(relative).as_posix())

    return image_url


def print_input(subject: Document | Pack, options: RenderOptions) -> PrintInput:
    """The :class:`PrintInput` of a brief or combined brief: its print HTML, each article's
    relative images resolved against its own source folder.

    :raises RenderError: the theme's print stylesheet is not UTF-8 (only asked when the
        brief is marked), or a template fails.
    """
    base_dir = options.base_dir.resolve()
    warnings: list[str] = []
    front = front_of(subject)
    folders = tuple(dict.fromkeys(source_folder(d, base_dir) for d in front.documents))
    band = bool(front.marking) and not theme_places_marking(options.theme)
    html = render_print_html(subject, options, marking_band=band, image_url_for=lambda doc:
                             _image_url(source_folder(doc, base_dir), base_dir, warnings))
    plan = plan_for(subject)
    if plan.compact and cannot_fit(html, options.theme, options.paper, COMPACT_MAX_PAGES):
        plan = replace(plan, compact=False)  # the try would fail: the same PDF without it
    return PrintInput(html=html, source_dirs=folders or (base_dir,), marking_band=band,
                      plan=plan, warnings=tuple(warnings),
                      langs=tuple(sorted({front.lang, *(d.meta.lang for d in front.documents)})))
