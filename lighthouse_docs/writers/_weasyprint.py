"""WeasyPrint, imported once and without its slow library probing.

WeasyPrint opens Pango, HarfBuzz and friends by trying several names per library (one set per
platform). cffi resolves each name it cannot open directly through
``ctypes.util.find_library``, which on Linux starts ``ldconfig`` and ``gcc`` subprocesses: about
half of WeasyPrint's 0.5 s import. While WeasyPrint is imported, those look-ups are answered
from one reading of the linker cache instead. The last name WeasyPrint tries for each library
is its full soname, which is opened directly, so a look-up this misses still loads.

WeasyPrint's PDF writer also imports two parts of fontTools it uses only in rare cases: the
subsetter (``fontTools.subset``, when HarfBuzz cannot subset a font) and the variable-font
instancer (``fontTools.varLib.instancer``, for a font with variation axes). With their own
imports (``otTables``, ``varLib``...) they are ~0.08 s of the ~0.3 s of CPU the import
costs, paid by every build that makes a PDF, on its critical path. They are handed to
WeasyPrint as stand-ins (:class:`_OnFirstUse`) that import the real module when first used:
same calls, same output; the import system itself is left as it was once WeasyPrint is in.

Every module that needs WeasyPrint imports it from here, never directly.
"""

from __future__ import annotations

import ctypes.util
import importlib
import re
import subprocess
import sys
import types
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


CONTENTS_FIX_VERSION = "70.0"
"""The WeasyPrint version :func:`_contents_laid_out_once_more_at_most` corrects (its source
was read for it); any other version runs as it comes."""
_TARGET_COUNTERS = frozenset({"target-counter()", "target-counters()"})


def _only_target_counters(content: Any) -> bool:
    """Whether the ``content`` value names counters through ``target-counter(s)()`` only (no
    local ``counter(s)()``), and never the ``pages`` counter."""
    if not isinstance(content, list | tuple):
        return False
    targets = False
    for item in content:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)):
            return False
        kind, value = item
        if kind in ("counter()", "counters()"):
            return False
        if kind in _TARGET_COUNTERS:
            try:  # (target, counter name, [separator,] style)
                if value[1] == "pages":
                    return False
            except (TypeError, IndexError, KeyError):
                return False
            targets = True
    return targets


def _single_attr_target(box: Any) -> str | None:
    """The anchor name of the one ``target-counter(attr(...), name)`` in ``box``'s content,
    resolved as ``TargetCollector.lookup_target`` resolves it, or None."""
    content: Any = getattr(box, "style", {}).get("content")
    if not _only_target_counters(content):
        return None
    found = [value for kind, value in content if kind in _TARGET_COUNTERS]
    if len(found) != 1:
        return None
    token = found[0][0]
    if not (isinstance(token, tuple) and token and token[0] == "attr()"):
        return None
    from weasyprint.css.targets import anchor_name_from_token
    from weasyprint.urls import get_url_tuple

    attr_name, type_, fallback = token[1]
    value = box.element.get(attr_name, fallback)
    if type_ == "string":
        resolved: tuple[str, Any] = ("string", value)
    elif type_ == "url":
        resolved = ("url", get_url_tuple(value, box.style.base_url))
    else:
        return None
    name = anchor_name_from_token(resolved)
    return name if isinstance(name, str) else None


