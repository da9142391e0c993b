"""The site's icon: /favicon.ico answers, and every layout links icons that exist."""
from html.parser import HTMLParser

import pytest

from tests.factories_account import create_order

ICO_MAGIC = b"\x00\x00\x01\x00"
ICON_RELS = {"icon", "apple-touch-icon"}


class IconLinks(HTMLParser):
    """Collects the href of every <link rel="icon"> and <link rel="apple-touch-icon">."""

    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and ICON_RELS & set((attrs.get("rel") or "").split()):
            self.hrefs.append(attrs["href"])


def icon_links(html):
    parser = IconLinks()
    parser.feed(html)
    return parser.hrefs


def open_as(role, client, auth, factory, app):
    """Sign in as `role` (None: a guest); a shopper's page is the invoice of their order."""
    if role is None:
        return None
    if role == "shopper":
        shopper = auth.login_as("shopper")
        return create_order(app, shopper, factory.shop(factory.seller(with_shop=False))).number
    auth.login_as(role)
    return None


# One page per layout: storefront, auth, error, seller and admin portals, the bare invoice.
PAGES = [
    (None, "/"),
    (None, "/auth/login"),
    (None, "/no-such-page"),
    ("seller", "/seller/"),
    ("admin", "/admin/"),
    ("shopper", "/account/orders/{number}/invoice"),
]


def test_favicon_ico_at_the_site_root_is_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert response.get_data().startswith(ICO_MAGIC)


@pytest.mark.parametrize(("role", "path"), PAGES, ids=[path for _, path in PAGES])
def test_every_layout_links_an_icon_that_is_served(client, auth, factory, app, role, path):
    number = open_as(role, client, auth, factory, app)
    page = client.get(path.format(number=number))
    assert page.status_code in (200, 404)
    hrefs = icon_links(page.get_data(as_text=True))
    assert any(href.endswith(".svg") for href in hrefs), hrefs
    assert any(href.endswith(".ico") for href in hrefs), hrefs
    for href in hrefs:
        icon = client.get(href)
        assert icon.status_code == 200, href
        assert icon.mimetype.startswith("image/"), (href, icon.mimetype)
