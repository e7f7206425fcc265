"""The one resource resolver: which local file a build may read, and why not when it may not.

Every file lighthouse-docs reads besides the sources goes through here: images an article refers
to (for the PDF, the EPUB and the HTML alike), theme stylesheets and fonts (through WeasyPrint's
URL fetcher, :mod:`.fetch`), the theme's ``print.css``/``epub.css``, ``lighthouse.toml`` and the
build manifest. A reference is resolved (``..`` and every symlink) before it is checked, so a
link inside an allowed folder that points outside it is refused like the outside path itself.

One table, :data:`REASONS`, words every refusal, so the three writers say the same thing about
the same reference. Plain path logic, no WeasyPrint import: the EPUB and HTML writers use it
without paying for WeasyPrint's start-up.
"""

from __future__ import annotations

import base64
import binascii
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import unquote, unquote_to_bytes, urljoin, urlsplit

from ..errors import ResourceError

if TYPE_CHECKING:
    from ..model import Document
    from ..theme import Theme

PACKAGE_DIR = Path(__file__).resolve().parent.parent

Reason = Literal["network", "scheme", "outside", "symlink", "missing", "not-file",
                 "not-image", "unreadable"]

REASONS: dict[Reason, str] = {
    "network": "only local files are read, never the network",
    "scheme": "not a local file (unsupported URL scheme)",
    "outside": "outside the allowed folder",
    "symlink": "a symbolic link that leads outside the allowed folder",
    "missing": "file not found",
    "not-file": "not a regular file",
    "not-image": "not an image type (png, jpeg, gif, svg, webp)",
    "unreadable": "cannot be read",
}
"""Why a reference was refused: the one wording every writer and reader uses."""

NETWORK_SCHEMES = frozenset({"http", "https", "ftp", "ftps", "ws", "wss", "sftp", "smb"})

