"""The offers page: live events then upcoming ones, with shop, discount, countdown and a few
products; filters by shop category and discount; ten a page."""
import re
from datetime import timedelta

import pytest

from app.models.base import utcnow
from app.models.catalog import ProductStatus
from tests.factories_catalog import (
    create_category,
    create_event,
    create_product,
    create_shop,
    delete_shop,
    suspend_shop,
)

INJECTION = "<script>alert(1)</script>' OR 1=1 --"


def text(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def event_titles(body):
    return re.findall(r'<h3 class="h5 mb-1" id="event-\d+-title">([^<]*)</h3>', body)


def upcoming(days=2):
    start = utcnow() + timedelta(days=days)
    return {"starts_at": start, "ends_at": start + timedelta(days=1)}


@pytest.fixture
def shop(factory):
    return create_shop(factory, name="Lantern Lane")


@pytest.fixture
def product(app, shop):
    return create_product(app, shop, title="Paper Lantern")


def test_offers_show_live_events_before_upcoming_ones(app, client, shop, product):
    create_event(app, shop, [product], title="Later Sale", **upcoming(5))
    create_event(app, shop, [product], title="Soon Sale", **upcoming(1))
    create_event(app, shop, [product], title="Live Sale", ends_at=utcnow() + timedelta(days=3))
    create_event(app, shop, [product], title="Ending Sale", ends_at=utcnow() + timedelta(hours=2))
    assert event_titles(text(client.get("/offers"))) == ["Ending Sale", "Live Sale", "Soon Sale",
                                                         "Later Sale"]


def test_offers_leave_out_ended_events_and_hidden_shops(app, client, factory, shop, product):
    now = utcnow()
    create_event(app, shop, [product], title="Ended Sale", starts_at=now - timedelta(days=5),
                 ends_at=now - timedelta(days=1))
    for hide, name in ((suspend_shop, "Suspended"), (delete_shop, "Deleted")):
        other = create_shop(factory)
        create_event(app, other, [create_product(app, other)], title=f"{name} Sale")
        hide(app, other)
    create_event(app, shop, [product], title="Open Sale")
    assert event_titles(text(client.get("/offers"))) == ["Open Sale"]


def test_offer_card_shows_shop_discount_countdown_and_products(app, client, shop, product):
    ends = (utcnow() + timedelta(days=1)).replace(microsecond=0)
    create_event(app, shop, [product], title="Lights Sale", discount_percent=25, ends_at=ends)
    body = text(client.get("/offers"))
    assert f'href="/shop/{shop.slug}">Lantern Lane</a>' in body
    assert "&minus;25%" in body and "Live now" in body
    assert f'<time datetime="{ends.strftime("%Y-%m-%dT%H:%M:%SZ")}">' in body
    assert "Paper Lantern" in body and "js/product.js" in body
    assert re.search(r"\$7\.50</span>\s*<del[^>]*>.*?\$10\.00</del>", body, re.S)


def test_upcoming_offer_counts_down_to_its_start(app, client, shop, product):
    dates = upcoming(3)
    create_event(app, shop, [product], **dates)
    body = text(client.get("/offers"))
    assert "Coming soon" in body and "Starts" in body
    assert "$10.00" in body and "<del" not in body
    assert f'<time datetime="{dates["starts_at"].strftime("%Y-%m-%dT%H:%M:%SZ")}">' in body


def test_offer_shows_at_most_four_visible_products(app, client, shop):
    products = [create_product(app, shop, title=f"Lamp {n}", sold_count=n) for n in range(6)]
    hidden = create_product(app, shop, title="Hidden Lamp", status=ProductStatus.DRAFT,
                            sold_count=99)
    create_event(app, shop, [*products, hidden])
    body = text(client.get("/offers"))
    titles = re.findall(r'<h4 class="product-title"><a href="[^"]*">([^<]*)</a>', body)
    assert titles == ["Lamp 5", "Lamp 4", "Lamp 3", "Lamp 2"]


def test_offers_filter_by_minimum_discount(app, client, shop, product):
    create_event(app, shop, [product], title="Small Sale", discount_percent=10)
    create_event(app, shop, [product], title="Big Sale", discount_percent=30)
    assert event_titles(text(client.get("/offers?discount=20"))) == ["Big Sale"]


def test_offers_filter_by_shop_category(app, client, factory, shop, product):
    lighting = create_category(app, "Lighting")
    create_event(app, shop, [product], title="Unrelated Sale")
    bright = create_shop(factory, name="Bright Ideas")
    lamp = create_product(app, bright, category=lighting)
    create_event(app, bright, [lamp], title="Lamp Sale")
    assert event_titles(text(client.get(f"/offers?category={lighting.slug}"))) == ["Lamp Sale"]


def test_offers_are_paged_ten_at_a_time_and_clamp_huge_pages(app, client, shop, product):
    for n in range(11):
        create_event(app, shop, [product], title=f"Sale {n:02d}",
                     ends_at=utcnow() + timedelta(hours=n + 1))
    assert len(event_titles(text(client.get("/offers")))) == 10
    assert event_titles(text(client.get("/offers?page=2"))) == ["Sale 10"]
    assert event_titles(text(client.get("/offers?page=99999999999999999999"))) == ["Sale 10"]


def test_offers_page_says_so_when_nothing_matches(client):
    body = text(client.get("/offers"))
    assert "No offers match right now" in body


@pytest.mark.parametrize("query", [
    "discount=" + INJECTION, "discount=-10", "discount=15", "category=nope",
    "category=" + INJECTION, "page=0", "page=x", "discount=" + "9" * 5000, "discount=²",
])
def test_offers_ignore_nonsense_filters(app, client, shop, product, query):
    create_event(app, shop, [product], title="Steady Sale", discount_percent=10)
    body = text(client.get(f"/offers?{query}"))
    assert event_titles(body) == ["Steady Sale"]
    assert "<script>alert(1)" not in body
