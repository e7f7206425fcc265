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
from typing import Any

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


_SIMPLE_TYPE = re.compile(r"(\w+(?: \w+)*) ?(\*+|\[(\d*)\])")
"""``T *``, ``T **``, ``T[]``, ``T[N]`` with ``T`` a declared typedef or a primitive type."""


class _SimpleTypes(dict[str, Any]):
    """cffi's cache of parsed type strings (``FFI._parsed_types``) that answers a string it
    has not seen and that names a simple type (:data:`_SIMPLE_TYPE`) from cffi's own
    declarations, instead of parsing it with pycparser.

    WeasyPrint asks cffi for ``ffi.new("hb_codepoint_t[1144]", ...)``, ``"PangoLogAttr[]"``,
    ``"char[]"``... while it lays out and writes a document: cffi parses every new string
    with pycparser, the typedefs of all of WeasyPrint's declarations included, 2-15 ms each,
    about 0.06 s per document in a fresh process (the arrays' lengths are the fonts' glyph
    counts: new strings for every document). The type built here is cffi's own model of the
    string (the same ``model.ArrayType``/``PointerType`` of the same declared type, hence the
    same C type object, tests/writers/test_weasyprint_import.py); anything else, or any
    surprise, takes cffi's usual way.
    """

    def __init__(self, ffi: Any, parsed: dict[str, Any]) -> None:
        super().__init__(parsed)
        self.ffi = ffi

    def __missing__(self, key: str) -> Any:
        match = _SIMPLE_TYPE.fullmatch(key) if isinstance(key, str) else None
        if match is None:
            raise KeyError(key)
        try:
            from cffi import model

            ffi = self.ffi
            parser = ffi._parser
            name, suffix, length = match.groups()
            declared = parser._declarations.get(f"typedef {name}")
            if declared is not None:
                base, quals = declared
            elif name in model.PrimitiveType.ALL_PRIMITIVE_TYPES:
                base, quals = model.PrimitiveType(name), 0
            else:
                raise KeyError(key)
            if suffix.startswith("*"):
                for _ in suffix:
                    base, quals = parser._get_type_pointer(base, quals), 0
            else:
                base = model.ArrayType(base, int(length) if length else None)
            with ffi._lock:
                result = (ffi._get_cached_btype(base), False)
        except KeyError:
            raise
        except Exception:  # cffi's internals changed: its own way
            raise KeyError(key) from None
        self[key] = result
        return result


def _simple_types_without_parsing(ffi: Any) -> None:
    parsed = getattr(ffi, "_parsed_types", None)
    if isinstance(parsed, dict) and not isinstance(parsed, _SimpleTypes) \
            and hasattr(ffi, "_parser") and hasattr(ffi, "_get_cached_btype"):
        ffi._parsed_types = _SimpleTypes(ffi, parsed)


with _library_lookup_from_linker_cache():
    from weasyprint import CSS, HTML
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import VARIANTS
    from weasyprint.text.ffi import ffi as _ffi
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse

_simple_types_without_parsing(_ffi)

__all__ = ["CSS", "HTML", "VARIANTS", "FontConfiguration", "URLFetcher", "URLFetcherResponse",
           "boxes"]
