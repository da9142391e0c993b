"""Every model, imported in one place so cross-module references and Alembic see all tables."""
from app.models.accounts import Address, ApiRefreshToken, OneTimeCode, Role, User, UserSession
from app.models.analytics import (
    AnalyticsEvent,
    AnalyticsKind,
    ProductCounter,
    ShopCounter,
    ShopDailyVisitor,
    UserCounter,
)
from app.models.base import Base, TimestampMixin, utcnow
from app.models.catalog import (
    PRODUCT_RESTORE_WINDOW,
    CartItem,
    Category,
    DiscountCode,
    Event,
    EventProduct,
    Product,
    ProductImage,
    ProductStatus,
    ProductVariant,
    Review,
    WishlistItem,
)
from app.models.chat import Conversation, ConversationParticipant, Message
from app.models.infrastructure import DeferredJob, Lease, RateLimitCounter
from app.models.logs import LogEvent, LogLevel
from app.models.mail import OutboxEmail
from app.models.notifications import Notification
from app.models.orders import (
    ORDER_FLOW,
    CheckoutSession,
    CheckoutStatus,
    LedgerEntry,
    LedgerKind,
    Order,
    OrderItem,
    OrderStatus,
    OrderStatusEvent,
    Payment,
    PaymentProvider,
    PaymentStatus,
    ProcessedWebhookEvent,
)
from app.models.shops import (
    SHOP_RESTORE_WINDOW,
    BlockedSellerEmail,
    ShippingRate,
    Shop,
    ShopFollower,
    ShopSettings,
    ShopStatus,
)
from app.models.site import SiteConfig, TaxRate
from app.models.webhooks import WebhookInboxEvent

__all__ = [
    # base
    "Base",
    "TimestampMixin",
    "utcnow",
    # accounts
    "Address",
    "ApiRefreshToken",
    "OneTimeCode",
    "Role",
    "User",
    "UserSession",
    # mail
    "OutboxEmail",
    # shops
    "SHOP_RESTORE_WINDOW",
    "BlockedSellerEmail",
    "ShippingRate",
    "Shop",
    "ShopFollower",
    "ShopSettings",
    "ShopStatus",
    # catalog
    "PRODUCT_RESTORE_WINDOW",
    "CartItem",
    "Category",
    "DiscountCode",
    "Event",
    "EventProduct",
    "Product",
    "ProductImage",
    "ProductStatus",
    "ProductVariant",
    "Review",
    "WishlistItem",
    # orders
    "ORDER_FLOW",
    "CheckoutSession",
    "CheckoutStatus",
    "LedgerEntry",
    "LedgerKind",
    "Order",
    "OrderItem",
    "OrderStatus",
    "OrderStatusEvent",
    "Payment",
    "PaymentProvider",
    "PaymentStatus",
    "ProcessedWebhookEvent",
    # webhooks
    "WebhookInboxEvent",
    # chat
    "Conversation",
    "ConversationParticipant",
    "Message",
    # notifications
    "Notification",
    # analytics
    "AnalyticsEvent",
    "AnalyticsKind",
    "ProductCounter",
    "ShopCounter",
    "ShopDailyVisitor",
    "UserCounter",
    # site
    "SiteConfig",
    "TaxRate",
    # infrastructure
    "DeferredJob",
    "Lease",
    "RateLimitCounter",
    # logs
    "LogEvent",
    "LogLevel",
]
