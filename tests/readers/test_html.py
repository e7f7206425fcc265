"""The HTML reader: metadata, extraction, sanitising and the mapping to the model."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from lighthouse_docs.errors import InputError
from lighthouse_docs.model import (
    BlockQuote,
    BulletList,
    Code,
    CodeBlock,
    Document,
    Emphasis,
    Image,
    InlineImage,
    LineBreak,
    Link,
    OrderedList,
    Paragraph,
    SourceInfo,
    Strikethrough,
    Strong,
    Table,
    Text,
    ThematicBreak,
)
from lighthouse_docs.outline import (
    block_text,
    heading_texts,
    iter_sections,
    plain_text,
    to_json,
    to_outline_json,
)
from lighthouse_docs.readers import load
from lighthouse_docs.readers.html import parse

FIXTURES = Path(__file__).parents[1] / "fixtures" / "html"


def html(text: str, **kwargs: str) -> Document:
    return parse(text, SourceInfo(path="page.html", format="html"), **kwargs)


def page(body: str, head: str = "", lang: str = "en") -> Document:
    return html(f"<!DOCTYPE html><html lang='{lang}'><head>{head}</head>"
                f"<body>{body}</body></html>")


def all_blocks(doc: Document) -> list[object]:
    return [*doc.lead, *(b for s in iter_sections(doc.sections) for b in s.blocks)]


def all_text(doc: Document) -> str:
    parts = [doc.meta.title, *(block_text(b) for b in doc.lead)]
    for section in iter_sections(doc.sections):
        parts.append(plain_text(section.heading))
        parts.extend(block_text(b) for b in section.blocks)
    return " ".join(parts)


def links(doc: Document) -> list[Link]:
    found: list[Link] = []

    def walk(value: object) -> None:
        if isinstance(value, Link):
            found.append(value)
        if isinstance(value, tuple):
            for v in value:
                walk(v)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:  # type: ignore[attr-defined]
                walk(getattr(value, name))

    walk(doc)
    return found


# --------------------------------------------------------------------------- metadata


def test_metadata_comes_from_head_and_open_graph() -> None:
    doc = page(
        "<h1>Story</h1><p>Text of the story.</p><time datetime='2020-01-01'>x</time>",
        head=(
            "<title>Story | The Site</title><meta name='author' content='Ann Lee'>"
            "<meta name='description' content='What happened.'>"
            "<meta name='keywords' content='one, two ,three'>"
            "<meta property='og:site_name' content='The Site'>"
            "<meta property='article:published_time' content='2025-06-30T23:00:00Z'>"
            "<link rel='canonical' href='https://site.example/story'>"
        ),
        lang="en-GB",
    )
    meta = doc.meta
    assert meta.title == "Story"
    assert meta.lang == "en-GB"
    assert meta.authors == ("Ann Lee",)
    assert meta.summary == "What happened."
    assert meta.keywords == ("one", "two", "three")
    assert meta.publisher == "The Site"
    assert str(meta.date) == "2025-06-30"
    assert meta.source.url == "https://site.example/story"


def test_time_element_and_og_url_are_fallbacks() -> None:
    doc = page("<p>Body text.</p><p><time datetime='2024-02-03T10:00'>3 Feb</time></p>",
               head="<meta property='og:url' content='https://x.example/a'>")
    assert str(doc.meta.date) == "2024-02-03"
    assert doc.meta.source.url == "https://x.example/a"


def test_title_from_title_tag_loses_the_site_suffix() -> None:
    doc = page("<p>Body.</p>", head="<title>The Report — Pos</title>"
               "<meta property='og:site_name' content='Pos'>")
    assert doc.meta.title == "The Report"


def test_logo_h1_does_not_become_the_title() -> None:
    long_text = " ".join(["Words of the article body that go on."] * 60)
    doc = page(f"<header><h1>SiteLogo</h1></header><article><h2>Real Story</h2>"
               f"<p>{long_text}</p></article>",
               head="<title>Real Story - SiteLogo</title>")
    assert doc.meta.title == "Real Story"
    assert heading_texts(doc.sections) == []


def test_lang_argument_and_detection() -> None:
    body = ("<p>Pemerintah daerah akan membangun jembatan baru di atas sungai itu tahun depan, "
            "kata kepala dinas kepada wartawan.</p>")
    assert html(f"<html><body>{body}</body></html>").meta.lang == "id"
    assert html(f"<html lang='id'><body>{body}</body></html>", lang="en").meta.lang == "en"
    assert html(f"<html lang='not a tag!'><body>{body}</body></html>").meta.lang == "id"


# --------------------------------------------------------------------------- structure


def test_elements_map_to_the_model() -> None:
    doc = page(
        "<h1>T</h1><p>A <em>b</em> <strong>c</strong> <code>d</code> <a href='/e' title='t'>e</a>"
        " <del>f</del><br>g <img src='i.png' alt='i'></p>"
        "<ol start='4'><li>four<ul><li>inner</li></ul></li></ol>"
        "<blockquote><p>quoted</p></blockquote><pre><code class='language-py'>x = 1\n</code></pre>"
        "<hr><figure><img src='f.png' alt='Alt'><figcaption>Caption <b>here</b></figcaption>"
        "</figure><p><img src='only.png' alt='Only'></p>"
    )
    para, ordered, quote, code, rule, figure, lone = doc.lead
    assert isinstance(para, Paragraph)
    kinds = [type(i).__name__ for i in para.inlines]
    assert kinds == ["Text", "Emphasis", "Text", "Strong", "Text", "Code", "Text", "Link", "Text",
                     "Strikethrough", "LineBreak", "Text", "InlineImage"]
    assert isinstance(para.inlines[1], Emphasis) and isinstance(para.inlines[3], Strong)
    assert isinstance(para.inlines[5], Code) and isinstance(para.inlines[9], Strikethrough)
    assert isinstance(para.inlines[10], LineBreak) and isinstance(para.inlines[12], InlineImage)
    link = para.inlines[7]
    assert isinstance(link, Link) and (link.href, link.title) == ("/e", "t")
    assert isinstance(ordered, OrderedList) and ordered.start == 4
    assert isinstance(ordered.items[0][1], BulletList)
    assert isinstance(quote, BlockQuote) and block_text(quote) == "quoted"
    assert replace(code, line=None) == CodeBlock(text="x = 1", language="py")
    assert isinstance(rule, ThematicBreak)
    assert isinstance(figure, Image) and plain_text(figure.caption) == "Caption here"
    assert replace(lone, line=None) == Image(src="only.png", alt="Only")


def test_headings_are_normalised_under_the_title() -> None:
    doc = page("<h1>Title</h1><p>Lead.</p><h3>A</h3><p>x</p><h5>A1</h5><p>y</p><h3>B</h3>")
    assert doc.meta.title == "Title"
    assert heading_texts(doc.sections) == [(2, "A"), (3, "A1"), (2, "B")]


def test_tables_keep_head_body_alignment_and_caption() -> None:
    doc = page("<table><caption>Hours</caption><tr><th>Day</th><th align='right'>Open</th></tr>"
               "<tr><td>Mon</td><td align='right'><p>9</p><p>18</p></td></tr></table>")
    (table,) = doc.lead
    assert isinstance(table, Table)
    assert [plain_text(c.inlines) for c in table.head[0].cells] == ["Day", "Open"]
    assert [plain_text(c.inlines) for c in table.body[0].cells] == ["Mon", "9 18"]
    assert table.align == (None, "right")
    assert plain_text(table.caption) == "Hours"


def test_loose_text_in_containers_becomes_paragraphs() -> None:
    doc = page("<div>First run <b>bold</b><p>A paragraph.</p>second run</div>")
    assert [block_text(b) for b in doc.lead] == ["First run bold", "A paragraph.", "second run"]


def test_whitespace_is_collapsed_as_a_browser_would() -> None:
    doc = page("<p>  many\n   spaces\there  </p>")
    assert block_text(doc.lead[0]) == "many spaces here"


def test_short_page_keeps_lists_and_tables() -> None:
    doc = load(FIXTURES / "short_page_en.html")
    kinds = {type(b) for b in all_blocks(doc)}
    assert {Table, BulletList} <= kinds


def test_long_article_drops_navigation_sidebar_comments_and_byline() -> None:
    doc = load(FIXTURES / "berita_panjang_id.html")
    text = all_text(doc)
    for chrome in ("Beranda", "Langganan", "Berita Terpopuler", "Belum ada komentar", "Kirim",
                   "Semua hak dilindungi", "Oleh Sari Lestari"):
        assert chrome not in text
    assert doc.meta.date is not None and doc.meta.date.isoformat() == "2025-11-02"
    assert "Dulu kami menunggu ikan datang" in text


def test_empty_or_unreadable_input_is_an_input_error() -> None:
    for bad in ("", "   \n", "<!-- only a comment -->"):
        with pytest.raises(InputError):
            html(bad)


def test_plain_text_and_bare_fragments_give_a_document() -> None:
    assert block_text(html("just words").lead[0]) == "just words"
    doc = html("<?xml version='1.0' encoding='utf-8'?><html><body><p>x y</p></body></html>")
    assert block_text(doc.lead[0]) == "x y"
    # A page with no article text is an input error, not an empty brief.
    with pytest.raises(InputError, match="no article found"):
        html("<html><body></body></html>")


# --------------------------------------------------------------------------- article or not

# Pages a shop, a newspaper's sign-in or an order confirmation serve: a title, links, a table
# of items and prices, short label lines and maybe one sentence. None is an article.
NO_ARTICLE_PAGES = sorted((FIXTURES / "no_article").glob("*.html"))
# Short real articles, with their page's menus and link rows around them.
SHORT_ARTICLES = {
    "blog_note_en.html": "the reading group meets at the central library",
    "data_note_en.html": "Retail rice prices rose in all four provinces",
    "news_brief_en.html": "Dock workers at Southhaven will return to work",
    "statement_id.html": "Layanan daring tetap dapat diakses",
}


@pytest.mark.parametrize("path", NO_ARTICLE_PAGES, ids=lambda p: p.stem)
def test_a_page_without_an_article_is_an_input_error(path: Path) -> None:
    with pytest.raises(InputError, match="no article found"):
        load(path)


@pytest.mark.parametrize("name", sorted(SHORT_ARTICLES))
def test_a_short_real_article_is_read_as_an_article(name: str) -> None:
    assert SHORT_ARTICLES[name] in all_text(load(FIXTURES / "short_articles" / name))


def test_the_no_article_cases_are_the_ones_on_disk() -> None:
    assert len(NO_ARTICLE_PAGES) >= 5
    assert sorted(p.name for p in (FIXTURES / "short_articles").glob("*.html")) == sorted(
        SHORT_ARTICLES)


def test_one_sentence_among_a_table_of_prices_is_not_an_article() -> None:
    rows = "".join(f"<tr><td>Item number {i} in blue</td><td>$1{i}.00</td></tr>"
                   for i in range(6))
    cart = f"<main><h1>Your cart</h1><table>{rows}</table><p>Subtotal: $99.00</p>" \
           "<p>Free returns within 30 days of delivery.</p></main>"
    with pytest.raises(InputError, match="no article found"):
        page(cart)
    # The same sentences with more of them, and no table, are an article however short.
    note = "<main><h1>Returns</h1><p>Free returns within 30 days of delivery.</p></main>"
    assert "Free returns" in all_text(page(note))


# --------------------------------------------------------------------------- hostile input


@pytest.fixture(scope="module")
def hostile() -> Document:
    return load(FIXTURES / "hostile.html")


def test_hostile_page_keeps_its_article_text(hostile: Document) -> None:
    text = all_text(hostile)
    assert "This paragraph is real article text and must survive." in text
    assert "Closing paragraph ends here." in text
    assert hostile.meta.title == "Harmless Looking Article"


@pytest.mark.parametrize("needle", [
    "alert", "fetch(", "document.cookie", "evil.example", "onload", "onerror", "onclick",
    "onmouseover", "position:fixed", "background", "steal.css", "IFRAME FALLBACK",
    "OBJECT FALLBACK", "SVG TEXT", "FORM VALUE", "BUTTON TEXT", "NOSCRIPT TEXT",
    "TEMPLATE TEXT", "VIDEO TEXT",
    "javascript:", "data:", "swf", "<",
])
def test_nothing_active_survives_into_the_model(hostile: Document, needle: str) -> None:
    assert needle.lower() not in json.dumps(to_json(hostile)).lower()


def test_unsafe_links_become_plain_text(hostile: Document) -> None:
    assert [link.href for link in links(hostile)] == ["https://example.org/ok"]
    assert "A javascript link" in all_text(hostile)


def test_images_keep_only_safe_sources(hostile: Document) -> None:
    srcs = [i.src for b in all_blocks(hostile) if isinstance(b, Paragraph)
            for i in b.inlines if isinstance(i, InlineImage)]
    srcs += [b.src for b in all_blocks(hostile) if isinstance(b, Image)]
    assert srcs == ["photo.jpg"]


# --------------------------------------------------------------------------- fixtures


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.html")), ids=lambda p: p.stem)
def test_fixture_matches_its_golden_outline(path: Path) -> None:
    golden = json.loads(path.with_suffix(".outline.json").read_text(encoding="utf-8"))
    assert to_outline_json(load(path)) == golden


def test_parse_is_deterministic() -> None:
    text = (FIXTURES / "blog_post_en.html").read_text(encoding="utf-8")
    assert html(text) == html(text)


# --------------------------------------------------------------------------- long real-world pages


LONG_TEXT = " ".join(["Sentences of the article body that carry on for a while."] * 50)


def test_headings_with_chrome_looking_ids_survive_extraction() -> None:
    doc = page(f"<h1>Draft Rules</h1><p>{LONG_TEXT}</p>"
               f"<h2 id='comments'>Comments on the draft</h2><p>{LONG_TEXT}</p>"
               f"<h2 id='footnotes' class='meta'>Footnotes policy</h2><p>{LONG_TEXT}</p>",
               head="<title>Draft Rules</title>")
    assert heading_texts(doc.sections) == [(2, "Comments on the draft"), (2, "Footnotes policy")]
    assert doc.sections[0].id == "comments"


def test_a_logo_h1_before_the_confirmed_article_h1_is_ignored() -> None:
    doc = page(f"<div class='top'><h1>Tern</h1></div><div><h1>Faster Builds</h1><p>{LONG_TEXT}</p>"
               f"<h2>Details</h2><p>{LONG_TEXT}</p></div>",
               head="<title>Faster Builds · Tern</title>")
    assert doc.meta.title == "Faster Builds"
    assert "Faster Builds" not in [text for _, text in heading_texts(doc.sections)]


def test_no_break_spaces_are_content() -> None:
    assert block_text(page("<p>vs.\u00a0Unpublished  and\n more</p>").lead[0]) == (
        "vs.\u00a0Unpublished and more")


@pytest.mark.slow
def test_pandoc_manual_as_html_keeps_every_heading() -> None:
    import subprocess

    from external_corpus import external_file, external_tool

    source = external_file("pandoc-MANUAL.txt")
    reference = external_file("pandoc-MANUAL.headings.json")
    markup = subprocess.run([external_tool("pandoc"), "-s", "-f", "markdown", "-t", "html",
                             str(source)], check=True, capture_output=True, text=True).stdout
    doc = html(markup)
    expected = json.loads(reference.read_text(encoding="utf-8"))["headings"]
    assert doc.meta.title == "Pandoc User’s Guide"
    assert [(level - 1, text) for level, text in heading_texts(doc.sections)] == [
        (h["level"], h["text"]) for h in expected]


# --------------------------------------------------------------------------- trial 6


def cells(table: Table) -> list[list[tuple[str, int, int, bool]]]:
    return [[(plain_text(c.inlines), c.colspan, c.rowspan, c.covered) for c in row.cells]
            for row in (*table.head, *table.body)]


def test_spans_lay_cells_on_the_grid() -> None:
    doc = page("<p>Intro text of the table page.</p><table><thead><tr><th colspan='2'>A</th>"
               "<th>B</th></tr></thead><tbody><tr><td rowspan='9'>x</td><td>1</td><td>2</td>"
               "</tr><tr><td colspan='x'>3</td></tr><tr><td>4</td><td rowspan='2'>5</td></tr>"
               "<tr><td>6</td></tr></tbody></table>")
    table = next(b for b in all_blocks(doc) if isinstance(b, Table))
    assert cells(table) == [
        [("A", 2, 1, False), ("", 1, 1, True), ("B", 1, 1, False)],
        # A rowspan stops at the end of its body (9 -> 4); a bad colspan is 1.
        [("x", 1, 4, False), ("1", 1, 1, False), ("2", 1, 1, False)],
        [("", 1, 1, True), ("3", 1, 1, False)],
        [("", 1, 1, True), ("4", 1, 1, False), ("5", 1, 2, False)],
        # A row too short to reach the span from above gets an empty cell before it.
        [("", 1, 1, True), ("6", 1, 1, False), ("", 1, 1, True)],
    ]


def test_a_table_cut_by_columns_restarts_a_cut_span() -> None:
    from lighthouse_docs.tables import pick_columns

    table = page("<table><tr><td>r</td><td colspan='3'>wide</td><td>z</td></tr>"
                 "<tr><td>s</td><td>1</td><td>2</td><td>3</td><td>4</td></tr></table>"
                 "<p>Some words after the table to read.</p>").lead[0]
    assert isinstance(table, Table)
    part = replace(table, head=(), body=pick_columns(table.body, (0, 3, 4)))
    assert cells(part) == [[("r", 1, 1, False), ("wide", 1, 1, False), ("z", 1, 1, False)],
                           [("s", 1, 1, False), ("3", 1, 1, False), ("4", 1, 1, False)]]
    part = replace(table, head=(), body=pick_columns(table.body, (0, 1, 2)))
    assert cells(part)[0] == [("r", 1, 1, False), ("wide", 2, 1, False), ("", 1, 1, True)]


def test_bare_years_in_the_text_are_no_date() -> None:
    doc = page("<h1>Border Trade After the 2021 Coup</h1><p>Trade fell after February 2021 and "
               "has since moved to informal crossings; by 2024 the share was below a quarter.</p>",
               head="<title>Border Trade After the 2021 Coup</title>")
    assert doc.meta.date is None


@pytest.mark.parametrize(("byline", "date"), [
    ("<p class='byline'>By A. Writer | Published 14 November 2026</p>", "2026-11-14"),
    ("<div class='post-date'>March 3, 2025</div>", "2025-03-03"),
    ("<p class='byline'>By A. Writer, July 2025</p>", None),
])
def test_a_full_written_date_in_the_byline_is_the_date(byline: str, date: str | None) -> None:
    doc = page(f"<article><h1>Title of the piece</h1>{byline}<p>Body text of the article "
               "written in 2019 and revised in 2020 for this page.</p></article>")
    assert (doc.meta.date.isoformat() if doc.meta.date else None) == date


def test_an_unreadable_title_block_date_is_a_warning() -> None:
    doc = page("<header id='title-block-header'><h1 class='title'>T</h1>"
               "<p class='date'>sometime soon</p></header><p>Body text of the article.</p>")
    assert doc.meta.title == "T" and doc.meta.date is None
    assert [w.code for w in doc.warnings if not isinstance(w, str)] == ["date-unreadable"]
    assert "sometime soon" not in all_text(doc).replace("T", "", 1)


def test_a_superscript_link_to_a_section_is_not_a_note() -> None:
    doc = page("<h1>T</h1><p>See part<sup><a href='#two'>2</a></sup> below.</p>"
               "<h2 id='two'>Two</h2><p>" + "Words of the second part. " * 200 + "</p>")
    assert not doc.footnotes and not doc.warnings
    assert any(isinstance(i, Link) for i in doc.lead[0].inlines)  # type: ignore[union-attr]


def test_a_page_cannot_forge_a_note_call() -> None:
    doc = page("<h1>T</h1><p>Text<a href='#lh-note-fn1'>1</a> and more text here.</p>")
    assert not doc.footnotes
    assert all(not isinstance(i, Link) for i in doc.lead[0].inlines)  # type: ignore[union-attr]


def test_a_fetched_page_keeps_its_notes_when_built() -> None:
    from lighthouse_docs.readers.html import FETCHED_GENERATOR, article_markup

    text = (FIXTURES.parent / "html_authoring" / "handwritten_notes.html").read_text("utf-8")
    saved = article_markup(text, title="Water Data Sharing on the River")
    assert "data-lh-line" not in saved and "lh-note" not in saved
    doc = html(f"<html><head><meta name='generator' content='{FETCHED_GENERATOR}'>"
               f"<title>Water</title></head><body>{saved}</body></html>")
    assert [plain_text(n.blocks[0].inlines) for n in doc.footnotes] == [  # type: ignore[union-attr]
        "River Commission, State of the Basin Report 2023.",
        'Kondolf et al., "Changing sediment budget", 2014.']


def test_what_the_extraction_leaves_out_of_an_authored_document_is_said() -> None:
    from lighthouse_docs.readers.html import _dropped_text

    kept = Paragraph(inlines=(Text(text="The lead of the document stays in."),), line=3)
    lost = Paragraph(inlines=(Text(text="A recommendation the extractor took for chrome."),),
                     line=9)
    short = Paragraph(inlines=(Text(text="Share this"),), line=12)
    warning = _dropped_text([kept], [kept, lost, short], "doc.html")
    assert warning is not None and (warning.line, warning.code) == (9, "extraction-dropped")
    assert warning.message == ("the main-content extraction left out 1 paragraph (7 words) of "
                               "this document as page chrome: “A recommendation the extractor "
                               "took for chrome.”")
    assert _dropped_text([kept, lost], [kept, lost, short], "doc.html") is None


def test_word_review_comments_are_left_out_with_a_warning() -> None:
    doc = page("<p class=MsoTitle>Grain</p><p class=MsoNormal>Stocks fell for the third year"
               "<a style='mso-comment-reference:AB_1'>[AB1]</a> running.</p>"
               "<div style='mso-element:comment-list'><div style='mso-element:comment'>"
               "<p class=MsoCommentText>Check this figure with the desk.</p></div></div>")
    assert all_text(doc) == "Grain Stocks fell for the third year running."
    assert [(w.code, w.message) for w in doc.warnings if not isinstance(w, str)] == [
        ("word-comments", "1 Word review comment left out (notes between authors, not text "
                          "of the brief)")]


def test_a_word_page_without_a_title_paragraph_takes_its_title_tag() -> None:
    doc = html((FIXTURES.parent / "html_authoring" / "word_saved.html").read_text("cp1252")
               .replace("<p class=MsoTitle>River Debt and Hydropower Lending</p>", ""))
    assert doc.meta.title == "River Debt and Hydropower Lending"
    assert [text for _, text in heading_texts(doc.sections)] == [
        "Debt profile", "Options", "Conclusion"]


def test_insert_filter_counts_words_once_however_deep_the_page(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import lxml.html

    from lighthouse_docs.readers.html import (
        _WORDS,
        INSERT_MAX_ELEMENTS,
        _drop_inserts,
        _parser,
        _word_counts,
    )

    page = lxml.html.document_fromstring(
        "<html><body><p>" + "w " * 2000 + "</p>" + "<div class='meta'>" * 1500 +
        "<p>Read also: <b>bold</b>word, and<!-- a comment --> more.</p>" + "</div>" * 1500 +
        "</body></html>", parser=_parser())
    counts = _word_counts(page)
    assert all(counts[el].words == len(_WORDS.findall(str(el.text_content())))
               and counts[el].elements == sum(1 for _ in el.iter())
               for el in page.iter() if isinstance(el.tag, str))
    read: list[int] = []
    original = lxml.html.HtmlMixin.text_content

    def counting(self: lxml.html.HtmlMixin) -> str:
        read.append(sum(1 for _ in self.iter()))  # type: ignore[attr-defined]
        return original(self)

    monkeypatch.setattr(lxml.html.HtmlMixin, "text_content", counting)
    assert _drop_inserts(page) == 1  # the read-also box
    # No element's whole subtree is read to count its words (once each: 1,500 wrappers of
    # 1,500 nested elements); only short candidate boxes are read, each bounded.
    assert read and max(read) <= INSERT_MAX_ELEMENTS
