"""Project configuration: ``lighthouse.toml`` (or ``[tool.lighthouse-docs]`` in ``pyproject.toml``).

:func:`load_settings` reads the file once and validates every key and value, so that a typo is
reported with the file and key before anything is built. The command line overrides the result
through the same validators (:func:`apply`); nothing else reads configuration.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from .errors import ConfigError
from .limits import DEFAULT_MEMORY_MB, DEFAULT_SECONDS

CONFIG_FILE = "lighthouse.toml"
PYPROJECT_FILE = "pyproject.toml"
PYPROJECT_TABLE = "lighthouse-docs"

Paper = Literal["a4", "letter"]
PAPERS: tuple[Paper, ...] = ("a4", "letter")
FORMATS: tuple[str, ...] = ("pdf", "epub", "html")
"""Every output format, in the order outputs are listed."""
DEFAULT_FORMATS: tuple[str, ...] = ("pdf", "epub")
KeyPointsMode = Literal["auto", "author", "off"]
"""Where a brief's key points come from (``brief.choose_key_points``): the author's (front
matter ``key_points``, else ``summary``), else extracted (``auto``); the author's only
(``author``); none (``off``, spelled ``false`` in the project file)."""

# WeasyPrint 70's ``weasyprint.pdf.VARIANTS``, spelled out so that reading a configuration never
# imports WeasyPrint (a build with nothing to do must stay fast).
PDF_VARIANTS: tuple[str, ...] = (
    "pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u", "pdf/a-1a",
    "pdf/a-2a", "pdf/a-3a", "pdf/a-4e", "pdf/a-4f", "pdf/ua-1", "pdf/ua-2", "pdf/x-1a",
    "pdf/x-3", "pdf/x-4", "pdf/x-5g",
)
PLAIN_PDF = "none"
"""The ``pdf_variant`` value that asks for a plain (untagged) PDF."""


NotesPlacement = Literal["end", "foot"]
LinksInPrint = Literal["inline", "notes", "hidden"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CoverLogo:
    """The organisation's logo for the cover, read and vetted when the settings are loaded."""

    data: bytes = field(repr=False)
    media_type: str
    digest: str
    """sha256 of ``data`` (what the incremental build compares)."""

    @property
    def data_uri(self) -> str:
        """The logo as a ``data:`` URI: the print HTML, the HTML preview and the EPUB title
        page embed it without a file of their own."""
        import base64

        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Presentation:
    """How a brief presents itself beyond its text: notes, printed links and the cover's
    institutional details (all from the project file)."""

    notes: NotesPlacement = "end"
    """PDF notes at the end of each article, or at the foot of the page that calls them."""
    links: LinksInPrint = "inline"
    """How the PDF shows an outside link's address to paper readers: after the link text,
    as a numbered note, or not at all (EPUB and HTML keep plain links)."""
    organisation: str | None = None
    """The organisation issuing the brief, at the top of the cover."""
    reference: str | None = None
    """A reference number printed on the cover."""
    version: str | None = None
    prepared_for: str | None = None
    """Who the brief is for ("Minister of Energy")."""
    date: dt.date | None = None
    """The date of a combined brief (default: the build date)."""
    pack_language: str | None = None
    """The language of a combined brief's own title page, labels and page numbers (the
    articles keep theirs); None = ``language`` if set, else the language of most of its
    articles."""
    logo: CoverLogo | None = None
    """An image on the cover, above the organisation (``logo = "path"``, relative to the
    project file)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Build defaults: built-in, overridden by the project file, then by the command line."""

    paper: Paper = "a4"
    style: str | None = None
    """Theme name or folder (``theme.resolve_theme``); None = the default theme."""
    lang: str | None = None
    """Language tag forced on every source; None = detect."""
    marking: str | None = None
    """Handling marking printed on every page, overriding the sources' own."""
    markings: tuple[str, ...] = ()
    """The project's handling markings, lowest first: a combined brief carries the highest
    of its articles'; a source marked with anything else fails. Empty = no order known (a
    pack then lists every distinct marking)."""
    output: Path = Path("output")
    """Output folder; relative paths are relative to the project root."""
    formats: tuple[str, ...] = DEFAULT_FORMATS
    jobs: int | None = None
    """Worker processes; None = the number of CPUs."""
    key_points: KeyPointsMode = "auto"
    pdf_variant: str | None = "pdf/ua-1"
    image_max_side: int = 1600
    """Longest side in pixels of images in the EPUB and HTML (they are downscaled to it)."""
    image_dpi: int = 300
    """Resolution of images in the PDF at the largest size they print (downscaled to it)."""
    time_limit: float | None = DEFAULT_SECONDS
    """Wall-clock seconds one source may take to parse and render; None = no limit."""
    memory_limit: int | None = DEFAULT_MEMORY_MB
    """MiB of address space the process building one source may use; None = no limit."""
    output_names: Literal["source", "title"] = "source"
    """Output base names: the source file's (``sources/x.txt`` -> ``output/x.pdf``), or the
    document title's (``title``)."""
    presentation: Presentation = field(default_factory=Presentation)
    file: Path | None = None
    """The configuration file these settings came from, if any (for messages)."""


