"""Absolute URLs in pages (canonical links, og:url) are built on BASE_URL, never on the Host."""
import re

import pytest

from tests.factories_catalog import create_product, create_shop

BASE_URL = "https://market.example"
CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)">')


@pytest.fixture
def based_client(make_app):
    return make_app(BASE_URL=BASE_URL).test_client()


@pytest.fixture
def product(app, factory):
    return create_product(app, create_shop(factory, name="Alder Workshop"), title="Oak Board")


def page_paths(product):
    return {
        "shop": (f"/shop/{product.shop.slug}", f"{BASE_URL}/shop/{product.shop.slug}"),
        "product": (f"/product/{product.slug}", f"{BASE_URL}/product/{product.slug}"),
        "listing": ("/products?q=oak&sort=price_asc", f"{BASE_URL}/products?q=oak"),
    }


@pytest.mark.parametrize("kind", ["shop", "product", "listing"])
def test_a_forged_host_header_never_reaches_the_canonical_link(based_client, product, kind):
    path, expected = page_paths(product)[kind]
    response = based_client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert CANONICAL.findall(body) == [expected]
    assert "evil.example" not in body


def test_the_product_pages_og_url_is_on_base_url(based_client, product):
    body = based_client.get(f"/product/{product.slug}", headers={"Host": "evil.example"}) \
        .get_data(as_text=True)
    assert f'<meta property="og:url" content="{BASE_URL}/product/{product.slug}">' in body
