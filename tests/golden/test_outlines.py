"""Every case-named fixture with a sibling ``<case>.outline.json`` reads to exactly that outline.

The cases live in ``tests/fixtures/**`` (``<case>.txt``, ``.md`` or ``.html``); the golden is the
corpus outline format (``shared/corpus/README.md``). After a deliberate reader change, refresh
with ``pytest tests/golden --update-golden`` and review the diff before committing.
"""

from __future__ import annotations

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


@pytest.mark.parametrize("source", CASES, ids=[str(p.relative_to(FIXTURES)) for p in CASES])
def test_outline_matches_golden(source: Path, update_golden: bool) -> None:
    outline = to_outline_json(readers.load(source))
    golden = _golden_path(source)
    if update_golden:
        golden.write_text(_dump(outline), encoding="utf-8")
        pytest.skip("golden rewritten")
    assert outline == json.loads(golden.read_text(encoding="utf-8"))
