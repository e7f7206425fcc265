"""Every case-named fixture with a sibling ``<case>.outline.json`` reads to exactly that outline.

The cases live in ``tests/fixtures/**`` (``<case>.txt``, ``.md`` or ``.html``); the golden is the
corpus outline format (``shared/corpus/README.md``). After a deliberate reader change, refresh
with ``pytest tests/golden --update-golden``: each rewritten golden fails with its diff, to
review before committing (an unchanged one passes and is not touched).
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import pytest

from lighthouse_docs import readers
from lighthouse_docs.outline import to_outline_json

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SUFFIXES = (".txt", ".md", ".html")


def _cases() -> list[Path]:
    # The structure corpus is measured by tests/readers/test_structure.py, not held to
    # exactness one article at a time.
    sources = [p for p in sorted(FIXTURES.rglob("*")) if p.suffix in SUFFIXES and p.is_file()
               and "corpus" not in p.relative_to(FIXTURES).parts]
    return [p for p in sources if p.with_suffix(".outline.json").is_file()]


CASES = _cases()


def _golden_path(source: Path) -> Path:
    return source.with_suffix(".outline.json")


def _dump(outline: dict[str, Any]) -> str:
    return json.dumps(outline, ensure_ascii=False, indent=2) + "\n"


def test_there_are_cases_for_the_text_reader() -> None:
    assert sum(p.suffix == ".txt" for p in CASES) >= 15


KNOWN_MISSES: dict[str, str] = {}
"""Goldens the reader does not meet yet: pinned so that a fix shows up as an XPASS failure."""


def _param(source: Path) -> Any:
    name = str(source.relative_to(FIXTURES))
    marks = ([pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[name])]
             if name in KNOWN_MISSES else [])
    return pytest.param(source, id=name, marks=marks)


@pytest.mark.parametrize("source", [_param(p) for p in CASES])
def test_outline_matches_golden(source: Path, update_golden: bool) -> None:
    outline = to_outline_json(readers.load(source))
    golden = _golden_path(source)
    if update_golden:
        update(golden, _dump(outline))
    assert outline == json.loads(golden.read_text(encoding="utf-8"))


def update(golden: Path, text: str) -> None:
    """Rewrite ``golden`` with ``text`` only together with the diff, shown as a failure: a
    golden is an expectation a person reviews, never silently regenerated. An unchanged golden
    is left alone (and the test passes)."""
    old = golden.read_text(encoding="utf-8") if golden.is_file() else ""
    if old == text:
        return
    diff = "".join(difflib.unified_diff(old.splitlines(keepends=True),
                                        text.splitlines(keepends=True),
                                        f"{golden.name} (checked in)", f"{golden.name} (new)"))
    golden.write_text(text, encoding="utf-8")
    pytest.fail(f"golden rewritten; review this diff before committing:\n{diff}",
                pytrace=False)


def test_update_shows_the_diff_and_leaves_unchanged_goldens_alone(tmp_path: Path) -> None:
    golden = tmp_path / "case.outline.json"
    golden.write_text('{\n  "title": "Old"\n}\n', encoding="utf-8")
    before = golden.stat().st_mtime_ns
    update(golden, '{\n  "title": "Old"\n}\n')
    assert golden.stat().st_mtime_ns == before
    with pytest.raises(pytest.fail.Exception) as failed:
        update(golden, '{\n  "title": "New"\n}\n')
    assert '-  "title": "Old"' in str(failed.value) and '+  "title": "New"' in str(failed.value)
    assert "New" in golden.read_text(encoding="utf-8")
