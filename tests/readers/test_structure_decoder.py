"""The structure decoder's shortcuts (memo, shared states, fast helpers) change no decision.

The decoder keeps what it works out per (item, open section) for the confidence re-decodes,
keeps one instance of each open section, and has quicker equivalents of a few plain
expressions; each is checked here against the plain way, to the last bit of every float.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from bench.generate import generate_article
from lighthouse_docs.model import SourceInfo
from lighthouse_docs.readers import structure, text

ROOT = Path(__file__).resolve().parents[2]

AMBIGUOUS = """situs.id, Tiga Catatan. Paragraf pembuka yang cukup panjang untuk sebuah artikel.
Latar Belakang
Persoalan ini sudah lama dibicarakan di banyak forum dan belum juga selesai.
Catatan Pertama
Paragraf tentang catatan pertama yang cukup panjang untuk dibaca sebagai isi bagian ini.
Catatan Kedua
Paragraf tentang catatan kedua yang cukup panjang untuk dibaca sebagai isi bagian ini.
"""


def _articles() -> list[tuple[str, str]]:
    seed = (ROOT / "sources" / "korut-rusia.txt").read_text(encoding="utf-8")
    generated = [(f"generated-{n}", generate_article(n).to_text()) for n in (7001, 7004, 7010)]
    return [("seed", seed), ("ambiguous", AMBIGUOUS), *generated]


def _items(source: str) -> list[structure.Item]:
    _, analysis = text.explain(source, SourceInfo(path="a.txt", format="text"))
    return list(analysis.items)


def _decisions(items: list[structure.Item]) -> list[structure.Decision]:
    return [d for _, d in sorted(structure.decode(items).items())]


@pytest.mark.parametrize(("name", "source"), _articles(), ids=[a[0] for a in _articles()])
def test_the_memo_changes_no_decision(name: str, source: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    items = _items(source)
    # Unrounded margins and probabilities: any difference in a float shows.
    monkeypatch.setattr(structure, "round", lambda x, n=None: x, raising=False)
    remembered = _decisions(items)
    assert len(remembered) >= 3 and any(d.rivals for d in remembered), name

    # A fresh, empty memo for every hypothesis: every transition and level answer worked out
    # again from the features.
    monkeypatch.setattr(structure._Scored, "step",
                        lambda self, i, open_: structure._Step())
    assert _decisions(items) == remembered


def test_an_open_section_is_replaced_field_by_field_as_dataclasses_would() -> None:
    base = structure.OpenSection(index=3, children=2, intro=frozenset({"harga", "beras"}),
                                 h2_looks=("title|none|False|False",), number=(1, 2))
    for f in dataclasses.fields(structure.OpenSection):
        value = getattr(base, f.name)
        other: object = (not value if isinstance(value, bool)
                         else value + 7 if isinstance(value, int)
                         else (9, 9) if f.name.endswith("number")
                         else frozenset({"lain"}) if isinstance(value, frozenset)
                         else ("x",) if isinstance(value, tuple) else 5)
        change: dict[str, Any] = {f.name: other}
        changed = structure._replace_open(base, **change)
        assert changed == dataclasses.replace(base, **change), f.name
        assert getattr(changed, f.name) == other != value, f.name
    several = structure._replace_open(base, children=0, ends_lead_in=True, last_child=None)
    assert several == dataclasses.replace(base, children=0, ends_lead_in=True, last_child=None)


def test_logit_is_the_weighted_sum_in_the_features_order() -> None:
    model = structure.shipped_model().level
    names = [*list(model.weights)[:40], "not_a_weight", "questions:not_a_weight"]
    features = {name: (k % 7) / 3 - 0.9 for k, name in enumerate(names)}
    plain = model.bias + sum(model.weights.get(k, 0.0) * v for k, v in features.items())
    assert model.logit(features) == plain


def test_stem_overlap_is_the_share_of_words_met_again() -> None:
    a = frozenset({"harga", "hargai", "beras", "naik"})
    b = frozenset({"hargalah", "berasnya", "turun"})
    for x, y in ((a, b), (b, a), (a, frozenset()), (frozenset(), b), (a, a)):
        stems = {w[:5] for w in y}
        plain = sum(w[:5] in stems for w in x) / len(x) if x else 0.0
        assert structure._stem_overlap(x, y) == plain
        assert structure._stem_overlap(x, y) == plain  # a second time, from the cache
