"""diagnostics.cap: the first few problems of each kind, the rest counted, never lost."""

from __future__ import annotations

from lighthouse_docs.diagnostics import Diagnostic, Omitted, cap, count, merge_formats


def _refused(n: int) -> list[Diagnostic]:
    """Image ``n`` refused: the check's record at its line, the PDF's and EPUB's without."""
    message = f"refused resource img{n}.png: file not found"
    return [Diagnostic(message=message, code="image-refused", source="a.md", line=n,
                       stage="check", format="markdown"),
            *(Diagnostic(message=message, code="writer", source="a.md", stage="render",
                         format=fmt) for fmt in ("pdf", "epub"))]


def test_a_kept_problem_keeps_its_writers_repeats_and_counts_do_not_change() -> None:
    items = [d for n in range(1, 16) for d in _refused(n)]
    kept, omitted = cap(items, limit=10)
    assert [(item.line, formats) for item, formats in merge_formats(kept)] == [
        (n, ("pdf", "epub")) for n in range(1, 11)]
    assert omitted == (Omitted(source="a.md", code="image-refused", severity="warning",
                               stage="check", count=5),)
    assert count(kept, "warning") + omitted[0].count == count(items, "warning") == 15


def test_earlier_omitted_counts_add_up_per_kind() -> None:
    earlier = Omitted(source="a.md", code="image-refused", severity="warning", stage="check",
                      count=7)
    kept, omitted = cap([d for n in range(1, 13) for d in _refused(n)], limit=10,
                        omitted=[earlier])
    assert len(merge_formats(kept)) == 10
    assert [o.count for o in omitted] == [9]
