"""lighthouse-docs: turn articles into print-ready PDF briefs and EPUB 3 e-books."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lighthouse-docs")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
