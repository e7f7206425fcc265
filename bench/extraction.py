"""Main-content extraction measured: readability-lxml against trafilatura (+ htmldate).

    python -m bench.extraction            # the table, per page and in total
    python -m bench.extraction --json     # the same figures as JSON

Reads the saved pages of ``tests/fixtures/pages/`` (see ``build_pages.py`` there) through the
HTML reader once per extractor, exactly as a build would, and compares what reaches the brief
with the page's ``<name>.truth.json``:

- **article words kept**: the article's words (headings, paragraphs, list items; the title is
  scored as metadata) found in the brief, as a multiset, over all article words;
- **boilerplate words**: words in the brief that are not article words (navigation,
  comments, bylines, related lists...), as a share of the brief's words;
- **inserts leaked**: inline ads and "Baca juga"/"Read also" boxes placed inside the article
  body that reach the brief (the fixture lists them);
- **headings kept**: the article's section headings found as headings, and extra headings;
- **metadata found**: title, authors, publication date, site name and language, each
  right or wrong (five per page);
- the page with no article must fail with "no article found".

Pages named ``heldout_*`` were written after the reader's rules were fixed and are also
totalled on their own.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from lighthouse_docs.errors import InputError
from lighthouse_docs.model import Document, SourceInfo
from lighthouse_docs.outline import block_text, iter_sections, plain_text
from lighthouse_docs.readers import html as html_reader

PAGES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pages"
EXTRACTORS = ("readability", "trafilatura")
_WORD = re.compile(r"\w+(?:[-'’.,]\w+)*", re.UNICODE)


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def brief_text(doc: Document) -> tuple[str, list[str]]:
    """Everything a brief prints of the body (not the title), and its headings."""
    parts = [block_text(b) for b in doc.lead]
    headings = []
    for section in iter_sections(doc.sections):
        headings.append(plain_text(section.heading))
        parts.append(headings[-1])
        parts.extend(block_text(b) for b in section.blocks)
    return "\n".join(parts), headings


def _norm(text: str) -> str:
    return " ".join(words(text))


def score(name: str, extractor: str) -> dict[str, Any]:
    truth = json.loads((PAGES / f"{name}.truth.json").read_text(encoding="utf-8"))
    raw = (PAGES / f"{name}.html").read_text(encoding="utf-8")
    source = SourceInfo(path=f"{name}.html", format="html", folder=str(PAGES))
    doc = html_reader.parse(raw, source, extractor=extractor)
    text, headings = brief_text(doc)
    got = Counter(words(text))
    want = Counter(w for t in truth["text"] for w in words(t))
    if truth["image_alt"]:  # the figure's alt text and caption are the article's own
        want.update(words(truth["image_alt"]) * 2)
    kept = sum((got & want).values())
    boiler = sum((got - want).values())
    norm_text = _norm(text)
    leaked = [i for i in truth["inserts"] if _norm(i)[:60] in norm_text]
    want_headings = [_norm(h) for _, h in truth["headings"]]
    got_headings = [_norm(h) for h in headings]
    meta = doc.meta
    found = {
        "title": _norm(meta.title) == _norm(truth["title"]),
        "authors": sorted(_norm(a) for a in meta.authors)
        == sorted(_norm(a) for a in truth["authors"]),
        "date": meta.date is not None and meta.date.isoformat() == truth["date"],
        "site": _norm(meta.publisher or "") == _norm(truth["site"]),
        "lang": meta.lang.split("-")[0] == truth["lang"],
    }
    return {
        "page": name, "extractor": extractor,
        "article_words": sum(want.values()), "kept": kept, "boilerplate": boiler,
        "brief_words": sum(got.values()), "leaked": leaked,
        "headings": len(want_headings),
        "headings_kept": sum(1 for h in want_headings if h in got_headings),
        "extra_headings": sum(1 for h in got_headings if h not in want_headings),
        "metadata": found,
    }


def no_article(extractor: str) -> str:
    raw = (PAGES / "no_article_shop.html").read_text(encoding="utf-8")
    try:
        html_reader.parse(raw, SourceInfo(path="no_article_shop.html", format="html"),
                          extractor=extractor)
    except InputError as error:
        return "error: " + error.detail.split(":", 1)[0]
    return "built a brief"


def pages() -> list[str]:
    return sorted(p.name.removesuffix(".truth.json") for p in PAGES.glob("*.truth.json"))


def run(*, forced: bool = False, raw: bool = False) -> dict[str, Any]:
    """Score every page with each extractor.

    :param forced: the extractor decides on every page; otherwise pages whose cleaned body
        has at most ``SHORT_PAGE_WORDS`` words are read whole, as builds do.
    :param raw: without the reader's own removal of inline ads and read-also boxes
        (what the extractors do on their own).
    """
    saved = html_reader.SHORT_PAGE_WORDS, html_reader._drop_inserts
    if forced:
        html_reader.SHORT_PAGE_WORDS = -1
    if raw:
        html_reader._drop_inserts = lambda page: 0  # type: ignore[assignment]
    try:
        results = {e: [score(n, e) for n in pages()] for e in EXTRACTORS}
        totals = _totals(results)
        heldout = _totals({e: [r for r in rows if r["page"].startswith("heldout_")]
                           for e, rows in results.items()})
    finally:
        html_reader.SHORT_PAGE_WORDS, html_reader._drop_inserts = saved
    return {"pages": results, "totals": totals, "heldout": heldout}


def _totals(results: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    totals = {}
    for extractor, rows in results.items():
        if not rows:
            continue
        article = sum(r["article_words"] for r in rows)
        brief = sum(r["brief_words"] for r in rows)
        totals[extractor] = {
            "pages": len(rows),
            "article_words_kept": sum(r["kept"] for r in rows) / article,
            "boilerplate_share": sum(r["boilerplate"] for r in rows) / brief if brief else 0.0,
            "boilerplate_words": sum(r["boilerplate"] for r in rows),
            "pages_with_leaked_inserts": sum(1 for r in rows if r["leaked"]),
            "headings_kept": f"{sum(r['headings_kept'] for r in rows)}/"
                             f"{sum(r['headings'] for r in rows)}",
            "extra_headings": sum(r["extra_headings"] for r in rows),
            "metadata_found": {k: sum(r["metadata"][k] for r in rows)
                               for k in ("title", "authors", "date", "site", "lang")},
            "no_article_page": no_article(extractor),
        }
    return totals


def table(report: dict[str, Any], *, per_page: bool = True) -> str:
    lines = [] if not per_page else [
        "| page | extractor | article words kept | boilerplate words | inserts leaked "
        "| headings kept | metadata (t/a/d/s/l) |",
        "|---|---|---:|---:|---:|---:|---|"]
    for name in pages() if per_page else ():
        for extractor in EXTRACTORS:
            r = next(x for x in report["pages"][extractor] if x["page"] == name)
            m = r["metadata"]
            flags = "/".join("✓" if m[k] else "✗"
                             for k in ("title", "authors", "date", "site", "lang"))
            lines.append(
                f"| {name} | {extractor} | {r['kept']}/{r['article_words']} "
                f"| {r['boilerplate']} | {len(r['leaked'])} "
                f"| {r['headings_kept']}/{r['headings']} (+{r['extra_headings']}) | {flags} |")
    lines += ["", "| extractor | article words kept | boilerplate share of the brief "
              "| pages with ad/read-also text | headings kept (extra) "
              "| title / authors / date / site / language found | no-article page |",
              "|---|---:|---:|---:|---:|---|---|"]
    for extractor, t in [*report["totals"].items(),
                         *((f"{e} (held-out pages only)", t)
                           for e, t in report["heldout"].items())]:
        m = t["metadata_found"]
        n = t["pages"]
        lines.append(
            f"| {extractor} | {t['article_words_kept']:.1%} "
            f"| {t['boilerplate_share']:.1%} ({t['boilerplate_words']} words) "
            f"| {t['pages_with_leaked_inserts']}/{n} | {t['headings_kept']} "
            f"({t['extra_headings']}) "
            f"| {m['title']}/{n} · {m['authors']}/{n} · {m['date']}/{n} · {m['site']}/{n} · "
            f"{m['lang']}/{n} | {t['no_article_page']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--totals", action="store_true", help="only the totals tables")
    args = parser.parse_args(argv)
    shipped, forced, raw = run(), run(forced=True), run(forced=True, raw=True)
    if args.json:
        print(json.dumps({"as_built": shipped, "extractor_decides": forced,
                          "without_insert_filter": raw}, ensure_ascii=False, indent=2))
        return 0
    print("## As builds read them (short cleaned pages are read whole)\n")
    print(table(shipped, per_page=not args.totals))
    print("\n## The extractor decides on every page\n")
    print(table(forced, per_page=not args.totals))
    print("\n## The extractor decides, without the reader's ad and read-also filter\n")
    print(table(raw, per_page=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
