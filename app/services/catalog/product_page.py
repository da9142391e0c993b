"""The product page: one visible product with its prices, stock, reviews and neighbours."""
import json
from dataclasses import dataclass, field

from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup

from app.models.base import utcnow
from app.services.catalog import reviews as review_service
from app.services.catalog.descriptions import shown_description
from app.services.catalog.neighbours import neighbours
from app.services.catalog.pricing import apply_percent_off
from app.services.catalog.product_details import LiveEvent, ProductDetails, visible_product_details

LOW_STOCK = 5
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
    product: ProductDetails
    event: LiveEvent | None
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


class _NoReviews(Pagination):
    """An empty first page of reviews, without asking the database for it."""

    def _query_items(self):
        return []

    def _query_count(self):
        return 0


def get_visible_product(slug, now=None):
    """The product shoppers may see under `slug` now, as plain values (ProductNotFound if none)."""
    product = visible_product_details(slug, now or utcnow())
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
    """Everything the page shows of a visible product, read fresh (ProductNotFound if none)."""
    product = get_visible_product(slug, now)
    event = product.live_event
    percent = event.discount_percent if event else 0
    options = []
    for variant in product.variants:
        unit = product.unit_price_cents(variant)
        options.append(VariantOption(variant.id, variant.label or "Standard", variant.stock,
                                     unit, apply_percent_off(unit, percent)))
    description, excerpt = shown_description(
        product.description_html, product.description_clean, product.description_excerpt,
        product.description_digest)
    breakdown, total = review_service.breakdown_rows(product.rating_counts)
    related, bought = neighbours(product.id, product.category_id, product.subcategory_id,
                                 product.ever_ordered)
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
