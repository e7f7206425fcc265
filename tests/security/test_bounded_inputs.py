"""Small hostile inputs must not hang, eat memory or crash the batch (issue 16, item 3).

Work is counted, not timed: the sentence splitter's regexes are wrapped in counters of the
characters they are handed, and must stay linear in the input whatever tokens it holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from lighthouse_docs import brief
from lighthouse_docs.errors import InputError
from lighthouse_docs.readers._common import split_front_matter

BOMB = """---
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---
Text.
"""


def test_yaml_alias_bomb_is_one_clear_error() -> None:
    assert len(BOMB.encode()) < 600
    with pytest.raises(InputError, match=r"bomb\.md:3: front matter: aliases"):
        split_front_matter(BOMB, "bomb.md")


def test_anchors_without_aliases_still_read() -> None:
    assert split_front_matter("---\ntitle: &t A\n---\nx\n", "a.md").data == {"title": "A"}


class _Counting:
    """A compiled pattern that adds up how many characters each call may look at."""

    def __init__(self, pattern: re.Pattern[str], counter: list[int]) -> None:
        self.pattern, self.counter = pattern, counter

    def _count(self, text: str, pos: int = 0, endpos: int | None = None) -> None:
        self.counter[0] += (len(text) if endpos is None else min(endpos, len(text))) - pos

    def finditer(self, text: str, *args: Any) -> Iterator[re.Match[str]]:
        self._count(text, *args)
        return self.pattern.finditer(text, *args)

    def match(self, text: str, *args: Any) -> re.Match[str] | None:
        self._count(text, *args)
        return self.pattern.match(text, *args)

    def search(self, text: str, *args: Any) -> re.Match[str] | None:
        self._count(text, *args)
        return self.pattern.search(text, *args)


def _steps(monkeypatch: pytest.MonkeyPatch, text: str) -> int:
    counter = [0]
    for name, value in list(vars(brief).items()):
        if isinstance(value, re.Pattern):
            monkeypatch.setattr(brief, name, _Counting(value, counter))
    brief.split_sentences(text)
    monkeypatch.undo()
    return counter[0]


ADVERSARIAL = {
    "long token, then initials": "x" * 40_000 + " " + " ".join("A." for _ in range(2_000)),
    "initials only": " ".join("J." for _ in range(20_000)),
    "abbreviations": " ".join("Dr. Mr. U.S. No. 5" for _ in range(4_000)),
    "punctuation run": "Word" + "." * 40_000 + " Next.",
    "dots between letters": ".".join("a" for _ in range(20_000)) + ". End.",
}


@pytest.mark.parametrize("text", list(ADVERSARIAL.values()), ids=list(ADVERSARIAL))
def test_sentence_splitter_work_is_linear(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    small, large = _steps(monkeypatch, text), _steps(monkeypatch, text * 4)
    # Linear: four times the text, about four times the characters handed to the regexes
    # (the old splitter handed each initial the whole sentence so far: 80 million here).
    assert large <= 5 * max(small, 1)
    assert large <= 50 * len(text * 4)  # a bounded look-ahead per sentence end


def test_sentence_splitter_still_splits_adversarial_text() -> None:
    text = "x" * 5_000 + " J. Smith came. The end."
    assert brief.split_sentences(text) == ["x" * 5_000 + " J. Smith came.", "The end."]
