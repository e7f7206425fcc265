"""writers.fit: a brief sure not to fit the compact layout has its try skipped; the estimate
counts only running text, only for the default theme, and what it skips really does not fit."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from lighthouse_docs.readers import load
from lighthouse_docs.render import RenderOptions
from lighthouse_docs.theme import Theme, resolve_theme
from lighthouse_docs.writers import fit, pdf, print_input
from lighthouse_docs.writers.print_input import COMPACT_MAX_PAGES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXAMPLE = Path(__file__).resolve().parents[2] / "sources" / "korut-rusia.txt"
MODIFIED = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
WORDS = ("Regional authorities negotiated strategic relations with partners across the "
         "archipelago while ministers reviewed the budget for ports and railways. ")


def _page(main: str, *, cover: str = "", key_points: str = "", toc: str = "") -> str:
    return (f'<html><body><section class="cover"><h1>{cover}</h1></section>'
            f'<div class="front"><section class="key-points"><h2 class="box-title">Key points'
            f'</h2><ul>{key_points}</ul></section><nav class="toc"><ol>{toc}</ol></nav></div>'
            f'<main class="article">{main}</main></body></html>')


def test_only_the_running_text_of_the_brief_and_its_key_points_counts() -> None:
    text = "<p>" + WORDS * 4 + "</p>"
    base = fit.text_height(_page(text), "a4")
    assert base > 0
    # The cover, the contents, tables, notes, code and printed link addresses: not counted.
    assert fit.text_height(_page(text, cover=WORDS * 3, toc=f"<li>{WORDS}</li>" * 9), "a4") \
        == base
    for small in (f"<table><tr><td>{WORDS * 9}</td></tr></table>",
                  f'<section class="notes"><p>{WORDS * 9}</p></section>',
                  f"<pre>{WORDS * 9}</pre>", f'<p><span class="link-address">{WORDS}</span></p>',
                  f'<figure><img src="x.png"/><figcaption>{WORDS * 3}</figcaption></figure>'):
        assert fit.text_height(_page(text + small), "a4") == base, small
    # A key point, a paragraph more, a heading: more height.
    assert fit.text_height(_page(text, key_points=f"<li>{WORDS}</li>"), "a4") > base
    assert fit.text_height(_page(text * 2), "a4") > base
    assert fit.text_height(_page("<h2>Outlook</h2>" + text), "a4") > base
    # Letters only: entities are read as the characters they stand for, tags are not text.
    assert fit.text_height(_page("<p>" + "&amp; &#8212; " * 300 + "</p>"), "a4") == \
        fit.text_height(_page(""), "a4")
    assert fit.text_height(_page("<p>Ports <em>and</em> railways</p>"), "a4") == \
        fit.text_height(_page("<p>Ports and railways</p>"), "a4")


def test_larger_type_takes_more_height_and_a_wider_measure_less() -> None:
    text = WORDS * 6
    body = fit.text_height(_page(f"<p>{text}</p>"), "a4")
    lead = fit.text_height(_page(f'<div class="standfirst"><p>{text}</p></div>'), "a4")
    assert lead > body
    long = f"<p>{text * 8}</p>"
    assert fit.text_height(_page(long), "letter") < fit.text_height(_page(long), "a4")


def test_only_the_packaged_default_theme_is_judged(tmp_path: Path) -> None:
    huge = _page("<p>" + WORDS * 400 + "</p>")
    default = resolve_theme(None)
    assert fit.cannot_fit(huge, default, "a4", COMPACT_MAX_PAGES)
    assert fit.cannot_fit(huge, default, "letter", COMPACT_MAX_PAGES)
    assert not fit.cannot_fit(_page("<p>" + WORDS + "</p>"), default, "a4", COMPACT_MAX_PAGES)
    copy = tmp_path / "house"
    shutil.copytree(default.root, copy)
    assert not fit.cannot_fit(huge, Theme(name="house", root=copy), "a4", COMPACT_MAX_PAGES)


def _options(base_dir: Path, paper: Any) -> RenderOptions:
    return RenderOptions(theme=resolve_theme(None), base_dir=base_dir, modified=MODIFIED,
                         paper=paper)


def _prose() -> list[str]:
    """Real paragraphs of the text fixtures, in English and Indonesian."""
    paragraphs = []
    for name in ("article_full_en.txt", "article_full_id.txt"):
        lines = (FIXTURES / "text" / name).read_text(encoding="utf-8").splitlines()
        paragraphs += [line.strip() for line in lines if len(line.split()) >= 20]
    return paragraphs


def _brief(paragraphs: list[str], words: int, shape: str) -> str:
    kept: list[str] = []
    count = 0
    for paragraph in paragraphs * 20:
        taken = paragraph.split()[:words - count]
        kept.append(" ".join(taken))
        count += len(taken)
        if count >= words:
            break
    if shape == "one paragraph":
        body = " ".join(kept)
    elif shape == "list":
        body = "\n".join(f"- {item}" for item in kept)
    else:
        body = "\n\n".join(kept)
    return f"---\ntitle: Dense prose\nlang: en\n---\n\n{body}\n"


@pytest.mark.slow
@pytest.mark.parametrize(("shape", "paper"), [("paragraphs", "a4"), ("one paragraph", "a4"),
                                              ("list", "letter")])
def test_the_shortest_brief_the_estimate_skips_does_not_fit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shape: str, paper: str) -> None:
    """Dense prose made longer ten words at a time until the estimate first says it cannot
    fit: laid out compact, it does not (the full layout follows the try). This fails when the
    default theme is changed so that more text fits on a page than the estimate assumes."""
    source = tmp_path / "dense.md"
    options = _options(tmp_path, paper)
    paragraphs = _prose()
    for words in range(400, 1400, 10):
        source.write_text(_brief(paragraphs, words, shape), encoding="utf-8")
        ready = print_input.print_input(load(source), options)
        if not ready.plan.compact:
            break
    else:
        pytest.fail("the estimate never skipped the try")
    assert print_input.plan_for(load(source)).compact  # short enough to be tried by words
    layouts: list[int] = []
    stock = vars(pdf)["HTML"]

    def counted(*args: Any, **kwargs: Any) -> Any:
        layouts.append(1)
        return stock(*args, **kwargs)

    monkeypatch.setattr(pdf, "HTML", counted)
    monkeypatch.setattr(print_input, "cannot_fit", lambda *args: False)
    out = pdf.build_pdf(print_input.print_input(load(source), options), options)
    assert len(layouts) >= 2 and out.pages is not None and out.pages > 1 + COMPACT_MAX_PAGES


@pytest.mark.slow
def test_a_skipped_try_gives_the_same_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The example (four pages when compact) is not tried: the same bytes, pages and
    warnings as when it was."""
    doc = load(EXAMPLE)
    options = _options(EXAMPLE.parent, "a4")
    ready = print_input.print_input(doc, options)
    assert print_input.plan_for(doc).compact and not ready.plan.compact
    skipped = pdf.build_pdf(ready, options)
    monkeypatch.setattr(print_input, "cannot_fit", lambda *args: False)
    tried = pdf.build_pdf(print_input.print_input(doc, options), options)
    assert (skipped.data, skipped.pages, skipped.warnings) == \
        (tried.data, tried.pages, tried.warnings)
