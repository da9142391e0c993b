"""The shops directory and a shop's own page: visibility, filters, sorts, paging, events,
shop reviews and visit tracking."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.analytics import AnalyticsEvent, AnalyticsKind
from app.models.base import utcnow
from app.models.catalog import ProductStatus
from tests.factories_catalog import (
    create_category,
    create_event,
    create_product,
    create_review,
    create_shop,
    delete_shop,
    suspend_shop,
)
from tests.factories_storefront import create_shop_review, eventually, set_shop

INJECTION = "<script>alert(1)</script>' OR 1=1 --"


def text(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def shop_names(body):
    return re.findall(r'<span class="shop-name d-block text-truncate">([^<]*)</span>', body)


def product_titles(body):
    return re.findall(r'<h3 class="product-title"><a href="[^"]*">([^<]*)</a>', body)


@pytest.fixture
def shop(app, factory):
    shop = create_shop(factory, name="Harbour Goods")
    return set_shop(app, shop, description="Salt-glazed pots.\nMade by hand.", city="Whitby",
                    banner_url="/static/img/banner.png")


# ---------- /shop/<slug> ----------

def test_shop_page_shows_about_location_rating_and_followers(app, client, shop):
    set_shop(app, shop, rating_avg=4.5, rating_count=8, followers_count=12)
    body = text(client.get(f"/shop/{shop.slug}"))
    assert "<h1" in body and "Harbour Goods" in body
    assert "Salt-glazed pots." in body and "Whitby, GB" in body
    assert "4.5" in body and "12 followers" in body
    assert 'src="/static/img/banner.png"' in body


def test_unknown_shop_is_a_404(client):
    assert client.get("/shop/nobody-here").status_code == 404


@pytest.mark.parametrize("hide", [suspend_shop, delete_shop])
def test_hidden_shop_is_a_404(app, client, shop, hide):
    hide(app, shop)
    assert client.get(f"/shop/{shop.slug}").status_code == 404


def test_shop_page_lists_only_its_visible_products(app, client, factory, shop):
    create_product(app, shop, title="Shown Pot")
    create_product(app, shop, title="Draft Pot", status=ProductStatus.DRAFT)
    create_product(app, shop, title="Deleted Pot", deleted=True)
    create_product(app, create_shop(factory), title="Other Pot")
    assert product_titles(text(client.get(f"/shop/{shop.slug}"))) == ["Shown Pot"]


def test_shop_products_sort_by_price_and_page_by_twelve(app, client, shop):
    category = create_category(app)
    for n in range(14):
        create_product(app, shop, title=f"Pot {n:02d}", price_cents=100 * (n + 1),
                       category=category, images=0)
    first = product_titles(text(client.get(f"/shop/{shop.slug}?sort=price_asc")))
    assert first == [f"Pot {n:02d}" for n in range(12)]
    second = product_titles(text(client.get(f"/shop/{shop.slug}?sort=price_asc&page=2")))
    assert second == ["Pot 12", "Pot 13"]
    highest = product_titles(text(client.get(f"/shop/{shop.slug}?sort=price_desc")))
    assert highest[0] == "Pot 13"


def test_shop_products_huge_page_shows_the_last_page(app, client, shop):
    create_product(app, shop, title="Only Pot")
    body = text(client.get(f"/shop/{shop.slug}?page=987654321987654321&sort={INJECTION}"))
    assert product_titles(body) == ["Only Pot"]


def test_shop_page_shows_live_and_upcoming_events_not_ended_ones(app, client, shop):
    product = create_product(app, shop)
    now = utcnow()
    create_event(app, shop, [product], title="Live Sale")
    create_event(app, shop, [product], title="Next Sale", starts_at=now + timedelta(days=2),
                 ends_at=now + timedelta(days=3))
    create_event(app, shop, [product], title="Old Sale", starts_at=now - timedelta(days=9),
                 ends_at=now - timedelta(days=2))
    body = text(client.get(f"/shop/{shop.slug}"))
    assert body.index("Live Sale") < body.index("Next Sale")
    assert "Old Sale" not in body and "Live now" in body and "Coming soon" in body


def test_shop_page_lists_shop_reviews_not_product_reviews(app, client, factory, shop):
    create_shop_review(app, shop, factory.shopper(), rating=4, title="Friendly seller")
    create_review(app, create_product(app, shop), factory.shopper(), title="About the pot")
    body = text(client.get(f"/shop/{shop.slug}"))
    assert "Friendly seller" in body and "About the pot" not in body


def test_shop_visit_is_recorded(client, in_app, shop):
    text(client.get(f"/shop/{shop.slug}"))

    def recorded():
        # "Contains": with Redis a late job of an earlier test may still land in the table.
        query = select(AnalyticsEvent.shop_id).where(
            AnalyticsEvent.kind == AnalyticsKind.SHOP_VISIT)
        return shop.id in db.session.scalars(query).all()

    assert eventually(in_app, recorded, True)


def test_shop_text_is_escaped(app, client, shop):
    set_shop(app, shop, name=INJECTION, description=INJECTION)
    body = text(client.get(f"/shop/{shop.slug}"))
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body


# ---------- /shops ----------

def test_shops_directory_lists_active_shops_only(app, client, factory, shop):
    closed = create_shop(factory, name="Closed Shop")
    suspend_shop(app, closed)
    gone = create_shop(factory, name="Gone Shop")
    delete_shop(app, gone)
    assert shop_names(text(client.get("/shops"))) == ["Harbour Goods"]


def test_shops_filter_by_category_of_their_active_products(app, client, factory, shop):
    kitchen = create_category(app, "Kitchen")
    knives = create_category(app, "Knives", parent=kitchen)
    create_product(app, shop, category=kitchen, subcategory=knives)
    drafty = create_shop(factory, name="Drafty")
    create_product(app, drafty, category=kitchen, status=ProductStatus.DRAFT)
    create_product(app, create_shop(factory, name="Garden Co"), category=create_category(app))
    assert shop_names(text(client.get(f"/shops?category={kitchen.slug}"))) == ["Harbour Goods"]
    assert shop_names(text(client.get(f"/shops?category={knives.slug}"))) == ["Harbour Goods"]


def test_shops_filter_by_country_and_minimum_rating(app, client, factory, shop):
    set_shop(app, shop, rating_avg=4.6)
    set_shop(app, create_shop(factory, name="French Fancy"), country="FR", rating_avg=4.8)
    set_shop(app, create_shop(factory, name="So-so Shop"), rating_avg=2.5)
    assert shop_names(text(client.get("/shops?country=fr"))) == ["French Fancy"]
    assert sorted(shop_names(text(client.get("/shops?rating=4")))) == ["French Fancy",
                                                                      "Harbour Goods"]


def test_shops_sort_by_followers_and_newest(app, client, factory, shop):
    set_shop(app, shop, followers_count=1, created_at=utcnow() - timedelta(days=5))
    set_shop(app, create_shop(factory, name="Popular"), followers_count=50,
             created_at=utcnow() - timedelta(days=9))
    assert shop_names(text(client.get("/shops?sort=followers")))[0] == "Popular"
    assert shop_names(text(client.get("/shops?sort=newest")))[0] == "Harbour Goods"


def test_shops_are_paged_twelve_at_a_time_and_clamp_huge_pages(client, factory, shop):
    for n in range(13):
        create_shop(factory, name=f"Extra {n}")
    assert len(shop_names(text(client.get("/shops")))) == 12
    assert len(shop_names(text(client.get("/shops?page=2")))) == 2
    assert len(shop_names(text(client.get("/shops?page=99999999999999999999")))) == 2


@pytest.mark.parametrize("query", [
    "category=no-such-category", "country=XYZ", "country=" + INJECTION, "rating=9",
    "rating=-1", "rating=abc", "sort=" + INJECTION, "page=-5", "page=abc", "page=１",
    "category=" + "x" * 10_000, "rating=²", "page=²",
])
def test_shops_ignore_nonsense_filters(client, shop, query):
    body = text(client.get(f"/shops?{query}"))
    assert shop_names(body) == ["Harbour Goods"]
    assert "<script>alert(1)" not in body
