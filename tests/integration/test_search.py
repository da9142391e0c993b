"""Full-text search on /products: ranking, fields, prefixes, the index kept in sync, bad input."""
import html
import re
import time

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.analytics import AnalyticsEvent, AnalyticsKind
from app.models.catalog import Product, ProductStatus
from app.services.catalog.search import MAX_TERMS, parse_query
from tests.factories_catalog import (
    create_product,
    create_shop,
    delete_product,
    delete_shop,
    set_product,
    suspend_shop,
)
from tests.support import modes

TITLE = re.compile(r'<h3 class="product-title"><a href="/product/[^"]+">([^<]+)</a></h3>')


def search(client, q, **params):
    response = client.get("/products", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return [html.unescape(t) for t in TITLE.findall(response.get_data(as_text=True))]


@pytest.fixture
def shop(factory):
    return create_shop(factory, name="Fern Studio")


def test_title_match_ranks_above_a_description_match(app, client, shop):
    create_product(app, shop, "Enamel camping cup",
                   description_html="<p>Pairs well with a lantern.</p>")
    create_product(app, shop, "Hurricane lantern", description_html="<p>Glass and tin.</p>")
    assert search(client, "lantern") == ["Hurricane lantern", "Enamel camping cup"]


def test_tag_match_ranks_above_a_description_match(app, client, shop):
    create_product(app, shop, "Mug A", description_html="<p>Looks rustic.</p>")
    create_product(app, shop, "Mug B", tags=["rustic", "kitchen"])
    assert search(client, "rustic") == ["Mug B", "Mug A"]


@pytest.mark.parametrize("q, field", [("kitchen", "tags"), ("alderwood", "brand"),
                                      ("speckled", "description")])
def test_search_finds_words_in_tags_brand_and_description(app, client, shop, q, field):
    create_product(app, shop, "Breakfast mug", tags=["kitchen", "gift"], brand="Alderwood",
                   description_html="<p>A <strong>speckled</strong> glaze.</p>")
    create_product(app, shop, "Unrelated spoon")
    assert search(client, q) == ["Breakfast mug"], field


def test_html_markup_in_descriptions_is_not_searchable(app, client, shop):
    create_product(app, shop, "Breakfast mug",
                   description_html='<p><strong>Bold</strong> <a href="https://x.test">x</a></p>')
    assert search(client, "strong") == []
    assert search(client, "href") == []
    assert search(client, "bold") == ["Breakfast mug"]


def test_the_last_word_matches_as_a_prefix(app, client, shop):
    create_product(app, shop, "Beeswax candle")
    create_product(app, shop, "Candlestick holder")
    assert sorted(search(client, "cand")) == ["Beeswax candle", "Candlestick holder"]
    assert search(client, "beeswax cand") == ["Beeswax candle"]


def test_every_word_must_match(app, client, shop):
    create_product(app, shop, "Blue mug")
    create_product(app, shop, "Blue vase")
    assert search(client, "blue mug") == ["Blue mug"]


def test_search_ignores_case_and_accents(app, client, shop):
    create_product(app, shop, "Café au lait bowl")
    assert search(client, "CAFE") == ["Café au lait bowl"]


def test_search_combines_with_filters_and_sorts(app, client, shop):
    create_product(app, shop, "Red mug", 3000, variants=[("Red", "", 1)])
    create_product(app, shop, "Cheap red mug", 500, variants=[("Red", "", 1)])
    create_product(app, shop, "Blue mug", 800, variants=[("Blue", "", 1)])
    assert search(client, "mug", color="Red", sort="price_asc") == ["Cheap red mug", "Red mug"]


def test_the_index_follows_edits_and_deletes(app, client, shop):
    product = create_product(app, shop, "Walnut bowl")
    set_product(app, product, title="Cherry bowl")
    assert search(client, "walnut") == []
    assert search(client, "cherry") == ["Cherry bowl"]
    set_product(app, product, description_html="<p>Oiled maple rim</p>", sold_count=3)
    assert search(client, "maple") == ["Cherry bowl"]
    with app.app_context():
        db.session.delete(db.session.get(Product, product.id))
        db.session.commit()
    assert search(client, "cherry") == []


@pytest.mark.parametrize("hide", ["draft", "deleted", "suspended_shop", "deleted_shop"])
def test_hidden_products_are_never_found(app, client, factory, hide):
    shop = create_shop(factory)
    create_product(app, create_shop(factory), "Visible lantern")
    product = create_product(app, shop, "Hidden lantern",
                             status=ProductStatus.DRAFT if hide == "draft" else
                             ProductStatus.ACTIVE)
    {"draft": lambda: None, "deleted": lambda: delete_product(app, product),
     "suspended_shop": lambda: suspend_shop(app, shop),
     "deleted_shop": lambda: delete_shop(app, shop)}[hide]()
    assert search(client, "lantern") == ["Visible lantern"]


HOSTILE = {
    "sql": "' OR 1=1 --",
    "sql_union": "mug' UNION SELECT password_hash FROM users --",
    "script": "<script>alert(1)</script>",
    "unbalanced_quote": '"unbalanced',
    "near": "NEAR(",
    "star": "*",
    "column_filter": "title:",
    "fts_operators": "mug AND OR NOT ^ + - : ( ) { }",
    "tsquery_operators": "mug & | ! <-> :* '",
    "nul": "mug\x00",
    "ten_kb": "mug " * 2560,
    "one_10kb_word": "m" * 10_240,
    "many_words": " ".join(f"w{n}" for n in range(500)),
    "emoji": "😀🛒",
    "rtl": "\u202eمرحبا",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_search_input_renders_a_normal_page(app, client, shop, name):
    create_product(app, shop, "Speckled mug")
    response = client.get("/products", query_string={"q": HOSTILE[name]})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in body
    assert len(body) < 200_000  # the 10 KB query is not echoed back in full, many times


def test_script_in_the_search_is_shown_escaped(app, client, shop):
    body = client.get("/products", query_string={"q": "<script>x</script>"}).get_data(
        as_text=True)
    assert "&lt;script&gt;x&lt;/script&gt;" in body
    assert "<script>x" not in body


def test_sql_injection_text_is_searched_as_words(app, client, shop):
    create_product(app, shop, "Speckled mug")
    assert search(client, "' OR 1=1 --") == []
    assert search(client, "mug' --") == ["Speckled mug"]


@pytest.mark.parametrize("raw, terms", [
    ('"unbalanced', ("unbalanced",)),
    ("NEAR(", ("near",)),
    ("*", ()),
    ("title:", ("title",)),
    ("a\x00b", ("ab",)),
    ("Mug MUG mug", ("mug",)),
    ("snake_case", ("snake", "case")),
    ("x" * 41 + " mug", ("mug",)),
])
def test_parse_query_keeps_only_plain_words(raw, terms):
    assert parse_query(raw).terms == terms


def test_parse_query_caps_length_and_terms():
    query = parse_query(" ".join(f"w{n}" for n in range(100)) + " " + "z" * 10_000)
    assert len(query.terms) == MAX_TERMS and query.shortened
    assert len(query.raw) <= 200


def test_a_query_with_no_words_shows_everything_with_a_message(app, client, shop):
    create_product(app, shop, "Speckled mug")
    response = client.get("/products?q=%2A%2A%2A")
    assert "Speckled mug" in response.get_data(as_text=True)
    assert "Type a word or two" in response.get_data(as_text=True)


def test_a_search_records_a_search_event(app, client, shop):
    client.get("/products?q=mug")
    client.get("/products")

    def searches():
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(AnalyticsEvent).where(
                AnalyticsEvent.kind == AnalyticsKind.SEARCH))

    deadline = time.monotonic() + (10 if modes.SERVICES else 0)
    while searches() < 1 and time.monotonic() < deadline:
        time.sleep(0.1)  # the services run stores events in the RQ worker
    assert searches() == 1


def test_search_page_title_and_robots(app, client, shop):
    create_product(app, shop, "Speckled mug")
    body = client.get("/products?q=speckled").get_data(as_text=True)
    assert "<title>Search results for “speckled” · " in body
    assert '<meta name="robots" content="noindex, follow">' in body
    base = app.config["BASE_URL"].rstrip("/")
    assert f'rel="canonical" href="{base}/products?q=speckled"' in body


def test_misspelt_multiword_search_suggests_single_words(app, client, shop):
    create_product(app, shop, "Speckled mug")
    body = client.get("/products?q=speckled+zebra").get_data(as_text=True)
    assert "Search for “speckled” only</a>" in body


def test_migration_0003_downgrades_and_backfills_the_index_on_upgrade(app, client, shop):
    from flask_migrate import downgrade, upgrade

    create_product(app, shop, "Walnut bowl", description_html="<p>Oiled <b>maple</b></p>")
    with app.app_context():
        db.session.remove()
        downgrade(revision="0002")
        upgrade()
        db.engine.dispose()
    assert search(client, "walnut") == ["Walnut bowl"]
    assert search(client, "maple") == ["Walnut bowl"]
    create_product(app, shop, "Walnut spoon")  # and the sync is back
    assert sorted(search(client, "walnut")) == ["Walnut bowl", "Walnut spoon"]
