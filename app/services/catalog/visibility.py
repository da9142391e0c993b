"""What shoppers may see of the catalogue: the one definition every storefront query starts from."""
from sqlalchemy import select

from app.models.catalog import Product, ProductStatus
from app.models.shops import Shop, ShopStatus


def visible_products():
    """Active, undeleted products of active, undeleted shops."""
    return (
        select(Product)
        .join(Shop, Shop.id == Product.shop_id)
        .where(
            Product.status == ProductStatus.ACTIVE,
            Product.deleted_at.is_(None),
            Shop.status == ShopStatus.ACTIVE,
            Shop.deleted_at.is_(None),
        )
    )


def is_visible(product):
    shop = product.shop
    return (
        product.status == ProductStatus.ACTIVE
        and product.deleted_at is None
        and shop is not None
        and shop.status == ShopStatus.ACTIVE
        and shop.deleted_at is None
    )
