"""Analytics: append-only events and the pre-aggregated counters dashboards read."""
import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class AnalyticsKind(enum.StrEnum):
    PRODUCT_VIEW = "product_view"
    ADD_TO_CART = "add_to_cart"
    ADD_TO_WISHLIST = "add_to_wishlist"
    SHOP_VISIT = "shop_visit"
    PURCHASE = "purchase"
    SEARCH = "search"


def _counter():
    """A counter column that upserts (INSERT ... ON CONFLICT) can rely on being 0 at first."""
    return mapped_column(Integer, default=0, server_default=text("0"))


class AnalyticsEvent(Base):
    """One tracked interaction. Rows are only ever inserted."""

    __tablename__ = "analytics_events"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_nonnegative"),
        CheckConstraint("amount_cents >= 0", name="amount_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AnalyticsKind] = mapped_column(
        Enum(
            AnalyticsKind,
            native_enum=False,
            length=24,
            values_callable=lambda e: [m.value for m in e],
        ),
        index=True,
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    session_key: Mapped[str | None] = mapped_column(String(64), index=True)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), index=True
    )
    shop_id: Mapped[int | None] = mapped_column(
        ForeignKey("shops.id", ondelete="SET NULL"), index=True
    )
    device_type: Mapped[str | None] = mapped_column(String(16))
    browser: Mapped[str | None] = mapped_column(String(32))
    os: Mapped[str | None] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(2))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    amount_cents: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class UserCounter(Base):
    __tablename__ = "user_counters"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    views: Mapped[int] = _counter()
    carts: Mapped[int] = _counter()
    wishlists: Mapped[int] = _counter()
    purchases: Mapped[int] = _counter()
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ProductCounter(Base):
    __tablename__ = "product_counters"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    views: Mapped[int] = _counter()
    carts: Mapped[int] = _counter()
    wishlists: Mapped[int] = _counter()
    purchases: Mapped[int] = _counter()
    revenue_cents: Mapped[int] = _counter()
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ShopCounter(Base):
    __tablename__ = "shop_counters"

    shop_id: Mapped[int] = mapped_column(
        ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True
    )
    visits: Mapped[int] = _counter()
    unique_visitors: Mapped[int] = _counter()
    orders: Mapped[int] = _counter()
    revenue_cents: Mapped[int] = _counter()
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ShopDailyVisitor(Base):
    """A visitor seen at a shop on a day; inserting it first tells a unique visit apart."""

    __tablename__ = "shop_daily_visitors"

    # The composite primary key is the unique (shop_id, day, visitor_key) triple.
    shop_id: Mapped[int] = mapped_column(
        ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    visitor_key: Mapped[str] = mapped_column(String(64), primary_key=True)
