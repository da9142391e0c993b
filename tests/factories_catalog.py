"""Catalogue factories: categories, products with variants and images, events, reviews."""
import itertools
from datetime import timedelta

from slugify import slugify

from app.extensions import db
from app.models.base import utcnow
from app.models.catalog import (
    Category,
    Event,
    EventProduct,
    Product,
    ProductImage,
    ProductStatus,
    ProductVariant,
    Review,
)
from app.models.shops import Shop, ShopStatus
from tests.factories import _detached

_seq = itertools.count(1)

# Everything a product page or grid touches, loaded before the object is detached.
_PRODUCT_LOADS = ("shop", "category", "subcategory", "images", "variants")


def _detached_product(product):
    db.session.refresh(product)
    for name in _PRODUCT_LOADS:
        getattr(product, name)
    db.session.expunge_all()
    return product


def create_shop(factory, name=None):
    """A seller and their shop; returns the shop detached (`factory` is the conftest fixture)."""
    return factory.shop(factory.seller(with_shop=False), name=name)


def create_category(app, name=None, parent=None, slug=None, position=0):
    """A category (a subcategory when `parent` is given); returns it detached."""
    n = next(_seq)
    name = name or f"Category {n}"
    with app.app_context():
        category = Category(name=name, slug=slug or f"{slugify(name)}-{n}",
                            parent_id=parent.id if parent is not None else None,
                            position=position)
        db.session.add(category)
        db.session.commit()
        return _detached(category)


def create_product(app, shop, title=None, price_cents=1000, sale_price_cents=None, *,
                   variants=None, brand=None, tags=None, description_html=None, category=None,
                   subcategory=None, status=ProductStatus.ACTIVE, rating_avg=0.0,
                   rating_count=0, sold_count=0, created_at=None, images=1, currency="USD",
                   slug=None, deleted=False, specifications=None):
    """A product of `shop` with its variants and images; returns it detached, fully loaded.

    variants: [(colour, size, stock)] or [(colour, size, stock, price_cents)]; default one
    plain variant with 10 in stock. images: how many placeholder images to attach.
    tags: a list or a comma-separated string. category: made for you when omitted.
    """
    n = next(_seq)
    title = title or f"Product {n}"
    if category is None:
        category = create_category(app)
    if isinstance(tags, list | tuple):
        tags = ",".join(t.strip().lower() for t in tags)
    with app.app_context():
        product = Product(
            shop_id=shop.id, category_id=category.id,
            subcategory_id=subcategory.id if subcategory is not None else None,
            slug=slug or f"{slugify(title)[:120]}-{n}", title=title,
            description_html=description_html, brand=brand, tags=tags,
            regular_price_cents=price_cents, sale_price_cents=sale_price_cents,
            currency=currency, status=status, rating_avg=rating_avg, rating_count=rating_count,
            sold_count=sold_count, specifications=specifications,
        )
        if created_at is not None:
            product.created_at = product.updated_at = created_at
        for k, spec in enumerate(variants if variants is not None else [("", "", 10)]):
            color, size, stock, *price = spec
            product.variants.append(ProductVariant(
                sku=f"SKU-{n}-{k + 1}", color=color, size=size, stock=stock,
                price_cents=price[0] if price else None))
        for k in range(images):
            product.images.append(ProductImage(url=f"/static/img/placeholder-{k}.png",
                                               alt=title, position=k))
        if deleted:
            product.mark_deleted()
        db.session.add(product)
        db.session.commit()
        return _detached_product(product)


def set_product(app, product, **changes):
    """Update columns of a product (e.g. status, deleted_at, title) and commit."""
    with app.app_context():
        row = db.session.get(Product, product.id)
        for key, value in changes.items():
            setattr(row, key, value)
        db.session.commit()
        return _detached_product(row)


def delete_product(app, product):
    """Soft-delete a product, as the seller's delete button does."""
    with app.app_context():
        db.session.get(Product, product.id).mark_deleted()
        db.session.commit()


def suspend_shop(app, shop):
    with app.app_context():
        db.session.get(Shop, shop.id).status = ShopStatus.SUSPENDED
        db.session.commit()


def delete_shop(app, shop):
    with app.app_context():
        db.session.get(Shop, shop.id).mark_deleted()
        db.session.commit()


def create_event(app, shop, products, discount_percent=20, starts_at=None, ends_at=None,
                 title=None):
    """A shop event over `products`; live now unless the dates say otherwise."""
    n = next(_seq)
    now = utcnow()
    title = title or f"Event {n}"
    with app.app_context():
        event = Event(shop_id=shop.id, title=title, slug=f"{slugify(title)}-{n}",
                      discount_percent=discount_percent,
                      starts_at=starts_at or now - timedelta(hours=1),
                      ends_at=ends_at or now + timedelta(days=1))
        db.session.add(event)
        db.session.flush()
        for product in products:
            db.session.add(EventProduct(event_id=event.id, product_id=product.id))
        db.session.commit()
        return _detached(event)


def create_review(app, product, user, rating=5, title=None, body=None, verified=False):
    """A product review by `user` (does not recompute the product's rating caches)."""
    with app.app_context():
        review = Review(product_id=product.id, shop_id=product.shop_id, user_id=user.id,
                        rating=rating, title=title, body=body, is_verified_purchase=verified)
        db.session.add(review)
        db.session.commit()
        return _detached(review)


def add_image(app, product, url, position=0):
    """Attach an image to a product (position -1 puts it first) and commit."""
    with app.app_context():
        db.session.add(ProductImage(product_id=product.id, url=url, alt=product.title,
                                    position=position))
        db.session.commit()
