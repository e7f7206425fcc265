"""The self-contained HTML preview: one file for mail and the web, no external requests.

The same content as the printed brief (``render.print`` in ``screen`` mode) with the theme's
screen stylesheet inlined (``screen.css``; a theme without one gets its ``print.css``, whose
``@media screen`` rules then apply), the theme's fonts embedded as WOFF2 ``data:`` URIs subset
to the text, and, printed from a browser, the marking in the margin of every page. Images that
are allowed local files (see :mod:`writers.fetch`) are inlined as ``data:`` URIs; anything
else is dropped with a warning and its alt text is shown instead.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

from markupsafe import Markup

from ..errors import RenderError
from ..fonts import document_text, web_font_css
from ..images import DEFAULT_MAX_SIDE, ImageRefused, fit, screen_box, vet
from ..model import Document, Pack
from ..render import RenderOptions
from ..render.print import render_print_html
from ..theme import Theme
from . import Output
from .resources import describe, load_image, refusal, source_folder


def screen_css_path(theme: Theme) -> Path:
    """The stylesheet of the HTML preview: the theme's ``screen.css``, else its ``print.css``."""
    screen = theme.root / "screen.css"
    return screen if screen.is_file() or screen.is_symlink() else theme.print_css


def inline_css(theme: Theme) -> Markup:
    """The theme's screen stylesheet (:func:`screen_css_path`), safe to place inside
    ``<style>`` (theme data, not article text).

    :raises ResourceError: the stylesheet is refused or cannot be read.
    :raises RenderError: it is not UTF-8.
    """
    path = screen_css_path(theme)
    try:
        css = theme.read(path).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RenderError(f"theme stylesheet {path} is not UTF-8") from exc
    return _style_safe(css)


def _style_safe(css: str) -> Markup:
    # "</" could close the <style> element early; "<\/" means the same to a CSS parser.
    return Markup(css.replace("</", "<\\/"))  # noqa: S704 - never article text unescaped


def css_string(text: str) -> str:
    """``text`` as a CSS string literal: quotes, backslashes, control characters and ``<``
    escaped as code points, so article text (a marking) cannot end the string, the rule or
    the ``<style>`` element."""
    out = []
    for char in text:
        if char.isalnum() or char in " .,:;!?()+-_/&%#@*=|'":
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return '"' + "".join(out) + '"'


def marking_css(marking: str) -> str:
    """Print rules putting ``marking`` at the top and bottom of every page a browser prints
    (``@page`` margin boxes), whatever the theme."""
    box = (f"content: {css_string(marking)}; font: 700 8pt/1.2 sans-serif; color: #000; "
           "letter-spacing: 0.08em; text-transform: uppercase; white-space: nowrap;")
    return ("@media print { @page { "
            f"@top-center {{ {box} vertical-align: bottom; padding-bottom: 4mm; }} "
            f"@bottom-center {{ {box} vertical-align: top; padding-top: 4mm; }} }} }}\n")


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

    marking = subject.marking if isinstance(subject, Pack) else subject.meta.marking
    text = document_text(subject)
    extra = web_font_css(text) + (marking_css(marking) if marking else "")
    css = Markup(_style_safe(extra) + inline_css(options.theme))  # noqa: S704 - escaped above
    html = render_print_html(subject, options, mode="screen", image_url_for=image_url_for,
                             css=css)
    return Output(data=html.encode("utf-8"), warnings=tuple(warnings))
