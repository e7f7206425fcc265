"""The self-contained HTML preview: one file for mail and the web, no external requests.

The same content as the printed brief (``render.print`` in ``screen`` mode) with the theme's
stylesheet inlined (its ``@media screen`` rules make it read well on a screen). Images that are
allowed local files (see :mod:`writers.fetch`) are inlined as ``data:`` URIs; anything else is
dropped with a warning and its alt text is shown instead.
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Callable, Sequence
from pathlib import Path

from markupsafe import Markup

from ..errors import RenderError
from ..model import Document, Pack
from ..render import RenderOptions
from ..render.print import render_pack_html, render_print_html
from . import Output
from .resources import allowed_roots, resolve_src, source_folder

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"})


def inline_css(path: Path) -> Markup:
    """The stylesheet at ``path``, safe to place inside ``<style>`` (theme data, not article text).

    :raises RenderError: the stylesheet cannot be read.
    """
    try:
        css = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RenderError(f"cannot read the theme stylesheet {path}: {exc.strerror}") from exc
    # "</" could close the <style> element early; "<\/" means the same to a CSS parser.
    return Markup(css.replace("</", "<\\/"))  # noqa: S704 - theme file, never article text


def _inliner(base_dir: Path, roots: Sequence[Path],
             warnings: list[str]) -> Callable[[str], str | None]:
    """Image source -> ``data:`` URI of an allowed image file under ``roots``, else None."""

    def image_url(src: str) -> str | None:
        if src.strip().lower().startswith("data:image/"):
            return src.strip()
        path = resolve_src(src, base_dir, roots)
        mime = mimetypes.guess_type(path.name)[0] if path is not None else None
        if path is None or mime not in IMAGE_TYPES:
            message = f"refused resource {src[:200]}: not an image file inside the source folder"
            if message not in warnings:
                warnings.append(message)
            return None
        return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"

    return image_url


def build_html(doc: Document, options: RenderOptions) -> Output:
    """One self-contained HTML file of the brief (UTF-8 bytes) and what was left out.

    Warnings are this writer's own (refused images); the reader's stay on ``doc``.
    """
    warnings: list[str] = []
    image_url = _inliner(options.base_dir, allowed_roots(options.base_dir, options.theme),
                         warnings)
    html = render_print_html(doc, options, mode="screen", image_url=image_url,
                             css=inline_css(options.theme.print_css))
    return Output(data=html.encode("utf-8"), warnings=tuple(warnings))


def build_pack_html(pack: Pack, options: RenderOptions) -> Output:
    """One self-contained HTML file of a combined brief, one part per article.

    Each article's images are inlined from its own source folder only (never another
    article's, never outside it).
    """
    warnings: list[str] = []

    def image_url_for(doc: Document) -> Callable[[str], str | None]:
        folder = source_folder(doc, options.base_dir)
        return _inliner(folder, (folder,), warnings)

    html = render_pack_html(pack, options, mode="screen", image_url_for=image_url_for,
                            css=inline_css(options.theme.print_css))
    return Output(data=html.encode("utf-8"), warnings=tuple(warnings))
