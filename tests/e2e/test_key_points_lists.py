"""The key points of an article whose recommendations are a list (sixth new-user trial,
finding 13): the box carries the recommendations, not the sentence that announces them, as
the PDF the checkout's CLI builds prints it."""

from __future__ import annotations

from pathlib import Path

from e2e_support import build_pdf_pages

BACKGROUND = (
    "When India restricted exports of non-basmati white rice in July 2023, prices across "
    "Southeast Asia rose within weeks. India supplies about 40 percent of the world's traded "
    "rice. Retail prices in the Philippines, which imports about a fifth of its rice, rose by "
    "more than 8 percent in three months. Importing governments reacted in different ways. "
    "Manila imposed a temporary price ceiling on regular and well-milled rice in September, "
    "and later cut the tariff on rice imports from 35 percent to 15 percent. Jakarta relied "
    "on its state logistics agency, which signed contracts with Thailand and Vietnam. "
    "Kuala Lumpur saw shortages of local white rice on supermarket shelves for weeks, as "
    "consumers switched from imported rice. Thailand and Vietnam did not follow India, and "
    "both exported record volumes in 2023 while their farmers earned more than before.")

SOURCE = f"""---
title: Rice Export Bans and Southeast Asia
lang: en
---

{BACKGROUND}

## What happened

{BACKGROUND}

## Recommendations

Governments in the region can take three steps before the next shock.

- Agree on a standing rule in ASEAN that members will not impose export bans on staple food
  without thirty days' notice.
- Enlarge the emergency reserve and allow releases by a simple majority of the council.
- Publish monthly stock figures for every state, including private stocks.
"""


def test_the_key_points_carry_a_recommendation_not_its_announcement(tmp_path: Path) -> None:
    pages = [" ".join(text.split()) for text in build_pdf_pages(tmp_path, "rice.md", SOURCE)]
    box = next(text for text in pages if "KEY POINTS" in text.upper())
    start = box.upper().index("KEY POINTS")
    box = box[start:box.index("When India restricted", start)]  # up to the lead
    assert "Agree on a standing rule in ASEAN" in box
    assert "can take three steps" not in box
