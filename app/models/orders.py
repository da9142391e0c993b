"""Orders and money: checkout sessions, payments, orders per shop, webhook idempotency, ledger."""
import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin, utcnow


class OrderStatus(enum.StrEnum):
    PLACED = "placed"
    PACKED = "packed"
    SHIPPED = "shipped"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


# The fulfilment path a seller walks an order along, one step at a time.
ORDER_FLOW = (
    OrderStatus.PLACED,
    OrderStatus.PACKED,
    OrderStatus.SHIPPED,
    OrderStatus.OUT_FOR_DELIVERY,
    OrderStatus.DELIVERED,
)


class PaymentProvider(enum.StrEnum):
    STRIPE = "stripe"
    OFFLINE = "offline"


class PaymentStatus(enum.StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


class CheckoutStatus(enum.StrEnum):
    OPEN = "open"
    PAID = "paid"
    EXPIRED = "expired"
    REPLACED = "replaced"


class LedgerKind(enum.StrEnum):
    CHARGE = "charge"
    PLATFORM_FEE = "platform_fee"
    PAYOUT = "payout"
    REFUND = "refund"
    REFUND_REVERSAL = "refund_reversal"
    ADJUSTMENT = "adjustment"


def _enum(enum_cls):
    return Enum(
        enum_cls, native_enum=False, length=24, values_callable=lambda e: [m.value for m in e]
    )


class Order(TimestampMixin, Base):
    """What one buyer bought from one shop in one checkout."""

    __tablename__ = "orders"
    __table_args__ = (
        # One order per shop per paid checkout, however often the webhook is replayed.
        UniqueConstraint("checkout_session_id", "shop_id"),
        Index("ix_orders_shop_id_status", "shop_id", "status"),
        # A shopper's order history, newest first.
        Index("ix_orders_user_id_placed_at", "user_id", "placed_at"),
        CheckConstraint(
            "subtotal_cents >= 0 AND discount_cents >= 0 AND shipping_cents >= 0"
            " AND tax_cents >= 0 AND total_cents >= 0",
            name="amounts_nonnegative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    # Money records outlive accounts and purged shops: references go NULL, snapshots remain.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shops.id", ondelete="SET NULL"))
    shop_name: Mapped[str] = mapped_column(String(120))
    checkout_session_id: Mapped[str] = mapped_column(String(255))  # provider session id
    payment_id: Mapped[int | None] = mapped_column(
        ForeignKey("payments.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[OrderStatus] = mapped_column(
        _enum(OrderStatus), default=OrderStatus.PLACED, index=True
    )
    subtotal_cents: Mapped[int] = mapped_column(Integer)
    discount_cents: Mapped[int] = mapped_column(Integer, default=0)
    shipping_cents: Mapped[int] = mapped_column(Integer, default=0)
    tax_cents: Mapped[int] = mapped_column(Integer, default=0)
    total_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    discount_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("discount_codes.id", ondelete="SET NULL"), index=True
    )
    ship_name: Mapped[str] = mapped_column(String(120))
    ship_line1: Mapped[str] = mapped_column(String(200))
    ship_line2: Mapped[str | None] = mapped_column(String(200))
    ship_city: Mapped[str] = mapped_column(String(100))
    ship_region: Mapped[str | None] = mapped_column(String(100))
    ship_postal_code: Mapped[str] = mapped_column(String(20))
    ship_country: Mapped[str] = mapped_column(String(2))
    ship_phone: Mapped[str | None] = mapped_column(String(32))
    # Set when the order could not be fulfilled as paid (e.g. out of stock at webhook time).
    flagged_reason: Mapped[str | None] = mapped_column(String(255))
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    placed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    packed_at: Mapped[datetime | None] = mapped_column(DateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime)
    out_for_delivery_at: Mapped[datetime | None] = mapped_column(DateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    refunded_at: Mapped[datetime | None] = mapped_column(DateTime)

    items: Mapped[list["OrderItem"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderItem.id"
    )
    status_events: Mapped[list["OrderStatusEvent"]] = relationship(
        back_populates="order",
        cascade="all, delete-orphan",
        order_by="(OrderStatusEvent.created_at, OrderStatusEvent.id)",
    )

    @property
    def is_paid(self):
        """Orders exist only once paid; this says the money has not gone back."""
        return self.status not in (OrderStatus.CANCELLED, OrderStatus.REFUNDED)

    @property
    def is_open(self):
        return self.status in ORDER_FLOW and self.status != OrderStatus.DELIVERED

    @property
    def can_cancel(self):
        return self.status in (OrderStatus.PLACED, OrderStatus.PACKED)

    @property
    def next_status(self):
        """The next fulfilment step, or None at the end of the path or off it."""
        if self.status not in ORDER_FLOW or self.status == OrderStatus.DELIVERED:
            return None
        return ORDER_FLOW[ORDER_FLOW.index(self.status) + 1]

    def status_time(self, status):
        return getattr(self, f"{OrderStatus(status).value}_at")

    def __repr__(self):
        return f"<Order {self.number} {self.status}>"


class OrderItem(Base):
    """One line of an order, with a snapshot of what was sold and at what price."""

    __tablename__ = "order_items"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price_cents >= 0", name="unit_price_nonnegative"),
        CheckConstraint("line_total_cents >= 0", name="line_total_nonnegative"),
        CheckConstraint(
            "refunded_quantity >= 0 AND refunded_quantity <= quantity",
            name="refunded_quantity_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    # Products are purged 24 h after deletion; the line keeps its snapshot.
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), index=True
    )
    variant_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_variants.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    sku: Mapped[str] = mapped_column(String(64))
    color: Mapped[str | None] = mapped_column(String(40))
    size: Mapped[str | None] = mapped_column(String(40))
    unit_price_cents: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    line_total_cents: Mapped[int] = mapped_column(Integer)
    refunded_quantity: Mapped[int] = mapped_column(Integer, default=0)

    order: Mapped[Order] = relationship(back_populates="items")

    @property
    def refundable_quantity(self):
        return self.quantity - self.refunded_quantity


class OrderStatusEvent(Base):
    """One step of an order's tracking timeline."""

    __tablename__ = "order_status_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    status: Mapped[OrderStatus] = mapped_column(_enum(OrderStatus))
    note: Mapped[str | None] = mapped_column(String(500))
    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    order: Mapped[Order] = relationship(back_populates="status_events")


class Payment(TimestampMixin, Base):
    """The buyer's payment for one checkout, which may span several shops' orders."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount_cents >= 0", name="amount_nonnegative"),
        CheckConstraint(
            "refunded_cents >= 0 AND refunded_cents <= amount_cents", name="refunded_within_amount"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[PaymentProvider] = mapped_column(_enum(PaymentProvider))
    provider_session_id: Mapped[str] = mapped_column(String(255), unique=True)
    provider_payment_id: Mapped[str | None] = mapped_column(String(255), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    status: Mapped[PaymentStatus] = mapped_column(
        _enum(PaymentStatus), default=PaymentStatus.PENDING, index=True
    )
    refunded_cents: Mapped[int] = mapped_column(Integer, default=0)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime)
    raw: Mapped[dict | None] = mapped_column(JSON)

    orders: Mapped[list[Order]] = relationship(order_by="Order.id")

    @property
    def refundable_cents(self):
        return self.amount_cents - self.refunded_cents


class CheckoutSession(TimestampMixin, Base):
    """A payment session opened for one cart; reused while the cart and session are unchanged."""

    __tablename__ = "checkout_sessions"
    __table_args__ = (
        Index("ix_checkout_sessions_user_id_status", "user_id", "status"),
        CheckConstraint("amount_cents >= 0", name="amount_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    provider: Mapped[PaymentProvider] = mapped_column(_enum(PaymentProvider))
    provider_session_id: Mapped[str] = mapped_column(String(255), unique=True)
    # SHA-256 hex of the cart lines, address and codes; a changed cart needs a new session.
    cart_fingerprint: Mapped[str] = mapped_column(String(64))
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    status: Mapped[CheckoutStatus] = mapped_column(
        _enum(CheckoutStatus), default=CheckoutStatus.OPEN, index=True
    )
    url: Mapped[str | None] = mapped_column(String(2048))
    # Lines per shop, address and codes as priced on the server when the session was opened;
    # the webhook builds the orders from this, not from the (possibly changed) cart.
    snapshot: Mapped[dict | None] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    def is_reusable(self, fingerprint, now=None):
        now = now or utcnow()
        return (
            self.status == CheckoutStatus.OPEN
            and self.cart_fingerprint == fingerprint
            and now < self.expires_at
        )


class ProcessedWebhookEvent(Base):
    """A provider event already handled; inserting it first makes handling exactly-once."""

    __tablename__ = "processed_webhook_events"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[PaymentProvider] = mapped_column(_enum(PaymentProvider))
    event_id: Mapped[str] = mapped_column(String(255))
    event_type: Mapped[str] = mapped_column(String(64))
    processed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class LedgerEntry(Base):
    """An append-only money movement for a seller: credits positive, debits negative."""

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_shop_id_created_at", "shop_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shops.id", ondelete="SET NULL"))
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("orders.id", ondelete="SET NULL"), index=True
    )
    payment_id: Mapped[int | None] = mapped_column(
        ForeignKey("payments.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[LedgerKind] = mapped_column(_enum(LedgerKind), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    provider_reference: Mapped[str | None] = mapped_column(String(255), index=True)
    memo: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
