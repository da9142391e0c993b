"""The product page: one visible product with its prices, stock, reviews and neighbours."""
import json
from dataclasses import dataclass, field

from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup
from sqlalchemy import bindparam, case, func, or_, select, union
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models.base import utcnow
from app.models.catalog import Event, Product, ProductImage, ProductVariant
from app.models.orders import OrderItem
from app.services import reviews as review_service
from app.services.cards import visible_cards_by_id
from app.services.catalog import visible_products
from app.services.listing_filters import cache_seconds
from app.services.offers import live_event_for
from app.services.pricing import apply_percent_off
from app.services.sanitize import clean_html, plain_text
from app.services.ttl_cache import cached, make_key

LOW_STOCK = 5
NEIGHBOURS = 8
# Neighbours are ranked among this many recent candidates, never the whole catalogue.
CANDIDATES = 40
FALLBACK_CANDIDATES = 100
SPEC_ROWS = 50


class ProductNotFound(Exception):
    """No product shoppers may see has that slug."""


@dataclass
class VariantOption:
    id: int
    label: str
    stock: int
    price_cents: int
    offer_cents: int


@dataclass
class ProductPage:
    product: Product
    event: Event | None
    price_cents: int
    offer_cents: int | None
    description: Markup
    excerpt: str
    specifications: list
    options: list
    total_stock: int
    reviews: object
    breakdown: list
    related: list = field(default_factory=list)
    also_bought: list = field(default_factory=list)

    @property
    def stock_state(self):
        if self.total_stock <= 0:
            return "out"
        return "low" if self.total_stock <= LOW_STOCK else "in"

    @property
    def max_quantity(self):
        return max((o.stock for o in self.options), default=0)


# Built once at import; only the slug changes per request. Always read fresh: visibility,
# prices and stock on a product's own page are never cached.
# Its images and variants come from two more prebuilt statements (set as loaded collections):
# selectinload() composes its statement anew on every load.
_BY_SLUG = (visible_products().where(Product.slug == bindparam("slug"))
            .options(joinedload(Product.shop), joinedload(Product.category),
                     joinedload(Product.subcategory)))
_IMAGES = (select(ProductImage).where(ProductImage.product_id == bindparam("product_id"))
           .order_by(ProductImage.position, ProductImage.id))
_VARIANTS = (select(ProductVariant).where(ProductVariant.product_id == bindparam("product_id"))
             .order_by(ProductVariant.id))


class _NoReviews(Pagination):
    """An empty first page of reviews, without asking the database for it."""

    def _query_items(self):
        return []

    def _query_count(self):
        return 0


def get_visible_product(slug):
    product = db.session.scalars(_BY_SLUG, {"slug": (slug or "")[:160]}).first()
    if product is None:
        raise ProductNotFound("That product does not exist or is no longer on sale.")
    params = {"product_id": product.id}
    if "images" not in product.__dict__:  # not already loaded in this session
        set_committed_value(product, "images", list(db.session.scalars(_IMAGES, params)))
    if "variants" not in product.__dict__:
        variants = list(db.session.scalars(_VARIANTS, params))
        for variant in variants:  # variant.unit_price_cents reads variant.product
            set_committed_value(variant, "product", product)
        set_committed_value(product, "variants", variants)
    return product


def specification_rows(specs):
    """The seller's JSON specifications as (name, value) text pairs, whatever its shape."""
    if isinstance(specs, dict):
        pairs = specs.items()
    elif isinstance(specs, list):
        pairs = [(s.get("name"), s.get("value")) if isinstance(s, dict) else tuple(s)[:2]
                 for s in specs if isinstance(s, dict | list | tuple) and len(s) >= 2]
    else:
        return []
    rows = []
    for name, value in list(pairs)[:SPEC_ROWS]:
        if isinstance(value, dict | list):
            value = json.dumps(value, ensure_ascii=False)
        if name not in (None, "") and value not in (None, ""):
            rows.append((str(name), str(value)))
    return rows


def product_page(slug, reviews_page=1, now=None):
    product = get_visible_product(slug)
    event = live_event_for(product, now or utcnow())
    percent = event.discount_percent if event else 0
    options = [VariantOption(v.id, v.label or "Standard", v.stock, v.unit_price_cents,
                             apply_percent_off(v.unit_price_cents, percent))
               for v in product.variants]
    description, excerpt = sanitised_description(product.description_html)
    breakdown, total = rating_breakdown(product)
    related, bought = neighbours(product)
    if total:
        reviews = review_service.product_reviews(product.id, total, reviews_page)
    else:  # nothing to page through: no query
        reviews = _NoReviews(page=1, per_page=review_service.REVIEWS_PER_PAGE,
                             max_per_page=None, error_out=False)
    return ProductPage(
        product=product, event=event, price_cents=product.price_cents,
        offer_cents=apply_percent_off(product.price_cents, percent) if event else None,
        description=description, excerpt=excerpt,
        specifications=specification_rows(product.specifications),
        options=options, total_stock=sum(o.stock for o in options),
        reviews=reviews, breakdown=breakdown, related=related, also_bought=bought,
    )


