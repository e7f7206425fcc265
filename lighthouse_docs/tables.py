"""How a table is set: its numeric columns, its row headers, its minus signs (pure).

Read from the cells themselves, as a reader of the table would: a column whose body cells are
all numbers (``5.200``, ``-1,5``, ``12%``, ``Rp 4,8``, ``(120)``, with ``n/a`` or ``–`` for a
missing value) is numeric, and is right-aligned with tabular figures unless the author aligned
it; a first column of distinct labels (words, or whole numbers such as years) heads its rows
(``<th scope="row">``), so that a screen reader names the row of every cell it reads. Both
outputs use :func:`layout`; only print turns a number's hyphen-minus into a real minus sign
(:func:`print_cells`).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from .model import (
    Alignment,
    Emphasis,
    Inline,
    Link,
    Strikethrough,
    Strong,
    Subscript,
    Superscript,
    Table,
    TableCell,
    TableRow,
    Text,
)
from .outline import plain_text

MINUS = "\u2212"
_CURRENCY = r"(?:Rp\.?|US\$|S\$|A\$|HK\$|NZ\$|RM|\$|€|£|¥|₹|₩|฿|₱|₫|USD|EUR|IDR|GBP|JPY)"
_SIGN = "[-+\u2212\u2010\u2013]"
_DIGITS = r"(?:\d{1,3}(?:[.,\u00a0\u202f' ]\d{3})+|\d+)(?:[.,]\d+)?|[.,]\d+"
_UNIT = r"(?:%|‰|pp|p\.p\.|bp|x|×|€|[kKMB]|jt|rb|M)"
NUMBER = re.compile(
    rf"^\(?{_SIGN}?\s?(?:{_CURRENCY}\s?)?{_SIGN}?\s?(?:{_DIGITS})\s?{_UNIT}?\)?\**$")
"""A cell that is one number: an optional sign and currency, digits grouped by ``.``, ``,``,
a space or ``'``, decimals after ``.`` or ``,``, a unit (per cent, ``pp``, ``x``) and a
footnote star; in brackets for an accountant's negative."""
PLACEHOLDERS = frozenset({"", "-", "–", "—", "\u2212", "n/a", "n.a.", "na", "..", "...", "…",
                          "*", "x", "tt", "nd", "n.d."})
"""Cells that stand for a missing number; they neither make nor break a numeric column."""
_WHOLE = re.compile(r"^\d+$")
_NEGATIVE = re.compile(rf"^(\s*\(?\s*(?:{_CURRENCY}\s?)?)[-\u2010\u2013](?=\s?[\d.,])")


def is_number(text: str) -> bool:
    """Whether ``text`` (a cell's text) is one number (:data:`NUMBER`)."""
    return bool(NUMBER.match(text.strip()))


def _column(rows: Sequence[TableRow], k: int) -> list[str]:
    return [plain_text(row.cells[k].inlines).strip() if k < len(row.cells) else ""
            for row in rows]


def _numeric(cells: list[str]) -> bool:
    values = [c for c in cells if c.lower() not in PLACEHOLDERS]
    return bool(values) and all(is_number(c) for c in values)


@dataclass(frozen=True, slots=True)
class TableLayout:
    """What the templates need to set one table (:func:`layout`)."""

    align: tuple[Alignment, ...]
    """Per column: the author's alignment, else ``"right"`` for a numeric column."""
    numeric: tuple[bool, ...]
    """Per column: every body cell is a number or stands for a missing one."""
    row_headers: bool
    """The first column names its rows (``<th scope="row">``)."""


def columns(table: Table) -> int:
    """How many columns ``table`` has (its longest row)."""
    return max((len(row.cells) for row in (*table.head, *table.body)), default=0)


