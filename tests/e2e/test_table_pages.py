"""A table's caption never ends a page without its table, and a short table is never split
(fifth new-user trial: "Table 1. ..." alone at the foot of a page in a pack; a 3-row table cut
after 2 rows with a third of the page above it empty). The same short article is built with
more and more text before the table, so that in some of them the table meets a page's end."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from e2e_support import run_checkout_cli

pytestmark = pytest.mark.slow

LINE = "The ministry expects spending to keep rising while world oil prices stay high."
TABLE = """| Driver | Effect on spending | Share of increase |
|:--|:--|--:|
| Oil price | Higher crude costs | 55% |
| Exchange rate | Weaker rupiah | 25% |
| Volume | More vehicles | 20% |

Table: Drivers of the increase
"""
FILLERS = range(26, 46)


def _article(lines: int) -> str:
    before = "\n\n".join(LINE for _ in range(lines))
    return (f"# Fuel Subsidy Spending\n\nSpending has risen for five years in a row.\n\n"
            f"## The trend\n\n{before}\n\n## The drivers\n\n{TABLE}\n## Conclusion\n\n"
            f"{LINE}\n\n{LINE}\n\n{LINE}\n\n{LINE}\n")


def test_caption_and_rows_of_a_short_table_share_one_page(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    for n in FILLERS:
        (tmp_path / "sources" / f"a{n}.md").write_text(_article(n), encoding="utf-8")
    result = run_checkout_cli(["build", "--pdf", "--jobs", "2"], tmp_path)
    assert result.returncode == 0, result.stderr
    split = []
    for n in FILLERS:
        pages = [page.extract_text() for page in
                 pypdf.PdfReader(tmp_path / "output" / f"a{n}.pdf").pages]
        where = {key: [i for i, text in enumerate(pages) if key in text]
                 for key in ("Table 1.", "Oil price", "Volume")}
        if len({tuple(found) for found in where.values()}) != 1:
            split.append((n, where))
    assert not split
