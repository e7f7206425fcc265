"""Which writing systems a document uses, and which installed fonts can draw them.

The default theme sets text in Source Serif/Sans Pro (pinned packages: Latin, Greek,
Cyrillic) and falls back to Noto families for Arabic, Hangul and Han when the machine has them
(``fonts-noto-core``, ``fonts-noto-cjk``). WeasyPrint draws a character no font has as an
empty box and says nothing: :func:`missing_by_script` finds such characters before rendering,
so a build reports them once per script (``checks.glyphs``) and ``lighthouse-docs doctor``
lists what the sources need.

Coverage is the union of the pinned fonts' character maps and of every font fontconfig knows
(``fc-list``, read once per process): a character any of them has is drawn, since Pango falls
back through all installed fonts after the theme's own list.
"""

from __future__ import annotations

import bisect
import hashlib
import marshal
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from functools import lru_cache
from pathlib import Path

from fontTools import unicodedata as ft_unicodedata

SKIPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
"""Characters nobody draws: controls, format characters (joiners, bidi marks), surrogates,
private use, unassigned, spaces and separators."""
SHARED_SCRIPTS = frozenset({"Zinh"})
"""Combining marks belong to the script of their base character: not counted on their own."""

PACKAGES: Mapping[str, str] = {
    "Arab": "fonts-noto-core", "Hebr": "fonts-noto-core", "Thai": "fonts-noto-core",
    "Deva": "fonts-noto-core", "Beng": "fonts-noto-core", "Taml": "fonts-noto-core",
    "Armn": "fonts-noto-core", "Geor": "fonts-noto-core", "Ethi": "fonts-noto-core",
    "Hang": "fonts-noto-cjk", "Hani": "fonts-noto-cjk", "Hira": "fonts-noto-cjk",
    "Kana": "fonts-noto-cjk", "Bopo": "fonts-noto-cjk", "Zyyy": "fonts-noto-color-emoji",
}
"""Debian package with a Noto font for a script (ISO 15924 code), for messages."""


def script_name(code: str) -> str:
    """Readable name of an ISO 15924 script code (``Hang`` -> ``Hangul``)."""
    if code == "Zyyy":
        return "symbols"
    return str(ft_unicodedata.script_name(code, default=code)).replace("_", " ")


def install_hint(code: str) -> str:
    """What to install for ``code`` on Debian, for a message."""
    package = PACKAGES.get(code)
    return f"install {package} or add a font (README: Styles)" if package else \
        "add a font that has it (README: Styles)"


def scripts_of(text: str) -> dict[str, str]:
    """Script code -> the distinct drawable characters of ``text`` in that script, in order of
    first appearance (spaces, controls and combining marks left out)."""
    found: dict[str, dict[str, None]] = {}
    for char in text:
        if unicodedata.category(char) in SKIPPED_CATEGORIES:
            continue
        code = str(ft_unicodedata.script(char))
        if code in SHARED_SCRIPTS:
            continue
        found.setdefault(code, {})[char] = None
    return {code: "".join(chars) for code, chars in found.items()}


def document_text(value: object) -> str:
    """Every string in a model value (document, pack, metadata), joined by newlines."""
    return "\n".join(_strings(value))


def _strings(value: object) -> Iterator[str]:
    stack: list[object] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            yield node
        elif isinstance(node, tuple | list):
            stack.extend(reversed(node))
        elif is_dataclass(node) and not isinstance(node, type):
            stack.extend(reversed([getattr(node, f.name) for f in fields(node)]))