def _expect_str(value: object, file: Path | None, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"expected a non-empty string, got {value!r}", file=file, key=key)
    return value.strip()


def _paper(value: object, file: Path | None, key: str) -> Paper:
    text = _expect_str(value, file, key).lower()
    for paper in PAPERS:
        if text == paper:
            return paper
    raise ConfigError(f"expected one of {', '.join(PAPERS)}, got {value!r}", file=file, key=key)


def _formats(value: object, file: Path | None, key: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise ConfigError(f"expected a non-empty list of formats ({', '.join(FORMATS)})",
                          file=file, key=key)
    wanted: set[str] = set()
    for item in items:
        if not isinstance(item, str) or item.lower() not in FORMATS:
            raise ConfigError(f"unknown format {item!r}; expected {', '.join(FORMATS)}",
                              file=file, key=key)
        wanted.add(item.lower())
    return normalize_formats(wanted)


def _jobs(value: object, file: Path | None, key: str) -> int | None:
    if value == "auto":
        return None
    # bool is an int subclass: `jobs = true` must not mean one job.
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"expected a positive integer or \"auto\", got {value!r}",
                          file=file, key=key)
    return value


def parse_time_limit(value: object, file: Path | None = None,
                     key: str = "time_limit") -> float | None:
    """Seconds (a positive number), or None for ``"none"`` (no limit).

    :raises ConfigError: anything else.
    """
    if isinstance(value, str) and value.strip().lower() == "none":
        return None
    try:
        seconds = float(value) if isinstance(value, int | float | str) and \
            not isinstance(value, bool) else -1.0
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 86400:
        raise ConfigError(f"expected seconds, more than 0 and at most 86400, or \"none\", "
                          f"got {value!r}", file=file, key=key)
    return seconds


_MEMORY_UNITS = {"": 1, "m": 1, "mb": 1, "mib": 1, "g": 1024, "gb": 1024, "gib": 1024}


def parse_memory_limit(value: object, file: Path | None = None,
                       key: str = "memory_limit") -> int | None:
    """MiB (a positive integer, or a string such as ``"2GB"``/``"512MB"``), or None for
    ``"none"`` (no limit).

    :raises ConfigError: anything else, or less than 256 MiB (too little to render anything).
    """
    megabytes = -1
    if isinstance(value, int) and not isinstance(value, bool):
        megabytes = value
    elif isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        if text == "none":
            return None
        number = text.rstrip("abgimt")
        unit = text[len(number):]
        if number.isdigit() and unit in _MEMORY_UNITS:
            megabytes = int(number) * _MEMORY_UNITS[unit]
    if not 256 <= megabytes <= 1024 * 1024:
        raise ConfigError(f"expected MiB (256 or more) such as 2048 or \"2GB\", or \"none\", "
                          f"got {value!r}", file=file, key=key)
    return megabytes


