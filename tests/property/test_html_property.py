"""Property tests for the HTML reader: any input parses or fails cleanly; nothing active leaks."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lighthouse_docs.errors import InputError
from lighthouse_docs.model import SourceInfo
from lighthouse_docs.outline import to_json
from lighthouse_docs.readers.html import parse

SOURCE = SourceInfo(path="prop.html", format="html")
TAGS = ["p", "div", "h1", "h2", "h3", "ul", "ol", "li", "table", "tr", "td", "th", "a", "em",
        "b", "pre", "code", "blockquote", "img", "br", "hr", "span", "figure", "figcaption",
        "script", "style", "iframe", "form", "svg", "html", "body", "head", "title"]
HTML_CHARS = list("<>/=\"'&;!?- \n") + list("abcpdivlh1x")


@st.composite
def tag_soup(draw: st.DrawFn) -> str:
    pieces = []
    for _ in range(draw(st.integers(0, 25))):
        choice = draw(st.integers(0, 3))
        tag = draw(st.sampled_from(TAGS))
        if choice == 0:
            attr = draw(st.sampled_from(["", " href='x'", " src='y.png' alt='z'", " start='3'",
                                         " onclick='bad()'", " href='javascript:bad()'"]))
            pieces.append(f"<{tag}{attr}>")
        elif choice == 1:
            pieces.append(f"</{tag}>")
        else:
            pieces.append(draw(st.text(max_size=12)))
    return "".join(pieces)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.text(alphabet=st.sampled_from(HTML_CHARS)), tag_soup(),
                 st.lists(st.sampled_from(["<p>", "</p>", "<li>", "<table>", "<h1>", "x"]))
                 .map("".join)))
def test_arbitrary_input_raises_nothing_but_input_error(text: str) -> None:
    try:
        doc = parse(text, SOURCE)
    except InputError:
        return
    assert doc.meta.title


@settings(max_examples=60, deadline=None)
@given(tag_soup(), st.sampled_from(["script", "style", "iframe", "template", "noscript"]))
def test_active_content_never_reaches_the_model(soup: str, tag: str) -> None:
    # The soup follows the active element: before it, the soup can legitimately turn the
    # element's start tag into text or a comment (HTML5 reads "<?<script>" as a bogus
    # comment, so the payload after it is plain text, as in a browser).
    text = f"<html><body><{tag}>SECRETPAYLOAD</{tag}>{soup}<p onclick='bad()'>kept words</p>" \
           f"</body></html>"
    try:
        doc = parse(text, SOURCE)
    except InputError as error:  # e.g. "no article found": nothing reaches the model
        assert "SECRETPAYLOAD" not in str(error)
        return
    dumped = json.dumps(to_json(doc))
    assert "SECRETPAYLOAD" not in dumped
    assert "bad()" not in dumped
