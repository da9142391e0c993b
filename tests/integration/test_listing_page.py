"""GET /products as a page: htmx partials, SEO, suggestions, caching, query counts."""
import re

import pytest

from tests.factories_catalog import create_category, create_shop, delete_product
from tests.integration.test_listing import make, titles
from tests.support.queries import count_queries


@pytest.fixture
def shop(factory):
    return create_shop(factory, name="Fern Studio")


@pytest.fixture
def mugs(app):
    return create_category(app, "Mugs", slug="mugs")


@pytest.fixture
def candles(app):
    return create_category(app, "Candles", slug="candles")


def test_htmx_request_gets_only_the_results_and_the_sidebar(app, client, shop):
    make(app, shop, "Red mug", variants=[("Red", "", 1)])
    response = client.get("/products?color=Red", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and "Red mug" in body
    assert 'id="listing-filters" hx-swap-oob="true"' in body
    assert 'id="listing-head" class="listing-head" hx-swap-oob="true"' in body
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_history_restore_gets_the_whole_page(app, client, shop):
    make(app, shop, "Red mug")
    response = client.get("/products", headers={"HX-Request": "true",
                                                 "HX-History-Restore-Request": "true"})
    assert "<html" in response.get_data(as_text=True)


def test_filter_form_works_without_javascript_and_enhances_with_htmx(client):
    body = client.get("/products?q=mug").get_data(as_text=True)
    form = re.search(r'<form id="listing-filter-form"[^>]*>', body).group(0)
    assert 'method="get"' in form and 'action="/products"' in form
    assert 'hx-get="/products"' in form
    assert 'hx-target="#product-results"' in body and 'hx-push-url="true"' in body
    assert '<input type="hidden" name="q" value="mug">' in body


def test_page_has_canonical_and_noindex_for_deep_filters(app, client, shop, mugs):
    make(app, shop, "Red mug", category=mugs, variants=[("Red", "", 1)], brand="Alder")
    plain = client.get("/products?category=mugs&sort=price_asc").get_data(as_text=True)
    base = app.config["BASE_URL"].rstrip("/")
    assert f'<link rel="canonical" href="{base}/products?category=mugs">' in plain
    assert "noindex" not in plain
    assert "<title>Mugs · " in plain
    deep = client.get("/products?category=mugs&color=Red&brand=Alder").get_data(as_text=True)
    assert '<meta name="robots" content="noindex, follow">' in deep


def test_no_results_suggests_dropping_a_filter(app, client, shop):
    make(app, shop, "Red mug", variants=[("Red", "", 0)])
    response = client.get("/products?color=Red&in_stock=1")
    body = response.get_data(as_text=True)
    assert titles(response) == []
    assert "Remove In stock</a>" in body and "(1)" in body


def test_no_results_for_a_search_suggests_browsing_without_it(app, client, shop, mugs):
    make(app, shop, "Red mug", category=mugs)
    body = client.get("/products?q=zebra&category=mugs").get_data(as_text=True)
    assert "Remove “zebra”</a>" in body


def test_nothing_close_suggests_the_biggest_categories(app, client, shop, mugs, candles):
    make(app, shop, "Red mug", category=mugs)
    body = client.get("/products?q=zebra&category=candles").get_data(as_text=True)
    assert "Browse Mugs</a>" in body


def test_listing_runs_the_same_few_queries_for_5_or_24_products(app, client, factory):
    shops = [create_shop(factory) for _ in range(3)]
    category = create_category(app)

    def add(numbers):
        for n in numbers:
            make(app, shops[n % 3], f"Mug {n}", category=category, images=2,
                 variants=[("Red", "S", 1), ("Blue", "M", 2)], brand=f"Brand {n % 4}")

    def count():
        with count_queries(app) as queries:
            shown = len(titles(client.get("/products?color=Red&sort=price_asc")))
        return shown, queries

    add(range(5))
    shown_5, five = count()
    add(range(5, 24))
    shown_24, twenty_four = count()
    assert (shown_5, shown_24) == (5, 24)
    assert five.count == twenty_four.count, str(twenty_four)
    assert twenty_four.count <= 12, str(twenty_four)


def test_empty_form_fields_redirect_to_the_clean_url(client):
    response = client.get("/products?q=&min_price=&max_price=&rating=&color=Red&color=")
    assert response.status_code == 302
    assert response.headers["Location"] == "/products?color=Red"
    assert client.get("/products?q=").headers["Location"] == "/products"


@pytest.fixture
def caching_client(cached_app):
    """A client of an app that caches as production does (conftest's cached_app)."""
    return cached_app.test_client()


def test_a_cached_listing_shows_new_products_and_drops_hidden_ones_at_once(cached_app,
                                                                          caching_client, shop):
    first = make(cached_app, shop, "First mug", age_days=2)
    assert titles(caching_client.get("/products")) == ["First mug"]
    make(cached_app, shop, "Second mug", age_days=1)
    assert titles(caching_client.get("/products")) == ["Second mug", "First mug"]
    delete_product(cached_app, first)
    assert titles(caching_client.get("/products")) == ["Second mug"]


def test_cache_keys_depend_on_every_filter_but_not_on_spelling(app, caching_client, shop):
    make(app, shop, "Red mug", variants=[("Red", "", 1)], brand="Alder")
    make(app, shop, "Blue mug", variants=[("Blue", "", 1)], brand="Alder")
    assert titles(caching_client.get("/products?color=red")) == ["Red mug"]
    assert titles(caching_client.get("/products?color=Blue")) == ["Blue mug"]
    assert titles(caching_client.get("/products?color=RED&brand=alder")) == ["Red mug"]
