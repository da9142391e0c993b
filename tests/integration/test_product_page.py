"""The product page: visibility, prices and offers, stock, forms, description, SEO, neighbours,
tracking and a constant number of queries."""
import json
import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import event, select

from app.extensions import db
from app.models.analytics import AnalyticsEvent, AnalyticsKind
from app.models.base import utcnow
from app.models.catalog import ProductStatus, Review
from app.models.orders import OrderStatus
from tests.factories_catalog import (
    create_category,
    create_event,
    create_product,
    create_review,
    create_shop,
    delete_product,
    delete_shop,
    set_product,
    suspend_shop,
)
from tests.factories_storefront import create_order, eventually

LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
QUERY_BUDGET = 15


def page(client, product):
    response = client.get(f"/product/{product.slug}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def structured_data(body):
    scripts = LD_JSON.findall(body)
    assert len(scripts) == 1
    return json.loads(scripts[0])


@contextmanager
def count_queries(app):
    """Every SQL statement sent while the block runs (a local before_cursor_execute listener)."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def shop(factory):
    return create_shop(factory, name="Maple & Co")


def test_product_page_shows_title_shop_and_price(app, client, shop):
    product = create_product(app, shop, title="Blue Mug", price_cents=1250)
    body = page(client, product)
    assert "<h1" in body and "Blue Mug" in body
    assert "Maple &amp; Co" in body
    assert "$12.50" in body


def test_unknown_product_slug_is_a_404_page(client):
    response = client.get("/product/no-such-thing")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize("hide", ["draft", "archived", "deleted", "suspended_shop",
                                  "deleted_shop"])
def test_hidden_product_is_a_404(app, client, factory, hide):
    shop = create_shop(factory)
    product = create_product(app, shop)
    if hide in ("draft", "archived"):
        set_product(app, product, status=ProductStatus(hide))
    elif hide == "deleted":
        delete_product(app, product)
    elif hide == "suspended_shop":
        suspend_shop(app, shop)
    else:
        delete_shop(app, shop)
    assert client.get(f"/product/{product.slug}").status_code == 404


def test_sale_price_shows_the_regular_price_struck_through(app, client, shop):
    product = create_product(app, shop, price_cents=2000, sale_price_cents=1500)
    body = page(client, product)
    assert "$15.00" in body
    assert re.search(r"<del[^>]*>.*?\$20\.00.*?</del>", body, re.S)


def test_live_event_price_is_rounded_half_up_in_cents(app, client, shop):
    # 1010 cents at 15% off is 858.5 cents: the page charges 859.
    product = create_product(app, shop, price_cents=1010)
    create_event(app, shop, [product], discount_percent=15, title="Flash Sale")
    body = page(client, product)
    assert "$8.59" in body
    assert re.search(r"<del[^>]*>.*?\$10\.10.*?</del>", body, re.S)
    assert "Flash Sale" in body and "15% off" in body
    assert structured_data(body)["offers"]["price"] == "8.59"


def test_live_event_discounts_the_sale_price(app, client, shop):
    product = create_product(app, shop, price_cents=2000, sale_price_cents=1500)
    create_event(app, shop, [product], discount_percent=20)
    body = page(client, product)
    assert re.search(r"\$12\.00</span>\s*<del[^>]*>.*?\$15\.00</del>", body, re.S)
    assert re.search(r"<del[^>]*>.*?\$20\.00</del>", body, re.S)


def test_live_event_shows_a_countdown_to_its_end(app, client, shop):
    product = create_product(app, shop)
    ends = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    create_event(app, shop, [product], ends_at=ends)
    body = page(client, product)
    assert f'<time datetime="{ends.strftime("%Y-%m-%dT%H:%M:%SZ")}">' in body
    assert "data-countdown" in body and "js/product.js" in body


def test_upcoming_event_does_not_change_the_price(app, client, shop):
    product = create_product(app, shop, price_cents=1000)
    soon = utcnow() + timedelta(days=1)
    create_event(app, shop, [product], discount_percent=50, starts_at=soon,
                 ends_at=soon + timedelta(days=1))
    body = page(client, product)
    assert "$5.00" not in body and "$10.00" in body


def test_best_live_event_wins_and_other_shops_events_do_not_apply(app, client, factory, shop):
    product = create_product(app, shop, price_cents=1000)
    create_event(app, shop, [product], discount_percent=10)
    create_event(app, shop, [product], discount_percent=30)
    other = create_shop(factory)
    create_event(app, other, [product], discount_percent=90)
    assert "$7.00" in page(client, product)


def test_variants_list_stock_and_disable_sold_out_ones(app, client, shop):
    product = create_product(app, shop, variants=[("Red", "M", 3), ("Blue", "L", 0)])
    body = page(client, product)
    red, blue = product.variants
    assert re.search(rf'<option value="{red.id}"[^>]*>\s*Red / M — 3 left', body)
    assert re.search(rf'<option value="{blue.id}"[^>]*disabled[^>]*>\s*Blue / L — out of stock',
                     body)


def test_buy_form_posts_variant_and_quantity_to_the_cart(app, client, shop):
    product = create_product(app, shop, variants=[("Red", "M", 7)])
    body = page(client, product)
    form = re.search(r'<form method="post" action="/cart/add"[^>]*>(.*?)</form>', body, re.S)
    assert form, "no form posting to /cart/add"
    assert 'name="variant_id"' in form.group(1)
    assert re.search(r'name="quantity"[^>]*min="1"[^>]*max="7"', form.group(1), re.S)
    assert f'name="next" value="/product/{product.slug}"' in form.group(1)
    assert 'formaction="/wishlist/add"' in form.group(1)
    assert f'name="product_id" value="{product.id}"' in form.group(1)


def test_stock_state_says_only_n_left_when_low(app, client, shop):
    product = create_product(app, shop, variants=[("", "", 2), ("Red", "", 1)])
    assert "Only 3 left" in page(client, product)


def test_sold_out_product_cannot_be_added_to_the_cart(app, client, shop):
    product = create_product(app, shop, variants=[("", "", 0)])
    body = page(client, product)
    assert "Out of stock" in body
    assert re.search(r'<button type="submit" class="btn btn-primary btn-lg" disabled', body)
    data = structured_data(body)
    assert data["offers"]["availability"] == "https://schema.org/OutOfStock"


def test_description_is_sanitised_not_trusted(app, client, shop):
    product = create_product(app, shop, description_html=(
        '<p onclick="steal()">Hand <b>made</b><script>alert(1)</script>'
        '<img src=x onerror=alert(2)><a href="javascript:alert(3)">bad</a>'
        '<a href="https://maker.example/about" target="_blank">about</a></p>'))
    body = page(client, product)
    section = body[body.index('class="rich-text"'):]
    section = section[: section.index("</section>")]
    assert "Hand <b>made</b>" in section
    for bad in ("<script", "onclick", "onerror", "<img", "javascript:", "target="):
        assert bad not in section
    assert 'href="https://maker.example/about" rel="nofollow noopener"' in section


def test_specifications_are_shown_as_a_table(app, client, shop):
    product = create_product(app, shop, specifications={"Material": "Oak", "Weight": 120})
    body = page(client, product)
    assert re.search(r"<th scope=\"row\">Material</th><td>Oak</td>", body)
    assert re.search(r"<th scope=\"row\">Weight</th><td>120</td>", body)


def test_specifications_in_list_form_are_shown_too(app, client, shop):
    product = create_product(app, shop, specifications=[{"name": "Glaze", "value": "Matt"},
                                                        ["Volume", "300 ml"], "junk"])
    body = page(client, product)
    assert '<th scope="row">Glaze</th><td>Matt</td>' in body
    assert '<th scope="row">Volume</th><td>300 ml</td>' in body


def test_product_without_variants_or_images_still_renders(app, client, shop):
    product = create_product(app, shop, variants=[], images=0)
    body = page(client, product)
    assert "Out of stock" in body and "no photo yet" in body
    data = structured_data(body)
    assert data["sku"] == str(product.id) and data["image"] == []


def test_seo_tags_are_absolute_and_plain_text(app, client, shop):
    product = create_product(app, shop, title="Oak Board",
                             description_html="<p>Solid <b>oak</b> &amp; oil.</p>")
    body = page(client, product)
    base = app.config["BASE_URL"].rstrip("/")
    url = f"{base}/product/{product.slug}"
    assert f'<link rel="canonical" href="{url}">' in body
    assert '<meta name="description" content="Solid oak &amp; oil.">' in body
    assert '<meta property="og:type" content="product">' in body
    assert f'<meta property="og:url" content="{url}">' in body
    assert f'<meta property="og:image" content="{base}/static/img/placeholder-0.png">' in body
    assert '<meta name="twitter:card" content="summary_large_image">' in body
    assert "<title>Oak Board" in body


def test_json_ld_describes_the_product(app, client, factory, shop):
    product = create_product(app, shop, title="Oak Board", price_cents=1250, brand="Woodco",
                             variants=[("", "", 4)])
    for rating in (5, 4):
        create_review(app, product, factory.shopper(), rating=rating)
    data = structured_data(page(client, product))
    assert data["@type"] == "Product" and data["name"] == "Oak Board"
    assert data["sku"] == product.variants[0].sku
    assert data["brand"]["name"] == "Woodco"
    assert data["image"][0].startswith("http")
    assert data["offers"] | {"seller": None} == {
        "@type": "Offer", "url": data["offers"]["url"], "priceCurrency": "USD", "price": "12.50",
        "availability": "https://schema.org/InStock", "seller": None}
    assert data["offers"]["url"].endswith(f"/product/{product.slug}")
    assert data["aggregateRating"]["reviewCount"] == 2
    assert data["aggregateRating"]["ratingValue"] == "4.5"


def test_json_ld_has_no_rating_without_reviews(app, client, shop):
    assert "aggregateRating" not in structured_data(page(client, create_product(app, shop)))


def test_malicious_title_cannot_break_out_of_the_json_ld(app, client, shop):
    title = '</script><script>alert("x")</script> & <!-- \u2028'
    product = create_product(app, shop, title=title)
    body = page(client, product)
    raw = LD_JSON.findall(body)[0]
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert json.loads(raw)["name"] == title
    assert '<script>alert("x")' not in body
    assert str(escape(title)) in body


def test_related_products_prefer_the_same_subcategory_and_skip_hidden(app, client, factory,
                                                                      shop):
    home = create_category(app, "Home")
    mugs, plates = create_category(app, "Mugs", parent=home), create_category(app, "Plates",
                                                                             parent=home)
    product = create_product(app, shop, category=home, subcategory=mugs)
    plate = create_product(app, shop, title="Plate A", category=home, subcategory=plates,
                           rating_avg=5.0)
    mug = create_product(app, shop, title="Mug B", category=home, subcategory=mugs)
    create_product(app, shop, title="Draft Mug", category=home, subcategory=mugs,
                   status=ProductStatus.DRAFT)
    create_product(app, shop, title="Elsewhere", category=create_category(app))
    body = page(client, product)
    related = body[body.index('id="related-heading"'):]
    assert related.index(mug.title) < related.index(plate.title)
    assert "Draft Mug" not in body and "Elsewhere" not in related


def test_customers_also_bought_orders_by_how_often_bought_together(app, client, factory, shop):
    product = create_product(app, shop, category=create_category(app))
    often = create_product(app, shop, title="Often Together", category=create_category(app))
    once = create_product(app, shop, title="Once Together", category=create_category(app))
    for _ in range(2):
        create_order(app, factory.shopper(), [product, often])
    create_order(app, factory.shopper(), [product, once])
    body = page(client, product)
    also = body[body.index('id="also-heading"'):]
    assert also.index("Often Together") < also.index("Once Together")


def test_customers_also_bought_falls_back_to_category_best_sellers(app, client, shop):
    category = create_category(app)
    product = create_product(app, shop, category=category)
    create_product(app, shop, title="Best Seller", category=category, sold_count=50)
    body = page(client, product)
    assert 'id="also-heading"' in body or "Best Seller" in body


def test_seller_card_has_follow_and_chat_with_seller(app, client, shop):
    product = create_product(app, shop)
    body = page(client, product)
    assert f'action="/shop/{shop.slug}/follow"' in body
    assert f'href="/messages/new?shop={shop.slug}&amp;product={product.id}"' in body


def test_product_view_is_recorded(app, client, in_app, shop):
    product = create_product(app, shop)
    page(client, product)

    def recorded():
        # "Contains": with Redis a late job of an earlier test may still land in the table.
        query = select(AnalyticsEvent.product_id).where(
            AnalyticsEvent.kind == AnalyticsKind.PRODUCT_VIEW)
        return product.id in db.session.scalars(query).all()

    assert eventually(in_app, recorded, True)


def test_reviews_page_past_the_end_shows_the_last_page(app, client, factory, shop):
    product = create_product(app, shop)
    for n in range(12):
        create_review(app, product, factory.shopper(), title=f"Review number {n}")
    response = client.get(f"/product/{product.slug}?page=99999999999999999999")
    assert response.status_code == 200
    assert "Review number 0" in response.get_data(as_text=True)


def _rich_product(app, factory, shop, size):
    category = create_category(app)
    product = create_product(
        app, shop, category=category, images=size,
        variants=[(f"Colour {n}", "M", n) for n in range(size)])
    for n in range(size):
        neighbour = create_product(app, shop, category=category, images=2)
        buyer = factory.shopper()
        create_review(app, product, buyer, rating=1 + n % 5)
        create_order(app, buyer, [product, neighbour])
    create_event(app, shop, [product])
    return product


def test_guest_product_page_query_count_does_not_grow_with_its_data(app, client, factory,
                                                                    shop):
    small = _rich_product(app, factory, shop, 1)
    large = _rich_product(app, factory, shop, 12)
    page(client, small)  # warm up: first-request work is not the page's
    counts = []
    for product in (small, large):
        with count_queries(app) as statements:
            page(client, product)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[1] <= QUERY_BUDGET, counts


def test_signed_in_product_page_reads_stay_within_budget(app, client, factory, auth, shop):
    small = _rich_product(app, factory, shop, 1)
    large = _rich_product(app, factory, shop, 12)
    auth.login_as("shopper")
    page(client, small)
    reads = []
    for product in (small, large):
        with count_queries(app) as statements:
            page(client, product)
        # Reads only: the embedded mode also writes the view's analytics inline.
        reads.append(sum(1 for s in statements if s.lstrip().upper().startswith("SELECT")))
    assert reads[0] == reads[1], reads
    assert reads[1] <= QUERY_BUDGET, reads


def test_shipped_but_undelivered_order_counts_for_also_bought(app, client, factory, shop):
    product = create_product(app, shop, category=create_category(app))
    partner = create_product(app, shop, title="Shipped Partner", category=create_category(app))
    create_order(app, factory.shopper(), [product, partner], status=OrderStatus.SHIPPED)
    assert "Shipped Partner" in page(client, product)


def test_guest_sees_a_log_in_link_instead_of_the_review_form(app, client, shop):
    product = create_product(app, shop)
    body = page(client, product)
    reviews = body[body.index('id="reviews-heading"'):]
    assert f'href="/auth/login?next=/product/{product.slug}">Log in</a> to review' in reviews
    assert "review-form" not in reviews


def test_guest_product_page_reads_seven_statements(app, client, factory, shop):
    # product (+shop, categories, live event, review counts, ever ordered?), images, variants,
    # bought together, neighbour cards, and the category's two rankings (production caches
    # those).
    product = _rich_product(app, factory, shop, 1)
    with app.app_context():  # no reviews: otherwise a page of them is one more read
        db.session.execute(Review.__table__.delete())
        db.session.commit()
    page(client, product)
    with count_queries(app) as statements:
        page(client, product)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 7, "\n".join(reads)