IMAGE_MEDIA_TYPES: dict[str, str] = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}
"""Image types an article may embed (EPUB 3 core media types), by file suffix."""


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a reference resolves to: an allowed file, or the reason it is refused."""

    path: Path | None
    reason: Reason | None = None

    @property
    def ok(self) -> bool:
        return self.path is not None


def describe(reference: str) -> str:
    """``reference`` as messages show it: at most 200 characters, no line breaks."""
    text = reference.replace("\n", " ").replace("\r", " ")
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text if len(text) <= 200 else text[:197] + "..."


def refusal(reference: str, reason: Reason) -> str:
    """The one message for a refused reference."""
    return f"refused resource {describe(reference)}: {REASONS[reason]}"


def _inside(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def confine(path: Path, roots: Sequence[Path]) -> Resolution:
    """Resolve ``path`` (``..`` and symlinks) and check it is a regular file inside ``roots``.

    ``roots`` must be resolved folders. A path that lies inside a root as written but whose
    real location is outside it is a ``symlink`` refusal; one outside as written ``outside``.
    """
    lexical = Path(os.path.normpath(path)) if path.is_absolute() else None
    try:
        real = Path(os.path.realpath(path))
    except (OSError, ValueError):
        return Resolution(None, "outside")
    if not _inside(real, roots):
        if lexical is not None and _inside(lexical, roots):
            return Resolution(None, "symlink")
        return Resolution(None, "outside")
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        return Resolution(None, "missing")
    except (OSError, ValueError):
        return Resolution(None, "unreadable")
    if not stat.S_ISREG(mode):
        return Resolution(None, "not-file")
    return Resolution(real)


def read_inside(path: Path, roots: Sequence[Path]) -> bytes:
    """The bytes of the resolved file ``path`` (from :func:`confine`), checked again on the open
    file: no symlink followed at the last step, a regular file, and (where ``/proc`` shows it)
    still inside ``roots``. A file swapped for a link between the check and the read is
    refused, not read.

    :raises OSError: the file cannot be opened or read, or is no longer allowed.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path}: not a regular file")
        try:
            where = Path(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            where = None  # no /proc: the O_NOFOLLOW open is the check
        if where is not None and not _inside(where, roots):
            raise OSError(f"{path}: moved outside the allowed folder")
        return handle.read()


def resolve_url(url: str, roots: Sequence[Path]) -> Resolution:
    """The file an absolute URL names, if it is a regular file inside ``roots``.

    Only ``file:`` URLs on this machine can be allowed; network schemes are ``network``,
    anything else (``javascript:``, ``data:`` ...) is ``scheme``: callers that accept
    ``data:`` decode it themselves before asking.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return Resolution(None, "scheme")
    scheme = parts.scheme.lower()
    if scheme in NETWORK_SCHEMES or (not scheme and parts.netloc):
        return Resolution(None, "network")
    if scheme != "file":
        return Resolution(None, "scheme")
    if parts.netloc not in ("", "localhost"):
        return Resolution(None, "network")
    # urllib.request (http.client, ssl, email) is imported only here: a build with nothing
    # to render never resolves a URL.
    from urllib.request import url2pathname

    try:
        path = Path(url2pathname(unquote(parts.path)))
    except (OSError, ValueError):
        return Resolution(None, "outside")
    return confine(path, roots)


def resolve_reference(reference: str, base_dir: Path, roots: Sequence[Path]) -> Resolution:
    """Resolve what a document refers to (relative path, absolute path or URL) in ``base_dir``.

    A relative reference resolves against ``base_dir``; ``/abs/path`` is a local path.
    """
    reference = reference.strip()
    if not reference:
        return Resolution(None, "missing")
    base_url = base_dir.resolve().as_uri() + "/"
    try:
        url = urljoin(base_url, reference)
    except ValueError:
        return Resolution(None, "scheme")
    return resolve_url(url, roots)


def resolve_image(src: str, folder: Path) -> Resolution:
    """The image file an article in ``folder`` may embed for ``src``, else why not.

    An article reads images only from its own (resolved) source folder, whatever the output:
    the PDF, EPUB and HTML writers all call this and so make the same decision.
    """
    root = folder.resolve()
    found = resolve_reference(src, root, (root,))
    if found.path is not None and found.path.suffix.lower() not in IMAGE_MEDIA_TYPES:
        return Resolution(None, "not-image")
    return found


@dataclass(frozen=True, slots=True)
class ImageBytes:
    """An image an article may embed: its bytes and media type."""

    data: bytes
    media_type: str
    path: Path | None = None
    """The file it was read from; None for a ``data:`` URI."""


_DATA_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/svg+xml",
                               "image/webp"})
"""The media types a ``data:`` URI may declare for an image."""


def _data_image(src: str) -> ImageBytes | Reason:
    head, comma, payload = src.strip()[len("data:"):].partition(",")
    params = [p.strip().lower() for p in head.split(";")]
    media_type = params[0] or "text/plain"
    if not comma or media_type not in _DATA_IMAGE_TYPES:
        return "not-image"
    try:
        data = (base64.b64decode(payload, validate=False) if "base64" in params[1:]
                else unquote_to_bytes(payload))
    except (ValueError, binascii.Error):
        return "unreadable"
    return ImageBytes(data=data, media_type=media_type)


def image_refusal(src: str, folder: Path) -> str | None:
    """The message every writer gives when it refuses the image ``src`` of an article in
    ``folder``, or None when they will show it: the file may not be read (:func:`refusal`),
    or its content is refused (:func:`lighthouse_docs.images.vet`: not an image, over 50
    megapixels by its header, an SVG that cannot be made safe), in the writers' words, so
    the check that reports it at its line and the writers' reports are one problem.
    ``data:`` URIs are decoded and judged by the writers only."""
    if src.strip().lower().startswith("data:"):
        return None
    found = resolve_image(src, folder)
    if not found.ok:
        return refusal(src, found.reason or "outside")
    image = load_image(src, folder)
    if isinstance(image, str):
        return refusal(src, image)
    from ..images import ImageRefused, vet

    try:
        vet(image.data)
    except ImageRefused as error:
        return f"refused resource {describe(src)}: {error}"
    return None


def load_image(src: str, folder: Path) -> ImageBytes | Reason:
    """The image an article in ``folder`` embeds for ``src``, or why it may not.

    A ``data:`` URI of an image type is decoded in memory; anything else goes through
    :func:`resolve_image`. The PDF, EPUB and HTML writers all decide through here.
    """
    if src.strip().lower().startswith("data:"):
        return _data_image(src)
    found = resolve_image(src, folder)
    if found.path is None:
        return found.reason or "outside"
    try:
        data = read_inside(found.path, (folder.resolve(),))
    except OSError:
        return "unreadable"
    media_type = IMAGE_MEDIA_TYPES[found.path.suffix.lower()]
    return ImageBytes(data=data, media_type=media_type, path=found.path)


def read_confined(path: Path, roots: Sequence[Path], *, what: str) -> bytes:
    """The bytes of ``path`` when it is a regular file inside ``roots`` (symlinks resolved).

    :param what: what the file is, for the message ("theme stylesheet", ...).
    :raises ResourceError: the file is refused or cannot be read; the message names it.
    """
    real_roots = tuple(Path(os.path.realpath(r)) for r in roots)
    found = confine(path, real_roots)
    if found.path is None:
        assert found.reason is not None
        raise ResourceError(f"{what} {describe(str(path))}: {REASONS[found.reason]}")
    try:
        return read_inside(found.path, real_roots)
    except OSError as exc:
        raise ResourceError(f"{what} {describe(str(path))}: {REASONS['unreadable']} "
                            f"({exc.strerror or exc})") from None


def confined_files(root: Path) -> list[Path]:
    """Every regular file under ``root`` whose real location is inside ``root``, sorted.

    Symlinks that lead out, FIFOs and devices are skipped (never opened).
    """
    real_root = Path(os.path.realpath(root))
    found: list[Path] = []
    for path in sorted(root.rglob("*")):
        if confine(path, (real_root,)).ok:
            found.append(path)
    return found


@lru_cache(maxsize=1)
def font_dirs() -> tuple[Path, ...]:
    """The folders of the pinned OFL font packages (Source Serif Pro, Source Sans Pro)."""
    import font_source_sans_pro
    import font_source_serif_pro

    return tuple(
        Path(module.font_directory).resolve()
        for module in (font_source_serif_pro, font_source_sans_pro)
    )


def theme_roots(theme: Theme) -> tuple[Path, ...]:
    """What stylesheets may read: the theme folder, the package data and the fonts."""
    return (theme.root.resolve(), PACKAGE_DIR, *font_dirs())


def allowed_roots(base_dir: Path, theme: Theme) -> tuple[Path, ...]:
    """Every folder WeasyPrint may read from for a source in ``base_dir`` with ``theme``."""
    return (base_dir.resolve(), *theme_roots(theme))


def source_folder(doc: Document, default: Path) -> Path:
    """The folder ``doc``'s relative images resolve in: its source's own, else ``default``.

    In a combined brief every article keeps its own folder (and may read nothing outside it).
    """
    folder = doc.meta.source.folder
    return Path(folder).resolve() if folder else default.resolve()


def local_path(url: str, roots: Iterable[Path]) -> Path | None:
    """The file a ``file:`` URL names, if it is a regular file inside one of ``roots``."""
    return resolve_url(url, tuple(roots)).path


def resolve_src(src: str, base_dir: Path, roots: Sequence[Path]) -> Path | None:
    """The allowed local file an image ``src`` (relative or ``file:``) refers to, else None."""
    return resolve_reference(src, base_dir, roots).path