def _bool(value: object, file: Path | None, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"expected true or false, got {value!r}", file=file, key=key)
    return value


def _key_points(value: object, file: Path | None, key: str) -> KeyPointsMode:
    # true/false as well: the switch this key was before it named a source (and --key-points).
    if value is True or value == "auto":
        return "auto"
    if value is False or value == "off":
        return "off"
    if value == "author":
        return "author"
    raise ConfigError(f'expected "auto", "author" or false, got {value!r}', file=file, key=key)


def _notes(value: object, file: Path | None, key: str) -> NotesPlacement:
    text = _expect_str(value, file, key).lower()
    if text == "foot":
        return "foot"
    if text != "end":
        raise ConfigError(f'expected "end" or "foot", got {value!r}', file=file, key=key)
    return "end"


def _links(value: object, file: Path | None, key: str) -> LinksInPrint:
    text = _expect_str(value, file, key).lower()
    for choice in ("inline", "notes", "hidden"):
        if text == choice:
            return choice
    raise ConfigError(f'expected "inline", "notes" or "hidden", got {value!r}', file=file,
                      key=key)


def _date(value: object, file: Path | None, key: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_expect_str(value, file, key))
    except ValueError:
        raise ConfigError(f"expected a date such as 2026-01-31, got {value!r}", file=file,
                          key=key) from None


def _logo(value: object, file: Path | None, key: str) -> CoverLogo:
    """The logo file named by ``value`` (relative to the project file's folder, and inside
    it), read and vetted like any image of an article."""
    import hashlib

    from .errors import ResourceError
    from .images import ImageRefused, vet
    from .writers.resources import read_confined

    root = file.parent if file is not None else Path.cwd()
    path = Path(_expect_str(value, file, key))
    try:
        vetted = vet(read_confined(root / path, (root,), what="logo"), core_only=True)
    except ResourceError as exc:
        raise ConfigError(str(exc), file=file, key=key) from None
    except ImageRefused as exc:
        raise ConfigError(f"logo {str(path)!r} is not a usable image: {exc}", file=file,
                          key=key) from None
    return CoverLogo(data=vetted.data, media_type=vetted.media_type,
                     digest=hashlib.sha256(vetted.data).hexdigest())


def _pdf_variant(value: object, file: Path | None, key: str) -> str | None:
    return parse_pdf_variant(_expect_str(value, file, key), file=file, key=key)


def _output(value: object, file: Path | None, key: str) -> Path:
    text = _expect_str(value, file, key)
    if "\0" in text:
        raise ConfigError("expected a folder path, got one with a NUL character", file=file,
                          key=key)
    return Path(text).expanduser()


OUTPUT_NAMES: tuple[str, ...] = ("source", "title")


def _output_names(value: object, file: Path | None, key: str) -> Literal["source", "title"]:
    text = _expect_str(value, file, key).lower()
    if text == "title":
        return "title"
    if text != "source":
        raise ConfigError(f"expected one of {', '.join(OUTPUT_NAMES)}, got {value!r}",
                          file=file, key=key)
    return "source"


def _language(value: object, file: Path | None, key: str) -> str:
    """A BCP 47 tag, validated and normalised with langcodes (``en_US`` -> ``en-US``)."""
    from .lang import describe_invalid, normalize_tag

    text = _expect_str(value, file, key)
    tag = normalize_tag(text)
    if tag is None:
        raise ConfigError(describe_invalid(text), file=file, key=key)
    return tag


