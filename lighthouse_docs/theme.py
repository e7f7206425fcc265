"""Where a style theme's files are: the project's own ``styles/`` first, then the packaged ones.

A theme is a folder holding ``print.css`` (paged media, for the PDF and the HTML preview) and
``epub.css`` (for e-readers), plus anything those stylesheets reference (images, fonts).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError

DEFAULT_THEME = "default"
PACKAGE_DIR = Path(__file__).resolve().parent


def packaged_styles_dir() -> Path:
    """The styles shipped with lighthouse-docs.

    A wheel carries them as ``lighthouse_docs/_styles``; a source checkout (editable install,
    tests) has them in the repository's top-level ``styles/``.
    """
    installed = PACKAGE_DIR / "_styles"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "styles"


@dataclass(frozen=True, slots=True)
class Theme:
    """A resolved style theme."""

    name: str
    root: Path

    @property
    def print_css(self) -> Path:
        return self.root / "print.css"

    @property
    def epub_css(self) -> Path:
        return self.root / "epub.css"


def resolve_theme(style: str | Path | None, project_root: Path | None = None) -> Theme:
    """Find the theme named or pointed to by ``style`` (``None`` means the default theme).

    A path to a folder wins; otherwise the name is looked up in ``<project_root>/styles/`` and
    then among the packaged styles.

    :raises ConfigError: no such theme, or it lacks ``print.css``/``epub.css``.
    """
    wanted = str(style) if style is not None else DEFAULT_THEME
    candidates: list[Path] = []
    as_path = Path(wanted).expanduser()
    if as_path.is_dir():
        candidates.append(as_path)
    else:
        if project_root is not None:
            candidates.append(project_root / "styles" / wanted)
        candidates.append(packaged_styles_dir() / wanted)
    for folder in candidates:
        if folder.is_dir():
            theme = Theme(name=folder.name, root=folder.resolve())
            missing = [p.name for p in (theme.print_css, theme.epub_css) if not p.is_file()]
            if missing:
                raise ConfigError(f"theme folder {folder} lacks {' and '.join(missing)}",
                                  key="style")
            return theme
    raise ConfigError(f"no style theme named {wanted!r} (looked in "
                      f"{', '.join(str(c) for c in candidates)})", key="style")
