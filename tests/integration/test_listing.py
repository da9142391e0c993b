"""GET /products: filters, sort orders, pagination, facets, htmx partials and query counts."""
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from app.models.base import utcnow
from app.models.catalog import ProductStatus
from tests.factories_catalog import (
    create_category,
    create_event,
    create_product,
    create_shop,
    delete_product,
    delete_shop,
    suspend_shop,
)

TITLE = re.compile(r'<h3 class="product-title"><a href="/product/[^"]+">([^<]+)</a></h3>')


def titles(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return TITLE.findall(response.get_data(as_text=True))


def links(response, css_class):
    body = response.get_data(as_text=True)
    return [h.replace("&amp;", "&") for h in re.findall(
        rf'<a class="{css_class}" href="([^"]+)"', body)]


@pytest.fixture
def shop(factory):
    return create_shop(factory, name="Fern Studio")


@pytest.fixture
def mugs(app):
    return create_category(app, "Mugs", slug="mugs")


@pytest.fixture
def candles(app):
    return create_category(app, "Candles", slug="candles")


def make(app, shop, title, price=1000, category=None, age_days=0, **kw):
    """A product `age_days` old (so newest-first order is certain)."""
    return create_product(app, shop, title, price, category=category,
                          created_at=utcnow() - timedelta(days=age_days, minutes=1), **kw)


def test_listing_shows_visible_products_newest_first(app, client, shop, mugs):
    make(app, shop, "Old mug", category=mugs, age_days=3)
    make(app, shop, "New mug", category=mugs, age_days=1)
    assert titles(client.get("/products")) == ["New mug", "Old mug"]


@pytest.mark.parametrize("hide", ["draft", "archived", "deleted", "suspended_shop",
                                  "deleted_shop"])
def test_hidden_products_are_never_listed(app, client, factory, mugs, hide):
    other = create_shop(factory)
    make(app, other, "Shown mug", category=mugs)
    shop = create_shop(factory)
    status = {"draft": ProductStatus.DRAFT, "archived": ProductStatus.ARCHIVED}.get(
        hide, ProductStatus.ACTIVE)
    hidden = make(app, shop, "Hidden mug", category=mugs, status=status)
    if hide == "deleted":
        delete_product(app, hidden)
    elif hide == "suspended_shop":
        suspend_shop(app, shop)
    elif hide == "deleted_shop":
        delete_shop(app, shop)
    for url in ("/products", "/products?q=mug", "/products?category=mugs&sort=price_asc"):
        assert titles(client.get(url)) == ["Shown mug"], url


def test_category_filter_by_slug(app, client, shop, mugs, candles):
    make(app, shop, "Blue mug", category=mugs)
    make(app, shop, "Pillar candle", category=candles)
    assert titles(client.get("/products?category=candles")) == ["Pillar candle"]


def test_subcategory_filter_narrows_within_its_category(app, client, shop, mugs):
    espresso = create_category(app, "Espresso cups", parent=mugs, slug="espresso-cups")
    make(app, shop, "Tiny cup", category=mugs, subcategory=espresso)
    make(app, shop, "Big mug", category=mugs)
    assert titles(client.get("/products?category=mugs&subcategory=espresso-cups")) == \
        ["Tiny cup"]
    assert titles(client.get("/products?subcategory=espresso-cups")) == ["Tiny cup"]


def test_price_range_in_major_units_uses_the_sale_price(app, client, shop):
    make(app, shop, "Cheap", price=500)
    make(app, shop, "Marked down", price=5000, sale_price_cents=1500)
    make(app, shop, "Dear", price=3000)
    assert titles(client.get("/products?min_price=10&max_price=20")) == ["Marked down"]
    assert sorted(titles(client.get("/products?min_price=15"))) == ["Dear", "Marked down"]
    assert titles(client.get("/products?max_price=5.00")) == ["Cheap"]


def test_colour_filter_takes_several_values(app, client, shop):
    make(app, shop, "Red mug", variants=[("Red", "", 3)])
    make(app, shop, "Blue mug", variants=[("Blue", "", 3), ("Green", "", 1)])
    make(app, shop, "Plain mug")
    assert titles(client.get("/products?color=Red")) == ["Red mug"]
    assert sorted(titles(client.get("/products?color=red&color=green"))) == \
        ["Blue mug", "Red mug"]


def test_size_filter_matches_a_variant_of_that_size(app, client, shop):
    make(app, shop, "Tote", variants=[("", "Small", 2), ("", "Large", 2)])
    make(app, shop, "Bag", variants=[("", "Medium", 2)])
    assert titles(client.get("/products?size=Large")) == ["Tote"]


def test_brand_filter_takes_several_values(app, client, shop):
    make(app, shop, "A", brand="Alder")
    make(app, shop, "B", brand="Birch")
    make(app, shop, "C", brand="Cedar")
    assert sorted(titles(client.get("/products?brand=Alder&brand=cedar"))) == ["A", "C"]


def test_rating_filter_keeps_products_rated_at_least_that(app, client, shop):
    make(app, shop, "Loved", rating_avg=4.6, rating_count=10)
    make(app, shop, "Fine", rating_avg=3.2, rating_count=4)
    make(app, shop, "Unrated")
    assert titles(client.get("/products?rating=4")) == ["Loved"]
    assert sorted(titles(client.get("/products?rating=3"))) == ["Fine", "Loved"]


def test_in_stock_needs_a_variant_with_stock(app, client, shop):
    make(app, shop, "Available", variants=[("Red", "", 0), ("Blue", "", 2)])
    make(app, shop, "Sold out", variants=[("Red", "", 0)])
    assert titles(client.get("/products?in_stock=1")) == ["Available"]


def test_in_stock_with_a_colour_needs_that_colour_in_stock(app, client, shop):
    make(app, shop, "Red gone", variants=[("Red", "", 0), ("Blue", "", 2)])
    make(app, shop, "Red here", variants=[("Red", "", 1)])
    assert titles(client.get("/products?in_stock=1&color=Red")) == ["Red here"]


def test_on_offer_means_a_sale_price_or_a_live_event(app, client, shop):
    make(app, shop, "On sale", price=2000, sale_price_cents=1500)
    in_event = make(app, shop, "In event", price=2000)
    ended = make(app, shop, "Event over", price=2000)
    make(app, shop, "Full price", price=2000)
    create_event(app, shop, [in_event])
    create_event(app, shop, [ended], starts_at=utcnow() - timedelta(days=3),
                 ends_at=utcnow() - timedelta(days=1))
    assert sorted(titles(client.get("/products?on_offer=1"))) == ["In event", "On sale"]


@pytest.mark.parametrize("sort, expected", [
    ("newest", ["B", "C", "A"]),
    ("price_asc", ["A", "C", "B"]),
    ("price_desc", ["B", "C", "A"]),
    ("rating", ["C", "A", "B"]),
    ("popular", ["B", "A", "C"]),
])
def test_each_sort_order(app, client, shop, sort, expected):
    make(app, shop, "A", price=500, rating_avg=4.0, rating_count=3, sold_count=5, age_days=3)
    make(app, shop, "B", price=3000, sale_price_cents=2500, sold_count=9, age_days=1)
    make(app, shop, "C", price=1000, rating_avg=4.8, rating_count=2, sold_count=1, age_days=2)
    assert titles(client.get(f"/products?sort={sort}")) == expected


def test_relevance_without_a_search_falls_back_to_newest(app, client, shop):
    make(app, shop, "Older", age_days=2)
    make(app, shop, "Newer", age_days=1)
    assert titles(client.get("/products?sort=relevance")) == ["Newer", "Older"]


@pytest.fixture
def thirty(app, shop, mugs):
    return [make(app, shop, f"Mug {n:02d}", category=mugs, age_days=n, variants=[("Red", "", 1)])
            for n in range(30)]


def test_pages_hold_24_products_and_page_two_the_rest(client, thirty):
    first = titles(client.get("/products"))
    second = titles(client.get("/products?page=2"))
    assert len(first) == 24 and len(second) == 6
    assert not set(first) & set(second)


def test_pagination_links_keep_every_filter(client, thirty):
    response = client.get("/products?category=mugs&color=Red&sort=price_asc&min_price=1")
    next_link = re.search(r'href="([^"]+)" rel="next"', response.get_data(as_text=True))
    query = parse_qs(urlsplit(next_link.group(1).replace("&amp;", "&")).query)
    assert query == {"category": ["mugs"], "color": ["Red"], "sort": ["price_asc"],
                     "min_price": ["1"], "page": ["2"]}


@pytest.mark.parametrize("page", ["3", "99", str(10**12), "9" * 5000])
def test_a_page_past_the_end_shows_the_last_page(client, thirty, page):
    response = client.get(f"/products?page={page}")
    assert titles(response) == titles(client.get("/products?page=2"))
    assert "page 2 of 2" in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["-1", "0", "abc", "1.5", "٣", "%00"])
