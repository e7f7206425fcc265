"""Images from articles, vetted before any library decodes or draws them.

An article's image is untrusted input: a 20 KB PNG can claim 13000 x 13000 pixels (1.4 GB
once decoded), an SVG of 2 KB can expand exponentially through ``<use>``, carry scripts or
reach for remote files, and a file named ``.png`` may be a TIFF, an SVG or text. :func:`vet`
identifies an image by its content (Pillow reads the header only), refuses one whose pixel
count is over :data:`MAX_PIXELS`, sanitises SVG (:func:`sanitize_svg`), and converts what
is not an EPUB core media type (TIFF, BMP, ...) to PNG. :func:`fit` then downscales a raster
image to what the output can show (:func:`screen_box`, :func:`print_box`) and recompresses it.
Both are pure: bytes in, bytes out.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from typing import Any

MAX_PIXELS = 50_000_000
"""Largest image accepted, in pixels (50 MP, 200 MB decoded; Pillow's own bomb limit is 89 MP,
and it only warns up to twice that)."""
MAX_SVG_ELEMENTS = 20_000
"""Largest SVG accepted, counted in elements after every ``<use>`` is expanded."""
MAX_SVG_BYTES = 5 * 1024 * 1024

DEFAULT_MAX_SIDE = 1600
"""Longest side, in pixels, of an image in the EPUB and the HTML preview (a tablet's or a
laptop's screen width; phones show less)."""
DEFAULT_DPI = 300
"""Resolution of an image in the PDF at the largest size it can print (the text block)."""
PRINT_BOX_MM = (131.0, 249.0)
"""The largest box an image prints in: the text block's width on letter paper (A4's is
125 mm) by the body height on A4 (letter's is 231 mm). Images are ``max-width: 100%``."""
LARGE_ORIGINAL = 2 * 1024 * 1024
"""An original image over this many bytes is worth a warning (it slows every build and, before
downscaling, made every output that large)."""
_JPEG_QUALITY = 85

CORE_MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif",
                    "WEBP": "image/webp"}
"""Raster formats every EPUB 3 reading system supports (core media types), by Pillow name."""
SVG_MEDIA_TYPE = "image/svg+xml"
SUFFIXES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
            "image/webp": ".webp", SVG_MEDIA_TYPE: ".svg"}

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_REMOVED_ELEMENTS = frozenset({
    "script", "foreignObject", "iframe", "embed", "object", "audio", "video", "handler",
    "listener", "set", "animate", "animateMotion", "animateTransform", "animateColor",
    "discard"})
"""Elements dropped with their content: scripting, embedded documents and animation (which
can rewrite references)."""
_URL_FUNCTION = re.compile(r"url\(\s*+(?!['\"]?+#)[^)]*+\)", re.IGNORECASE)
_IMPORT = re.compile(r"@import[^;]*+;?", re.IGNORECASE)
_SVG_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*+(?:<\?xml[^>]*+>\s*+)?"
                        rb"(?:<!--.*?-->\s*+|<!DOCTYPE[^>]*+>\s*+)*+<svg[\s>:]", re.DOTALL)


class ImageRefused(ValueError):
    """The image is not used; the message says why (one line)."""


@dataclass(frozen=True, slots=True)
class Vetted:
    """An image fit to embed: its bytes (sanitised or converted), media type and notes."""

    data: bytes
    media_type: str
    notes: tuple[str, ...] = ()
    """What was changed (SVG parts removed, a conversion), for a warning."""


def looks_like_svg(data: bytes) -> bool:
    """Whether ``data`` starts like an SVG document (XML declaration, comments, ``<svg``)."""
    return _SVG_START.match(data[:4096]) is not None


