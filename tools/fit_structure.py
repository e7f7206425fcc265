"""Fit the structure model's two logistic regressions on the corpus's training split.

    python -m tools.fit_structure            # writes lighthouse_docs/readers/structure_model.json

Needs scikit-learn (a development dependency: ``pip install -e ".[dev]"``); the shipped model is
the JSON it writes, read at run time without scikit-learn. Only ``train/`` is read: the held-out
split is for ``tools.structure_eval`` alone.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from lighthouse_docs.readers import structure

from .structure_eval import Case, gold_role, load_split, report, run

MODEL = Path(structure.__file__).with_name("structure_model.json")
C_HEADING = 1.0
C_LEVEL = 1.0


def heading_samples(cases: Sequence[Case]) -> tuple[list[dict[str, float]], list[int]]:
    xs: list[dict[str, float]] = []
    ys: list[int] = []
    for case in cases:
        _, analysis = run(case)
        items = analysis.items
        ctx = structure.make_context(items)
        for it in items:
            if it.kind != "candidate":
                continue
            xs.append(structure.heading_features(ctx, it.index))
            ys.append(int(gold_role(case.labels.get(it.line)) != "prose"))
    return xs, ys


def level_samples(cases: Sequence[Case], heading: structure.LogisticModel
                  ) -> tuple[list[dict[str, float]], list[int]]:
    """Level features along the gold outline (the decoder's state as it would be if right)."""
    xs: list[dict[str, float]] = []
    ys: list[int] = []
    for case in cases:
        _, analysis = run(case)
        items = analysis.items
        ctx = structure.make_context(items)
        gold = [gold_role(case.labels.get(it.line)) if it.kind == "candidate" else
                ("h2" if it.explicit_level == 2 else "h3") if it.kind == "explicit" else "prose"
                for it in items]
        logits = {it.index: heading.logit(structure.heading_features(ctx, it.index))
                  for it in items if it.kind == "candidate"}
        later = [False] * (len(items) + 1)
        for k in range(len(items) - 1, -1, -1):
            it = items[k]
            later[k] = later[k + 1] or it.kind == "explicit" or (
                it.kind == "candidate" and logits[k] > 0)
        open_: structure.OpenSection | None = None
        prev: structure.Label | None = None
        for it, role in zip(items, gold, strict=True):
            if role == "prose":
                open_ = structure._advance_open(open_, it, ctx)
                prev = None
                continue
            label: structure.Label = "h2" if role == "h2" else "h3"
            if it.kind == "candidate":
                xs.append(structure.level_features(ctx, it.index, open_, prev, later[it.index + 1]))
                ys.append(int(label == "h2"))
            open_ = structure._after_heading(open_, it, label)
            prev = label
    return xs, ys


def fit(xs: list[dict[str, float]], ys: list[int], c: float) -> dict[str, Any]:
    vec = DictVectorizer(sparse=False)
    matrix = vec.fit_transform(xs)
    lr = LogisticRegression(C=c, max_iter=5000)
    lr.fit(matrix, ys)
    weights = {name: round(float(w), 4) for name, w in
               zip(vec.get_feature_names_out(), lr.coef_[0], strict=True)}
    return {"bias": round(float(lr.intercept_[0]), 4), "weights": weights}


def main(argv: list[str]) -> int:
    cases = load_split("train") + load_split("fixtures")
    xs, ys = heading_samples(cases)
    heading = fit(xs, ys, C_HEADING)
    print(f"heading model: {len(ys)} lines, {sum(ys)} headings")
    lx, ly = level_samples(cases, structure.model_from_json(
        {"heading": heading, "level": {"bias": 0, "weights": {}}}).heading)
    level = fit(lx, ly, C_LEVEL)
    print(f"level model: {len(ly)} headings, {sum(ly)} sections")
    data: dict[str, Any] = {
        "trained_on": f"tests/fixtures/corpus/train + tests/fixtures/text + the seed "
                      f"({len(cases)} articles)",
        "heading": heading, "level": level}
    MODEL.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    structure.shipped_model.cache_clear()
    # The uncertainty threshold: just above the largest margin of a wrong decision on train.
    wrong = [d.margin for case in cases for d in run(case)[1].decisions
             if gold_role(case.labels.get(d.line)) != d.label]
    data["uncertain_margin"] = round(min(max(wrong, default=0.5) + 0.1, 3.0), 2)
    print(f"uncertain margin: {data['uncertain_margin']} ({len(wrong)} wrong decisions on train)")
    MODEL.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    structure.shipped_model.cache_clear()
    print(json.dumps(report("train", verbose="-v" in argv), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
