"""Reviews of products and shops by verified buyers, with the rating caches kept in step."""
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models.catalog import Product, Review
from app.models.orders import Order, OrderItem, OrderStatus
from app.models.shops import Shop, ShopFollower

TITLE_MAX = 200
BODY_MAX = 5000
REVIEWS_PER_PAGE = 10


class ReviewError(Exception):
    """A review was refused; `str(error)` is a message for the person."""


class NotAVerifiedBuyer(ReviewError):
    pass


class AlreadyReviewed(ReviewError):
    pass


# A verified buyer has an order line for the product (or an order from the shop) whose order
# is DELIVERED: you review what you received, not what is on its way; cancelled or refunded
# orders do not count.
def delivered_item_query(user_id, product_id):
    """The buyer's latest delivered order line of this product (the review's proof)."""
    return (select(OrderItem.id).join(Order, Order.id == OrderItem.order_id)
            .where(Order.user_id == user_id, OrderItem.product_id == product_id,
                   Order.status == OrderStatus.DELIVERED)
            .order_by(Order.delivered_at.desc(), OrderItem.id.desc()).limit(1))


def delivered_order_query(user_id, shop_id):
    return (select(Order.id).where(Order.user_id == user_id, Order.shop_id == shop_id,
                                   Order.status == OrderStatus.DELIVERED).limit(1))


def _clean(text, limit, what, multiline):
    text = (text or "").strip()
    allowed = {"\n", "\r", "\t"} if multiline else set()
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in text):
        raise ReviewError(f"Remove the control characters from the {what}.")
    if len(text) > limit:
        raise ReviewError(f"The {what} can be at most {limit} characters.")
    return text or None


def _checked(rating, title, body):
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ReviewError("Choose a rating from 1 to 5 stars.")
    return _clean(title, TITLE_MAX, "title", False), _clean(body, BODY_MAX, "review", True)


def _recompute(product_id, shop_id):
    """Rebuild the display caches from the review rows, inside the caller's transaction."""
    if product_id is not None:
        rows = select(Review.rating).where(Review.product_id == product_id).subquery()
        db.session.execute(update(Product).where(Product.id == product_id).values(
            rating_count=select(func.count()).select_from(rows).scalar_subquery(),
            rating_avg=select(func.coalesce(func.round(func.avg(rows.c.rating), 2), 0))
            .scalar_subquery(),
        ))
    # A shop's rating covers every review of it: its products' and its own.
    rows = select(Review.rating).where(Review.shop_id == shop_id).subquery()
    db.session.execute(update(Shop).where(Shop.id == shop_id).values(
        rating_count=select(func.count()).select_from(rows).scalar_subquery(),
        rating_avg=select(func.coalesce(func.round(func.avg(rows.c.rating), 2), 0))
        .scalar_subquery(),
    ))


def _save(review, duplicate_message):
    try:
        with db.session.begin_nested():
            db.session.add(review)
    except IntegrityError:  # a concurrent duplicate won the race; the savepoint is undone
        raise AlreadyReviewed(duplicate_message) from None
    _recompute(review.product_id, review.shop_id)
    db.session.commit()
    return review


def review_product(user_id, product, rating, title=None, body=None):
    """A verified buyer's one review of a product."""
    title, body = _checked(rating, title, body)
    if product.shop.user_id == user_id:
        raise ReviewError("You cannot review your own shop's products.")
    item_id = db.session.scalar(delivered_item_query(user_id, product.id))
    if item_id is None:
        raise NotAVerifiedBuyer("Only shoppers who have received this product can review it.")
    taken = select(Review.id).filter_by(user_id=user_id, product_id=product.id)
    if db.session.scalar(taken) is not None:
        raise AlreadyReviewed("You have already reviewed this product.")
    review = Review(product_id=product.id, shop_id=product.shop_id, user_id=user_id,
                    order_item_id=item_id, rating=rating, title=title, body=body,
                    is_verified_purchase=True)
    return _save(review, "You have already reviewed this product.")


def review_shop(user_id, shop, rating, title=None, body=None):
    """A verified buyer's one review of a shop itself."""
    title, body = _checked(rating, title, body)
    if shop.user_id == user_id:
        raise ReviewError("You cannot review your own shop.")
    if db.session.scalar(delivered_order_query(user_id, shop.id)) is None:
        raise NotAVerifiedBuyer("Only shoppers who have received an order from this shop "
                                "can review it.")
    taken = select(Review.id).where(Review.user_id == user_id, Review.shop_id == shop.id,
                                    Review.product_id.is_(None))
    if db.session.scalar(taken) is not None:
        raise AlreadyReviewed("You have already reviewed this shop.")
    review = Review(product_id=None, shop_id=shop.id, user_id=user_id, rating=rating,
                    title=title, body=body, is_verified_purchase=True)
    return _save(review, "You have already reviewed this shop.")


def rating_count(product_id, stars):
    """A correlated scalar subquery: how many reviews of the product give `stars`."""
    return (select(func.count()).select_from(Review)
            .where(Review.product_id == product_id, Review.rating == stars)
            .scalar_subquery())


def breakdown_rows(counts):
    """[(stars, count, percent)] for 5..1 stars, and the total, from {stars: count}."""
    total = sum(counts.values())
    rows = [(stars, counts.get(stars, 0), round(100 * counts.get(stars, 0) / total) if total else 0)
            for stars in range(5, 0, -1)]
    return rows, total


@dataclass
class ViewerState:
    """What the signed-in shopper may do on a product or shop page."""

    following: bool = False
    has_reviewed: bool = False
    has_received: bool = False

    @property
    def can_review(self):
        return self.has_received and not self.has_reviewed


def _viewer_state(user_id, shop_id, reviewed, received):
    if not user_id:
        return ViewerState()
    following = select(ShopFollower.id).where(ShopFollower.user_id == user_id,
                                              ShopFollower.shop_id == shop_id).exists()
    row = db.session.execute(select(following, reviewed.exists(), received.exists())).one()
    return ViewerState(*(bool(value) for value in row))


def product_viewer(user_id, product):
    """Follows the shop? reviewed it? received it? -- in one query."""
    reviewed = select(Review.id).where(Review.user_id == user_id,
                                       Review.product_id == product.id)
    return _viewer_state(user_id, product.shop_id, reviewed,
                         delivered_item_query(user_id, product.id))


def shop_viewer(user_id, shop):
    reviewed = select(Review.id).where(Review.user_id == user_id, Review.shop_id == shop.id,
                                       Review.product_id.is_(None))
    return _viewer_state(user_id, shop.id, reviewed, delivered_order_query(user_id, shop.id))


def product_reviews(product_id, total, page):
    """One page of a product's reviews, newest first; a page past the end shows the last.

    `total` comes from breakdown_rows() of counts read with the product: no COUNT query here.
    """
    pages = max(1, -(-total // REVIEWS_PER_PAGE))
    page = min(max(int(page or 1), 1), pages)
    query = (select(Review).where(Review.product_id == product_id)
             .options(joinedload(Review.user))
             .order_by(Review.created_at.desc(), Review.id.desc()))
    result = db.paginate(query, page=page, per_page=REVIEWS_PER_PAGE,
                         max_per_page=REVIEWS_PER_PAGE, error_out=False, count=False)
    result.total = total
    return result
