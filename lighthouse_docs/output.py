"""The only code that writes into the output folder: atomic replaces, the folder lock and the
build manifest (what this tool wrote there, so that only its own files are ever deleted).

An output is written to a hidden temporary file in its own folder (``.name.XXXX.tmp``, which no
``*.pdf``/``*.epub`` glob matches), flushed to disk and moved over the old file with
:func:`os.replace`. A crash, a kill or a full disk therefore leaves either the previous good
output or the new one, never a truncated file.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .errors import OutputError

TEMP_SUFFIX = ".tmp"

logger = logging.getLogger("lighthouse_docs")


def temp_prefix(path: Path) -> str:
    """The prefix of the temporary files :func:`write_atomic` creates for ``path``."""
    return f".{path.name}."


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old bytes or the new, nothing else.

    :raises OutputError: the folder cannot be created or the file cannot be written; the
        previous content of ``path`` is then untouched and no temporary file is left behind.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = _locked_temp(path)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        # The lock lives as long as the handle: keep it open until the rename is done, so that
        # remove_stale_temp_files never takes a temporary file a live write still needs.
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            # mkstemp creates 0600 files; outputs are ordinary documents for everyone who may
            # read the folder.
            umask = os.umask(0)
            os.umask(umask)
            temp.chmod(0o666 & ~umask)
            os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    _fsync_folder(folder)


def _locked_temp(path: Path) -> tuple[int, Path]:
    """A new hidden temporary file next to ``path``, open and exclusively locked."""
    while True:
        fd, name = tempfile.mkstemp(prefix=temp_prefix(path), suffix=TEMP_SUFFIX,
                                    dir=path.parent)
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink:
            return fd, Path(name)
        # A cleaner removed it between creation and lock (it looked abandoned): start again.
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    # The rename itself is durable only once the directory entry is on disk; best effort,
    # since some file systems refuse to open directories.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_TEMP_NAME = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX))
"""What :func:`write_atomic` names its temporary files (``mkstemp`` adds 8 random characters)."""


def stale_temp_files(folder: Path, ours: Iterable[str] = ()) -> list[Path]:
    """Temporary files that killed writes of the outputs ``ours`` (names relative to ``folder``)
    left behind. A hidden ``.tmp`` file of anything else (a user's ``.my-draft.tmp``) is
    never one of them."""
    if not folder.is_dir():
        return []
    # Each folder is listed once (not once per output: a batch has hundreds of outputs).
    targets: dict[Path, set[str]] = {}
    for name in ours:
        target = folder / name
        targets.setdefault(target.parent, set()).add(target.name)
    found: set[Path] = set()
    for parent, names in targets.items():
        with contextlib.suppress(OSError), os.scandir(parent) as entries:
            for entry in entries:
                match = _TEMP_NAME.fullmatch(entry.name)
                if match and match["name"] in names and entry.is_file(follow_symlinks=False):
                    found.add(parent / entry.name)
    return sorted(found)


def remove_stale_temp_files(folder: Path, ours: Iterable[str] = ()) -> list[Path]:
    """Delete the temporary files killed writes of ``ours`` left in ``folder``; returns them.

    A live :func:`write_atomic` holds a lock on its temporary file until it is renamed, so
    only files nobody holds are taken. Call it under the folder lock (:func:`locked`).
    """
    removed: list[Path] = []
    for temp in stale_temp_files(folder, ours):
        try:
            fd = os.open(temp, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue  # a live build is writing it
        try:
            temp.unlink()
            removed.append(temp)
        except OSError:
            pass  # renamed or removed meanwhile: nothing stale left
        finally:
            os.close(fd)
    return removed


def _still_there(fd: int, path: Path) -> bool:
    """Whether ``path`` is still the file open as ``fd`` (``clean --all`` removes lock files:
    a lock taken on a file that is gone locks nothing, and is taken again on the new one)."""
    try:
        found = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    own = os.fstat(fd)
    return (found.st_dev, found.st_ino) == (own.st_dev, own.st_ino)


def _open_lock_file(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create lock file ({exc.strerror or exc})") from None


@contextlib.contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``lock_path`` (created if needed) for the block.

    Two builds writing the same output folder serialise their manifest updates on it.

    :raises OutputError: the lock file cannot be created.
    """
    while True:
        fd = _open_lock_file(lock_path)
        fcntl.flock(fd, fcntl.LOCK_EX)
        if _still_there(fd, lock_path):
            break
        os.close(fd)  # removed by clean --all while this waited for it
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


# --------------------------------------------------------------------------- the manifest

MANIFEST_NAME = ".lighthouse-manifest.json"
LOCK_NAME = ".lighthouse-manifest.lock"
SOURCE_LOCK_NAME = ".lighthouse-sources.lock"
"""One byte-range lock per source in this file (see :func:`commit`)."""
MANIFEST_FORMAT = 1
COMBINED_KEY_PREFIX = "combine:"

Entries = dict[str, dict[str, Any]]

_STRING_FIELDS = ("key", "sha", "slug_key", "clock", "source")
_NAME_LIST_FIELDS = ("outputs", "stale")


def manifest_path(output: Path) -> Path:
    """Where the build manifest of the output folder ``output`` lives."""
    return output / MANIFEST_NAME


def safe_name(name: object) -> bool:
    """Whether ``name`` may name a file inside the output folder: a relative POSIX path
    without ``..``, empty or hidden parts (a manifest is data, never trusted as a path)."""
    if not isinstance(name, str) or not name or "\0" in name or "\\" in name:
        return False
    parts = name.split("/")
    return not name.startswith("/") and all(p and not p.startswith(".") for p in parts)


def _valid_entry(key: object, entry: object) -> bool:
    if not isinstance(key, str) or not isinstance(entry, dict):
        return False
    if not (key.startswith(COMBINED_KEY_PREFIX) or key.startswith("/")):
        return False
    for name in _STRING_FIELDS:
        if name in entry and not isinstance(entry[name], str):
            return False
    for name in _NAME_LIST_FIELDS:
        value = entry.get(name, [])
        if not isinstance(value, list) or not all(safe_name(v) for v in value):
            return False
    slug = entry.get("slug")
    if slug is not None and not safe_name(slug):
        return False
    read_ns = entry.get("read_ns", 0)
    if not isinstance(read_ns, int) or isinstance(read_ns, bool):
        return False
    pages = entry.get("pages")
    return pages is None or (isinstance(pages, int) and not isinstance(pages, bool))


def validate_manifest(data: object) -> Entries | None:
    """The entries of a parsed manifest, or None when it does not match the schema:
    ``{"format": 1, "entries": {key: entry}}``, keys absolute source paths or
    ``combine:<name>``, ``outputs``/``stale`` lists of safe relative names, typed fields."""
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return None
    entries = data.get("entries")
    if not isinstance(entries, dict):
        return None
    if not all(_valid_entry(k, v) for k, v in entries.items()):
        return None
    return entries


def read_manifest(output: Path, *, warn: bool = True) -> Entries:
    """The manifest entries of ``output`` (source key -> entry); empty when missing. One that
    is unreadable, a symlink leading out of the folder or not valid against the schema is
    ignored with a warning (everything is then rebuilt and the manifest written anew);
    ``warn=False`` re-reads silently (the build warned once when it started)."""
    from .errors import ResourceError
    from .writers.resources import read_confined

    path = manifest_path(output)
    if not os.path.lexists(path):
        return {}
    try:
        data = json.loads(read_confined(path, (output,), what="build manifest"))
    except ResourceError as exc:
        if warn:
            logger.warning("%s; ignored, rebuilding everything", exc)
        return {}
    except ValueError:
        if warn:
            logger.warning("%s: unreadable build manifest; ignored, rebuilding everything",
                           path)
        return {}
    entries = validate_manifest(data)
    if entries is None and warn:
        logger.warning("%s: build manifest does not match its schema; ignored, rebuilding "
                       "everything", path)
    return entries or {}


def _write_manifest(output: Path, entries: Entries) -> None:
    data = {"format": MANIFEST_FORMAT, "entries": dict(sorted(entries.items()))}
    # ASCII JSON: a source path that is not UTF-8 (surrogate escapes) survives the round trip.
    text = json.dumps(data, ensure_ascii=True, indent=1, sort_keys=True) + "\n"
    write_atomic(manifest_path(output), text.encode("ascii"))


def update_manifest(output: Path, updates: Mapping[str, dict[str, Any]]) -> None:
    """Merge ``updates`` into the manifest of ``output`` under the folder lock, atomically.

    Re-reading under the lock keeps entries another build wrote since this one started.
    """
    if not updates:
        return
    with locked(output / LOCK_NAME):
        entries = read_manifest(output)
        entries.update(updates)
        _write_manifest(output, entries)


def commit(output: Path, key: str, seen: Mapping[str, Any] | None, entry: dict[str, Any],
           files: Mapping[Path, bytes]) -> bool:
    """Write ``files`` and record ``entry`` for ``key``, compare-and-swap under the lock.

    ``seen`` is the entry this build planned from. When the manifest holds another entry for
    ``key`` by now, recorded from other bytes read later than ours (``read_ns``), nothing is
    written (returns False): an older output never lands over a newer one nor under its hash.
    Outputs and manifest are written under one lock, so no other build's commit interleaves.

    :raises OutputError: an output or the manifest cannot be written.
    """
    # One lock per source for the whole commit (no two builds interleave writes of the same
    # outputs); the folder lock only around manifest reads and writes, so a slow write of one
    # source never holds up another source or another build's clean-up.
    with _source_locked(output, key):
        with locked(output / LOCK_NAME):
            current = read_manifest(output, warn=False).get(key)
        if current is not None and current != seen:
            # Another build recorded this source since this one planned. Bytes read later
            # win: an older version never lands over (or under the hash of) a newer one.
            if current.get("sha") != entry.get("sha") and \
                    current.get("read_ns", 0) > entry.get("read_ns", 0):
                return False
            # Same bytes (or ours are newer): the other build's formats under our name stay
            # recorded as ours.
            names = list(entry.get("outputs", []))
            bases = {n.rsplit(".", 1)[0] for n in names}
            names += [n for n in current.get("outputs", [])
                      if n not in names and n.rsplit(".", 1)[0] in bases]
            entry = {**entry, "outputs": names}
        for path, data in files.items():
            write_atomic(path, data)
        with locked(output / LOCK_NAME):
            entries = read_manifest(output, warn=False)
            entries[key] = entry
            _write_manifest(output, entries)
    return True


@contextlib.contextmanager
def _source_locked(output: Path, key: str) -> Iterator[None]:
    """Hold the lock of one source: a POSIX byte-range lock at an offset derived from ``key``
    in one shared file (no lock file per source; a collision only serialises two sources)."""
    offset = int.from_bytes(hashlib.sha256(key.encode("utf-8", "surrogateescape")).digest()[:4])
    path = output / SOURCE_LOCK_NAME
    while True:
        fd = _open_lock_file(path)
        fcntl.lockf(fd, fcntl.LOCK_EX, 1, offset)
        if _still_there(fd, path):
            break
        os.close(fd)  # removed by clean --all while this waited for it
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.lockf(fd, fcntl.LOCK_UN, 1, offset)
        os.close(fd)


def _remove_lock_files(output: Path) -> None:
    """Remove the folder's lock files (``clean --all``, under the folder lock): the sources'
    lock file only when no build holds a lock in it; the folder lock's own file while it is
    held (whoever waits for it notices and locks a new one, see :func:`locked`)."""
    path = output / SOURCE_LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        fd = -1
    if fd >= 0:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 0, 0)  # the whole file
            if _still_there(fd, path):
                path.unlink()
        except OSError:
            pass  # a build is committing a source: its lock file stays
        finally:
            os.close(fd)
    with contextlib.suppress(OSError):
        (output / LOCK_NAME).unlink()


