"""The self-contained HTML preview: one file for mail and the web, no external requests.

The same content as the printed brief (``render.print`` in ``screen`` mode) with the theme's
stylesheet inlined (its ``@media screen`` rules make it read well on a screen). Images that are
allowed local files (see :mod:`writers.fetch`) are inlined as ``data:`` URIs; anything else is
dropped with a warning and its alt text is shown instead.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

from markupsafe import Markup

from ..errors import RenderError
from ..images import DEFAULT_MAX_SIDE, ImageRefused, fit, screen_box, vet
from ..model import Document, Pack
from ..render import RenderOptions
from ..render.print import render_print_html
from ..theme import Theme
from . import Output
from .resources import describe, load_image, refusal, source_folder


def inline_css(theme: Theme) -> Markup:
    """The theme's ``print.css``, safe to place inside ``<style>`` (theme data, not article text).

    :raises ResourceError: the stylesheet is refused or cannot be read.
    :raises RenderError: it is not UTF-8.
    """
    try:
        css = theme.read(theme.print_css).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RenderError(f"theme stylesheet {theme.print_css} is not UTF-8") from exc
    # "</" could close the <style> element early; "<\/" means the same to a CSS parser.
    return Markup(css.replace("</", "<\\/"))  # noqa: S704 - theme file, never article text


def _inliner(folder: Path, warnings: list[str],
             max_side: int = DEFAULT_MAX_SIDE) -> Callable[[str], str | None]:
    """Image source -> ``data:`` URI of an allowed image file (:func:`.resources.resolve_image`
    in the article's ``folder``), vetted and downscaled to ``max_side`` pixels, else None and
    a warning."""

    def warn(message: str) -> None:
        if message not in warnings:
            warnings.append(message)

    def image_url(src: str) -> str | None:
        image = load_image(src, folder)
        if isinstance(image, str):
            warn(refusal(src, image))
            return None
        try:
            vetted = fit(vet(image.data), screen_box(max_side))
        except ImageRefused as error:
            warn(f"refused resource {describe(src)}: {error}")
            return None
        for note in vetted.notes:
            warn(f"image {describe(src)}: {note}")
        return (f"data:{vetted.media_type};base64,"
                f"{base64.b64encode(vetted.data).decode('ascii')}")

    return image_url


def build_html(subject: Document | Pack, options: RenderOptions) -> Output:
    """One self-contained HTML file of a brief or a combined brief (UTF-8 bytes) and what was
    left out. Each article's images are inlined from its own source folder only (never
    another article's, never outside it).

    Warnings are this writer's own (refused images); the reader's stay on the documents.
    """
    warnings: list[str] = []

    def image_url_for(doc: Document) -> Callable[[str], str | None]:
        return _inliner(source_folder(doc, options.base_dir), warnings, options.image_max_side)

    html = render_print_html(subject, options, mode="screen", image_url_for=image_url_for,
                             css=inline_css(options.theme))
    return Output(data=html.encode("utf-8"), warnings=tuple(warnings))
