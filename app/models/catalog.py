"""Catalog: categories, products, images, variants, events, discount codes, reviews, carts."""
import enum
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.models.base import Base, TimestampMixin, utcnow

if TYPE_CHECKING:
    from app.models.accounts import User
    from app.models.shops import Shop

# A soft-deleted product can be restored for this long, then a job purges it.
PRODUCT_RESTORE_WINDOW = timedelta(hours=24)


class ProductStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    image_url: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)

    parent: Mapped["Category | None"] = relationship(
        back_populates="children", remote_side="Category.id"
    )
    children: Mapped[list["Category"]] = relationship(
        back_populates="parent", cascade="all, delete-orphan", order_by="Category.position"
    )

    def __repr__(self):
        return f"<Category {self.id} {self.slug}>"


# The price a shopper pays before events, as the listing SQL and its index spell it.
EFFECTIVE_PRICE_SQL = (
    "(CASE WHEN (sale_price_cents IS NOT NULL AND sale_price_cents < regular_price_cents) "
    "THEN sale_price_cents ELSE regular_price_cents END)"
)


class SalePricing:
    """The sale rule, for anything with regular_price_cents and sale_price_cents: the
    product itself, and the plain rows the storefront reads instead of it."""

    @property
    def is_on_sale(self):
        return (
            self.sale_price_cents is not None and self.sale_price_cents < self.regular_price_cents
        )

    @property
    def price_cents(self):
        """What a buyer pays per unit before variant overrides and discounts."""
        return self.sale_price_cents if self.is_on_sale else self.regular_price_cents


class Product(SalePricing, TimestampMixin, Base):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("regular_price_cents >= 0", name="regular_price_nonnegative"),
        CheckConstraint(
            "sale_price_cents IS NULL OR sale_price_cents >= 0", name="sale_price_nonnegative"
        ),
        CheckConstraint("rating_avg >= 0 AND rating_avg <= 5", name="rating_avg_range"),
        CheckConstraint("rating_count >= 0", name="rating_count_nonnegative"),
        CheckConstraint("sold_count >= 0", name="sold_count_nonnegative"),
        Index("ix_products_shop_id_status", "shop_id", "status"),
        # Storefront listing indexes (migration 0003): one per sort order, plus a covering
        # index for counts and facets. The price expression must match the listing SQL.
        Index("ix_products_listing_newest", "status", "deleted_at", "created_at"),
        Index("ix_products_listing_price", "status", "deleted_at", text(EFFECTIVE_PRICE_SQL)),
        Index("ix_products_listing_rating", "status", "deleted_at", "rating_avg", "rating_count"),
        Index("ix_products_listing_popular", "status", "deleted_at", "sold_count"),
        Index("ix_products_listing_facets", "status", "deleted_at", "shop_id", "category_id",
              "subcategory_id", "brand", "rating_avg", "regular_price_cents", "sale_price_cents"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    subcategory_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL"), index=True
    )
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    # Rich text as the seller wrote it. The page shows description_clean and
    # description_excerpt, made from it once when it is written (services/catalog/descriptions.py);
    # description_digest says which text they were made from, so a row written some other way
    # is noticed and sanitised when shown instead.
    description_html: Mapped[str | None] = mapped_column(Text)
    description_clean: Mapped[str | None] = mapped_column(Text)
    description_excerpt: Mapped[str | None] = mapped_column(String(200))
    description_digest: Mapped[str | None] = mapped_column(String(32))
    brand: Mapped[str | None] = mapped_column(String(80), index=True)
    tags: Mapped[str | None] = mapped_column(String(500))  # comma-separated, lower case
    regular_price_cents: Mapped[int] = mapped_column(Integer)
    sale_price_cents: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    status: Mapped[ProductStatus] = mapped_column(
        Enum(
            ProductStatus,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=ProductStatus.DRAFT,
        index=True,
    )
    # Display caches, recomputed from reviews and orders.
    rating_avg: Mapped[float] = mapped_column(Float, default=0.0)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    sold_count: Mapped[int] = mapped_column(Integer, default=0)
    specifications: Mapped[dict | None] = mapped_column(JSON)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    purge_after: Mapped[datetime | None] = mapped_column(DateTime, index=True)

    shop: Mapped["Shop"] = relationship()
    category: Mapped[Category] = relationship(foreign_keys=[category_id])
    subcategory: Mapped[Category | None] = relationship(foreign_keys=[subcategory_id])
    images: Mapped[list["ProductImage"]] = relationship(
        back_populates="product",
        cascade="all, delete-orphan",
        order_by="(ProductImage.position, ProductImage.id)",
    )
    variants: Mapped[list["ProductVariant"]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="ProductVariant.id"
    )

    @property
    def tag_list(self):
        return [t.strip() for t in (self.tags or "").split(",") if t.strip()]

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    @property
    def total_stock(self):
        return sum(v.stock for v in self.variants)

    def mark_deleted(self, now=None):
        """Soft-delete: hidden at once, restorable until purge_after."""
        now = now or utcnow()
        self.deleted_at = now
        self.purge_after = now + PRODUCT_RESTORE_WINDOW

    def restore(self):
        self.deleted_at = None
        self.purge_after = None

    def __repr__(self):
        return f"<Product {self.id} {self.slug}>"


class ProductImage(Base):
    __tablename__ = "product_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(500))
    # The media provider's id (ImageKit fileId or local path) needed to delete the file.
    file_id: Mapped[str | None] = mapped_column(String(255))
    alt: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)

    product: Mapped[Product] = relationship(back_populates="images")


