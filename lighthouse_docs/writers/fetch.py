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
from .resources import IMAGE_MEDIA_TYPES, Reason, read_inside, refusal, resolve_url

REFUSED = "lighthouse-docs refused"
"""Marker in the exception message of a refusal, so callers can tell it from other failures."""


class ResourceRefused(ValueError):
    """Raised to WeasyPrint for a resource outside the allowed roots (it logs and carries on)."""


class ConfinedURLFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint is untyped
    """A WeasyPrint URL fetcher that only reads files under ``roots`` and never the network.

    ``data:`` URLs are decoded in memory. Everything refused is listed in :attr:`warnings`
    (once per resource, in the order met), worded by :func:`.resources.refusal`.
    """

    def __init__(self, roots: Sequence[Path], **kwargs: Any) -> None:
        # allowed_protocols is a second lock: even a bug in fetch() cannot reach http(s).
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False,
                         timeout=1, **kwargs)
        self.roots = tuple(Path(r).resolve() for r in roots)
        self.warnings: list[str] = []

    def _refuse(self, url: str, reason: Reason) -> ResourceRefused:
        message = refusal(url, reason)
        if message not in self.warnings:
            self.warnings.append(message)
        return ResourceRefused(f"{REFUSED}: {message}")

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if urlsplit(url).scheme.lower() == "data":
            return super().fetch(url, headers)
        found = resolve_url(url, self.roots)
        if found.path is None:
            raise self._refuse(url, found.reason or "outside")
        path = found.path
        mime = IMAGE_MEDIA_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        try:
            data = read_inside(path, self.roots)
        except OSError:
            raise self._refuse(url, "unreadable") from None
        return URLFetcherResponse(path.as_uri(), data,
                                  {"Content-Type": mime or "application/octet-stream"})
