"""lighthouse-docs: turn articles into print-ready PDF briefs and EPUB 3 e-books."""

from __future__ import annotations

from functools import lru_cache

__all__ = ["__version__"]


@lru_cache(maxsize=16)
def installed_version(dist: str) -> str | None:
    """The version of the installed distribution ``dist`` (None: not installed).

    Read from the name of its ``.dist-info`` folder, the first on ``sys.path``, as
    importlib.metadata finds it; that module (~30 ms of imports: email, zipfile) is only asked
    when there is no such folder (an egg, a zip), so that ``lighthouse-docs --help`` and a
    no-op build stay fast.
    """
    import os
    import sys

    prefix = dist.lower().replace("-", "_").replace(".", "_") + "-"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and name.lower().startswith(prefix):
                return name[len(prefix):-len(".dist-info")]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def _version() -> str:
    # None: running from a source tree that was never installed.
    return installed_version("lighthouse-docs") or "0.0.0+source"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
