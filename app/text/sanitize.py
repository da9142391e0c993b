"""Rich text from sellers made safe to show: an allowlist of tags, safe links, plain excerpts."""
import html
import re
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "small", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
})
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "abbr": ["title"],
    "td": ["colspan", "rowspan"],
    "th": ["colspan", "rowspan", "scope"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# Elements whose text is code or styling, not prose: dropped whole, not unwrapped.
_DROP_WITH_CONTENT = re.compile(
    r"<(script|style|template|noscript|iframe|object|textarea)\b.*?</\1\s*>", re.I | re.S
)
_SPACES = re.compile(r"\s+")


def _safe_rel(attrs, new=False):
    """Seller links may not pass ranking or get a handle on our window."""
    href_key = (None, "href")
    if href_key not in attrs:
        return attrs
    attrs[(None, "rel")] = "nofollow noopener"
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    # parse_email off: addresses stay text unless the seller made them links.
    filters=[partial(LinkifyFilter, callbacks=[_safe_rel], skip_tags={"pre", "code"})],
)


def clean_html(raw):
    """Seller HTML reduced to the allowlist; returned as Markup ready for a template."""
    if not raw:
        return Markup("")
    return Markup(_cleaner.clean(_DROP_WITH_CONTENT.sub("", raw)))


def plain_text(raw, limit=None):
    """HTML to one line of text (for meta descriptions and excerpts), cut at a word."""
    if not raw:
        return ""
    stripped = bleach.clean(_DROP_WITH_CONTENT.sub(" ", raw), tags=set(), strip=True,
                            strip_comments=True)
    return _one_line(stripped, limit)


# A tag of clean_html()'s output (its serializer double-quotes every attribute value), and
# the allowed tags that separate words: "</p><p>" is a space in an excerpt, "</b>" is not.
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
