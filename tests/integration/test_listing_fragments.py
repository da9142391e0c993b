"""The rendered main region of /products is reused only while everything it shows is the same."""
import pytest

from app.caching import fragments
from tests.factories_catalog import create_product, create_shop, set_product


@pytest.fixture
def shop(factory):
    return create_shop(factory, name="Fragment Works")


@pytest.fixture
def renders(monkeypatch):
    """Names of the templates rendered for the listing's main region."""
    seen = []
    original = fragments.render_template

    def counting(template, **context):
        seen.append(template)
        return original(template, **context)

    monkeypatch.setattr(fragments, "render_template", counting)
    return seen


def body(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_same_listing_twice_renders_its_main_region_once(app, cached_app, shop, renders):
    create_product(app, shop, "Twice Mug")
    client = cached_app.test_client()
    first, second = body(client, "/products"), body(client, "/products")
    assert "Twice Mug" in first and "Twice Mug" in second
    assert renders.count("storefront/_listing_main.html") == 1


def test_a_changed_price_renders_the_region_again(app, cached_app, shop, renders):
    product = create_product(app, shop, "Repriced Mug", 4200)
    client = cached_app.test_client()
    assert "$42.00" in body(client, "/products")
    set_product(app, product, regular_price_cents=3100)
    page = body(client, "/products")
    assert "$31.00" in page and "$42.00" not in page
    assert renders.count("storefront/_listing_main.html") == 2


def test_each_visitor_still_gets_their_own_csrf_token(app, cached_app, shop):
    create_product(app, shop, "Shared Mug")
    one, two = cached_app.test_client(), cached_app.test_client()
    token = 'name="csrf-token" content="'
    first, second = body(one, "/products"), body(two, "/products")
    assert first.split(token)[1].split('"')[0] != second.split(token)[1].split('"')[0]


def test_without_caching_nothing_is_kept(app, client, shop, renders):
    create_product(app, shop, "Fresh Mug")
    body(client, "/products")
    body(client, "/products")
    assert renders.count("storefront/_listing_main.html") == 2  # rendered every time
    assert not fragments._entries
