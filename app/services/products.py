"""The product page: one visible product with its prices, stock, reviews and neighbours."""
import json
from collections import defaultdict
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import case, func, or_, select, union
from sqlalchemy.orm import aliased, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models.base import utcnow
from app.models.catalog import Event, Product, ProductImage
from app.models.orders import OrderItem
from app.services import reviews as review_service
from app.services.catalog import visible_products
from app.services.offers import live_event_for
from app.services.pricing import apply_percent_off
from app.services.sanitize import clean_html, plain_text

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


def get_visible_product(slug):
    query = (visible_products().where(Product.slug == (slug or "")[:160])
             .options(joinedload(Product.shop), joinedload(Product.category),
                      joinedload(Product.subcategory), selectinload(Product.images),
                      selectinload(Product.variants)))
    product = db.session.scalars(query).unique().first()
    if product is None:
        raise ProductNotFound("That product does not exist or is no longer on sale.")
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
    breakdown, total = review_service.rating_breakdown(product.id)
    related = related_products(product)
    bought = also_bought(product, exclude_ids=[p.id for p in related])
    _attach_images(related + bought)
    return ProductPage(
        product=product, event=event, price_cents=product.price_cents,
        offer_cents=apply_percent_off(product.price_cents, percent) if event else None,
        description=clean_html(product.description_html),
        excerpt=plain_text(product.description_html, 160),
        specifications=specification_rows(product.specifications),
        options=options, total_stock=sum(o.stock for o in options),
        reviews=review_service.product_reviews(product.id, total, reviews_page),
        breakdown=breakdown, related=related,
        also_bought=bought,
    )


def _neighbours():
    # Images come afterwards for both neighbour lists at once (_attach_images).
    return visible_products().options(joinedload(Product.shop))


def _attach_images(items):
    """Load the images of many products in one query and hand each its own, in order."""
    if not items:
        return
    query = (select(ProductImage).where(ProductImage.product_id.in_({p.id for p in items}))
             .order_by(ProductImage.product_id, ProductImage.position, ProductImage.id))
    by_product = defaultdict(list)
    for image in db.session.scalars(query):
        by_product[image.product_id].append(image)
    for item in items:
        set_committed_value(item, "images", by_product[item.id])


def _newest_ids(column, value, limit=CANDIDATES):
    return select(Product.id).where(column == value).order_by(Product.id.desc()).limit(limit)


def _among(*pools):
    """Visible products drawn only from small candidate pools of ids.

    Joining a materialised pool makes the database start from those few rows; filtering the
    whole catalogue instead sends SQLite (without statistics) through every active product.
    """
    pool = pools[0] if len(pools) == 1 else union(*(p.subquery().select() for p in pools))
    pool = pool.subquery()
    return _neighbours().join(pool, pool.c.id == Product.id)


def related_products(product, limit=NEIGHBOURS):
    """Same subcategory first, then the rest of the category; best rated first.

    Drawn from the newest products of each, which keeps the cost flat at any catalogue size.
    """
    pools = [_newest_ids(Product.category_id, product.category_id)]
    same_sub = Product.id.is_(None)
    if product.subcategory_id:
        pools.insert(0, _newest_ids(Product.subcategory_id, product.subcategory_id))
        same_sub = Product.subcategory_id == product.subcategory_id
    query = (_among(*pools)
             .where(Product.id != product.id)
             .order_by(case((same_sub, 0), else_=1), Product.rating_avg.desc(),
                       Product.sold_count.desc(), Product.id.desc())
             .limit(limit))
    return db.session.scalars(query).all()


def also_bought(product, exclude_ids=(), limit=NEIGHBOURS):
    """Products found in the same orders, most often first; topped up with the best sellers
    among the category's newest products (not already shown as related)."""
    this, other = aliased(OrderItem), aliased(OrderItem)
    together = (select(other.product_id.label("product_id"),
                       func.count(func.distinct(other.order_id)).label("orders"))
                .join(this, this.order_id == other.order_id)
                .where(this.product_id == product.id, other.product_id.is_not(None),
                       other.product_id != product.id)
                .group_by(other.product_id).subquery())
    top = (select(together.c.product_id.label("id"), together.c.orders)
           .order_by(together.c.orders.desc()).limit(CANDIDATES).subquery())
    fallback = _newest_ids(Product.category_id, product.category_id, FALLBACK_CANDIDATES)
    query = (_among(select(top.c.id), fallback)
             .outerjoin(top, top.c.id == Product.id)
             .where(Product.id != product.id,
                    or_(top.c.orders.is_not(None), Product.id.not_in(list(exclude_ids) or [0])))
             .order_by(func.coalesce(top.c.orders, 0).desc(), Product.sold_count.desc(),
                       Product.id.desc())
             .limit(limit))
    return db.session.scalars(query).all()