def test_a_nonsense_page_shows_the_first_page(client, thirty, page):
    assert titles(client.get(f"/products?page={page}")) == titles(client.get("/products"))


def test_chip_links_remove_one_filter_and_keep_the_rest(app, client, shop):
    make(app, shop, "Red mug", variants=[("Red", "", 3)], brand="Alder")
    response = client.get("/products?color=Red&brand=Alder&in_stock=1&page=1")
    chips = {parse_qs(urlsplit(h).query).get("color", [None])[0] for h in
             links(response, "listing-chip")}
    assert chips == {"Red", None}
    hrefs = links(response, "listing-chip")
    assert "/products?brand=Alder&in_stock=1" in hrefs


def test_facet_counts_follow_the_other_filters(app, client, shop):
    make(app, shop, "Red alder", brand="Alder", variants=[("Red", "", 1)])
    make(app, shop, "Blue alder", brand="Alder", variants=[("Blue", "", 1)])
    make(app, shop, "Red birch", brand="Birch", variants=[("Red", "", 1), ("Blue", "", 0)])
    body = client.get("/products?brand=Alder").get_data(as_text=True)
    # Colours count within Alder; brands ignore the brand filter so both stay choosable.
    assert re.search(r'Red <span class="facet-count">1</span>', body)
    assert re.search(r'Blue <span class="facet-count">1</span>', body)
    assert re.search(r'Alder <span class="facet-count">2</span>', body)
    assert re.search(r'Birch <span class="facet-count">1</span>', body)