def _source_gone(key: str) -> bool:
    """Whether the source of manifest entry ``key`` is gone: missing or no longer a file. A
    source that cannot be looked at (its folder is unreadable for now) is not gone: its
    outputs are not stale, and ``clean`` keeps them."""
    if key.startswith(COMBINED_KEY_PREFIX):
        return False
    try:
        return not stat.S_ISREG(os.stat(key).st_mode)
    except PermissionError:
        return False
    except (OSError, ValueError):
        return True


def current_outputs(entries: Entries) -> set[str]:
    """Every output name a live entry claims (never stale, never deleted)."""
    return {name for key, entry in entries.items() if not _source_gone(key)
            for name in entry.get("outputs", [])}


def stale_outputs(output: Path, entries: Entries | None = None) -> list[Path]:
    """Files in ``output`` this tool wrote that no source owns any more: outputs of deleted
    sources and the old names of renamed or retitled ones. Only files the manifest records."""
    entries = read_manifest(output, warn=False) if entries is None else entries
    live = current_outputs(entries)
    names: set[str] = set()
    for key, entry in entries.items():
        names.update(entry.get("stale", []))
        if _source_gone(key):
            names.update(entry.get("outputs", []))
    return sorted(output / n for n in names - live
                  if os.path.lexists(output / n) and not (output / n).is_dir())


