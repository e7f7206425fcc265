"""WeasyPrint, imported once and without its slow library probing.

WeasyPrint opens Pango, HarfBuzz and friends by trying several names per library (one set per
platform). cffi resolves each name it cannot open directly through
``ctypes.util.find_library``, which on Linux starts ``ldconfig`` and ``gcc`` subprocesses: about
half of WeasyPrint's 0.5 s import. While WeasyPrint is imported, those look-ups are answered
from one reading of the linker cache instead. The last name WeasyPrint tries for each library
is its full soname, which is opened directly, so a look-up this misses still loads.

Every module that needs WeasyPrint imports it from here, never directly.
"""

from __future__ import annotations

import ctypes.util
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

LDCONFIG = "/sbin/ldconfig"


def _linker_cache_listing() -> str | None:
    try:
        run = subprocess.run([LDCONFIG, "-p"], capture_output=True, text=True, timeout=10,
                             check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return run.stdout if run.returncode == 0 and run.stdout else None


def library_finder(listing: str) -> Callable[[str], str | None]:
    """A ``find_library`` that answers like ctypes' (the soname) from an ``ldconfig -p`` text."""

    def find_library(name: str) -> str | None:
        match = re.search(rf"\s(lib{re.escape(name)}\.so[^\s]*)\s+\(", listing)
        return match.group(1) if match else None

    return find_library


@contextmanager
def _library_lookup_from_linker_cache() -> Iterator[None]:
    listing = _linker_cache_listing() if sys.platform.startswith("linux") else None
    if listing is None:
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = library_finder(listing)  # type: ignore[assignment]
    try:
        yield
    finally:
        ctypes.util.find_library = original


with _library_lookup_from_linker_cache():
    from weasyprint import CSS, HTML
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import VARIANTS
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse

__all__ = ["CSS", "HTML", "VARIANTS", "FontConfiguration", "URLFetcher", "URLFetcherResponse",
           "boxes"]