def layout(table: Table) -> TableLayout:
    """How ``table`` is set: numeric columns right-aligned, the first column as row headers
    when it holds distinct labels (words, or whole numbers such as years) in every row."""
    width = columns(table)
    numeric = tuple(_numeric(_column(table.body, k)) for k in range(width))
    first = _column(table.body, 0) if width else []
    row_headers = (width >= 2 and bool(first) and all(first) and len(set(first)) == len(first)
                   and (not numeric[0] or all(_WHOLE.match(c) for c in first)))
    align = tuple(
        table.align[k] if k < len(table.align) and table.align[k]
        else "right" if numeric[k] and not (k == 0 and row_headers) else None
        for k in range(width))
    return TableLayout(align=align, numeric=numeric, row_headers=row_headers)


def _with_minus(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    for n, inline in enumerate(inlines):
        if isinstance(inline, Text):
            text = _NEGATIVE.sub(lambda m: m.group(1) + MINUS, inline.text, count=1)
            if text == inline.text:
                return inlines
            return (*inlines[:n], dataclasses.replace(inline, text=text), *inlines[n + 1:])
        if isinstance(inline, Emphasis | Strong | Strikethrough | Superscript | Subscript | Link):
            changed = _with_minus(inline.children)
            return inlines if changed is inline.children else (
                *inlines[:n], dataclasses.replace(inline, children=changed), *inlines[n + 1:])
        return inlines
    return inlines


def print_cells(row: TableRow, numeric: Sequence[bool]) -> tuple[TableCell, ...]:
    """``row``'s cells as print sets them: a negative number in a numeric column starts with a
    minus sign (U+2212, as wide as a digit) instead of a hyphen-minus or a dash."""
    return tuple(
        dataclasses.replace(cell, inlines=_with_minus(cell.inlines))
        if k < len(numeric) and numeric[k] and is_number(plain_text(cell.inlines)) else cell
        for k, cell in enumerate(row.cells))


SMALL_TYPE_COLUMNS = 8
"""Tables of more columns are set in small type (:data:`SMALL_PT`)."""
LANDSCAPE_COLUMNS = 12
"""Tables of more columns get landscape pages when they do not fit the portrait text block
even in :data:`TIGHT_PT` type (:func:`print_class`); narrower ones always stay portrait."""
TEXT_BLOCK_PT = 125 * 72 / 25.4
"""Width of the default theme's portrait text block (125 mm on A4; Letter's is wider)."""
SMALL_PT = 7.0
"""Type size of a wide table on the portrait page (print.css ``table.wide``)."""
TIGHT_PT = 6.5
"""The smallest type a table gets (print.css ``table.wide.tight``, ``table.landscape``): a
table that fits the portrait text block only at this size is set so rather than costing a
landscape page of its own."""
CELL_PADDING_PT = 4.0
"""Left and right padding of a wide table's cell together (print.css: 2pt each)."""
MARGIN = 1.06
"""The estimate is of the default sans (Source Sans Pro); this much room is kept spare."""
WRAP_LINES = 3
"""A text cell may wrap into this many lines (a label "PPh perusahaan / asing"); numbers never
wrap."""


def _char_em(char: str) -> float:
    if char.isdigit() or char in "\u2212+$€£¥":
        return 0.5
    if char.isspace():
        return 0.2
    if char in ".,:;'|!i":
        return 0.25
    if char in "-–()[]/lj":
        return 0.32
    if char in "%‰mwMW":
        return 0.83
    if char.isupper():
        return 0.6
    if char.islower():
        return 0.48
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    return 0.55


def text_em(text: str, *, bold: bool = False) -> float:
    """How wide ``text`` is set on one line, in ems of the default sans (an estimate from
    character classes, a little generous; bold is some 6% wider)."""
    width = sum(_char_em(c) for c in text)
    return width * 1.06 if bold else width


def _cell_em(text: str, *, numeric: bool, bold: bool) -> float:
    whole = text_em(text, bold=bold)
    if numeric:
        return whole
    longest_word = max((text_em(w, bold=bold) for w in text.split()), default=0.0)
    return max(longest_word, whole / WRAP_LINES)


def needed_width(table: Table, size_pt: float) -> float:
    """The width, in points, ``table`` needs in ``size_pt`` type: per column, its widest number
    or its longest word (a text cell wraps into at most :data:`WRAP_LINES` lines), plus cell
    padding, plus :data:`MARGIN`."""
    numeric = layout(table).numeric
    total = 0.0
    for k in range(columns(table)):
        body = max((_cell_em(text, numeric=numeric[k], bold=False)
                    for text in _column(table.body, k)), default=0.0)
        head = max((_cell_em(text, numeric=False, bold=True)
                    for text in _column(table.head, k)), default=0.0)
        total += max(body, head) * size_pt + CELL_PADDING_PT
    return total * MARGIN


def print_class(table: Table) -> str:
    """The print classes of ``table``: ``""``; ``"wide"`` (small type) from
    :data:`SMALL_TYPE_COLUMNS` + 1 columns and for every part of a table cut by columns; for
    more than :data:`LANDSCAPE_COLUMNS`, ``"wide"`` while it fits the portrait text block in
    :data:`SMALL_PT` type, ``"wide tight"`` while it fits in :data:`TIGHT_PT`, else ``"wide
    landscape"``: a landscape page of its own only when the portrait page cannot hold it at a
    readable size (the readers cut a short one into parts that fit instead)."""
    width = columns(table)
    if width <= SMALL_TYPE_COLUMNS and table.split is None:  # the parts of one: one size
        return ""
    if width <= LANDSCAPE_COLUMNS or needed_width(table, SMALL_PT) <= TEXT_BLOCK_PT:
        return "wide"
    if needed_width(table, TIGHT_PT) <= TEXT_BLOCK_PT:
        return "wide tight"
    return "wide landscape"


def fits_portrait(table: Table) -> bool:
    """Whether ``table`` fits the portrait text block in :data:`SMALL_PT` type (a part of a
    short table cut to stay off a landscape page, :func:`print_class` ``"wide"``)."""
    return needed_width(table, SMALL_PT) <= TEXT_BLOCK_PT


def landscape(table: Table) -> bool:
    """Whether print sets ``table`` on landscape pages of its own (:func:`print_class`)."""
    return "landscape" in print_class(table).split()


def _origins(rows: Sequence[TableRow]) -> dict[tuple[int, int], tuple[int, int]]:
    """Each position a span covers -> the (row, column) of the cell that spans it."""
    found: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(rows):
        for k, cell in enumerate(row.cells):
            if cell.covered or (cell.colspan == 1 and cell.rowspan == 1):
                continue
            for dr in range(cell.rowspan):
                for dk in range(cell.colspan):
                    if dr or dk:
                        found[(r + dr, k + dk)] = (r, k)
    return found


def pick_columns(rows: Sequence[TableRow], columns: Sequence[int]) -> tuple[TableRow, ...]:
    """``rows`` (a head or a body) with only ``columns`` (ascending), spans kept where they
    stay inside the part: a span is cut to the columns it keeps, and a span whose first
    column is not kept starts again, with its text, at its first kept column."""
    origins = _origins(rows)
    kept = set(columns)
    out: list[TableRow] = []
    for r, row in enumerate(rows):
        cells: list[TableCell] = []
        for p, k in enumerate(columns):
            if k >= len(row.cells):
                cells.append(TableCell(inlines=()))
                continue
            cell = row.cells[k]
            if not cell.covered:
                if cell.colspan > 1:
                    width = sum(1 for j in range(k, k + cell.colspan) if j in kept)
                    cell = dataclasses.replace(cell, colspan=width)
                cells.append(cell)
                continue
            origin = origins.get((r, k))
            if origin is None or origin[1] in kept:
                cells.append(cell)
                continue
            # The span's own cell is cut off: it starts again here, unless it already did
            # left of here (same row) or above (same column).
            left = p > 0 and origins.get((r, columns[p - 1])) == origin
            above = r > 0 and origin[0] < r and origins.get((r - 1, k)) == origin
            if left or above:
                cells.append(cell)
                continue
            source = rows[origin[0]].cells[origin[1]]
            width = sum(1 for j in range(k, origin[1] + source.colspan) if j in kept)
            cells.append(dataclasses.replace(source, colspan=width,
                                             rowspan=origin[0] + source.rowspan - r))
        out.append(TableRow(cells=tuple(cells)))
    return tuple(out)
