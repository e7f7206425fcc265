"""What the print HTML sets on a landscape table's page along with it
(render.introduces_landscape, render.opens_with_landscape); the pages themselves are checked
in tests/e2e/test_landscape_tables.py."""

from __future__ import annotations

from lighthouse_docs.model import Paragraph, Section, Table, TableCell, TableRow, Text
from lighthouse_docs.render import LEAD_IN_CHARACTERS, introduces_landscape, opens_with_landscape


def grid(columns: int, cell: str = "Kazakhstan") -> Table:
    row = TableRow(cells=tuple(TableCell(inlines=(Text(text=cell),)) for _ in range(columns)))
    return Table(head=(row,), body=(row, row))


def para(characters: int) -> Paragraph:
    return Paragraph(inlines=(Text(text="x" * characters),))


def section(*blocks: Paragraph | Table, children: tuple[Section, ...] = ()) -> Section:
    return Section(id="s", level=2, heading=(Text(text="Heading"),), blocks=blocks,
                   children=children)


def test_a_short_paragraph_right_before_a_landscape_table_goes_with_it() -> None:
    assert introduces_landscape(para(LEAD_IN_CHARACTERS), grid(15))
    assert not introduces_landscape(para(LEAD_IN_CHARACTERS + 1), grid(15))
    assert not introduces_landscape(para(40), grid(10))  # small type, stays portrait
    assert not introduces_landscape(para(40), grid(15, "7"))  # short cells, stays portrait
    assert not introduces_landscape(para(40), None)
    assert not introduces_landscape(grid(15), grid(15))


def test_a_heading_goes_with_a_landscape_table_its_section_opens_with() -> None:
    assert opens_with_landscape(section(grid(15), para(500)))
    assert opens_with_landscape(section(para(80), grid(15)))
    assert not opens_with_landscape(section(para(500), grid(15)))
    assert not opens_with_landscape(section(para(80), para(80), grid(15)))
    assert not opens_with_landscape(section(grid(10)))
    # A section without text of its own goes along with its first subsection only.
    assert opens_with_landscape(section(children=(section(grid(15)),)))
    assert not opens_with_landscape(section(children=(section(para(500)), section(grid(15)))))
    assert not opens_with_landscape(section(para(80), children=(section(grid(15)),)))
