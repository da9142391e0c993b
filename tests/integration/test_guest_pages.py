"""A guest's storefront page is reused only while all it shows is the same, and stays theirs:
their own CSRF token, cart counts and messages, and never a trace of a signed-in visitor."""
import re

import pytest

import blueprints.storefront.listing
import blueprints.storefront.product
import blueprints.storefront.views
from app import caching
from blueprints.storefront import guest_pages
from tests.conftest import Auth
from tests.factories_cart import set_stock
from tests.factories_catalog import create_product, create_shop, set_product


@pytest.fixture
def shop(factory):
    return create_shop(factory, name="Region Works")


@pytest.fixture
def renders(monkeypatch):
    """Names of the page templates the home, product and listing views rendered."""
    seen = []
    for module in (blueprints.storefront.product, blueprints.storefront.listing,
                   blueprints.storefront.views):
        original = module.render_template

        def counting(template, _original=original, **context):
            seen.append(template)
            return _original(template, **context)

        monkeypatch.setattr(module, "render_template", counting)
    return seen


@pytest.fixture
def strict_cached_app(cached_app, make_app):
    """Caching as in production, and CSRF tokens checked as in production (its cache is the
    one cached_app empties before and after the test)."""
    return make_app(STOREFRONT_CACHE_SECONDS=60, WTF_CSRF_ENABLED=True)


@pytest.fixture
def broken_cache(monkeypatch):
    """Every read and write of the cache fails, as when its Redis is down; afterwards the
    cache layer is not left resting from the failures, so later tests cache again."""

    def broken(*args, **kwargs):
        raise ConnectionError("the cache is down")

    monkeypatch.setattr(caching.cache, "get", broken)
    monkeypatch.setattr(caching.cache, "set", broken)
    monkeypatch.setitem(caching._failed_at, "when", caching._failed_at["when"])