@dataclass(frozen=True, slots=True)
class FontCoverage:
    """Characters the installed fonts can draw, per family and in all."""

    families: tuple[tuple[str, tuple[tuple[int, int], ...]], ...]
    """(family, sorted inclusive code point ranges) for every font known."""
    starts: tuple[int, ...]
    """The union of all ranges, merged: starts and matching ends."""
    ends: tuple[int, ...]

    @classmethod
    def of(cls, families: Iterable[tuple[str, tuple[tuple[int, int], ...]]]) -> FontCoverage:
        """The coverage of ``families`` ((family, ranges) pairs)."""
        listed = tuple(families)
        starts: list[int] = []
        ends: list[int] = []
        for start, end in sorted(r for _, ranges in listed for r in ranges):
            if starts and start <= ends[-1] + 1:
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)
        return cls(listed, tuple(starts), tuple(ends))

    def covers(self, char: str) -> bool:
        """Whether some font has ``char``."""
        point = ord(char)
        index = bisect.bisect_right(self.starts, point) - 1
        return index >= 0 and point <= self.ends[index]

    def has(self, family: str, char: str) -> bool:
        """Whether a font of ``family`` has ``char``."""
        point = ord(char)
        for name, ranges in self.families:
            if name != family:
                continue
            index = bisect.bisect_right([r[0] for r in ranges], point) - 1
            if index >= 0 and point <= ranges[index][1]:
                return True
        return False

    def families_for(self, chars: str) -> tuple[str, ...]:
        """Families that have the most characters of ``chars`` (all of them when some family
        has them all), the pinned fonts first, then in fontconfig's order; empty when no
        family has any."""
        points = [ord(c) for c in chars]
        scores: dict[str, int] = {}
        for family, ranges in self.families:
            starts = [r[0] for r in ranges]
            count = 0
            for point in points:
                index = bisect.bisect_right(starts, point) - 1
                if index >= 0 and point <= ranges[index][1]:
                    count += 1
            if count:
                scores[family] = max(scores.get(family, 0), count)
        if not scores:
            return ()
        best = max(scores.values())
        return tuple(f for f, n in scores.items() if n == best)


def parse_charset(text: str) -> tuple[tuple[int, int], ...]:
    """fontconfig's charset notation (``20-7e a0 ac00-d7a3``) as inclusive ranges."""
    ranges: list[tuple[int, int]] = []
    for item in text.split():
        low, _, high = item.partition("-")
        try:
            ranges.append((int(low, 16), int(high or low, 16)))
        except ValueError:
            continue
    return tuple(sorted(ranges))


def _cmap_ranges(points: Iterable[int]) -> tuple[tuple[int, int], ...]:
    ranges: list[tuple[int, int]] = []
    for point in sorted(points):
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return tuple(ranges)


def _pinned_fonts() -> Iterator[tuple[str, tuple[tuple[int, int], ...]]]:
    from fontTools.ttLib import TTFont

    for path, family in zip(_pinned_files(), ("Source Serif Pro", "Source Sans Pro"),
                            strict=True):
        with TTFont(path, lazy=True) as font:
            yield family, _cmap_ranges(font.getBestCmap())


@dataclass(frozen=True, slots=True)
class Face:
    """One installed font face, as fontconfig lists it."""

    family: str
    file: str
    index: int
    """The face's index in a collection (``.ttc``)."""
    weight: int
    """fontconfig's weight: 80 regular, 180 semibold, 200 bold."""
    italic: bool
    ranges: tuple[tuple[int, int], ...]
    """The code points it has, as sorted inclusive ranges."""

    def has(self, char: str) -> bool:
        """Whether the face has a glyph for ``char``."""
        point = ord(char)
        index = bisect.bisect_right(self.ranges, (point, 0x110000)) - 1
        return index >= 0 and point <= self.ranges[index][1]


def _number(text: str, default: int) -> int:
    """The first number of a fontconfig value (``200``, or ``[80 200]`` for a variable font)."""
    match = re.search(r"\d+", text)
    return int(match.group()) if match else default


