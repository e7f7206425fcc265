"""The one place that knows a briefing project's paths.

A project is a folder holding ``sources/`` (articles), optionally ``styles/<name>/`` (themes) and
``lighthouse.toml``. This module finds the project root, turns command-line source arguments
into files, names outputs after document titles, and scaffolds new projects (``init``).
"""

from __future__ import annotations

import glob
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from slugify import slugify

from .config import CONFIG_FILE, PYPROJECT_FILE, Settings
from .errors import UsageError
from .theme import DEFAULT_THEME, PACKAGE_DIR, packaged_styles_dir

SOURCES_DIR = "sources"
STYLES_DIR = "styles"
DEFAULT_SOURCE_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".html", ".docx")
"""What a folder argument (and the default ``sources/``) contributes."""
EXAMPLE_NAME = "korut-rusia.txt"
SLUG_MAX_LENGTH = 80
FALLBACK_SLUG = "brief"
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class ProjectPaths:
    """Where a project's inputs and outputs are."""

    root: Path
    sources: Path
    styles: Path
    output: Path

    @classmethod
    def for_root(cls, root: Path, settings: Settings) -> ProjectPaths:
        """The paths of the project at ``root``; ``settings.output`` relative to ``root``."""
        root = root.resolve()
        output = settings.output if settings.output.is_absolute() else root / settings.output
        return cls(root=root, sources=root / SOURCES_DIR, styles=root / STYLES_DIR,
                   output=output)


def find_root(start: Path) -> Path:
    """The nearest folder from ``start`` upwards holding ``lighthouse.toml`` or
    ``pyproject.toml``; ``start`` itself when there is none."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file() or (folder / PYPROJECT_FILE).is_file():
            return folder
    return start


def _files_in(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in DEFAULT_SOURCE_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def discover_sources(arguments: Sequence[str], paths: ProjectPaths,
                     cwd: Path | None = None) -> tuple[Path, ...]:
    """The source files named by ``arguments`` (files, folders or globs), in the order given,
    each once; with no arguments every ``.txt``/``.md``/``.html`` under ``sources/``.

    Files are taken as given (an unsupported suffix fails that source later, with its name);
    folders contribute their ``.txt``, ``.md`` and ``.html`` files in sorted order.

    :raises UsageError: a folder or glob that holds no sources, or no sources at all.
    """
    base = (cwd or Path.cwd()).resolve()
    found: list[Path] = []
    if not arguments:
        if not paths.sources.is_dir():
            raise UsageError(f"no sources given and no {SOURCES_DIR}/ folder in {paths.root}")
        found = _files_in(paths.sources)
        if not found:
            raise UsageError(f"no .txt, .md or .html files in {paths.sources}")
    for argument in arguments:
        path = Path(argument).expanduser()
        path = path if path.is_absolute() else base / path
        if path.is_dir() and path.suffix.lower() not in DEFAULT_SOURCE_SUFFIXES:
            inside = _files_in(path)
            if not inside:
                raise UsageError(f"no .txt, .md or .html files in {argument}")
            found.extend(inside)
        elif not path.exists() and not path.is_symlink() and _GLOB_CHARS & set(argument):
            matches = sorted(Path(m) for m in glob.glob(str(path), recursive=True))
            files = [m for m in matches if m.is_file()]
            if not files:
                raise UsageError(f"no files match {argument!r}")
            found.extend(files)
        else:
            # A file, or a named source that is not one (missing, a dangling link, a folder
            # called "x.md"): reading it fails that one source with a line naming it (exit 1),
            # and the other sources are still built.
            found.append(path)
    # One entry per real file, named as the user named it (a link keeps its own name).
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), Path(os.path.normpath(path)))
    if not unique:
        raise UsageError("no sources to build")
    return tuple(unique.values())


def display_path(path: Path, root: Path) -> str:
    """How messages and document metadata name ``path``: relative to the project root when
    inside it, else the bare file name — never something that depends on the working folder."""
    # The folder is resolved, the name is not: a linked source keeps the name it was given.
    try:
        return (path.parent.resolve() / path.name).relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def title_slug(title: str, fallback: str = FALLBACK_SLUG) -> str:
    """The output base name for a document titled ``title``: transliterated, lower case."""
    slug = slugify(title, max_length=SLUG_MAX_LENGTH, word_boundary=True)
    return slug or slugify(fallback, max_length=SLUG_MAX_LENGTH) or FALLBACK_SLUG


def assign_names(slugs: Mapping[str, str]) -> dict[str, str]:
    """Give every source (key: its display path) a distinct output base name.

    The lowest path among sources sharing a slug gets the slug itself, the others ``slug-2``,
    ``slug-3``... in path order, skipping names another source owns naturally. The result
    depends only on the set of sources, never on build order or parallelism.
    """
    natural = set(slugs.values())
    used: set[str] = set()
    names: dict[str, str] = {}
    for key, slug in sorted(slugs.items(), key=lambda item: (item[1], item[0])):
        name, counter = slug, 1
        while name in used or (name != slug and name in natural):
            counter += 1
            name = f"{slug}-{counter}"
        used.add(name)
        names[key] = name
    return names


def example_article() -> Path:
    """The example article: packaged in a wheel, in ``sources/`` of a source checkout."""
    packaged = PACKAGE_DIR / "_example" / EXAMPLE_NAME
    return packaged if packaged.is_file() else PACKAGE_DIR.parent / SOURCES_DIR / EXAMPLE_NAME


def config_template(style_name: str) -> str:
    """The ``lighthouse.toml`` that ``init`` writes: every key, the defaults commented out."""
    return f"""\
