"""Language tags: validated and normalised where they enter, and checked against the text.

Every tag a user or a document gives (``--lang``, ``language`` in the configuration, front
matter ``lang``, ``<html lang>``, a Word document's language) goes through
:func:`normalize_tag`, so ``en_US`` becomes ``en-US`` and ``klingon`` is refused before it can
reach an EPUB package (EPUBCheck rejects ill-formed ``dc:language``). The registry is the one
maintained by ``langcodes`` (IANA subtag registry), not a list of our own.

A page's or document's declared language is often the wrapper's, not the article's (a
site-wide ``<html lang="en">`` around Indonesian text): :func:`declared_or_detected` lets a
confident detection on the article's own text win over it, with a warning.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[_\s]+")

CONFIDENT_MIN_CHARS = 200
"""Detection on less text than this never overrides a declared language."""
CONFIDENT_MIN_PERCENT = 80
"""Share of the sample (CLD2's percentage) the top language must cover to be confident."""

# CLD2 still answers with a few codes that BCP 47 has since replaced.
_DEPRECATED_CODES = {"iw": "he", "jw": "jv", "in": "id", "ji": "yi"}


_CANONICAL = frozenset(
    "af am ar az be bg bn bs ca cs cy da de el en eo es et eu fa fi fil fr ga gl gu he hi hr hu "
    "hy id is it ja jv ka kk km kn ko ky lo lt lv mk ml mn mr ms mt my nb ne nl no pa pl ps pt "
    "ro ru si sk sl so sq sr sv sw ta te tg th tr uk ur uz vi xh yo zh zu "
    "en-GB en-US pt-BR pt-PT zh-Hans zh-Hant zh-CN zh-TW".split())
"""Tags that are registered and already in canonical form (tests/test_lang.py checks each
against ``langcodes``): :func:`normalize_tag` returns them as they are without importing
``langcodes``, whose registry takes ~0.05 s of CPU to load, in every process that parses a
source (its language is detected, then normalised)."""


def normalize_tag(value: str) -> str | None:
    """``value`` as a well-formed, registered BCP 47 tag in canonical case, else None.

    ``en_US`` -> ``en-US``, ``EN-gb`` -> ``en-GB``, ``in`` -> ``id``, ``eng`` -> ``en``;
    ``klingon``, ``english`` or ``""`` -> None. Callers turn None into their own error
    (usage, configuration or input error) or warning.
    """
    if value in _CANONICAL:
        return value
    import langcodes

    text = _SEPARATORS.sub("-", value.strip()).strip("-")
    if not text or len(text) > 64:
        return None
    try:
        tag = str(langcodes.standardize_tag(text))
    except ValueError:  # langcodes' LanguageTagError is one
        return None
    if not langcodes.tag_is_valid(tag):
        return None
    return tag


def describe_invalid(value: str) -> str:
    """The one message for a tag :func:`normalize_tag` refused."""
    return f"expected a language tag such as id, en, en-US or pt-BR (BCP 47), got {value!r}"


def primary(tag: str) -> str:
    """The primary language subtag of a normalised tag (``en-US`` -> ``en``)."""
    return tag.split("-", 1)[0].lower()


def detect_confident(text: str) -> str | None:
    """The language of ``text`` when CLD2 is sure of it, else None.

    Sure means: at least :data:`CONFIDENT_MIN_CHARS` characters, CLD2 calls the result
    reliable, and the top language covers :data:`CONFIDENT_MIN_PERCENT` percent of the text.
    """
    import pycld2

    sample = " ".join(text.split())[:20000]
    if len(sample) < CONFIDENT_MIN_CHARS:
        return None
    try:
        reliable, _, details = pycld2.detect(sample)
    except pycld2.error:
        return None
    code, percent = str(details[0][1]), int(details[0][2])
    if not reliable or code in ("un", "xx", "xxx") or percent < CONFIDENT_MIN_PERCENT:
        return None
    return normalize_tag(_DEPRECATED_CODES.get(code, code))


def declared_or_detected(declared: str | None, text: str, where: str
                         ) -> tuple[str | None, str | None]:
    """Choose between a document's declared language and a confident detection on its text.

    :param declared: the normalised tag the page or document declares, or None.
    :param where: how a warning names the source.
    :returns: ``(tag, warning)``: the declared tag when detection agrees on the primary
        language or is unsure; the detected tag (and a warning) when it confidently disagrees;
        ``(None, None)`` when nothing is declared (the caller detects as usual).
    """
    if declared is None:
        return None, None
    detected = detect_confident(text)
    if detected is None or primary(detected) == primary(declared):
        return declared, None
    return detected, (f"{where}: declares language {declared!r} but its text is in "
                      f"{detected!r}; using {detected!r} (--lang overrides both)")