def vet(data: bytes, *, core_only: bool = False) -> Vetted:
    """``data`` identified by content and made safe to hand to WeasyPrint or an EPUB.

    :param core_only: convert raster formats that are not EPUB core media types to PNG.
    :raises ImageRefused: not an image, over :data:`MAX_PIXELS`, or an SVG that cannot be
        made safe (too big after ``<use>`` expansion, not well-formed).
    """
    if looks_like_svg(data):
        clean, notes = sanitize_svg(data)
        return Vetted(clean, SVG_MEDIA_TYPE, notes)
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DecompressionBombWarning: we decide below
            image = Image.open(io.BytesIO(data))  # reads the header, decodes nothing
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise ImageRefused("not an image Pillow can identify") from None
    except (OSError, ValueError, SyntaxError) as error:
        raise ImageRefused(f"not a readable image ({error})") from None
    with image:
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ImageRefused(f"{width}x{height} pixels ({width * height / 1e6:.0f} MP), "
                               f"more than {MAX_PIXELS / 1e6:.0f} MP")
        fmt = image.format or "?"
        if fmt in CORE_MEDIA_TYPES:
            return Vetted(data, CORE_MEDIA_TYPES[fmt])
        if not core_only:
            return Vetted(data, Image.MIME.get(fmt, "application/octet-stream"))
        try:
            image.load()
            out = io.BytesIO()
            converted = image if image.mode in ("1", "L", "LA", "P", "RGB", "RGBA") else \
                image.convert("RGBA")
            converted.save(out, format="PNG")
        except (OSError, ValueError, SyntaxError) as error:
            raise ImageRefused(f"{fmt} image cannot be converted ({error})") from None
    return Vetted(out.getvalue(), "image/png", (f"{fmt} image converted to PNG",))


# --------------------------------------------------------------------------- downscaling


def screen_box(max_side: int = DEFAULT_MAX_SIDE) -> tuple[int, int]:
    """The largest (width, height) in pixels of an image for a screen (EPUB, HTML)."""
    return max_side, max_side


def print_box(dpi: int = DEFAULT_DPI) -> tuple[int, int]:
    """The largest (width, height) in pixels of an image printed at ``dpi`` (see
    :data:`PRINT_BOX_MM`)."""
    width, height = PRINT_BOX_MM
    return round(width / 25.4 * dpi), round(height / 25.4 * dpi)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def fit(image: Vetted, box: tuple[int, int]) -> Vetted:
    """``image`` downscaled to fit ``box`` (width, height in pixels), keeping its proportions,
    and recompressed in its own format (JPEG and WebP at quality 85, PNG optimised).

    SVG, animated images and images that already fit are returned unchanged; a re-encoded
    image is kept only when it is lighter than the original (or the original is over
    :data:`LARGE_ORIGINAL` and had to be downscaled). The EXIF
    orientation is applied before resizing, and metadata (EXIF, XMP: a camera's GPS position)
    is not copied; the colour profile is. An original over :data:`LARGE_ORIGINAL` adds a
    note (a warning) with its size and what was done to it, in the same words whatever
    ``box`` is. The result depends only on the
    input bytes and ``box``.
    """
    if image.media_type not in ("image/jpeg", "image/png", "image/webp"):
        return image
    from PIL import Image, ImageOps

    large = len(image.data) > LARGE_ORIGINAL
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            source = Image.open(io.BytesIO(image.data))
        with source:
            if getattr(source, "is_animated", False):
                return image
            width, height = source.size
            scale = min(box[0] / width, box[1] / height, 1.0)
            if scale == 1.0 and not large:
                return image
            target = (max(1, round(width * scale)), max(1, round(height * scale)))
            fmt = source.format or "PNG"
            icc = source.info.get("icc_profile")
            if fmt == "JPEG" and scale < 1.0:
                # Decode at the nearest power-of-two reduction first: 8x less work for a
                # camera photo, and LANCZOS does the rest.
                source.draft(source.mode, (target[0] * 2, target[1] * 2))
            picture = ImageOps.exif_transpose(source)
            if picture.size != source.size:  # rotated by 90 degrees: so is the box
                target = (target[1], target[0]) if scale < 1.0 else picture.size
            if picture.mode == "P":  # a palette: alpha only if it has a transparent entry
                picture = picture.convert("RGBA" if "transparency" in picture.info else "RGB")
            elif picture.mode not in ("RGB", "RGBA", "L", "LA", "CMYK"):
                picture = picture.convert("RGBA" if "A" in picture.mode else "RGB")
            if picture.size != target:
                picture = picture.resize(target, Image.Resampling.LANCZOS)
            out = io.BytesIO()
            extra: dict[str, Any] = {"icc_profile": icc} if icc else {}
            if fmt == "JPEG":
                if picture.mode not in ("RGB", "L", "CMYK"):
                    picture = picture.convert("RGB")
                picture.save(out, format="JPEG", quality=_JPEG_QUALITY, optimize=True, **extra)
            elif fmt == "WEBP":
                picture.save(out, format="WEBP", quality=_JPEG_QUALITY, method=4, **extra)
            else:
                picture.save(out, format="PNG", optimize=True, **extra)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return image  # vetted, but not decodable in full: the writer shows it as it is
    data = out.getvalue()
    if len(data) >= len(image.data) and (scale == 1.0 or not large):
        # Flat-colour charts can compress better at full size than smoothed: the point
        # of downscaling is weight, so the lighter file wins.
        data = image.data
    notes = image.notes
    if large:
        # The same words for every output, so the build reports the image once.
        made = ("downscaled" if scale < 1.0 else "recompressed" if data is not image.data
                else "kept as it is")
        notes = (*notes, f"original of {_megabytes(len(image.data))} ({width}x{height} "
                         f"pixels), over {_megabytes(LARGE_ORIGINAL)}: {made}")
    return Vetted(data, image.media_type, notes)