# lighthouse-docs project settings. Command-line options override them.
style = "{style_name}"          # a folder under styles/, or a packaged theme name
# paper = "a4"                  # "a4" or "letter"
# language = "id"               # force a language tag instead of detecting it
# marking = "TERBATAS"          # handling marking printed on every page
# output = "output"             # output folder, relative to this file
# formats = ["pdf", "epub"]     # any of "pdf", "epub", "html"
# jobs = "auto"                 # worker processes, or "auto" for one per CPU
# key_points = true             # show the key points box
# pdf_variant = "pdf/ua-1"      # a WeasyPrint PDF variant, or "none"
"""


def _copies(source_dir: Path, target_dir: Path) -> Iterable[tuple[Path, Path]]:
    for path in sorted(source_dir.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            yield path, target_dir / path.relative_to(source_dir)


def scaffold(target: Path, style_name: str = "house") -> tuple[Path, ...]:
    """Create a briefing project in ``target``: ``sources/`` with the example article, a copy
    of the default style in ``styles/<style_name>/`` and a ``lighthouse.toml`` using it.

    Nothing is written when any of those files already exists.

    :returns: the files created, in creation order.
    :raises UsageError: a file exists already, ``style_name`` is not a plain folder name, or
        the packaged example/style is missing.
    """
    if not style_name or Path(style_name).name != style_name or style_name.startswith("."):
        raise UsageError(f"style name must be a plain folder name, got {style_name!r}")
    example = example_article()
    style_source = packaged_styles_dir() / DEFAULT_THEME
    if not example.is_file() or not style_source.is_dir():
        raise UsageError("this installation lacks the example article or the default style")
    plan: list[tuple[Path | None, Path]] = [(example, target / SOURCES_DIR / EXAMPLE_NAME)]
    plan.extend(_copies(style_source, target / STYLES_DIR / style_name))
    plan.append((None, target / CONFIG_FILE))
    existing = [dest for _, dest in plan if dest.exists()]
    if existing:
        listed = ", ".join(str(p) for p in existing)
        raise UsageError(f"refusing to overwrite existing files: {listed}")
    created: list[Path] = []
    for src, dest in plan:
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src is None:
            dest.write_text(config_template(style_name), encoding="utf-8")
        else:
            shutil.copyfile(src, dest)
        created.append(dest)
    return tuple(created)
