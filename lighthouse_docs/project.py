"""The one place that knows a briefing project's paths.

A project is a folder holding ``sources/`` (articles), optionally ``styles/<name>/`` (themes) and
``lighthouse.toml``. This module finds the project root, turns command-line source arguments
into files, names outputs after document titles, and scaffolds new projects (``init``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import glob
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from slugify import slugify

from .config import CONFIG_FILE, PYPROJECT_FILE, Settings
from .errors import OutputError, UsageError
from .theme import DEFAULT_THEME, PACKAGE_DIR, packaged_styles_dir

SOURCES_DIR = "sources"
STYLES_DIR = "styles"
DEFAULT_SOURCE_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".html", ".docx")
"""What a folder argument (and the default ``sources/``) contributes."""
_SCANNED = ", ".join(DEFAULT_SOURCE_SUFFIXES[:-1]) + f" or {DEFAULT_SOURCE_SUFFIXES[-1]}"
"""The suffixes a folder scan takes, as messages list them."""
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


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry a folder or glob scan met and did not take as a source: one warning each."""

    name: str
    """The entry as messages name it."""
    reason: str
    code: str


LINK_OUTSIDE = ("a symbolic link leading outside the project; not built (name the file on the "
                "command line to build it)", "source-link-outside")


def check_output_folder(output: Path) -> None:
    """Refuse an output folder that is a file, or that cannot be made because a folder above
    it is a file, before anything is read or written.

    :raises UsageError: naming the folder and what is in the way.
    """
    for folder in (output, *output.parents):
        if not os.path.lexists(folder):
            continue
        if os.path.isdir(folder):
            return
        what = ("is a file" if folder == output else
                f"cannot be made: {shown(folder)} is a file")
        if not os.path.exists(folder):
            what = ("is a broken symbolic link" if folder == output else
                    f"cannot be made: {shown(folder)} is a broken symbolic link")
        raise UsageError(f"the output folder {shown(output)} {what}; choose a folder with "
                         "-o (or output = in lighthouse.toml)")


def make_output_folder(output: Path) -> None:
    """Create ``output`` (and the folders above it) if it does not exist yet.

    :raises UsageError: it cannot be created (``-o /proc/nope``, no permission), naming it
        and the reason.
    """
    check_output_folder(output)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the output folder {shown(output)} "
                         f"({exc.strerror or exc}); choose another with -o") from None


