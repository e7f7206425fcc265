"""Pyphen's hyphenation dictionaries, parsed once per machine instead of once per build.

WeasyPrint hyphenates with pyphen, which parses a language's ``hyph_*.dic`` (12 000 patterns
for Indonesian or English) into a dictionary of patterns the first time it is asked for it in
a process: about 0.05-0.06 s per language, and 0.5 s for Hungarian. :func:`load` puts the
dictionary of a language into pyphen's own per-process cache (``pyphen.hdcache``, where
WeasyPrint's ``pyphen.Pyphen(lang=...)`` finds it) from a pickled copy in the
``hyphenation`` cache folder (:func:`lighthouse_docs.render.private_cache`: ours, mode
0700), written the first time: about 0.005 s.

The copy is the parsed object's whole state, whatever attributes the installed pyphen gives
it; the file name holds pyphen's version, Python's and the dictionary file's size and
modification time, so another pyphen, another dictionary or a damaged copy is parsed afresh
by pyphen itself. Without a usable cache folder (``LIGHTHOUSE_DOCS_CACHE=none``) pyphen
parses it as always.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Any

import pyphen


def dictionary_path(lang: str) -> Any:
    """The dictionary WeasyPrint hyphenates ``lang`` with (pyphen's own fallback from
    ``en-US`` to ``en_US`` to ``en``; the ``Path`` pyphen's cache is keyed by), or None when
    pyphen has none for it."""
    found = pyphen.language_fallback(lang)
    return pyphen.LANGUAGES.get(found) if found else None


def _cache_file(folder: Path, path: Any) -> Path:
    info = os.stat(path)  # OSError for a dictionary that is no plain file: no cache
    key = "\0".join((str(path), str(info.st_size), str(info.st_mtime_ns),
                     getattr(pyphen, "__version__", "?"), sys.version))
    return folder / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.pickle"


def _from_cache(file: Path) -> Any:
    """The dictionary pickled in ``file``, or None (missing, damaged, of another shape)."""
    try:
        data = file.read_bytes()
        state = pickle.loads(data)  # noqa: S301  # our own private cache folder (0700)
    except Exception:  # a missing or damaged entry is parsed again
        return None
    if not isinstance(state, dict) or not isinstance(state.get("patterns"), dict):
        return None
    hyph = object.__new__(pyphen.HyphDict)
    hyph.__dict__.update(state)
    return hyph


def _store(file: Path, hyph: Any) -> None:
    """Keep ``hyph``'s state in ``file``; an unpicklable state is no error (no cache)."""
    from ..render import store_in_cache

    state = {**vars(hyph), "cache": {}}  # the per-word cache starts empty, as pyphen's does
    try:
        data = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # an unpicklable state: no cache
        return
    store_in_cache(file, data)


def load(lang: str) -> bool:
    """Make the hyphenation dictionary of ``lang`` ready in this process (pyphen's cache), from
    the on-disk copy when there is one. True when pyphen has a dictionary for ``lang``."""
    from ..render import private_cache

    path = dictionary_path(lang)
    if path is None:
        return False
    if path in pyphen.hdcache:
        return True
    folder = private_cache("hyphenation")
    file = None
    if folder is not None:
        with contextlib.suppress(OSError, TypeError):
            file = _cache_file(folder, path)
    hyph = None if file is None else _from_cache(file)
    if hyph is None:
        hyph = pyphen.HyphDict(path)
        if file is not None:
            _store(file, hyph)
    pyphen.hdcache[path] = hyph
    return True
