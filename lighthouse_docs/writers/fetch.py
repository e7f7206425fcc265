"""Resource safety for WeasyPrint: the only way it may read a file.

WeasyPrint fetches every image, stylesheet, font and ``rel="attachment"`` link through its URL
fetcher, and its default one happily reads any local file or URL. :class:`ConfinedURLFetcher`
reads plain files under the allowed folders (see :mod:`.resources`) and refuses everything
else: the network (any scheme but ``file:`` and ``data:``), ``..`` escapes and symlinks that
resolve outside the roots. A refusal is recorded as a warning naming the resource, and the
build goes on without it.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ._weasyprint import URLFetcher, URLFetcherResponse
from .resources import local_path

REFUSED = "lighthouse-docs refused"
"""Marker in the exception message of a refusal, so callers can tell it from other failures."""


class ResourceRefused(ValueError):
    """Raised to WeasyPrint for a resource outside the allowed roots (it logs and carries on)."""


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