def sanitised_description(raw):
    """(clean_html(raw), plain_text(raw, 160)): sanitising is the costly part of the page.

    Cached for LISTING_CACHE_SECONDS under a hash of the HTML itself: a pure function of its
    key, so an edited description is a different key and is never served stale.
    """
    if not raw:
        return clean_html(raw), plain_text(raw, 160)
    cleaned, excerpt = cached(make_key("product-description", raw), cache_seconds(),
                              lambda: (str(clean_html(raw)), plain_text(raw, 160)))
    return Markup(cleaned), excerpt


def rating_breakdown(product):
    """review_service.rating_breakdown(), cached for LISTING_CACHE_SECONDS.

    Safe: the key holds the product's rating_count and rating_avg, which every review write
    recomputes (reviews._recompute), so a new, changed or removed review changes the key and
    shows at once; nothing in it is about one viewer.
    """
    key = make_key("review-breakdown", product.id, product.rating_count, product.rating_avg)
    rows, total = cached(key, cache_seconds(),
                         lambda: review_service.rating_breakdown(product.id))
    return [tuple(row) for row in rows], total


def neighbours(product):
    """(related, customers also bought) as product cards.

    Only the two lists of ids are cached (LISTING_CACHE_SECONDS, keyed by the product and
    the category and subcategory they were ranked in): ranking them is the expensive part.
    The cards are read fresh and checked for visibility in one query, so a hidden or deleted
    neighbour disappears at once and prices are current; a new neighbour shows within the TTL.
    """
    def ranked_ids():
        related = related_products(product)
        return related, also_bought(product, exclude_ids=related)

    key = make_key("product-neighbours", product.id, product.category_id,
                   product.subcategory_id)
    related_ids, bought_ids = cached(key, cache_seconds(), ranked_ids)
    cards = visible_cards_by_id(related_ids + bought_ids)
    return ([cards[i] for i in related_ids if i in cards],
            [cards[i] for i in bought_ids if i in cards])


def _newest_ids(column, param, limit=CANDIDATES):
    return (select(Product.id).where(column == bindparam(param))
            .order_by(Product.id.desc()).limit(limit))


def _among(*pools):
    """Visible products' ids drawn only from small candidate pools of ids.

    Joining a materialised pool makes the database start from those few rows; filtering the
    whole catalogue instead sends SQLite (without statistics) through every active product.
    """
    pool = pools[0] if len(pools) == 1 else union(*(p.subquery().select() for p in pools))
    pool = pool.subquery()
    return visible_products().with_only_columns(Product.id).join(pool, pool.c.id == Product.id)


# The neighbour queries are built once, at import, with bind parameters for the product:
# composing these subqueries per request cost more CPU than running them.
def _related_statement(with_subcategory):
    pools = [_newest_ids(Product.category_id, "category_id")]
    same_sub = Product.id.is_(None)
    if with_subcategory:
        pools.insert(0, _newest_ids(Product.subcategory_id, "subcategory_id"))
        same_sub = Product.subcategory_id == bindparam("subcategory_id")
    return (_among(*pools)
            .where(Product.id != bindparam("product_id"))
            .order_by(case((same_sub, 0), else_=1), Product.rating_avg.desc(),
                      Product.sold_count.desc(), Product.id.desc())
            .limit(NEIGHBOURS))


def _also_bought_statement():
    this, other = aliased(OrderItem), aliased(OrderItem)
    product_id = bindparam("product_id")
    together = (select(other.product_id.label("product_id"),
                       func.count(func.distinct(other.order_id)).label("orders"))
                .join(this, this.order_id == other.order_id)
                .where(this.product_id == product_id, other.product_id.is_not(None),
                       other.product_id != product_id)
                .group_by(other.product_id).subquery())
    top = (select(together.c.product_id.label("id"), together.c.orders)
           .order_by(together.c.orders.desc()).limit(CANDIDATES).subquery())
    fallback = _newest_ids(Product.category_id, "category_id", FALLBACK_CANDIDATES)
    return (_among(select(top.c.id), fallback)
            .outerjoin(top, top.c.id == Product.id)
            .where(Product.id != product_id,
                   or_(top.c.orders.is_not(None),
                       Product.id.not_in(bindparam("exclude_ids", expanding=True))))
            .order_by(func.coalesce(top.c.orders, 0).desc(), Product.sold_count.desc(),
                      Product.id.desc())
            .limit(NEIGHBOURS))


_RELATED = {True: _related_statement(True), False: _related_statement(False)}
_ALSO_BOUGHT = _also_bought_statement()


def related_products(product):
    """Ids of: same subcategory first, then the rest of the category; best rated first.

    Drawn from the newest products of each, which keeps the cost flat at any catalogue size.
    """
    params = {"product_id": product.id, "category_id": product.category_id}
    if product.subcategory_id:
        params["subcategory_id"] = product.subcategory_id
    return list(db.session.scalars(_RELATED[bool(product.subcategory_id)], params))


def also_bought(product, exclude_ids=()):
    """Ids of products found in the same orders, most often first; topped up with the best
    sellers among the category's newest products (not already shown as related)."""
    params = {"product_id": product.id, "category_id": product.category_id,
              "exclude_ids": list(exclude_ids) or [0]}
    return list(db.session.scalars(_ALSO_BOUGHT, params))
