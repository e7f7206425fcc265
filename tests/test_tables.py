"""lighthouse_docs.tables: numeric columns, row headers, minus signs and where print sets a
table (the pages themselves are checked in tests/e2e/test_table_layout.py)."""

from __future__ import annotations

import pytest

from lighthouse_docs.model import Strong, Table, TableCell, TableRow, Text
from lighthouse_docs.outline import plain_text
from lighthouse_docs.tables import MINUS, is_number, landscape, layout, print_cells, print_class


def row(*cells: str) -> TableRow:
    return TableRow(cells=tuple(TableCell(inlines=(Text(text=c),) if c else ()) for c in cells))


def table(head: tuple[str, ...], *body: tuple[str, ...]) -> Table:
    return Table(head=(row(*head),), body=tuple(row(*cells) for cells in body))


@pytest.mark.parametrize("text", [
    "5.200", "-1.970", "75.150", "94,7", "0", "12%", "-3,5 %", "Rp 4,8", "Rp -5", "(120)",
    "\u22123.2", "+0.5", "$1,234.56", "1 234,5", "€ 12", "12.3*", "3.5x", "12 pp", "–5"])
def test_numbers_in_their_usual_dresses_are_numbers(text: str) -> None:
    assert is_number(text)


@pytest.mark.parametrize("text", [
    "Q1-26", "2003-2004", "2026-01-31", "PPh perusahaan asing", "0812 3456", "n/a", "",
    "1e5", "12 provinces", "v2.1.0"])
def test_labels_ranges_and_dates_are_not_numbers(text: str) -> None:
    assert not is_number(text)


def test_numeric_columns_are_right_aligned_and_a_label_column_heads_its_rows() -> None:
    t = table(("Province", "2023", "Change", "Note"),
              ("Aceh", "4,5", "-0,3", "revised"),
              ("Bali", "n/a", "1,2", "–"),
              ("Papua", "26,0", "–", "estimate"))
    found = layout(t)
    assert found.numeric == (False, True, True, False)
    assert found.align == (None, "right", "right", None)
    assert found.row_headers


def test_the_authors_alignment_wins() -> None:
    t = Table(head=(row("A", "B"),), body=(row("x", "1"), row("y", "2")),
              align=("center", "left"))
    assert layout(t).align == ("center", "left")


def test_years_head_their_rows_but_measurements_and_repeated_labels_do_not() -> None:
    years = table(("Year", "GDP"), ("2023", "5,0"), ("2024", "5,1"))
    assert layout(years).row_headers and layout(years).align == (None, "right")
    values = table(("x", "y"), ("0.5", "1.5"), ("1.5", "2.5"))
    assert not layout(values).row_headers and layout(values).align == ("right", "right")
    repeated = table(("Group", "Value"), ("A", "1"), ("A", "2"))
    assert not layout(repeated).row_headers
    gaps = table(("Group", "Value"), ("A", "1"), ("", "2"))
    assert not layout(gaps).row_headers
    assert not layout(table(("Only",), ("a",), ("b",))).row_headers


def test_print_sets_a_minus_sign_in_numeric_cells_only() -> None:
    t = table(("Item", "Value", "Range"), ("a", "-1.970", "Q1-26"), ("b", "Rp -5", "2003-2004"),
              ("c", "(120)", "x"))
    numeric = layout(t).numeric
    cells = [[plain_text(c.inlines) for c in print_cells(r, numeric)] for r in t.body]
    assert cells == [["a", f"{MINUS}1.970", "Q1-26"], ["b", f"Rp {MINUS}5", "2003-2004"],
                     ["c", "(120)", "x"]]
    bold = TableRow(cells=(TableCell(inlines=(Strong(children=(Text(text="-4"),)),)),))
    [cell] = print_cells(bold, (True,))
    assert plain_text(cell.inlines) == f"{MINUS}4"


def grid(columns: int, label: str, cell: str, rows: int = 5) -> Table:
    return table(("Item", *(f"Q{k}" for k in range(1, columns))),
                 *((f"{label} {n}", *([cell] * (columns - 1))) for n in range(rows)))


def test_a_wide_table_of_short_cells_stays_on_the_portrait_page() -> None:
    # The trial's table: 14 columns of four-figure numbers, labels of up to 20 characters.
    assert print_class(grid(14, "PPh perusahaan asing", "5.200")) == "wide"
    # Wider numbers still fit in the smallest type.
    assert print_class(grid(14, "PPh perusahaan asing", "75.150")) == "wide tight"
    # Too wide even so: a landscape page.
    assert print_class(grid(14, "PPh perusahaan asing", "-175.150")) == "wide landscape"
    assert landscape(grid(15, "Kazakhstan", "Kazakhstan"))
    # Up to twelve columns never turn; up to eight are not even small.
    assert print_class(grid(12, "Kazakhstan", "Kazakhstan")) == "wide"
    assert print_class(grid(8, "Kazakhstan", "Kazakhstan")) == ""
