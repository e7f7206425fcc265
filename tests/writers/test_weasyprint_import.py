"""WeasyPrint's start-up is paid only by PDF builds, and paid quickly."""

from __future__ import annotations

import ctypes.util
import subprocess
import sys

from lighthouse_docs.writers._weasyprint import library_finder

LISTING = """\
1234 libs found in cache `/etc/ld.so.cache'
\tlibpango-1.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libpango-1.0.so.0
\tlibgobject-2.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libgobject-2.0.so.0
"""


def test_library_lookup_answers_with_the_soname_like_ctypes() -> None:
    find = library_finder(LISTING)
    assert find("pango-1.0") == "libpango-1.0.so.0"
    assert find("gobject-2.0") == "libgobject-2.0.so.0"
    assert find("gobject-2.0-0") is None
    assert find("harfbuzz-vector") is None


def test_the_real_lookup_is_restored_after_the_import() -> None:
    import lighthouse_docs.writers._weasyprint  # noqa: F401

    assert ctypes.util.find_library.__module__ == "ctypes.util"


def test_epub_and_html_outputs_do_not_import_weasyprint() -> None:
    code = ("import sys, lighthouse_docs.writers.epub, lighthouse_docs.writers.html; "
            "print('weasyprint' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert run.stdout.strip() == "False"


# What WeasyPrint asks cffi for while it lays out and writes (ffi.new / ffi.cast strings).
SIMPLE = ["char[]", "char[4]", "PangoRectangle *", "PangoLogAttr[]", "unsigned int *",
          "hb_tag_t[100]", "hb_codepoint_t[1144]", "hb_codepoint_t[7]", "FcChar8 **",
          "FcResult *", "PangoFcFontMap *"]
PARSED = ["const char *", "unsigned *", "struct _NoSuchThing *", "int(*)(int)", "char[2][3]"]
"""Strings the shortcut leaves to cffi's parser (qualifiers, unknown names, other shapes)."""


def _parsed_by_cffi(ffi: object, cdecl: str) -> object:
    parser = ffi._parser  # type: ignore[attr-defined]
    with ffi._lock:  # type: ignore[attr-defined]
        return ffi._get_cached_btype(parser.parse_type(cdecl))  # type: ignore[attr-defined]


def test_simple_c_types_are_cffis_own_without_parsing() -> None:
    from weasyprint.text.ffi import ffi

    import lighthouse_docs.writers._weasyprint  # noqa: F401  (installs the shortcut)

    parsed: list[str] = []
    original = ffi._parser.parse_type

    def counting(cdecl: str) -> object:
        parsed.append(cdecl)
        return original(cdecl)

    ffi._parser.parse_type = counting
    try:
        for cdecl in SIMPLE + PARSED:
            ffi._parsed_types.pop(cdecl, None)
            assert ffi.typeof(cdecl) is _parsed_by_cffi(ffi, cdecl), cdecl
    finally:
        del ffi._parser.parse_type
    # Each string once by the test itself (the expected type); PARSED once more by cffi.
    assert sorted(parsed) == sorted(SIMPLE + PARSED + PARSED)
    assert ffi.new("hb_codepoint_t[3]", [1, 2, 3])[2] == 3
