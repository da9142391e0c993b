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


def test_a_bare_web_address_becomes_a_nofollow_link():
    cleaned = clean_html("<p>See https://maker.example/a?b=1&c=2. Or www.oak.example!</p>")
    assert cleaned == (
        '<p>See <a href="https://maker.example/a?b=1&amp;c=2" rel="nofollow noopener">'
        "https://maker.example/a?b=1&amp;c=2</a>. Or "
        '<a href="http://www.oak.example" rel="nofollow noopener">www.oak.example</a>!</p>')


def test_web_addresses_in_code_or_already_in_a_link_are_left_as_they_are():
    raw = '<pre>https://a.example</pre><a href="https://b.example">https://b.example</a>'
    assert clean_html(raw) == (
        '<pre>https://a.example</pre>'
        '<a href="https://b.example" rel="nofollow noopener">https://b.example</a>')


def test_a_link_keeps_no_rel_or_target_of_the_sellers_own():
    cleaned = clean_html('<a href="/about" rel="me" target="_blank">About</a>')
    assert cleaned == '<a href="/about" rel="nofollow noopener">About</a>'


@pytest.mark.parametrize("href", ["javascript:alert(1)", "data:text/html,x", "ftp://f.example"])
def test_a_link_to_an_unsafe_scheme_loses_its_address(href):
    assert 'href' not in clean_html(f'<a href="{href}">x</a>')


def test_attributes_outside_the_allowlist_are_dropped_from_every_tag():
    raw = '<p title="t" lang="en" style="color:red">x</p><abbr title="t" lang="en">A</abbr>'
    assert clean_html(raw) == '<p>x</p><abbr title="t">A</abbr>'


def test_code_and_styling_elements_are_dropped_with_their_text_even_unclosed():
    assert clean_html("<p>Oak</p><style>p{}</style><textarea>x</textarea><script>y") == (
        "<p>Oak</p>")