def clean(output: Path, *, everything: bool = False) -> list[Path]:
    """Delete stale outputs (``everything``: every output the manifest records, the manifest
    and the folder's lock files); returns what was removed. Nothing the manifest does not
    record is touched.

    :raises OutputError: a file cannot be deleted or the manifest cannot be written.
    """
    if not output.is_dir():
        return []
    with locked(output / LOCK_NAME):
        entries = read_manifest(output)
        if everything:
            names = {n for e in entries.values() for f in _NAME_LIST_FIELDS
                     for n in e.get(f, [])}
            doomed = sorted(output / n for n in names
                            if os.path.lexists(output / n) and not (output / n).is_dir())
            doomed.extend(remove_stale_temp_files(output, names))
        else:
            doomed = stale_outputs(output, entries)
        removed: list[Path] = []
        for path in doomed:
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise OutputError(f"{path}: cannot delete ({exc.strerror or exc})") from None
            removed.append(path)
            _remove_empty_parents(path.parent, output)
        if everything:
            with contextlib.suppress(FileNotFoundError):
                manifest_path(output).unlink()
            _remove_lock_files(output)
        else:
            kept = {k: {**e, "stale": []} for k, e in entries.items() if not _source_gone(k)}
            for entry in kept.values():
                if not entry["stale"]:
                    del entry["stale"]
            if kept != entries:
                _write_manifest(output, kept)
    return removed


def _remove_empty_parents(folder: Path, output: Path) -> None:
    while folder != output and folder.is_relative_to(output):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
