"""Product cards rendered once per distinct content, then reused by every page that shows them.

A card's HTML is a pure function of the few values it shows, so the key is those values: a
changed price, title, rating, shop name or image is a different key, never a stale card.
Visibility is not in here: callers pass only cards they have just read and checked.
"""
import threading

from flask import current_app
from markupsafe import Markup, escape

MAX_CARDS = 4096  # bounds memory: about 1 kB each
_lock = threading.Lock()  # for writers; a read is one dict lookup
_rendered = {}  # content -> HTML, oldest first (evicted first-in, first-out)


def _content(card):
    image = card.images[0].url if card.images else None
    shop = card.shop.name if card.shop else None
    return (card.id, card.slug, card.title, card.regular_price_cents, card.sale_price_cents,
            card.price_cents, card.currency, card.rating_avg, card.rating_count, shop, image)


def _render(card):
    macros = current_app.jinja_env.get_template("_macros/_cards.html").module
    return str(macros.product_card(card))


def _card_html(card, reuse):
    if not reuse:  # templates may change under a running dev server
        return _render(card)
    key = _content(card)
    html = _rendered.get(key)
    if html is None:
        html = _render(card)
        with _lock:
            _rendered[key] = html
            while len(_rendered) > MAX_CARDS:
                del _rendered[next(iter(_rendered))]
    return html


def card_html(card):
    """_macros/_cards.html product_card(card), rendered at most once per distinct content."""
    return Markup(_card_html(card, not current_app.jinja_env.auto_reload))


def cards_html(cards, wrapper_class):
    """Each card's HTML (card_html) in a <div class="{wrapper_class}">, for one grid row."""
    reuse = not current_app.jinja_env.auto_reload
    opening = f'<div class="{escape(wrapper_class)}">'
    return Markup("".join(f"{opening}{_card_html(card, reuse)}</div>" for card in cards))


def clear():
    with _lock:
        _rendered.clear()
