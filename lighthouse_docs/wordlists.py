"""Word lists from ``lighthouse_docs/vocab/<lang>.json``, merged over every shipped language.

The structure model has its own typed view of the same files (``readers.structure``); this
is the plain lookup for the other features that need a list (key-point stop words and
structure announcers, caption and source labels). Articles mix languages often enough (an
English quote in an Indonesian article, an English table caption) that the union is the safer
list, and none of these lists holds a word that means something else in another language.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources


@cache
def _all() -> dict[str, tuple[str, ...]]:
    merged: dict[str, set[str]] = {}
    folder = resources.files("lighthouse_docs") / "vocab"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            data = json.loads(entry.read_text(encoding="utf-8"))
            for key, value in data.items():
                if isinstance(value, list):
                    merged.setdefault(key, set()).update(str(v).lower() for v in value)
    # Longest first, so that a prefix match finds "data source" before "source".
    return {k: tuple(sorted(v, key=lambda w: (-len(w), w))) for k, v in merged.items()}


def words(key: str) -> tuple[str, ...]:
    """The lower-cased words listed under ``key`` in any language, longest first."""
    return _all().get(key, ())
