"""Rich text from sellers made safe to show: an allowlist of tags, safe links, plain excerpts."""
import html
import re

import nh3
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "small", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
})
# No "rel" on links: nh3 sets it on every link (LINK_REL) and refuses a seller's own.
# "*": none on every tag (nh3 would otherwise keep its defaults, lang and title).
ALLOWED_ATTRIBUTES = {
    "*": set(),
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# Seller links may not pass ranking or get a handle on our window.
LINK_REL = "nofollow noopener"
# Elements whose text is code or styling, not prose: dropped whole, not unwrapped.
DROP_WITH_CONTENT = frozenset({
    "script", "style", "template", "noscript", "iframe", "object", "textarea",
})
_SPACES = re.compile(r"\s+")


def clean_html(raw):
    """Seller HTML reduced to the allowlist, bare web addresses made links; returned as
    Markup ready for a template."""
    if not raw:
        return Markup("")
    cleaned = nh3.clean(
        raw, tags=set(ALLOWED_TAGS), attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(ALLOWED_PROTOCOLS), clean_content_tags=set(DROP_WITH_CONTENT),
        strip_comments=True, link_rel=LINK_REL)
    return Markup(_linkify(cleaned))


def plain_text(raw, limit=None):
    """HTML to one line of text (for meta descriptions and excerpts), cut at a word."""
    if not raw:
        return ""
    # The allowlist's block tags are kept (bare) only to separate words, as in an excerpt of
    # clean_html(); plain_text_of_clean() then drops them.
    kept = nh3.clean(raw, tags=set(_BLOCK_TAGS), attributes={"*": set()},
                     clean_content_tags=set(DROP_WITH_CONTENT), strip_comments=True,
                     link_rel=None)
    return plain_text_of_clean(kept, limit)


# A tag of nh3's output (attribute values double-quoted, "<" and ">" in them escaped), and the
# tags that separate words: "</p><p>" is a space in an excerpt, "</b>" is not.
_CLEAN_TAG = re.compile(r'</?([a-z0-9]+)(?:[^>"]|"[^"]*")*>')
_BLOCK_TAGS = frozenset({"blockquote", "br", "dd", "div", "dl", "dt", "h2", "h3", "h4", "h5",
                         "h6", "hr", "li", "ol", "p", "pre", "table", "tbody", "td", "tfoot",
                         "th", "thead", "tr", "ul"})


def plain_text_of_clean(cleaned, limit=None):
    """plain_text() of HTML that clean_html() produced, without parsing it a second time:
    what remains is well-formed allowlisted markup whose tags a pattern can drop."""
    if not cleaned:
        return ""
    text = _CLEAN_TAG.sub(lambda tag: " " if tag[1] in _BLOCK_TAGS else "", str(cleaned))
    return _one_line(text, limit)


def _one_line(stripped, limit):
    # Entities are still escaped; the template escapes again, so undo it here once.
    text = _SPACES.sub(" ", html.unescape(stripped)).strip()
    if limit and len(text) > limit:
        cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
        text = cut.rstrip(" ,.;:") + "…"
    return text


# A web address written as text: http(s):// or www., up to a space, a quote or a tag; "&amp;"
# is the escaped "&" of a query string, any other entity (&nbsp;, &lt;) ends the address.
_BARE_URL = re.compile(r"\b(?:https?://|www\.)\w(?:[^\s<>\"'&]|&amp;)*", re.I)
_TRAILING = ".,;:!?)]'"
_NO_LINKS_INSIDE = frozenset({"a", "pre", "code"})


def _linkify(cleaned):
    """Bare web addresses in the text of clean HTML made links (not inside a link, pre, code).

    Only the text between tags is touched; it is already escaped, so an address is valid
    attribute text as it stands.
    """
    out, depth, start = [], 0, 0
    for tag in _CLEAN_TAG.finditer(cleaned):
        out.append(_link_text(cleaned[start:tag.start()], depth))
        if tag[1] in _NO_LINKS_INSIDE:
            depth += -1 if tag[0].startswith("</") else 1
        out.append(tag[0])
        start = tag.end()
    out.append(_link_text(cleaned[start:], depth))
    return "".join(out)


def _link_text(text, depth):
    return _BARE_URL.sub(_link, text) if depth == 0 and text else text


def _link(match):
    address = match[0].rstrip(_TRAILING)
    rest = match[0][len(address):]
    href = address if "://" in address else "http://" + address
    return f'<a href="{href}" rel="{LINK_REL}">{address}</a>{rest}'