def _contents_laid_out_once_more_at_most(collector_class: Any, version: str) -> None:
    """Lay out a page of contents twice, not three times, under WeasyPrint 70.0.

    Two slips of ``compute_content_list`` (``formatting_structure/build.py``) make up for each
    other in a contents entry (``a::after { content: leader(". ") target-counter(attr(href),
    page) }``): it files the target's missing ``page`` counter under the anchor name of the
    *unresolved* ``attr()`` token, None, so the news of the target's page
    (``TargetCollector.cache_target_page_counters``, keyed by the real name) never reaches the
    entry; and it rebinds its list of the box's own missing counters to that target list
    (``missing_counters = missing_target_counters.setdefault(...)``), so the entry seems to
    miss a local ``page`` counter, whose changes remake its page. The numbers come right only
    through the second path, which remakes the page once when the targets' pages are known
    and once more when the page count changes (``pages``, 0 -> n) with the same text.

    For exactly that case (a box's ``content`` with one ``target-counter(s)(attr(...), name)``,
    no local ``counter(s)()``, never ``pages``: its own list is then provably empty), the
    target's list is filed under the anchor resolved as ``lookup_target`` resolves it, and the
    box's own list is empty: the entry takes WeasyPrint's path of a ``target-counter("#id",
    page)``, one remake when its targets' pages are known. The pages are the same bytes
    (tests/writers/test_weasyprint_import.py; the example, 20 generated briefs, a combined
    brief of 8 and 12 fixtures compared byte for byte). Every other case, and every other
    WeasyPrint version, runs as it comes.
    """
    stock = collector_class.collect_missing_counters
    if version != CONTENTS_FIX_VERSION or getattr(stock, "stock", None) is not None:
        return

    def collect_missing_counters(self: Any, parent_box: Any, css_token: str,
                                 parse_again_function: Any, missing_counters: list[str],
                                 missing_target_counters: dict[Any, list[str]]) -> None:
        if (css_token == "content"  # noqa: S105  (a CSS property, no secret)
                and list(missing_target_counters) == [None]
                and missing_counters is missing_target_counters[None]):
            anchor = _single_attr_target(parent_box)
            if anchor is not None:
                missing_target_counters = {anchor: missing_counters}
                missing_counters = []
        stock(self, parent_box, css_token, parse_again_function, missing_counters,
              missing_target_counters)

    collect_missing_counters.stock = stock  # type: ignore[attr-defined]
    collector_class.collect_missing_counters = collect_missing_counters


class _OnFirstUse(types.ModuleType):
    """Stands in for the module ``name`` until one of its attributes is asked for: then the
    real module is imported (if it is not yet) and answers, and this one forwards to it. Its
    own dunder attributes are never forwarded: the import system asks for ``__path__`` and
    ``__spec__`` when it meets a module, and must not load the real one by asking."""

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(self._real(), attr)

    def _real(self) -> types.ModuleType:
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        return importlib.import_module(name)


_DEFERRED = {"fontTools.subset": (), "fontTools.varLib.instancer": ("instantiateVariableFont",)}
"""Modules WeasyPrint's PDF writer imports and seldom uses -> the names it imports from them
(``from fontTools.varLib.instancer import instantiateVariableFont``: a function that imports
the module when called stands in for it)."""


def _forwarder(stand_in: _OnFirstUse, name: str) -> Callable[..., Any]:
    def forward(*args: Any, **kwargs: Any) -> Any:
        return getattr(stand_in._real(), name)(*args, **kwargs)

    forward.__name__ = forward.__qualname__ = name
    return forward


@contextmanager
def _rarely_used_modules_on_first_use() -> Iterator[None]:
    installed: dict[str, types.ModuleType] = {}
    for name, imported in _DEFERRED.items():
        if name in sys.modules:
            continue  # already imported by someone else: WeasyPrint takes it as it is
        stand_in = _OnFirstUse(name)
        for function in imported:
            setattr(stand_in, function, _forwarder(stand_in, function))
        installed[name] = stand_in
        sys.modules[name] = stand_in
    try:
        yield
    finally:
        for name, module in installed.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]  # later imports get the real module


_PARSER_STATE = ("_declarations", "_included_declarations", "_anonymous_counter", "_options",
                 "_int_constants", "_recomplete", "_uses_new_feature", "_inside_extern_python")
"""What cffi's ``Parser`` keeps of a parsed ``cdef`` (all of its state but the syntax-tree
map ``_structnode2type``, which only a later parse of the same source would use)."""


class _ParserOnFirstUse(_OnFirstUse):
    """A stand-in for pycparser (see :func:`_declarations_from_cache`); cffi's parser also
    asks the module for its ``__version__``."""

    def __getattr__(self, attr: str) -> Any:
        if attr == "__version__":
            return getattr(self._real(), attr)
        return super().__getattr__(attr)


