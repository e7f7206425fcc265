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
