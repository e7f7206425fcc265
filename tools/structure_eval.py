"""Measure the structure model on a split of the labelled corpus.

    python -m tools.structure_eval test        # the held-out figure quoted in the README
    python -m tools.structure_eval dev -v      # every miss, with its decisions

Splits: ``train`` and ``dev`` (publishers assigned by hash; both used for fitting), ``test``
(articles written after the model was designed, for publishers in no other split; never used
for fitting or model selection), ``fixtures`` (the seed and the reader's reviewed fixtures).

An article is *exact* when its outline (publisher, title, lead, every heading, its level and
paragraph count) equals the golden; ``lang`` is reported apart (it measures the language
detector, not the structure). A wrong article is *flagged* when at least one of its wrong
decisions is marked uncertain (what ``inspect`` shows with ``?`` and ``build`` warns about), and
*silent* otherwise.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lighthouse_docs.model import SourceInfo
from lighthouse_docs.outline import to_outline_json
from lighthouse_docs.readers import structure, text

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "corpus"


@dataclass
class Case:
    name: str
    path: Path
    text: str
    golden: dict[str, Any]
    labels: dict[int, str]
    authors: list[str]


FIXTURES = CORPUS.parent / "text"
SEED = (CORPUS.parents[2] / "sources" / "korut-rusia.txt",
        CORPUS.parent / "korut-rusia.outline.json")


def labels_from_outline(text: str, golden: dict[str, Any]) -> dict[int, str]:
    """Line labels for an article whose golden outline was reviewed but not line-labelled:
    each heading claims the first unclaimed line with its text."""
    wanted: list[tuple[str, int]] = []

    def walk(sections: list[dict[str, Any]]) -> None:
        for section in sections:
            wanted.append((section["heading"], section["level"]))
            walk(section["children"])
    walk(golden["sections"])
    labels: dict[int, str] = {}
    lines = [line.strip().lstrip("#").strip() for line in text.split("\n")]
    start = 1
    for heading, level in wanted:
        for number in range(start, len(lines)):
            if lines[number] == heading:
                labels[number + 1] = f"h{level}"
                start = number + 1
                break
    for number, line in enumerate(lines, 1):
        if number > 1 and line and number not in labels:
            labels[number] = "prose"
    return labels


def reviewed_fixtures() -> list[Case]:
    """The seed article and the reader's hand-checked text fixtures: training data too."""
    pairs = [SEED, *((p, p.with_suffix(".outline.json")) for p in sorted(FIXTURES.glob("*.txt")))]
    cases = []
    for path, outline in pairs:
        text = path.read_text(encoding="utf-8")
        golden = json.loads(outline.read_text(encoding="utf-8"))
        cases.append(Case(name=path.stem, path=path, text=text, golden=golden,
                          labels=labels_from_outline(text, golden), authors=[]))
    return cases


def load_split(split: str) -> list[Case]:
    if split == "fixtures":
        return reviewed_fixtures()
    cases = []
    for path in sorted((CORPUS / split).glob("*.txt")):
        extra = json.loads(path.with_suffix(".extra.json").read_text(encoding="utf-8"))
        cases.append(Case(
            name=path.stem, path=path, text=path.read_text(encoding="utf-8"),
            golden=json.loads(path.with_suffix(".outline.json").read_text(encoding="utf-8")),
            labels={int(k): v for k, v in extra["labels"].items()},
            authors=extra["authors"]))
    return cases


def run(case: Case, model: structure.StructureModel | None = None
        ) -> tuple[dict[str, Any], structure.Analysis]:
    source = SourceInfo(path=str(case.path), format="text")
    doc, analysis = text.explain(case.text, source, model=model)
    return to_outline_json(doc), analysis


def same_outline(got: dict[str, Any], want: dict[str, Any]) -> bool:
    keys = ("publisher", "title", "lead_starts_with", "lead_paragraphs", "sections")
    return all(got.get(k) == want.get(k) for k in keys)


def gold_role(label: str | None) -> str:
    return label if label in ("h2", "h3") else "prose"


@dataclass
class Result:
    name: str
    exact: bool
    flagged: bool
    wrong: list[str]
    promoted: int
    missed: int
    lang_ok: bool


def evaluate(case: Case, model: structure.StructureModel | None = None) -> Result:
    got, analysis = run(case, model)
    exact = same_outline(got, case.golden)
    wrong: list[str] = []
    flagged = False
    promoted = missed = 0
    decided = {d.line: d for d in analysis.decisions}
    for line, label in case.labels.items():
        d = decided.get(line)
        want = gold_role(label)
        have = d.label if d is not None else "prose"
        if want == have:
            continue
        if want == "prose":
            promoted += 1
        elif have == "prose":
            missed += 1
        mark = "?" if d is not None and d.uncertain else " "
        flagged = flagged or mark == "?"
        wrong.append(f"  {mark} line {line}: {have} (want {want}) "
                     f"{(d.text if d else case.text.splitlines()[line - 1])[:70]!r}")
    line_one = ("publisher", "title", "lead_starts_with")
    if analysis.site_doubt and any(got.get(k) != case.golden.get(k) for k in line_one):
        flagged = True
        wrong.append(f"  ? line 1: {analysis.site_doubt}")
    if not exact and not wrong:
        wrong.append("  (outline differs outside the headings: title, lead or counts)")
    return Result(case.name, exact, flagged, wrong, promoted, missed,
                  got.get("lang") == case.golden.get("lang"))


def report(split: str, verbose: bool = False) -> dict[str, Any]:
    cases = load_split(split)
    results = [evaluate(c) for c in cases]
    exact = sum(r.exact for r in results)
    flagged = sum(not r.exact and r.flagged for r in results)
    silent = sum(not r.exact and not r.flagged for r in results)
    promoted = sum(r.promoted > 0 for r in results)
    uncertain = 0
    decisions = 0
    for c in cases:
        _, analysis = run(c)
        decisions += len(analysis.decisions)
        uncertain += sum(d.uncertain for d in analysis.decisions)
    figures = {
        "split": split, "articles": len(results), "exact": exact,
        "exact_rate": round(exact / len(results), 3) if results else 0.0,
        "wrong_flagged": flagged, "wrong_silent": silent,
        "articles_with_prose_promoted": promoted,
        "lang_agrees": sum(r.lang_ok for r in results),
        "uncertain_decisions": uncertain, "decisions": decisions,
    }
    for r in results:
        if verbose and (not r.exact or r.wrong):
            state = "EXACT" if r.exact else "FLAGGED" if r.flagged else "SILENT"
            print(f"{state} {r.name}")
            print("\n".join(r.wrong))
    return figures


def main(argv: list[str]) -> int:
    split = argv[0] if argv and not argv[0].startswith("-") else "test"
    figures = report(split, verbose="-v" in argv)
    print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