def body(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def tokens(page):
    """The page's meta CSRF token and every form's csrf_token value."""
    meta = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    return meta, re.findall(r'name="csrf_token" value="([^"]+)"', page)


def cart_count(page):
    return int(re.search(r'id="cart-count"[^>]*>(\d+)', page).group(1))


def test_two_guests_on_one_product_page_render_it_once(app, cached_app, shop, renders):
    product = create_product(app, shop, "Twice Teapot")
    one, two = cached_app.test_client(), cached_app.test_client()
    assert "Twice Teapot" in body(one, f"/product/{product.slug}")
    assert "Twice Teapot" in body(two, f"/product/{product.slug}")
    assert renders.count("storefront/product.html") == 1


def test_two_guests_on_one_listing_render_it_once(app, cached_app, shop, renders):
    create_product(app, shop, "Listed Teapot")
    for client in (cached_app.test_client(), cached_app.test_client()):
        assert "Listed Teapot" in body(client, "/products?sort=newest")
    assert renders.count("storefront/products.html") == 1


def test_without_caching_every_visit_renders_the_page(app, client, shop, renders):
    create_product(app, shop, "Fresh Teapot")
    body(client, "/products")
    body(client, "/products")
    assert renders.count("storefront/products.html") == 2


def test_a_reused_page_carries_each_guests_own_token(app, strict_cached_app, shop, renders):
    product = create_product(app, shop, "Token Teapot", variants=[("", "", 5)])
    one, two = strict_cached_app.test_client(), strict_cached_app.test_client()
    first, second = body(one, f"/product/{product.slug}"), body(two, f"/product/{product.slug}")
    assert renders.count("storefront/product.html") == 1
    (meta_one, forms_one), (meta_two, forms_two) = tokens(first), tokens(second)
    assert meta_one != meta_two
    assert forms_one and set(forms_one) == {meta_one}
    assert forms_two and set(forms_two) == {meta_two}


def test_the_token_on_a_reused_page_adds_to_the_cart(app, strict_cached_app, shop):
    product = create_product(app, shop, "Cart Teapot", variants=[("", "", 5)])
    body(strict_cached_app.test_client(), f"/product/{product.slug}")  # renders the page
    guest = strict_cached_app.test_client()
    _, forms = tokens(body(guest, f"/product/{product.slug}"))
    response = guest.post("/cart/add", data={"csrf_token": forms[0], "quantity": 1,
                                             "variant_id": product.variants[0].id})
    assert response.status_code == 302
    assert "Cart Teapot" in body(guest, "/cart")


def test_a_guests_message_and_cart_count_are_their_own(app, cached_app, shop):
    product = create_product(app, shop, "Counted Teapot", variants=[("", "", 5)])
    assert cart_count(body(cached_app.test_client(), f"/product/{product.slug}")) == 0
    guest = cached_app.test_client()
    guest.post("/cart/add", data={"quantity": 2, "variant_id": product.variants[0].id})
    page = body(guest, f"/product/{product.slug}")
    assert "Added" in page and cart_count(page) == 2
    again = body(guest, f"/product/{product.slug}")
    assert "Added" not in again and cart_count(again) == 2
    assert cart_count(body(cached_app.test_client(), f"/product/{product.slug}")) == 0


def test_new_stock_shows_at_once_on_a_reused_page(app, cached_app, shop, renders):
    product = create_product(app, shop, "Stocked Teapot", variants=[("", "", 9)])
    client = cached_app.test_client()
    assert "In stock" in body(client, f"/product/{product.slug}")
    set_stock(cached_app, product.variants[0], 2)
    assert "Only 2 left" in body(client, f"/product/{product.slug}")
    assert renders.count("storefront/product.html") == 2


def test_a_new_price_shows_at_once_on_a_reused_page(app, cached_app, shop):
    product = create_product(app, shop, "Priced Teapot", price_cents=4200)
    client = cached_app.test_client()
    assert "$42.00" in body(client, f"/product/{product.slug}")
    set_product(cached_app, product, regular_price_cents=3100)
    page = body(client, f"/product/{product.slug}")
    assert "$31.00" in page and "$42.00" not in page


def test_signed_in_shoppers_get_a_page_of_their_own(app, cached_app, factory, shop, renders):
    product = create_product(app, shop, "Member Teapot")
    body(cached_app.test_client(), f"/product/{product.slug}")
    member = cached_app.test_client()
    Auth(member, factory).login_as("shopper", name="Mina Member")
    page = body(member, f"/product/{product.slug}")
    assert "Mina Member" in page and "Log in</a> to review" not in page
    assert renders.count("storefront/product.html") == 2


@pytest.mark.parametrize("path", ["/", "/products", "/products?q=teapot", "product"])
def test_a_guest_after_a_member_sees_no_trace_of_them(app, cached_app, factory, shop, path):
    product = create_product(app, shop, "Visited Teapot")
    path = f"/product/{product.slug}" if path == "product" else path
    member = cached_app.test_client()
    Auth(member, factory).login_as("shopper", name="Mina Member")
    assert "Mina Member" in body(member, path)
    page = body(cached_app.test_client(), path)
    assert "Mina Member" not in page
    assert 'href="/account/' not in page and 'href="/auth/logout' not in page
    assert 'href="/auth/login' in page


def test_the_search_box_repeats_each_guests_query_as_typed(app, cached_app, shop):
    create_product(app, shop, "Searched Teapot")
    box = r'id="navbar-q"[^>]*value="([^"]*)"'
    plain = body(cached_app.test_client(), "/products?q=teapot")
    spaced = body(cached_app.test_client(), "/products?q=teapot++")  # the same search
    assert re.search(box, plain).group(1) == "teapot"
    assert re.search(box, spaced).group(1) == "teapot  "


def test_a_page_one_worker_rendered_is_reused_by_the_others(app, cached_app, make_app, shop,
                                                           renders):
    product = create_product(app, shop, "Shared Teapot", variants=[("", "", 5)])
    body(cached_app.test_client(), f"/product/{product.slug}")
    other_worker = make_app(STOREFRONT_CACHE_SECONDS=60)
    page = body(other_worker.test_client(), f"/product/{product.slug}")
    assert "Shared Teapot" in page and "slot-" not in page
    assert renders.count("storefront/product.html") == 1


def test_a_change_in_one_worker_shows_at_once_in_the_others(app, cached_app, make_app, shop):
    product = create_product(app, shop, "Moving Teapot", price_cents=4200)
    other_worker = make_app(STOREFRONT_CACHE_SECONDS=60).test_client()
    assert "$42.00" in body(other_worker, f"/product/{product.slug}")
    set_product(cached_app, product, regular_price_cents=3100)
    assert "$31.00" in body(other_worker, f"/product/{product.slug}")


def test_pages_stored_by_other_code_are_not_reused(app, cached_app, make_app, shop, renders,
                                                   monkeypatch):
    product = create_product(app, shop, "Versioned Teapot")
    body(cached_app.test_client(), f"/product/{product.slug}")
    monkeypatch.setattr(guest_pages, "_code_version", lambda root: "the next release")
    after_a_deploy = make_app(STOREFRONT_CACHE_SECONDS=60)
    assert "Versioned Teapot" in body(after_a_deploy.test_client(), f"/product/{product.slug}")
    assert renders.count("storefront/product.html") == 2


def test_pages_stored_under_other_settings_are_not_reused(app, cached_app, make_app, shop,
                                                          renders):
    product = create_product(app, shop, "Moved Teapot")
    body(cached_app.test_client(), f"/product/{product.slug}")
    moved = make_app(STOREFRONT_CACHE_SECONDS=60, BASE_URL="https://new.example.com")
    page = body(moved.test_client(), f"/product/{product.slug}")
    assert "https://new.example.com/product/" in page
    assert renders.count("storefront/product.html") == 2


@pytest.mark.parametrize("path", ["/", "/products", "product"])
def test_a_failing_cache_only_costs_a_render(app, cached_app, shop, renders, broken_cache,
                                             path):
    product = create_product(app, shop, "Sturdy Teapot")
    path = f"/product/{product.slug}" if path == "product" else path
    client = cached_app.test_client()
    assert "Sturdy Teapot" in body(client, path)
    assert "Sturdy Teapot" in body(client, path)
    pages = [name for name in renders if not name.rsplit("/", 1)[-1].startswith("_")]
    assert len(pages) == 2  # rendered each time, not stored