# --------------------------------------------------------------------------- SVG


def _local_name(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _parse_svg(data: bytes) -> Any:
    from lxml import etree

    if len(data) > MAX_SVG_BYTES:
        raise ImageRefused(f"SVG of {len(data)} bytes, more than {MAX_SVG_BYTES}")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ImageRefused(f"SVG is not well-formed XML ({error})") from None
    if _local_name(root.tag) != "svg":
        raise ImageRefused("not an SVG document")
    return root


def _clean_element(element: Any, notes: set[str]) -> None:
    for name in list(element.attrib):
        value = element.attrib[name]
        local = _local_name(name).lower()
        if local.startswith("on"):
            del element.attrib[name]
            notes.add("event handlers")
        elif local == "href":
            if not value.strip().startswith("#"):
                del element.attrib[name]
                notes.add("external or data: references")
        elif _URL_FUNCTION.search(value) or _IMPORT.search(value):
            element.attrib[name] = _IMPORT.sub("", _URL_FUNCTION.sub("none", value))
            notes.add("external or data: references")
    if _local_name(element.tag) == "style" and element.text:
        text = _IMPORT.sub("", _URL_FUNCTION.sub("none", element.text))
        if text != element.text:
            element.text = text
            notes.add("external or data: references")


def _expanded_size(root: Any) -> int:
    """Elements of ``root`` once every ``<use>`` is replaced by what it references; a
    reference cycle counts as infinitely many."""
    by_id = {el.get("id"): el for el in root.iter() if el.get("id") is not None}
    sizes: dict[Any, int] = {}
    busy: set[Any] = set()

    def size(element: Any) -> int:
        if element in sizes:
            return sizes[element]
        if element in busy:
            raise ImageRefused("SVG <use> references form a cycle")
        busy.add(element)
        total = 1
        if _local_name(element.tag) == "use":
            href = element.get("href") or element.get(_XLINK_HREF) or ""
            target = by_id.get(href.strip()[1:]) if href.strip().startswith("#") else None
            if target is not None:
                total += size(target)
        for child in element:
            total += size(child)
            if total > MAX_SVG_ELEMENTS:
                break
        busy.discard(element)
        sizes[element] = total
        return total

    try:
        return size(root)
    except RecursionError:
        raise ImageRefused("SVG is nested too deeply") from None


def sanitize_svg(data: bytes) -> tuple[bytes, tuple[str, ...]]:
    """``data`` without scripts, event handlers, embedded documents, animation, links and
    references to anything but its own elements (no files, no ``data:``, no network).

    :returns: the cleaned SVG and what was removed (for a warning).
    :raises ImageRefused: not well-formed, or more than :data:`MAX_SVG_ELEMENTS` elements
        once ``<use>`` references are expanded (exponential fan-out), or a reference cycle.
    """
    from lxml import etree

    root = _parse_svg(data)
    notes: set[str] = set()
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        if _local_name(element.tag) in _REMOVED_ELEMENTS:
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
                notes.add(f"<{_local_name(element.tag)}> elements")
            continue
        _clean_element(element, notes)
        if _local_name(element.tag) in ("image", "feImage") and element.get("href") is None \
                and element.get(_XLINK_HREF) is None and element.getparent() is not None:
            # Nothing left to draw; WeasyPrint would log an AttributeError loading "None".
            element.getparent().remove(element)
    expanded = _expanded_size(root)
    if expanded > MAX_SVG_ELEMENTS:
        raise ImageRefused(f"SVG expands to more than {MAX_SVG_ELEMENTS} elements through "
                           "<use> references")
    clean = etree.tostring(root, encoding="utf-8", xml_declaration=True)
    return clean, tuple(f"removed {note} from SVG" for note in sorted(notes))