@lru_cache(maxsize=1)
def _fc_listing() -> str:
    """What ``fc-list`` says of every face (run once per process); empty without
    fontconfig."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ""
    try:
        run = subprocess.run(
            [fc_list, "--format",
             "%{family[0]}\t%{file}\t%{index}\t%{weight}\t%{slant}\t%{charset}\n"],
            capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return run.stdout


@lru_cache(maxsize=1)
def system_faces() -> tuple[Face, ...]:
    """Every face fontconfig lists (``fc-list``, run once per process), in its order; empty
    without fontconfig."""
    faces = []
    for line in _fc_listing().splitlines():
        fields_ = line.split("\t")
        if len(fields_) != 6 or not fields_[0] or not fields_[5]:
            continue
        family, file, index, weight, slant, charset = fields_
        faces.append(Face(family=family, file=file, index=_number(index, 0),
                          weight=_number(weight, 80), italic=_number(slant, 0) > 0,
                          ranges=parse_charset(charset)))
    return tuple(faces)


def _system_fonts() -> Iterator[tuple[str, tuple[tuple[int, int], ...]]]:
    for face in system_faces():
        yield face.family, face.ranges


PINNED_FAMILIES = frozenset({"Source Serif Pro", "Source Sans Pro"})
"""The families of the pinned font packages (the text fonts, never a fallback)."""


@lru_cache(maxsize=16)
def fallback_faces(families: tuple[str, ...], *, weight: int, serif: bool
                   ) -> tuple[Face, ...]:
    """Installed faces to draw what the pinned fonts lack, best first, one per family (the
    upright face nearest ``weight``): the families of ``families`` (a theme's font stack, as
    :func:`theme_font_stacks` gives it) in order, then every other installed family, Noto's
    proportional ones first (its serif ones first when ``serif``), else in fontconfig's
    order -- the fallback the PDF's layout makes through fontconfig."""
    by_family: dict[str, list[Face]] = {}
    for face in system_faces():
        if face.family not in PINNED_FAMILIES:
            by_family.setdefault(face.family, []).append(face)

    def rank(family: str) -> int:
        if not family.startswith("Noto ") or " Mono" in family or "Emoji" in family:
            return 3
        return 1 if (" Serif" in family) == serif else 2

    wanted = [f for f in dict.fromkeys(families) if f in by_family]
    others = sorted((f for f in by_family if f not in wanted), key=rank)
    return tuple(min(by_family[family], key=lambda f: (f.italic, abs(f.weight - weight)))
                 for family in (*wanted, *others))


@lru_cache(maxsize=1)
def installed_coverage() -> FontCoverage:
    """The pinned fonts and every font fontconfig lists (read once per process).

    Computing it (the pinned fonts' character maps read with fontTools, fontconfig's
    charsets parsed and merged) took ~0.08 s of CPU in every build of one brief: it is kept
    in the ``font-coverage`` cache folder (:func:`lighthouse_docs.render.private_cache`)
    under a key made of ``fc-list``'s whole answer (which still runs, once per process) and
    the pinned font files' sizes and modification times, so an installed, removed or
    updated font gives another key and the coverage is computed afresh."""
    from .render import private_cache, store_in_cache

    folder = private_cache("font-coverage")
    file = None
    if folder is not None:
        try:
            file = folder / f"{_coverage_key(_fc_listing())}.marshal"
        except OSError:  # a pinned font that cannot be read: computed, as always
            file = None
    coverage = _cached_coverage(file) if file is not None else None
    if coverage is None:
        coverage = FontCoverage.of((*_pinned_fonts(), *_system_fonts()))
        if file is not None:
            store_in_cache(file, marshal.dumps(
                (_COVERAGE_FORMAT, coverage.families, coverage.starts, coverage.ends)))
    return coverage


