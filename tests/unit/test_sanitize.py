"""Excerpts taken from sanitised HTML read as the plain text of what the seller wrote."""
import pytest

from app.text.sanitize import clean_html, plain_text, plain_text_of_clean

SELLER_HTML = [
    '<p onclick="x()">Hand <b>made</b> &amp; oiled<script>alert(1)</script></p>',
    "<p>Sold by Oak &amp; Co.</p><p>Ships from GB.</p><ul><li>Oak</li><li>Oil</li></ul>",
    'See <a href="https://maker.example" title="a &gt; b">the maker</a> &lt;3 <!-- note -->',
    "plain & simple <unknown>tag</unknown> " + "word " * 60,
]


@pytest.mark.parametrize("raw", SELLER_HTML)
def test_excerpt_of_clean_html_equals_plain_text_of_the_sellers_html(raw):
    assert plain_text_of_clean(clean_html(raw), 160) == plain_text(raw, 160)


def test_excerpt_of_clean_html_leaves_no_attribute_text_behind():
    cleaned = clean_html('<abbr title="x > y">XY</abbr> and <a href="https://a.example">A</a>')
    assert plain_text_of_clean(cleaned) == "XY and A"