def find_root(start: Path) -> Path:
    """The nearest folder from ``start`` upwards holding ``lighthouse.toml`` or
    ``pyproject.toml``; ``start`` itself when there is none."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file() or (folder / PYPROJECT_FILE).is_file():
            return folder
    return start


def shown(name: str | Path) -> str:
    """``name`` fit for a message: bytes that are not UTF-8 (kept by the file system as
    surrogate escapes) shown as ``\\xNN`` instead of breaking the terminal or a JSON file."""
    return str(name).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


class _RecordedOutputs:
    """Files an earlier build recorded as its outputs in the manifest of their output folder:
    never sources, even when that folder is not this build's output folder (after ``build -o
    sources/preview``, a plain ``build`` must not take the previews for new articles)."""

    def __init__(self, root: Path) -> None:
        self._root = Path(os.path.realpath(root))
        self._by_folder: dict[Path, frozenset[str]] = {}

    def _names(self, folder: Path) -> frozenset[str]:
        if folder not in self._by_folder:
            from .output import MANIFEST_NAME, read_manifest

            names: set[str] = set()
            if os.path.lexists(folder / MANIFEST_NAME):
                for entry in read_manifest(folder, warn=False).values():
                    names.update(entry.get("outputs", []), entry.get("stale", []))
            self._by_folder[folder] = frozenset(names)
        return self._by_folder[folder]

    def manifest_of(self, path: Path) -> Path | None:
        """The output folder whose manifest lists ``path`` as an output, else None."""
        real = Path(os.path.realpath(path))
        for folder in real.parents:
            if not _inside(folder, self._root):
                break
            if real.relative_to(folder).as_posix() in self._names(folder):
                return folder
        return None


def _scanned(found: Iterable[Path], paths: ProjectPaths, skipped: list[Skipped],
             recorded: _RecordedOutputs) -> list[Path]:
    """``found`` without what a scan (folder or glob) must never take as a source: anything
    in the output folder or recorded as an output of an earlier build, and symlinks that lead
    outside the project."""
    output = Path(os.path.realpath(paths.output))
    root = Path(os.path.realpath(paths.root))
    kept: list[Path] = []
    for path in found:
        real = Path(os.path.realpath(path))
        if _inside(Path(os.path.normpath(path)), paths.output) or _inside(real, output) \
                or recorded.manifest_of(path) is not None:
            continue  # our own outputs (an output folder inside sources/) are never read
        if not _inside(real, root):
            skipped.append(Skipped(display_path(path, paths.root), *LINK_OUTSIDE))
            continue
        kept.append(path)
    return kept


def _files_in(folder: Path, odd: list[tuple[Path, Skipped]] | None = None) -> list[Path]:
    """The ``.txt``/``.md``/``.html``/``.docx`` files under ``folder`` (not in hidden folders,
    not through links to folders), sorted; plus every folder that cannot be listed (no read
    or search permission): taken as a source, it fails with a line naming it and the reason,
    instead of its articles vanishing from the build without a word.

    Entries named like a source that are not a file to read go to ``odd`` with the reason, so
    that none is passed over without a word: a symbolic link to nothing, a folder called
    ``x.txt`` (its own files are scanned), a pipe, socket or device."""
    odd = [] if odd is None else odd
    found: list[Path] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as listing:
                entries = list(listing)
        except (NotADirectoryError, FileNotFoundError):
            continue  # gone (or replaced by a file) since it was seen
        except OSError:
            found.append(current)
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = current / entry.name
            named_like_source = path.suffix.lower() in DEFAULT_SOURCE_SUFFIXES
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(path)
                    if named_like_source:
                        odd.append((path, Skipped(shown(path), "a folder, not a source file; "
                                                  "only the files in it are built",
                                                  "source-not-file")))
                    continue
                is_file = entry.is_file()
            except OSError:
                is_file = True  # cannot be looked at: reading it says why
            if is_file and named_like_source:
                found.append(path)
            elif named_like_source:
                odd.append((path, _not_a_file(path, entry.is_symlink())))
    odd.sort()
    return sorted(found)


def _not_a_file(path: Path, link: bool) -> Skipped:
    if link and not os.path.exists(path):
        try:
            target = f" to {shown(os.readlink(path))}"
        except OSError:
            target = ""
        return Skipped(shown(path), f"a symbolic link{target}, which does not exist; not "
                       "built", "source-link-dangling")
    if link:  # to a folder: folders are scanned only where they really are
        return Skipped(shown(path), "a symbolic link to a folder, not a source file; not "
                       "built", "source-not-file")
    if os.path.isdir(path):  # met by a glob, which takes files only
        return Skipped(shown(path), "a folder, not a source file; not built",
                       "source-not-file")
    return Skipped(shown(path), "not a regular file (a pipe, socket or device); not built",
                   "source-not-file")


def _is_dir(path: Path) -> bool:
    """Whether ``path`` is a folder; False when it cannot be looked at (a folder above it
    cannot be searched): reading it as a source then fails with the reason."""
    try:
        return path.is_dir()
    except OSError:
        return False


def discover_sources(arguments: Sequence[str], paths: ProjectPaths,
                     cwd: Path | None = None,
                     skipped: list[Skipped] | None = None) -> tuple[Path, ...]:
    """The source files named by ``arguments`` (files, folders or globs), in the order given,
    each once; with no arguments every ``.txt``/``.md``/``.html`` under ``sources/``.

    Files are taken as given (an unsupported suffix fails that source later, with its name);
    folders contribute their ``.txt``, ``.md``, ``.html`` and ``.docx`` files in sorted order,
    and each folder under them that cannot be listed (it then fails as a source, naming the
    folder and the reason). A folder
    or glob never contributes a file inside the output folder or recorded as an output in a
    build manifest (of any output folder in the project), nor a symlink leading outside
    the project (those are added to ``skipped``: only a file named on its own is read through
    such a link). Entries of a scanned folder named like a source that are not files to read
    (a dangling link, a folder ``x.txt``, a pipe) are added to ``skipped`` too, with why.

    :raises UsageError: a folder or glob that holds no sources, no sources at all, or the
        output folder is (or holds) the sources folder or a named source, or a named source
        is a recorded output.
    """
    base = (cwd or Path.cwd()).resolve()
    skipped = [] if skipped is None else skipped
    output = Path(os.path.realpath(paths.output))
    recorded = _RecordedOutputs(paths.root)
    found: list[Path] = []
    if not arguments:
        if not paths.sources.is_dir():
            raise UsageError(f"no sources given and no {SOURCES_DIR}/ folder in {paths.root}")
        if _inside(Path(os.path.realpath(paths.sources)), output):
            verb = "is" if Path(os.path.realpath(paths.sources)) == output else "holds"
            raise UsageError(f"the output folder {shown(paths.output)} {verb} the sources "
                             f"folder {shown(paths.sources)}; choose another output folder")
        odd: list[tuple[Path, Skipped]] = []
        found = _scanned(_files_in(paths.sources, odd), paths, skipped, recorded)
        skipped.extend(_outside_output(odd, paths))
        if not found:
            raise UsageError(f"no {_SCANNED} files in {shown(paths.sources)}")
    for argument in arguments:
        path = Path(argument).expanduser()
        path = path if path.is_absolute() else base / path
        if _is_dir(path) and path.suffix.lower() not in DEFAULT_SOURCE_SUFFIXES:
            odd = []
            inside = _scanned(_files_in(path, odd), paths, skipped, recorded)
            skipped.extend(_outside_output(odd, paths))
            if not inside:
                raise UsageError(f"no {_SCANNED} files in {shown(argument)}")
            found.extend(inside)
        elif not os.path.lexists(path) and _GLOB_CHARS & set(argument):
            matches = sorted(Path(m) for m in glob.glob(str(path), recursive=True))
            files = _scanned([m for m in matches if os.path.isfile(m)], paths, skipped,
                             recorded)
            if not files:
                raise UsageError(f"no files match {shown(argument)!r}")
            found.extend(files)
            skipped.extend(_outside_output(
                [(m, _not_a_file(m, m.is_symlink())) for m in matches
                 if not os.path.isfile(m) and m.suffix.lower() in DEFAULT_SOURCE_SUFFIXES],
                paths))
        else:
            # A file, or a named source that is not one (missing, a dangling link, a folder
            # called "x.md"): reading it fails that one source with a line naming it (exit 1),
            # and the other sources are still built.
            if _inside(Path(os.path.realpath(path)), output):
                raise UsageError(f"{shown(argument)} is inside the output folder "
                                 f"{shown(paths.output)}: outputs are never read as sources")
            if (folder := recorded.manifest_of(path)) is not None:
                raise UsageError(f"{shown(argument)} is an output of an earlier build into "
                                 f"{display_path(folder, paths.root)}: outputs are never "
                                 "read as sources")
            found.append(path)
    # One entry per real file, named as the user named it (a link keeps its own name).
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), Path(os.path.normpath(path)))
    if not unique:
        raise UsageError("no sources to build")
    return tuple(unique.values())


def _outside_output(odd: list[tuple[Path, Skipped]], paths: ProjectPaths) -> list[Skipped]:
    """``odd`` without what lies in the output folder (never scanned for sources)."""
    output = Path(os.path.realpath(paths.output))
    return [dataclasses.replace(item, name=display_path(path, paths.root))
            for path, item in odd
            if not _inside(Path(os.path.normpath(path)), paths.output)
            and not _inside(Path(os.path.realpath(path)), output)]


def display_path(path: Path, root: Path) -> str:
    """How messages and document metadata name ``path``: relative to the project root when
    inside it, else its absolute path (``failed: /tmp/drafts/e.txt: is empty``: the bare name
    left a user searching for the file) — never something that depends on the working
    folder."""
    # The folder is resolved, the name is not: a linked source keeps the name it was given.
    try:
        located = path.parent.resolve() / path.name
    except OSError:
        return shown(path)
    try:
        return shown(located.relative_to(root.resolve()).as_posix())
    except ValueError:
        return shown(located.as_posix())


def output_name(source: Path, sources_dir: Path) -> str:
    """The output base name of ``source``, after its file name: its path under ``sources/``
    without the suffix (``sources/world/korut.txt`` -> ``world/korut``), else its stem.

    Names are relative POSIX paths inside the output folder, never with ``..``.
    """
    path = Path(os.path.normpath(source))
    try:
        relative = path.relative_to(sources_dir)
    except ValueError:
        relative = Path(path.name)
    stem = relative.with_suffix("") if relative.suffix else relative
    name = stem.as_posix()
    return name if name not in ("", ".") else FALLBACK_SLUG


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
# key_points = "auto"           # "auto", "author" (front matter only) or false
# notes = "end"                 # PDF notes: "end" of each article or "foot" of the page
# links = "inline"              # PDF link addresses: "inline", "notes" or "hidden"
# organisation = "Kementerian"  # cover details: organisation, reference, version,
# reference = "ND-014/2026"     #   prepared_for
# pdf_variant = "pdf/ua-1"      # a WeasyPrint PDF variant, or "none"
# output_names = "source"      # "source": sources/x.txt -> output/x.pdf; "title": by title
# pack_language = "en"          # a combined brief's labels (default: most of its articles')
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
    :raises UsageError: a file exists already (a dangling symlink counts), ``target`` is a
        file or a link to nothing, ``style_name`` is not a plain folder name, or the packaged
        example/style is missing.
    :raises OutputError: a file or folder cannot be created (``target`` is under a file, the
        file system is read-only...); whatever this call created is removed again.
    """
    if not style_name or Path(style_name).name != style_name or style_name.startswith("."):
        raise UsageError(f"style name must be a plain folder name, got {style_name!r}")
    if os.path.lexists(target) and not os.path.isdir(target):
        what = "a link to nothing" if os.path.islink(target) and not os.path.exists(target) \
            else "not a folder"
        raise UsageError(f"{shown(target)} is {what}; name a new or existing folder")
    example = example_article()
    style_source = packaged_styles_dir() / DEFAULT_THEME
    if not example.is_file() or not style_source.is_dir():
        raise UsageError("this installation lacks the example article or the default style")
    plan: list[tuple[Path | None, Path]] = [(example, target / SOURCES_DIR / EXAMPLE_NAME)]
    plan.extend(_copies(style_source, target / STYLES_DIR / style_name))
    plan.append((None, target / CONFIG_FILE))
    # lexists: a dangling symlink counts as existing (writing through it would create a file
    # wherever it points, outside the project).
    existing = [dest for _, dest in plan if os.path.lexists(dest)]
    if existing:
        listed = ", ".join(shown(p) for p in existing)
        raise UsageError(f"refusing to overwrite existing files: {listed}")
    created: list[Path] = []
    made_dirs: list[Path] = []
    try:
        for src, dest in plan:
            _make_dirs(dest.parent, made_dirs)
            data = (config_template(style_name).encode("utf-8") if src is None
                    else src.read_bytes())
            _create(dest, data)
            created.append(dest)
    except OSError as exc:
        # No partial scaffold: take back what this call created, newest first.
        for path in reversed(created):
            with contextlib.suppress(OSError):
                path.unlink()
        for folder in reversed(made_dirs):
            with contextlib.suppress(OSError):
                folder.rmdir()
        where = shown(exc.filename) if exc.filename else shown(target)
        raise OutputError(f"cannot create the project in {shown(target)}: {where}: "
                          f"{exc.strerror or exc}") from None
    return tuple(created)


def _make_dirs(folder: Path, made: list[Path]) -> None:
    missing: list[Path] = []
    while not os.path.lexists(folder):
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
        made.append(path)


def _create(path: Path, data: bytes) -> None:
    """Write a new file: O_EXCL and O_NOFOLLOW, so no existing file or link is followed."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                 0o666)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