class ProductVariant(Base):
    """One sellable colour/size of a product, with its own stock."""

    __tablename__ = "product_variants"
    __table_args__ = (
        UniqueConstraint("product_id", "color", "size"),
        CheckConstraint("stock >= 0", name="stock_nonnegative"),
        CheckConstraint("price_cents IS NULL OR price_cents >= 0", name="price_nonnegative"),
        Index("ix_product_variants_color", "color", "product_id"),
        Index("ix_product_variants_size", "size", "product_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    # Empty string, not NULL, when a product has no colour or size, so the unique key holds.
    color: Mapped[str] = mapped_column(String(40), default="", server_default="")
    size: Mapped[str] = mapped_column(String(40), default="", server_default="")
    stock: Mapped[int] = mapped_column(Integer, default=0)
    price_cents: Mapped[int | None] = mapped_column(Integer)  # overrides the product price

    product: Mapped[Product] = relationship(back_populates="variants")

    @property
    def unit_price_cents(self):
        return self.price_cents if self.price_cents is not None else self.product.price_cents

    @property
    def label(self):
        return " / ".join(p for p in (self.color, self.size) if p)


class EventProduct(Base):
    __tablename__ = "event_products"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Event(TimestampMixin, Base):
    """A shop's time-boxed offer: a percentage off a set of its products."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("discount_percent BETWEEN 1 AND 100", name="discount_percent_range"),
        Index("ix_events_starts_at_ends_at", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    banner_url: Mapped[str | None] = mapped_column(String(500))
    discount_percent: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)

    shop: Mapped["Shop"] = relationship()
    products: Mapped[list[Product]] = relationship(secondary="event_products")

    def is_live(self, now=None):
        now = now or utcnow()
        return self.starts_at <= now < self.ends_at


class DiscountCode(TimestampMixin, Base):
    """A code with either a percentage or a fixed amount off; shop_id NULL = marketplace-wide."""

    __tablename__ = "discount_codes"
    __table_args__ = (
        UniqueConstraint("shop_id", "code"),
        # NULLs are distinct in a unique key, so marketplace-wide codes need their own index.
        Index(
            "uq_discount_codes_code_marketplace",
            "code",
            unique=True,
            sqlite_where=text("shop_id IS NULL"),
            postgresql_where=text("shop_id IS NULL"),
        ),
        CheckConstraint("code = upper(code)", name="code_upper"),
        CheckConstraint(
            "(percent_off IS NULL) <> (amount_off_cents IS NULL)", name="one_kind_of_discount"
        ),
        CheckConstraint(
            "percent_off IS NULL OR percent_off BETWEEN 1 AND 100", name="percent_off_range"
        ),
        CheckConstraint(
            "amount_off_cents IS NULL OR amount_off_cents > 0", name="amount_off_positive"
        ),
        CheckConstraint("min_subtotal_cents >= 0", name="min_subtotal_nonnegative"),
        CheckConstraint(
            "starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at", name="ends_after_start"
        ),
        CheckConstraint(
            "used_count >= 0 AND (max_uses IS NULL OR used_count <= max_uses)",
            name="used_within_max",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    percent_off: Mapped[int | None] = mapped_column(Integer)
    amount_off_cents: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    min_subtotal_cents: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[datetime | None] = mapped_column(DateTime)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    max_uses: Mapped[int | None] = mapped_column(Integer)
    # Taken with UPDATE ... SET used_count = used_count + 1 WHERE used_count < max_uses.
    used_count: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    @staticmethod
    def normalise(code):
        return (code or "").strip().upper()

    @validates("code")
    def _normalise_code(self, key, value):
        return self.normalise(value)

    def is_valid_at(self, now=None):
        now = now or utcnow()
        return (
            self.is_active
            and (self.starts_at is None or self.starts_at <= now)
            and (self.ends_at is None or now < self.ends_at)
            and (self.max_uses is None or self.used_count < self.max_uses)
        )


class Review(TimestampMixin, Base):
    """A rating of a product (product_id set) or of a shop alone (product_id NULL)."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("user_id", "product_id"),
        # One shop review per buyer and shop (product reviews are unique above).
        Index(
            "uq_reviews_user_id_shop_id_shop_review",
            "user_id",
            "shop_id",
            unique=True,
            sqlite_where=text("product_id IS NULL"),
            postgresql_where=text("product_id IS NULL"),
        ),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    # Leading column of the unique key, which indexes it.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    order_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("order_items.id", ondelete="SET NULL"), index=True
    )
    rating: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    is_verified_purchase: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped["User"] = relationship()


class WishlistItem(Base):
    __tablename__ = "wishlist_items"
    __table_args__ = (
        UniqueConstraint("user_id", "product_id", "variant_id"),
        Index(
            "uq_wishlist_items_user_id_product_id_no_variant",
            "user_id",
            "product_id",
            unique=True,
            sqlite_where=text("variant_id IS NULL"),
            postgresql_where=text("variant_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    variant_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_variants.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    product: Mapped[Product] = relationship()
    variant: Mapped[ProductVariant | None] = relationship()


class CartItem(Base):
    __tablename__ = "cart_items"
    __table_args__ = (
        UniqueConstraint("user_id", "variant_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    variant_id: Mapped[int] = mapped_column(
        ForeignKey("product_variants.id", ondelete="CASCADE"), index=True
    )
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    variant: Mapped[ProductVariant] = relationship()