def test_facet_counts_are_computed_by_the_service(app, shop, mugs, candles):
    from app.services.catalog.listing import page as listing_page

    make(app, shop, "Mug A", category=mugs, price=500, rating_avg=4.5, rating_count=1)
    make(app, shop, "Mug B", category=mugs, price=3000)
    make(app, shop, "Candle", category=candles, price=12000, rating_avg=3.5, rating_count=1)
    with app.test_request_context("/products"):
        filters, _ = listing_page.filters_from({"category": "mugs"})
        result = listing_page.browse(filters)
        price_counts = [o.count for o in result.facets["price_bands"]]
        categories = {o.label: o.count for o in result.facets["categories"]}
        top = listing_page.browse(listing_page.filters_from({})[0]).facets["categories"]
    assert result.page.total == 2
    assert price_counts == [1, 0, 1, 0, 0]
    assert categories == {}  # no subcategories under Mugs
    assert {o.label: o.count for o in top} == {"Mugs": 2, "Candles": 1}
    assert [o.count for o in result.facets["ratings"]] == [1, 1, 1, 1]


@pytest.mark.parametrize("query, message", [
    ("min_price=-5", "cannot be negative"),
    ("max_price=abc", "is not a number"),
    ("min_price=30&max_price=10", "swapped"),
    ("color=Plaid", "No products have the colour"),
    ("size=XXXL", "No products have the size"),
    ("brand=Nobody", "No products have the brand"),
    ("category=nowhere", "no such category"),
    ("subcategory=nowhere", "no such subcategory"),
    ("rating=9", "Rating must be"),
    ("rating=-1", "Rating must be"),
])
def test_nonsense_filters_are_ignored_with_a_message(app, client, shop, query, message):
    make(app, shop, "Red mug", price=2000, variants=[("Red", "S", 1)], brand="Alder")
    response = client.get(f"/products?{query}")
    assert titles(response) == ["Red mug"]
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("query", [
    "min_price=1e309", "max_price=NaN", "min_price=99999999999999999999",
    "color=" + "x" * 10_000, "sort=';DROP TABLE products;--", "in_stock=%00",
    "category=%3Cscript%3E", "brand=" + "&brand=".join(str(n) for n in range(500)),
])
def test_hostile_filter_values_still_render_the_page(app, client, shop, query):
    make(app, shop, "Red mug")
    response = client.get(f"/products?{query}")
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True).split("</head>")[1].replace(
        '<script src=', '')
