"""The catalogue snapshot behind listing counts and pages: contents, renewal, variant lookups."""
import numpy as np
import pytest

from app.caching import ttl_cache
from app.models.catalog import ProductStatus
from app.services.catalog.listing import index as listing_index
from tests.factories_cart import set_stock
from tests.factories_catalog import (
    create_category,
    create_event,
    create_product,
    create_shop,
    set_product,
    suspend_shop,
)
from tests.support import modes


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


def test_snapshot_is_reused_within_the_ttl(app, cached_app, shop):
    create_product(app, shop, "Kept")
    index = snapshot(cached_app)
    create_product(app, shop, "Later")
    assert snapshot(cached_app) is index


def test_clearing_the_cache_renews_the_snapshot(app, cached_app, shop):
    product = create_product(app, shop, "Soon hidden")
    assert product.id in snapshot(cached_app).ids.tolist()
    set_product(app, product, status=ProductStatus.ARCHIVED)
    with cached_app.app_context():
        ttl_cache.clear()
    assert product.id not in snapshot(cached_app).ids.tolist()


def test_without_caching_each_request_gets_a_fresh_snapshot(app, shop):
    create_product(app, shop, "One")
    before = snapshot(app)
    create_product(app, shop, "Two")
    assert len(snapshot(app)) == len(before) + 1


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


@pytest.fixture
def matches_run(monkeypatch):
    """How many times the full-text index was asked."""
    calls = []
    original = listing_index.search.match_scores

    def counting(query):
        calls.append(query.text)
        return original(query)

    monkeypatch.setattr(listing_index.search, "match_scores", counting)
    return calls


def test_a_renewed_snapshot_reuses_recent_search_matches(app, cached_app, shop, matches_run):
    create_product(app, shop, "Teapot")
    holder = listing_index._Holder()
    query = listing_index.search.parse_query("teapot")
    with cached_app.test_request_context("/products"):
        first = holder.get(cached_app, "generation-1", 60, "epoch-1")
        assert len(first.search(query)) == 1
        create_product(app, shop, "Mug")  # a change, so the snapshot is built anew
        renewed = holder.get(cached_app, "generation-2", 60, "epoch-1")
        assert renewed is not first and len(renewed.search(query)) == 1
    assert matches_run == ["teapot"]


def test_clearing_the_cache_forgets_search_matches(app, cached_app, shop, matches_run):
    create_product(app, shop, "Teapot")
    holder = listing_index._Holder()
    query = listing_index.search.parse_query("teapot")
    with cached_app.test_request_context("/products"):
        holder.get(cached_app, "generation-1", 60, "epoch-1").search(query)
        create_product(app, shop, "Teapot stand")
        renewed = holder.get(cached_app, "generation-2", 60, "epoch-2")
        assert len(renewed.search(query)) == 2
    assert matches_run == ["teapot", "teapot"]


def renewal(app, change=None):
    """(snapshot, the snapshot after `change` and a turn of the generation) of one holder."""
    holder = listing_index._Holder()
    with app.test_request_context("/products"):
        first = holder.get(app, "generation-1", 60, "epoch-1")
    if change:
        change()
    with app.test_request_context("/products"):
        return first, holder.get(app, "generation-2", 60, "epoch-1")



def test_an_unchanged_catalogue_keeps_its_snapshot(app, cached_app, shop):
    create_product(app, shop, "Steady")
    first, renewed = renewal(cached_app)
    if modes.SERVICES:  # PostgreSQL counts no changes: the snapshot is built on its timer
        assert renewed is not first
    else:
        assert renewed is first and renewed.generation == "generation-2"


@pytest.mark.parametrize("change", ["new product", "price", "sold out", "shop suspended",
                                    "event", "hidden"])
def test_a_change_the_snapshot_reads_renews_it(app, cached_app, factory, shop, change):
    product = create_product(app, shop, "Changing", variants=[("", "", 3)])
    changes = {
        "new product": lambda: create_product(app, shop, "Newcomer"),
        "price": lambda: set_product(app, product, regular_price_cents=4321),
        "sold out": lambda: set_stock(app, product.variants[0], 0),
        "shop suspended": lambda: suspend_shop(app, shop),
        "event": lambda: create_event(app, shop, [product]),
        "hidden": lambda: set_product(app, product, status=ProductStatus.ARCHIVED),
    }
    first, renewed = renewal(cached_app, changes[change])
    assert renewed is not first


@pytest.mark.parametrize("change", ["stock still above zero", "description"])
def test_a_change_the_snapshot_does_not_read_keeps_it(app, cached_app, shop, change):
    if modes.SERVICES:
        pytest.skip("PostgreSQL counts no changes: the snapshot is built on its timer")
    product = create_product(app, shop, "Same", variants=[("", "", 5)])
    changes = {"stock still above zero": lambda: set_stock(app, product.variants[0], 4),
               "description": lambda: set_product(app, product, description_html="<p>New</p>")}
    first, renewed = renewal(cached_app, changes[change])
    assert renewed is first


def test_an_unchanged_snapshot_is_still_rebuilt_now_and_then(app, cached_app, shop,
                                                             monkeypatch):
    create_product(app, shop, "Old")
    monkeypatch.setattr(listing_index, "REBUILD_TTLS", 0)
    first, renewed = renewal(cached_app)
    assert renewed is not first
