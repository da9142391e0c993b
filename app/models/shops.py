"""Shops: one storefront per seller, its settings, followers, shipping rates and blocked emails."""
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
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin, utcnow

if TYPE_CHECKING:
    from app.models.accounts import User

# A soft-deleted shop can be restored for this long, then a job purges it.
SHOP_RESTORE_WINDOW = timedelta(days=28)


class ShopStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class Shop(TimestampMixin, Base):
    __tablename__ = "shops"
    __table_args__ = (
        CheckConstraint("rating_avg >= 0 AND rating_avg <= 5", name="rating_avg_range"),
        CheckConstraint("rating_count >= 0", name="rating_count_nonnegative"),
        CheckConstraint("followers_count >= 0", name="followers_count_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # unique: one shop per seller (the unique constraint also indexes the column).
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    logo_url: Mapped[str | None] = mapped_column(String(500))
    banner_url: Mapped[str | None] = mapped_column(String(500))
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    city: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[ShopStatus] = mapped_column(
        Enum(
            ShopStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
        ),
        default=ShopStatus.ACTIVE,
        index=True,
    )
    stripe_account_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Display caches, recomputed from reviews and followers; never used for money.
    rating_avg: Mapped[float] = mapped_column(Float, default=0.0)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    followers_count: Mapped[int] = mapped_column(Integer, default=0)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    purge_after: Mapped[datetime | None] = mapped_column(DateTime, index=True)

    owner: Mapped["User"] = relationship()
    settings: Mapped["ShopSettings | None"] = relationship(
        back_populates="shop", cascade="all, delete-orphan", uselist=False
    )
    shipping_rates: Mapped[list["ShippingRate"]] = relationship(
        back_populates="shop", cascade="all, delete-orphan", order_by="ShippingRate.id"
    )

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    @property
    def is_active(self):
        return self.status == ShopStatus.ACTIVE and self.deleted_at is None

    def mark_deleted(self, now=None):
        """Soft-delete: hidden at once, restorable until purge_after."""
        now = now or utcnow()
        self.deleted_at = now
        self.purge_after = now + SHOP_RESTORE_WINDOW

    def restore(self):
        self.deleted_at = None
        self.purge_after = None

    def __repr__(self):
        return f"<Shop {self.id} {self.slug}>"


class ShopSettings(Base):
    __tablename__ = "shop_settings"
    __table_args__ = (
        CheckConstraint("low_stock_threshold >= 0", name="low_stock_threshold_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), unique=True)
    low_stock_threshold: Mapped[int] = mapped_column(Integer, default=5)
    notify_new_order: Mapped[bool] = mapped_column(Boolean, default=True)
    notify_low_stock: Mapped[bool] = mapped_column(Boolean, default=True)
    notify_messages: Mapped[bool] = mapped_column(Boolean, default=True)
    notify_reviews: Mapped[bool] = mapped_column(Boolean, default=True)
    email_notifications: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    shop: Mapped[Shop] = relationship(back_populates="settings")


class BlockedSellerEmail(Base):
    """An email that may not open a shop again (its shop was deleted or banned)."""

    __tablename__ = "blocked_seller_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ShopFollower(Base):
    __tablename__ = "shop_followers"
    __table_args__ = (UniqueConstraint("shop_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # shop_id is the leading column of the unique constraint, which indexes it.
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ShippingRate(TimestampMixin, Base):
    """A flat shipping price a shop charges per order to a group of countries."""

    __tablename__ = "shipping_rates"
    __table_args__ = (
        UniqueConstraint("shop_id", "country_group"),
        CheckConstraint("rate_cents >= 0", name="rate_nonnegative"),
        CheckConstraint(
            "free_over_cents IS NULL OR free_over_cents >= 0", name="free_over_nonnegative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    country_group: Mapped[str] = mapped_column(String(80))
    # ISO2 codes, e.g. ["DE", "FR"]; an empty list means "everywhere else".
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    rate_cents: Mapped[int] = mapped_column(Integer)
    free_over_cents: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="USD")

    shop: Mapped[Shop] = relationship(back_populates="shipping_rates")

    def covers(self, country):
        return not self.countries or country.upper() in self.countries

    def price_for(self, subtotal_cents):
        if self.free_over_cents is not None and subtotal_cents >= self.free_over_cents:
            return 0
        return self.rate_cents