@lru_cache(maxsize=16)
def font_file_points(path: Path) -> frozenset[int]:
    """The code points the font file ``path`` has glyphs for (its best character map).

    fontTools reads the map with every glyph's name (the ``post`` table): ~0.01 s per file,
    paid by every EPUB's cover for its four fonts. The points are kept, as ranges, in the
    ``font-coverage`` cache folder under the file's path, size and modification time."""
    from .render import private_cache, store_in_cache

    folder = private_cache("font-coverage")
    file = None
    if folder is not None:
        try:
            info = os.stat(path)
        except OSError:
            info = None
        if info is not None:
            key = f"{_COVERAGE_FORMAT}\0{sys.version}\0{path}\0{info.st_size}\0" \
                  f"{info.st_mtime_ns}"
            file = folder / f"cmap-{hashlib.sha256(key.encode()).hexdigest()[:40]}.marshal"
    if file is not None:
        try:
            ranges = marshal.loads(file.read_bytes())  # noqa: S302  # our private folder
            return frozenset(p for low, high in ranges for p in range(low, high + 1))
        except (OSError, EOFError, ValueError, TypeError):
            pass  # missing or damaged: read from the font
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        points = frozenset(font.getBestCmap())
    if file is not None:
        store_in_cache(file, marshal.dumps(_cmap_ranges(points)))
    return points


_COVERAGE_FORMAT = 1
"""Version of the cached coverage's layout (part of its key and of its content)."""


def _pinned_files() -> tuple[Path, ...]:
    from .writers.resources import font_dirs

    return tuple(folder / f"{family.replace(' ', '')}-Regular.ttf"
                 for folder, family in zip(font_dirs(), ("Source Serif Pro", "Source Sans Pro"),
                                           strict=True))


def _coverage_key(listing: str) -> str:
    """The cache key of the coverage of these fonts: the format, Python's version
    (``marshal``'s), ``fc-list``'s answer and each pinned file's path, size and mtime.

    :raises OSError: a pinned font file cannot be read.
    """
    digest = hashlib.sha256(f"{_COVERAGE_FORMAT}\0{sys.version}\0".encode())
    for path in _pinned_files():
        info = os.stat(path)
        digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    digest.update(listing.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:40]


def _cached_coverage(file: Path) -> FontCoverage | None:
    """The coverage kept in ``file``, or None (missing, damaged or of another layout)."""
    try:
        data = marshal.loads(file.read_bytes())  # noqa: S302  # our private folder (0700)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not (isinstance(data, tuple) and len(data) == 4 and data[0] == _COVERAGE_FORMAT
            and all(isinstance(part, tuple) for part in data[1:])
            and len(data[2]) == len(data[3])):
        return None
    return FontCoverage(data[1], data[2], data[3])


def missing_by_script(text: str, coverage: FontCoverage) -> dict[str, str]:
    """Script code -> the characters of ``text`` in it that no font can draw."""
    missing: dict[str, str] = {}
    for code, chars in scripts_of(text).items():
        lost = "".join(c for c in chars if not coverage.covers(c))
        if lost:
            missing[code] = lost
    return missing


@dataclass(frozen=True, slots=True, kw_only=True)
class ScriptUse:
    """One script of a set of sources, as ``doctor`` reports it."""

    code: str
    name: str
    sources: tuple[str, ...]
    """The sources that use it (as given)."""
    characters: int
    """Distinct characters of the script in all those sources."""
    families: tuple[str, ...]
    """Installed families with the most of those characters (those in :attr:`drawn`
    first)."""
    drawn: tuple[str, ...] = ()
    """The families the build draws them with (the theme's font stacks for the sources'
    languages); empty when unknown."""
    missing: str
    """The characters no installed font has."""


def _preferred(families: tuple[str, ...]) -> tuple[str, ...]:
    # The pinned fonts, then Noto's proportional families (the theme's fallbacks), then the
    # rest: the families a brief is most likely set in come first.
    def rank(family: str) -> int:
        if family.startswith("Source "):
            return 0
        return 1 if family.startswith("Noto ") and " Mono" not in family else 2

    return tuple(sorted(dict.fromkeys(families), key=rank))