def _cdef_cache_file(csource: str) -> Any:
    """Where the parsed declarations of ``csource`` are kept, or None (no cache folder)."""
    import hashlib

    import cffi

    from ..render import private_cache

    folder = private_cache("cffi")
    if folder is None:
        return None
    key = "\0".join((csource, cffi.__version__, sys.version, "1"))
    return folder / f"{hashlib.sha256(key.encode()).hexdigest()[:40]}.pickle"


def _cached_cdef(stock: Callable[..., None]) -> Callable[..., None]:
    """``FFI.cdef`` that restores the declarations of a source parsed before from the cache
    folder instead of parsing it again with pycparser, and keeps them after a first parse."""
    import pickle

    def cdef(ffi: Any, csource: Any, override: bool = False, packed: bool = False,
             pack: Any = None) -> None:
        plain = (isinstance(csource, str) and not (override or packed or pack)
                 and not ffi._cdefsources and not ffi._parser._declarations)
        file = _cdef_cache_file(csource) if plain else None
        state = None
        if file is not None:
            try:
                state = pickle.loads(file.read_bytes())  # noqa: S301  # our folder (0700)
            except Exception:  # missing, damaged or from another cffi: parsed again
                state = None
        if not (isinstance(state, dict) and set(state) == set(_PARSER_STATE)
                and not state["_recomplete"]):
            stock(ffi, csource, override=override, packed=packed, pack=pack)
            if file is not None and not ffi._parser._recomplete:
                from ..render import store_in_cache

                try:
                    data = pickle.dumps({name: getattr(ffi._parser, name)
                                         for name in _PARSER_STATE})
                except Exception:  # a declaration that cannot be pickled: no cache
                    return
                store_in_cache(file, data)
            return
        with ffi._lock:  # what FFI._cdef does around the parse
            ffi._cdef_version = object()
            ffi._parser.__dict__.update(state)
            ffi._cdefsources.append(csource)

    cdef.stock = stock  # type: ignore[attr-defined]
    return cdef


@contextmanager
def _declarations_from_cache() -> Iterator[None]:
    """While WeasyPrint is imported, its C declarations (``ffi.cdef``, 16 KB of C) are read
    from the ``cffi`` cache folder (:func:`lighthouse_docs.render.private_cache`) when they
    were parsed before with this cffi and this Python, and pycparser is a stand-in imported
    when first used (a declaration parsed for the first time, a C type string cffi must
    parse): its import and the parse were ~0.05 s of CPU of every build's own process. The
    declarations restored are the ones cffi's parser made (tests/writers/
    test_weasyprint_import.py); the C types, the libraries and the PDFs are the same."""
    try:
        import cffi
    except ImportError:  # WeasyPrint will say so itself
        yield
        return
    stand_in = None
    if "pycparser" not in sys.modules and "cffi.cparser" not in sys.modules:
        stand_in = _ParserOnFirstUse("pycparser")
        sys.modules["pycparser"] = stand_in
    stock = cffi.FFI.cdef
    cffi.FFI.cdef = _cached_cdef(stock)
    try:
        yield
    finally:
        cffi.FFI.cdef = stock
        if stand_in is not None and sys.modules.get("pycparser") is stand_in:
            del sys.modules["pycparser"]  # later imports get the real module


with _library_lookup_from_linker_cache(), _rarely_used_modules_on_first_use(), \
        _declarations_from_cache():
    from weasyprint import CSS, HTML
    from weasyprint import __version__ as WEASYPRINT_VERSION
    from weasyprint.css.targets import TargetCollector
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import VARIANTS
    from weasyprint.text.ffi import ffi as _ffi
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse

_simple_types_without_parsing(_ffi)
_contents_laid_out_once_more_at_most(TargetCollector, WEASYPRINT_VERSION)

__all__ = ["CSS", "HTML", "VARIANTS", "WEASYPRINT_VERSION", "FontConfiguration", "TargetCollector",
           "URLFetcher", "URLFetcherResponse", "boxes"]
