"""Which local files a build may read: the confinement rules shared by every writer.

A source article is untrusted input. Its images may come only from its own folder; stylesheets
and fonts only from the theme, the package's data and the pinned font packages. Everything
here is plain path logic with no WeasyPrint import, so the EPUB and HTML writers can use it
without paying for WeasyPrint's start-up.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

from ..model import Document
from ..theme import PACKAGE_DIR, Theme


@lru_cache(maxsize=1)
def font_dirs() -> tuple[Path, ...]:
    """The folders of the pinned OFL font packages (Source Serif Pro, Source Sans Pro)."""
    import font_source_sans_pro
    import font_source_serif_pro

    return tuple(
        Path(module.font_directory).resolve()
        for module in (font_source_serif_pro, font_source_sans_pro)
    )


def allowed_roots(base_dir: Path, theme: Theme) -> tuple[Path, ...]:
    """Every folder a build of a source in ``base_dir`` with ``theme`` may read from."""
    return (base_dir.resolve(), theme.root.resolve(), PACKAGE_DIR, *font_dirs())


def source_folder(doc: Document, default: Path) -> Path:
    """The folder ``doc``'s relative images resolve in: its source's own, else ``default``.

    In a combined brief every article keeps its own folder (and may read nothing outside it).
    """
    folder = doc.meta.source.folder
    return Path(folder).resolve() if folder else default.resolve()


def local_path(url: str, roots: Iterable[Path]) -> Path | None:
    """The file a ``file:`` URL names, if it is a regular file inside one of ``roots``.

    The path is resolved (``..`` and symlinks) before the check, so a link inside a root that
    points outside it is refused like the outside path itself.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    try:
        path = Path(os.path.realpath(url2pathname(unquote(parts.path))))
    except (OSError, ValueError):
        return None
    if not path.is_file():
        return None
    for root in roots:
        if path.is_relative_to(root):
            return path
    return None


def resolve_src(src: str, base_dir: Path, roots: Sequence[Path]) -> Path | None:
    """The allowed local file an image ``src`` (relative or ``file:``) refers to, else None."""
    base_url = base_dir.resolve().as_uri() + "/"
    return local_path(urljoin(base_url, src.strip()), roots)