def _drawn_by(chars: Iterable[str], stack: Sequence[str], coverage: FontCoverage
              ) -> list[str]:
    """The families of ``stack`` that draw ``chars``: for each character, the first family
    of the stack that has it (as the layout picks it), in order of first use."""
    used: dict[str, None] = {}
    for char in chars:
        for family in stack:
            if coverage.has(family, char):
                used.setdefault(family)
                break
    return list(used)


def script_report(texts: Mapping[str, str], coverage: FontCoverage,
                  stacks: Mapping[str, Sequence[Sequence[str]]] | None = None
                  ) -> tuple[ScriptUse, ...]:
    """Per script used in ``texts`` (source name -> its text): who uses it, which fonts have
    it and which characters none has; Latin first, then by name.

    With ``stacks`` (source name -> the theme's font stacks for its language, text and
    headings, see :func:`theme_font_stacks`), a script's families are first the ones the
    build draws it with, then the other installed families with most of its characters."""
    chars: dict[str, dict[str, None]] = {}
    users: dict[str, list[str]] = {}
    drawn: dict[str, dict[str, None]] = {}
    for source, text in texts.items():
        for code, used in scripts_of(text).items():
            chars.setdefault(code, {}).update(dict.fromkeys(used))
            users.setdefault(code, []).append(source)
            for stack in (stacks or {}).get(source, ()):
                drawn.setdefault(code, {}).update(
                    dict.fromkeys(_drawn_by(used, stack, coverage)))
    rows = []
    for code, distinct in chars.items():
        text = "".join(distinct)
        families = (*drawn.get(code, {}), *_preferred(coverage.families_for(text)))
        rows.append(ScriptUse(code=code, name=script_name(code), sources=tuple(users[code]),
                              characters=len(text), families=tuple(dict.fromkeys(families)),
                              drawn=tuple(drawn.get(code, {})),
                              missing="".join(c for c in text if not coverage.covers(c))))
    return tuple(sorted(rows, key=lambda r: (r.code != "Latn", r.code == "Zyyy", r.name)))


_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")
_STACK_VARIABLE = re.compile(r"--(serif|sans)\s*:\s*([^;}]+)")
_LANG_SELECTOR = re.compile(r"^:lang\(\s*([\w-]+)\s*\)$")
_GENERIC_FAMILIES = frozenset({"serif", "sans-serif", "monospace", "cursive", "fantasy",
                               "system-ui"})


def theme_font_stacks(css: str, lang: str) -> tuple[tuple[str, ...], ...]:
    """The font stacks a theme stylesheet ``css`` sets for text in ``lang``: its ``--serif``
    (text) and ``--sans`` (headings) variables, from ``:root`` and the ``:lang()`` rules that
    match ``lang`` (a later rule wins, as in the cascade), pinned web-font aliases named as
    installed (``LH Source Serif`` is Source Serif Pro), generic families left out. Empty
    when the stylesheet sets neither variable."""
    found: dict[str, tuple[str, ...]] = {}
    wanted = lang.lower()
    for selectors, body in _CSS_RULE.findall(_CSS_COMMENT.sub("", css)):
        applies = False
        for selector in (part.strip() for part in selectors.split(",")):
            match = _LANG_SELECTOR.match(selector)
            if selector == ":root" or (match is not None and (
                    wanted == match.group(1).lower()
                    or wanted.startswith(match.group(1).lower() + "-"))):
                applies = True
        if not applies:
            continue
        for variable, value in _STACK_VARIABLE.findall(body):
            found[variable] = tuple(
                name.strip().strip("\"'").strip() for name in value.split(","))
    aliases = {"LH Source Serif": "Source Serif Pro", "LH Source Sans": "Source Sans Pro"}
    return tuple(
        tuple(dict.fromkeys(aliases.get(name, name) for name in found[variable]
                            if name and name not in _GENERIC_FAMILIES))
        for variable in ("serif", "sans") if variable in found)


# --------------------------------------------------------------------------- web fonts

