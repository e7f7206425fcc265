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

    def read(self, path: Path) -> bytes:
        """The bytes of the theme file ``path``, read through the one resource resolver.

        :raises ResourceError: the file is a symlink leading out of the theme folder, not a
            regular file, or unreadable; the message names it.
        """
        from .writers.resources import read_confined

        return read_confined(path, (self.root,), what="theme file")


def _check_confined(theme: Theme) -> None:
    from .writers.resources import REASONS, confine

    for path in (theme.print_css, theme.epub_css):
        found = confine(path, (theme.root,))
        if found.reason is not None:
            raise ConfigError(f"{path}: {REASONS[found.reason]} (the theme folder)", key="style")


def resolve_theme(style: str | Path | None, project_root: Path | None = None) -> Theme:
    """Find the theme named or pointed to by ``style`` (``None`` means the default theme).

    A path to a folder wins; otherwise the name is looked up in ``<project_root>/styles/`` and
    then among the packaged styles.

    :raises ConfigError: no such theme, it lacks ``print.css``/``epub.css``, one of them is a
        symlink leading out of the theme folder (or not a regular file), or a theme found by
        name under the project's ``styles/`` is a symlink leading out of the project.
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
            if (project_root is not None and folder == project_root / "styles" / wanted
                    and not folder.resolve().is_relative_to(project_root.resolve())):
                raise ConfigError(f"theme folder {folder} is a symbolic link that leads "
                                  "outside the project", key="style")
            theme = Theme(name=folder.name, root=folder.resolve())
            missing = [p.name for p in (theme.print_css, theme.epub_css)
                       if not p.is_file() and not p.is_symlink()]
            if missing:
                raise ConfigError(f"theme folder {folder} lacks {' and '.join(missing)}",
                                  key="style")
            _check_confined(theme)
            return theme
    raise ConfigError(f"no style theme named {wanted!r} (looked in "
                      f"{', '.join(str(c) for c in candidates)})", key="style")
