"""Numbered, localised captions: "Figure 1", "Gambar 2", "Table 1" (pure).

:func:`number` runs once per document between reading and rendering (next to
``typography.typeset``): every captioned figure, and every captioned table, gets the next
number of its kind in reading order, with the word of the document's language (the parts of
a table cut by columns share one). Uncaptioned
images (decoration, logos) are not numbered. In a combined brief each article counts from 1.
"""

from __future__ import annotations

import dataclasses
import itertools

from .i18n import labels
from .model import Document, Image, Table
from .outline import rewrite


def number(doc: Document) -> Document:
    """``doc`` with ``label`` set on its captioned figures and tables."""
    words = labels(doc.meta.lang)
    figures = itertools.count(1)
    tables = itertools.count(1)

    def figure(image: Image) -> Image:
        if not image.caption:
            return image
        return dataclasses.replace(image, label=f"{words.figure} {next(figures)}")

    last = [""]

    def table(block: Table) -> Table:
        if not block.caption:
            return block
        if block.split is None or block.split.part == 1:
            last[0] = f"{words.table} {next(tables)}"
        # The later parts of a table cut by columns carry the number of the whole.
        return dataclasses.replace(block, label=last[0])

    lead = rewrite(rewrite(doc.lead, Image, figure), Table, table)
    sections = rewrite(rewrite(doc.sections, Image, figure), Table, table)
    return dataclasses.replace(doc, lead=lead, sections=sections)