def _int_between(low: int, high: int) -> Callable[[object, Path | None, str], int]:
    def validate(value: object, file: Path | None, key: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(f"expected a whole number from {low} to {high}, got {value!r}",
                              file=file, key=key)
        return value

    return validate


def _markings(value: object, file: Path | None, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError("expected a non-empty list of markings, lowest first", file=file,
                          key=key)
    items = tuple(_expect_str(item, file, key) for item in value)
    if len({i.casefold() for i in items}) != len(items):
        raise ConfigError("a marking is listed twice", file=file, key=key)
    return items


_T = TypeVar("_T")
Validator = Callable[[object, "Path | None", str], _T]

KNOWN_KEYS: tuple[str, ...] = ("paper", "style", "language", "marking", "markings", "output",
                               "formats", "jobs", "key_points", "pdf_variant", "output_names",
                               "time_limit", "memory_limit", "notes", "links", "organisation",
                               "reference", "version", "prepared_for", "date", "logo",
                               "image_max_side", "image_dpi", "pack_language")
"""The one list of what a project file (or the command line, through :func:`apply`) may set."""


def apply(base: Settings, table: Mapping[str, object], *, file: Path | None = None,
          names: Mapping[str, str] | None = None) -> Settings:
    """``base`` with the values of ``table`` (keys as a project file spells them) validated
    and applied. The project file and the command line both come through here.

    :param file: where ``table`` came from (messages name it; recorded as ``Settings.file``).
    :param names: how messages call each key (``{"paper": "--paper"}``); default: the key.
    :raises ConfigError: an unknown key or a bad value, naming the file and the key.
    """
    for key in table:
        if key not in KNOWN_KEYS:
            guess = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
            hint = f"did you mean {guess[0]!r}? " if guess else ""
            raise ConfigError(f"unknown key; {hint}expected one of {', '.join(KNOWN_KEYS)}",
                              file=file, key=(names or {}).get(key, key))

    def pick(key: str, validate: Validator[_T], current: _T) -> _T:
        if key not in table:
            return current
        return validate(table[key], file, (names or {}).get(key, key))

    settings = Settings(
        paper=pick("paper", _paper, base.paper),
        style=pick("style", _expect_str, base.style),
        lang=pick("language", _language, base.lang),
        marking=pick("marking", _expect_str, base.marking),
        markings=pick("markings", _markings, base.markings),
        output=pick("output", _output, base.output),
        formats=pick("formats", _formats, base.formats),
        jobs=pick("jobs", _jobs, base.jobs),
        key_points=pick("key_points", _key_points, base.key_points),
        pdf_variant=pick("pdf_variant", _pdf_variant, base.pdf_variant),
        image_max_side=pick("image_max_side", _int_between(64, 10000), base.image_max_side),
        image_dpi=pick("image_dpi", _int_between(72, 1200), base.image_dpi),
        time_limit=pick("time_limit", parse_time_limit, base.time_limit),
        memory_limit=pick("memory_limit", parse_memory_limit, base.memory_limit),
        output_names=pick("output_names", _output_names, base.output_names),
        presentation=Presentation(
            notes=pick("notes", _notes, base.presentation.notes),
            links=pick("links", _links, base.presentation.links),
            organisation=pick("organisation", _expect_str, base.presentation.organisation),
            reference=pick("reference", _expect_str, base.presentation.reference),
            version=pick("version", _expect_str, base.presentation.version),
            prepared_for=pick("prepared_for", _expect_str, base.presentation.prepared_for),
            date=pick("date", _date, base.presentation.date),
            pack_language=pick("pack_language", _language, base.presentation.pack_language),
            logo=pick("logo", _logo, base.presentation.logo)),
        file=file if file is not None else base.file,
    )
    if settings.marking and settings.markings and not any(
            m.casefold() == settings.marking.casefold() for m in settings.markings):
        key = "marking" if "marking" in table else "markings"
        raise ConfigError(f"marking {settings.marking!r} is not one of the configured markings "
                          f"({', '.join(settings.markings)})", file=file,
                          key=(names or {}).get(key, key))
    return settings


# Front matter key -> Metadata field. The one list of what a source's front matter may say
# (readers map values with it; ``checks`` warns about any other key, with a did-you-mean).
FRONT_MATTER_FIELDS: dict[str, str] = {
    "title": "title", "subtitle": "subtitle",
    "publisher": "publisher", "site": "publisher",
    "author": "authors", "authors": "authors",
    "date": "date", "lang": "lang", "language": "lang",
    "summary": "summary", "description": "summary", "abstract": "summary",
    "marking": "marking", "classification": "marking",
    "keywords": "keywords", "tags": "keywords",
    "key_points": "key_points", "key-points": "key_points",
    "url": "url", "source_url": "url", "source": "url",
}
MARKING_KEYS: tuple[str, ...] = tuple(k for k, f in FRONT_MATTER_FIELDS.items() if f == "marking")


def normalize_formats(formats: set[str] | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """``formats`` deduplicated, in the canonical order of :data:`FORMATS`."""
    return tuple(f for f in FORMATS if f in set(formats))


def parse_pdf_variant(value: str, *, file: Path | None = None,
                      key: str = "pdf_variant") -> str | None:
    """A WeasyPrint PDF variant name, or None for ``"none"`` (a plain PDF).

    :raises ConfigError: not a variant WeasyPrint 70 knows.
    """
    text = value.strip().lower()
    if text == PLAIN_PDF:
        return None
    if text not in PDF_VARIANTS:
        raise ConfigError(f"unknown PDF variant {value!r}; expected {PLAIN_PDF} or one of "
                          f"{', '.join(PDF_VARIANTS)}", file=file, key=key)
    return text


def settings_from_mapping(table: Mapping[str, object], file: Path,
                          prefix: str = "") -> Settings:
    """Validate one configuration table over the built-in defaults.

    :param prefix: how keys are named in messages (``tool.lighthouse-docs.`` for pyproject).
    :raises ConfigError: an unknown key or a bad value, naming the file and the key.
    """
    return apply(Settings(), table, file=file, names={k: f"{prefix}{k}" for k in table})


def _read_toml(path: Path) -> dict[str, Any]:
    # Through the one resource resolver: a configuration file that is a symlink leading out
    # of the project (a cloned repository may carry one) is refused, never read.
    from .errors import ResourceError
    from .writers.resources import read_confined

    try:
        data = read_confined(path, (path.parent,), what="configuration file")
        return tomllib.loads(data.decode("utf-8"))
    except ResourceError as exc:
        raise ConfigError(str(exc)) from None
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8 text (TOML files are UTF-8)", file=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML ({exc})", file=path) from None


def config_file(root: Path) -> Path | None:
    """The file the settings of the project at ``root`` come from, or None.

    ``lighthouse.toml`` wins over a ``[tool.lighthouse-docs]`` table in ``pyproject.toml``.
    """
    own = root / CONFIG_FILE
    if own.is_file():
        return own
    pyproject = root / PYPROJECT_FILE
    if pyproject.is_file():
        tool = _read_toml(pyproject).get("tool", {})
        if isinstance(tool, dict) and PYPROJECT_TABLE in tool:
            return pyproject
    return None


def load_settings(root: Path) -> Settings:
    """The settings of the project at ``root`` (built-in defaults when it has no configuration).

    Relative ``output`` folders are made absolute against ``root``.

    :raises ConfigError: unreadable or invalid TOML, an unknown key or a bad value.
    """
    path = config_file(root)
    if path is None:
        settings = Settings()
    elif path.name == CONFIG_FILE:
        settings = settings_from_mapping(_read_toml(path), path)
    else:
        table = _read_toml(path)["tool"][PYPROJECT_TABLE]
        if not isinstance(table, dict):
            raise ConfigError("expected a table", file=path, key=f"tool.{PYPROJECT_TABLE}")
        settings = settings_from_mapping(table, path, prefix=f"tool.{PYPROJECT_TABLE}.")
    if not settings.output.is_absolute():
        settings = dataclasses.replace(settings, output=root / settings.output)
    return settings
