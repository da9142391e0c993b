"""Reviews: only verified buyers (a DELIVERED order) review, once, and the rating caches of the
product and the shop are recomputed from the rows."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.catalog import Product, Review
from app.models.orders import OrderStatus
from app.models.shops import Shop
from tests.factories_catalog import create_product, create_review, create_shop, suspend_shop
from tests.factories_storefront import create_order, create_shop_review

REVIEW = {"rating": "4", "title": "Lovely", "body": "Arrived quickly.\nWorks well."}


@pytest.fixture
def shop(factory):
    return create_shop(factory)


@pytest.fixture
def product(app, shop):
    return create_product(app, shop, title="Walnut Bowl")


def count_reviews(in_app, **filters):
    return in_app(lambda: db.session.scalar(
        select(func.count(Review.id)).filter_by(**filters)))


def caches(in_app, model, row_id):
    row = in_app(lambda: db.session.get(model, row_id))
    return row.rating_avg, row.rating_count


def post_review(client, product, **changes):
    return client.post(f"/product/{product.slug}/reviews", data={**REVIEW, **changes})


def test_buyer_with_a_delivered_order_sees_the_review_form(app, client, auth, product):
    buyer = auth.login_as("shopper")
    create_order(app, buyer, [product])
    body = client.get(f"/product/{product.slug}").get_data(as_text=True)
    assert f'action="/product/{product.slug}/reviews#reviews"' in body
    assert 'name="rating"' in body


def test_buyer_can_publish_a_review(app, client, auth, in_app, product):
    buyer = auth.login_as("shopper")
    create_order(app, buyer, [product])
    response = post_review(client, product)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/product/{product.slug}#reviews")
    review = in_app(lambda: db.session.scalars(select(Review)).one())
    assert (review.rating, review.title, review.user_id) == (4, "Lovely", buyer.id)
    assert review.is_verified_purchase and review.order_item_id is not None
    body = client.get(f"/product/{product.slug}").get_data(as_text=True)
    assert "Lovely" in body and "You have reviewed this product" in body


@pytest.mark.parametrize("status", [OrderStatus.PLACED, OrderStatus.SHIPPED,
                                    OrderStatus.CANCELLED, OrderStatus.REFUNDED])
def test_order_not_delivered_does_not_make_a_verified_buyer(app, client, auth, in_app, product,
                                                            status):
    buyer = auth.login_as("shopper")
    create_order(app, buyer, [product], status=status)
    body = client.get(f"/product/{product.slug}").get_data(as_text=True)
    assert f'action="/product/{product.slug}/reviews#reviews"' not in body
    response = post_review(client, product)
    assert response.status_code == 403
    assert "Only shoppers who have received this product" in response.get_data(as_text=True)
    assert count_reviews(in_app) == 0


def test_shopper_without_an_order_is_told_why_they_cannot_review(client, auth, in_app, product):
    auth.login_as("shopper")
    response = post_review(client, product)
    assert response.status_code == 403
    assert "Only shoppers who have received this product" in response.get_data(as_text=True)
    assert count_reviews(in_app) == 0


def test_guest_posting_a_review_is_sent_to_log_in(client, in_app, product):
    response = post_review(client, product)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    assert count_reviews(in_app) == 0


def test_second_review_by_the_same_buyer_is_refused(app, client, auth, in_app, product):
    buyer = auth.login_as("shopper")
    create_order(app, buyer, [product])
    create_order(app, buyer, [product])
    assert post_review(client, product).status_code == 302
    response = post_review(client, product, rating="1")
    assert response.status_code == 409
    assert "already reviewed this product" in response.get_data(as_text=True)
    assert count_reviews(in_app) == 1
    assert caches(in_app, Product, product.id) == (4.0, 1)


def test_reviews_recompute_product_and_shop_rating_caches(app, client, auth, factory, in_app,
                                                         shop, product):
    create_shop_review(app, shop, factory.shopper(), rating=3)
    for rating in ("5", "2"):
        auth.logout()
        buyer = auth.login_as("shopper")
        create_order(app, buyer, [product])
        assert post_review(client, product, rating=rating).status_code == 302
    assert caches(in_app, Product, product.id) == (3.5, 2)
    # The shop's rating covers its products' reviews and its own: (5 + 2 + 3) / 3.
    assert caches(in_app, Shop, shop.id) == (3.33, 3)


@pytest.mark.parametrize("rating", ["0", "6", "-1", "3.5", "abc", "", "99999999999999999999",
                                    "' OR 1=1 --"])
def test_rating_must_be_a_whole_number_from_1_to_5(app, client, auth, in_app, product, rating):
    buyer = auth.login_as("shopper")
    create_order(app, buyer, [product])
    response = post_review(client, product, rating=rating)
    assert response.status_code == 422
    assert "Choose a rating from 1 to 5 stars." in response.get_data(as_text=True)
    assert count_reviews(in_app) == 0


@pytest.mark.parametrize("field, value, message", [
    ("title", "t" * 201, "Use at most 200 characters."),
    ("body", "b" * 5001, "Use at most 5,000 characters."),
    ("title", "bad\x00title", "Remove the control characters from the title."),
    ("body", "nul\x00here", "Remove the control characters from the review."),
])
def test_overlong_or_control_character_text_is_refused(app, client, auth, in_app, product,
                                                       field, value, message):
    buyer = auth.login_as("shopper")
    create_order(app, buyer, [product])
    response = post_review(client, product, **{field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_reviews(in_app) == 0


def test_review_text_is_shown_as_plain_escaped_text(app, client, auth, product):
    buyer = auth.login_as("shopper")
    create_order(app, buyer, [product])
    post_review(client, product, title="<b>bold</b>", body="<script>alert(1)</script>")
    body = client.get(f"/product/{product.slug}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body and "<b>bold</b>" not in body


def test_reviews_are_listed_newest_first_with_a_star_breakdown(app, client, factory, product):
    create_review(app, product, factory.shopper(), rating=5, title="Older review")
    create_review(app, product, factory.shopper(), rating=5, title="Middle review")
    create_review(app, product, factory.shopper(), rating=2, title="Newest review")
    body = client.get(f"/product/{product.slug}").get_data(as_text=True)
    assert body.index("Newest review") < body.index("Middle review") < body.index("Older review")
    bars = body[body.index('class="rating-bars"'):]
    assert '<th scope="row">5 stars</th>' in bars
    assert '<div class="progress-bar" style="width: 67%"></div>' in bars
    assert '<div class="progress-bar" style="width: 33%"></div>' in bars


def test_reviewing_a_hidden_product_is_a_404(app, client, auth, shop, product):
    buyer = auth.login_as("shopper")
    create_order(app, buyer, [product])
    suspend_shop(app, shop)
    assert post_review(client, product).status_code == 404


def test_shop_buyer_can_review_the_shop_once(app, client, auth, in_app, shop, product):
    buyer = auth.login_as("shopper")
    create_order(app, buyer, [product])
    url = f"/shop/{shop.slug}/reviews"
    response = client.post(url, data={"rating": "5", "title": "Great seller"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/shop/{shop.slug}#shop-reviews")
    assert count_reviews(in_app, shop_id=shop.id, product_id=None) == 1
    assert caches(in_app, Shop, shop.id) == (5.0, 1)
    again = client.post(url, data={"rating": "1"})
    assert again.status_code == 409
    assert "already reviewed this shop" in again.get_data(as_text=True)
    assert count_reviews(in_app, shop_id=shop.id, product_id=None) == 1
    body = client.get(f"/shop/{shop.slug}").get_data(as_text=True)
    assert "Great seller" in body


def test_shop_review_needs_a_delivered_order_from_that_shop(app, client, auth, factory, in_app,
                                                            shop):
    buyer = auth.login_as("shopper")
    elsewhere = create_product(app, create_shop(factory))
    create_order(app, buyer, [elsewhere])
    response = client.post(f"/shop/{shop.slug}/reviews", data={"rating": "5"})
    assert response.status_code == 403
    assert "received an order from this shop" in response.get_data(as_text=True)
    assert count_reviews(in_app) == 0


def test_seller_cannot_review_their_own_shop(app, client, auth, in_app):
    seller = auth.login_as("seller")
    shop = in_app(lambda: db.session.scalars(select(Shop).filter_by(user_id=seller.id)).one())
    response = client.post(f"/shop/{shop.slug}/reviews", data={"rating": "5"})
    assert response.status_code == 422
    assert "cannot review your own shop" in response.get_data(as_text=True)
    assert count_reviews(in_app) == 0
