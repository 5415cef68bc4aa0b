"""Shortcuts in the HTML walk decide exactly what the plain computation decides."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangan.parsers import html

FAST = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


@FAST
@given(st.text(alphabet=html._EDGE + "\u2002\u2028\x85&;nbsp中a", max_size=16))
def test_flush_gate_skips_only_text_that_cleans_to_nothing(s):
    assert (html.clean_inline(s) if s.strip(html._EDGE) else "") == html.clean_inline(s)


def test_tag_names_remembered_as_computed():
    import lxml.html

    root = lxml.html.document_fromstring("<html><body><!-- c --><P>a</P><svg:rect xmlns:svg='x'/><Div>b</Div></body></html>")
    for _ in range(2):  # (computed, then remembered)
        for el in root.iter():
            t = el.tag
            plain = t.rsplit("}", 1)[-1].lower() if isinstance(t, str) else ""
            assert html._tag(el) == plain


def test_blank_blocks_between_tags_make_no_block():
    blocks, _ = html.blocks_from_elements([html.load_tree("<div>\n  <p> 一 </p>\n\u3000\n<p>\u2002</p><p>二</p></div>").find(".//div")])
    assert [b.text for b in blocks] == ["一", "\u2002", "二"]


def test_bare_tag_selector_finds_what_the_xpath_finds():
    import lxml.html
    from lxml.cssselect import CSSSelector

    from fangan.parsers import sites

    page = ("<html><head><style>p{}</style><script>x</script></head><body><h1>题</h1><div><script>y</script>"
            "<!-- script --><p>一<script>z</script></p><H1>二</H1></div></body></html>")
    root = lxml.html.document_fromstring(page)
    for sel in ("script", "style", "h1", "p", "div", "html"):
        assert sites._css(root, sel) == CSSSelector(sel, translator="html")(root), sel
