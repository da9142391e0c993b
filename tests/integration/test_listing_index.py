"""The catalogue snapshot behind listing counts and pages: contents, variant lookups, and
renewal with the catalogue's generation (a new snapshot after any commit shoppers can see)."""
import numpy as np
import pytest

from app.models.analytics import AnalyticsKind
from app.models.catalog import ProductStatus
from app.services.catalog.listing import index as listing_index
from tests.factories_cart import create_analytics_event, put_in_cart, set_stock
from tests.factories_catalog import (
    add_image,
    create_category,
    create_event,
    create_product,
    create_shop,
    set_product,
    suspend_shop,
)
from tests.integration.test_listing import titles


@pytest.fixture
def shop(factory):
    return create_shop(factory, name="Snapshot Goods")


def snapshot(app):
    with app.test_request_context("/products"):
        return listing_index.current_index()


def test_snapshot_holds_only_visible_products_oldest_first(app, shop):
    first = create_product(app, shop, "First")
    hidden = create_product(app, shop, "Draft", status=ProductStatus.DRAFT)
    second = create_product(app, shop, "Second", 2500, 1900)
    index = snapshot(app)
    assert index.ids.tolist() == [first.id, second.id]
    assert hidden.id not in index.ids.tolist()
    assert index.price.tolist() == [1000, 1900]  # the sale price when it is lower
    assert index.on_sale.tolist() == [False, True]


def test_variants_of_lists_each_products_variants_together(app, shop):
    category = create_category(app)
    plain = create_product(app, shop, "Plain", category=category)
    many = create_product(app, shop, "Many", category=category,
                          variants=[("Red", "S", 1), ("Blue", "M", 0), ("Red", "M", 2)])
    index = snapshot(app)
    variants = index.variants_by_color
    positions, _ = index.positions([many.id, plain.id])
    chosen = index.variants_of("variants_by_color", np.sort(positions))
    by_product = {}
    for i in chosen:
        product_id = int(index.ids[variants["position"][i]])
        by_product.setdefault(product_id, []).append(index.colors[variants["color"][i]]
                                                      if variants["color"][i] >= 0 else "")
    assert by_product == {plain.id: [""], many.id: ["Blue", "Red", "Red"]}


def test_positions_ignore_ids_not_in_the_snapshot(app, shop):
    product = create_product(app, shop, "Here")
    positions, found = snapshot(app).positions([product.id + 1000, product.id])
    assert found.tolist() == [False, True] and len(positions) == 1


def test_snapshot_is_reused_while_the_generation_stands(app, cached_app, shop):
    create_product(app, shop, "Kept")
    index = snapshot(cached_app)
    assert snapshot(cached_app) is index


@pytest.mark.parametrize("change", ["new product", "title", "tags", "description", "price",
                                    "variant stock", "image", "event", "shop status",
                                    "hidden"])
def test_a_commit_to_a_shown_table_gives_a_new_snapshot(cached_app, shop, change):
    product = create_product(cached_app, shop, "Changing", variants=[("", "", 3)])
    first = snapshot(cached_app)
    {
        "new product": lambda: create_product(cached_app, shop, "Newcomer"),
        "title": lambda: set_product(cached_app, product, title="Changed"),
        "tags": lambda: set_product(cached_app, product, tags="glazed"),
        "description": lambda: set_product(cached_app, product, description_html="<p>New</p>"),
        "price": lambda: set_product(cached_app, product, regular_price_cents=4321),
        "variant stock": lambda: set_stock(cached_app, product.variants[0], 2),
        "image": lambda: add_image(cached_app, product, "/media/new.jpg"),
        "event": lambda: create_event(cached_app, shop, [product]),
        "shop status": lambda: suspend_shop(cached_app, shop),
        "hidden": lambda: set_product(cached_app, product, status=ProductStatus.ARCHIVED),
    }[change]()
    assert snapshot(cached_app) is not first


def test_a_hidden_product_leaves_the_new_snapshot(cached_app, shop):
    product = create_product(cached_app, shop, "Soon hidden")
    assert product.id in snapshot(cached_app).ids.tolist()
    set_product(cached_app, product, status=ProductStatus.ARCHIVED)
    assert product.id not in snapshot(cached_app).ids.tolist()


@pytest.mark.parametrize("table", ["cart item", "analytics event"])
def test_a_commit_to_an_unrelated_table_keeps_the_snapshot(cached_app, factory, shop, table):
    product = create_product(cached_app, shop, "Steady")
    first = snapshot(cached_app)
    if table == "cart item":
        put_in_cart(cached_app, factory.shopper(), product.variants[0], 1)
    else:
        create_analytics_event(cached_app, AnalyticsKind.PRODUCT_VIEW, product)
    assert snapshot(cached_app) is first


def test_without_caching_each_request_gets_a_fresh_snapshot(app, shop):
    create_product(app, shop, "One")
    before = snapshot(app)
    create_product(app, shop, "Two")
    after = snapshot(app)
    assert after is not before and len(after) == len(before) + 1


@pytest.mark.parametrize("change", ["tags", "description"])
def test_search_finds_a_product_by_its_new_words_at_once(cached_app, shop, change):
    product = create_product(cached_app, shop, "Plain jug")
    client = cached_app.test_client()
    assert titles(client.get("/products?q=celadon")) == []
    words = {"tags": {"tags": "celadon"},
             "description": {"description_html": "<p>A celadon glaze.</p>"}}[change]
    set_product(cached_app, product, **words)
    assert titles(client.get("/products?q=celadon")) == ["Plain jug"]


@pytest.fixture
def matches_run(monkeypatch):
    """The searches the full-text index was asked for."""
    calls = []
    original = listing_index.search.match_scores

    def counting(query):
        calls.append(query.text)
        return original(query)

    monkeypatch.setattr(listing_index.search, "match_scores", counting)
    return calls


def found(app, text):
    """How many products a request's snapshot finds for the search `text`."""
    with app.test_request_context("/products"):
        query = listing_index.search.parse_query(text)
        return len(listing_index.current_index().search(query))


def test_a_search_is_matched_once_per_generation(cached_app, shop, matches_run):
    create_product(cached_app, shop, "Teapot")
    assert found(cached_app, "teapot") == found(cached_app, "teapot") == 1
    assert matches_run == ["teapot"]
    create_product(cached_app, shop, "Teapot stand")
    assert found(cached_app, "teapot") == 2
    assert matches_run == ["teapot", "teapot"]
