"""Resource safety: the only way WeasyPrint (and the HTML writer) may read a file.

WeasyPrint fetches every image, stylesheet, font and ``rel="attachment"`` link through its URL
fetcher, and its default one happily reads any local file or URL. A source article is untrusted
input, so :class:`ConfinedURLFetcher` reads plain files under a few allowed folders (the
source's folder, the theme, the package's data and the font packages) and refuses everything
else: the network (any scheme but ``file:`` and ``data:``), ``..`` escapes and symlinks that
resolve outside the roots. A refusal is recorded as a warning naming the resource, and the
build goes on without it.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..model import Document
from ..theme import PACKAGE_DIR, Theme

REFUSED = "lighthouse-docs refused"
"""Marker in the exception message of a refusal, so callers can tell it from other failures."""


class ResourceRefused(ValueError):
    """Raised to WeasyPrint for a resource outside the allowed roots (it logs and carries on)."""


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


def _describe(url: str) -> str:
    return url if len(url) <= 200 else url[:197] + "..."


class ConfinedURLFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint is untyped
    """A WeasyPrint URL fetcher that only reads files under ``roots`` and never the network.

    ``data:`` URLs are decoded in memory. Everything refused is listed in :attr:`warnings`
    (once per resource, in the order met).
    """

    def __init__(self, roots: Sequence[Path], **kwargs: Any) -> None:
        # allowed_protocols is a second lock: even a bug in fetch() cannot reach http(s).
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False,
                         timeout=1, **kwargs)
        self.roots = tuple(Path(r).resolve() for r in roots)
        self.warnings: list[str] = []

    def _refuse(self, url: str, why: str) -> ResourceRefused:
        message = f"refused resource {_describe(url)}: {why}"
        if message not in self.warnings:
            self.warnings.append(message)
        return ResourceRefused(f"{REFUSED}: {message}")

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise self._refuse(url, "only local files are read, never the network")
        path = local_path(url, self.roots)
        if path is None:
            raise self._refuse(url, "not a file inside the source folder or the theme")
        mime, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(),
            {"Content-Type": mime or "application/octet-stream"},
        )
