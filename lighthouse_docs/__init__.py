"""lighthouse-docs: turn articles into print-ready PDF briefs and EPUB 3 e-books."""

from __future__ import annotations

from functools import lru_cache

__all__ = ["__version__"]


@lru_cache(maxsize=1)
def _version() -> str:
    # importlib.metadata costs ~30 ms of imports (email, zipfile): only paid when asked,
    # so that `lighthouse-docs --help` and a no-op build stay fast.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("lighthouse-docs")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+source"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