WEB_FACES: tuple[tuple[str, int, str, int, str], ...] = (
    ("LH Source Serif", 400, "normal", 0, "SourceSerifPro-Regular.ttf"),
    ("LH Source Serif", 400, "italic", 0, "SourceSerifPro-It.ttf"),
    ("LH Source Serif", 700, "normal", 0, "SourceSerifPro-Bold.ttf"),
    ("LH Source Serif", 700, "italic", 0, "SourceSerifPro-BoldIt.ttf"),
    ("LH Source Sans", 400, "normal", 1, "SourceSansPro-Regular.ttf"),
    ("LH Source Sans", 600, "normal", 1, "SourceSansPro-Semibold.ttf"),
    ("LH Source Sans", 700, "normal", 1, "SourceSansPro-Bold.ttf"),
)
"""The faces the HTML preview embeds: family, weight, style, package (0 serif, 1 sans), file."""
_ALWAYS = frozenset(range(0x20, 0x7F)) | frozenset(map(ord, "\u00a0\u2013\u2014\u2018\u2019"
                                                        "\u201c\u201d\u2026\u2022\u00b7"))


_SUBSET_OPTIONS: Mapping[str, object] = {
    "flavor": "woff2", "layout_features": ["*"], "name_IDs": ["*"], "name_languages": ["*"],
    "notdef_outline": True, "recalc_timestamp": False}
"""fontTools subsetter options of the web fonts (part of the cache key)."""


@lru_cache(maxsize=64)
def _woff2(face: int, unicodes: frozenset[int]) -> bytes:
    """Face ``face`` of :data:`WEB_FACES` subset to ``unicodes``, as WOFF2 bytes.

    Subsetting costs about 0.4 s of CPU per face (3 s per HTML preview), so the result is
    kept in the ``webfonts`` cache folder (:func:`lighthouse_docs.render.private_cache`),
    keyed by the font file's bytes, fontTools' version, the options, ``SOURCE_DATE_EPOCH``
    and the characters: a reproducible build gets the same bytes from there as made afresh.
    """
    import hashlib

    import fontTools

    from .render import private_cache, store_in_cache
    from .writers.resources import font_dirs

    _, _, _, package, name = WEB_FACES[face]
    path = font_dirs()[package] / name
    # fontTools stamps the subset with SOURCE_DATE_EPOCH when set (else with the time).
    key = hashlib.sha256(repr((fontTools.version, sorted(_SUBSET_OPTIONS.items()),
                               os.environ.get("SOURCE_DATE_EPOCH"), sorted(unicodes))).encode())
    key.update(path.read_bytes())
    folder = private_cache("webfonts")
    cached = None if folder is None else folder / f"{key.hexdigest()}.woff2"
    if cached is not None:
        try:
            data = cached.read_bytes()
        except OSError:
            pass
        else:
            if data.startswith(b"wOF2"):
                return data
    data = _subset(path, unicodes)
    if cached is not None:
        store_in_cache(cached, data)
    return data


def _subset(path: Path, unicodes: frozenset[int]) -> bytes:
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    for option, value in _SUBSET_OPTIONS.items():
        setattr(options, option, value)
    with TTFont(path, lazy=False) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=unicodes)
        subsetter.subset(font)
        font.flavor = "woff2"
        out = io.BytesIO()
        font.save(out)
    return out.getvalue()


def web_font_css(text: str) -> str:
    """``@font-face`` rules embedding the pinned fonts as WOFF2 ``data:`` URIs, subset to the
    characters of ``text`` (and ASCII and common punctuation), for the HTML preview."""
    import base64

    unicodes = _ALWAYS | frozenset(ord(c) for c in text)
    rules = []
    for index, (family, weight, style, _, _) in enumerate(WEB_FACES):
        data = base64.b64encode(_woff2(index, unicodes)).decode("ascii")
        rules.append(f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
                     f"font-style: {style}; font-display: swap; "
                     f'src: url("data:font/woff2;base64,{data}") format("woff2"); }}')
    return "\n".join(rules) + "\n"
