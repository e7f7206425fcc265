"""The only code that writes into the output folder: atomic replaces and the folder lock.

An output is written to a hidden temporary file in its own folder (``.name.XXXX.tmp``, which no
``*.pdf``/``*.epub`` glob matches), flushed to disk and moved over the old file with
:func:`os.replace`. A crash, a kill or a full disk therefore leaves either the previous good
output or the new one, never a truncated file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputError

TEMP_SUFFIX = ".tmp"


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


def stale_temp_files(folder: Path) -> list[Path]:
    """Temporary files left in ``folder`` by writes that were killed (hidden ``.*.tmp``)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f".*{TEMP_SUFFIX}") if p.is_file())


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Delete the temporary files of killed writes in ``folder``; returns what was removed.

    A live :func:`write_atomic` holds a lock on its temporary file until it is renamed, so
    only files nobody holds are taken. Call it under the folder lock (:func:`locked`).
    """
    removed: list[Path] = []
    for temp in stale_temp_files(folder):
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


@contextlib.contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``lock_path`` (created if needed) for the block.

    Two builds writing the same output folder serialise their manifest updates on it.

    :raises OutputError: the lock file cannot be created.
    """
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise OutputError(f"{lock_path}: cannot create lock file ({exc.strerror or exc})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
