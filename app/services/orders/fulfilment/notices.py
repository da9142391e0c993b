"""Fulfilment helpers inside its transaction: shop facts, coupon count, notifications."""
# The notifications are rows in the fulfilment commit, so they are created exactly once.
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import or_, select, update

from app.extensions import db
from app.models.accounts import Role, User
from app.models.catalog import DiscountCode
from app.models.notifications import Notification
from app.models.shops import Shop, ShopSettings, ShopStatus
from app.services.messaging.notifications import add_notification
from app.services.orders.fulfilment import writes
from app.templating import format_money

DEFAULT_LOW_STOCK_THRESHOLD = 5  # ShopSettings' default, for a shop without a settings row


@dataclass(frozen=True)
class ShopFact:
    shop_id: int
    owner_id: int
    owner_email: str
    name: str
    open: bool
    account_id: str | None
    low_stock_threshold: int
    notify_new_order: bool
    notify_low_stock: bool
    email_notifications: bool


# Inside remembered(), the facts read once serve every later event of the same batch.
_memo = ContextVar("fulfilment_facts", default=None)


@contextmanager
def remembered():
    """Read shop facts and the admins once for a whole batch of events, not once per event."""
    token = _memo.set({"shops": {}, "admins": None})
    try:
        yield
    finally:
        _memo.reset(token)


def shop_facts(shop_ids):
    """{shop_id: ShopFact} for the shops that still exist (one query, or none if remembered)."""
    wanted, memo = set(shop_ids), _memo.get()
    known = memo["shops"] if memo is not None else {}
    missing = wanted - known.keys()
    if missing:
        facts = _read_facts(missing)
        known.update((shop_id, facts.get(shop_id)) for shop_id in missing)
    return {shop_id: known[shop_id] for shop_id in wanted if known[shop_id] is not None}


def _read_facts(shop_ids):
    rows = db.session.execute(
        select(Shop.id, Shop.user_id, User.email, Shop.name, Shop.status, Shop.deleted_at,
               Shop.stripe_account_id, ShopSettings.low_stock_threshold,
               ShopSettings.notify_new_order, ShopSettings.notify_low_stock,
               ShopSettings.email_notifications)
        .join(User, User.id == Shop.user_id)
        .outerjoin(ShopSettings, ShopSettings.shop_id == Shop.id)
        .where(Shop.id.in_(sorted(set(shop_ids)))))
    facts = {}
    for (shop_id, owner_id, email, name, status, deleted_at, account, threshold, new_order,
         low_stock, by_email) in rows:
        facts[shop_id] = ShopFact(
            shop_id, owner_id, email, name, status == ShopStatus.ACTIVE and deleted_at is None,
            account, DEFAULT_LOW_STOCK_THRESHOLD if threshold is None else threshold,
            new_order is not False, low_stock is not False, by_email is not False)
    return facts


def coupon_counted(coupon_id):
    """(ok, exists): count one use of the checkout's code, never beyond max_uses.

    A code deleted since checkout has nothing left to count, and the buyer keeps the price
    agreed at checkout; a code used up in the meantime is not ok.
    """
    if coupon_id is None:
        return True, False
    taken = db.session.execute(
        update(DiscountCode)
        .where(DiscountCode.id == coupon_id, or_(DiscountCode.max_uses.is_(None),
                                                 DiscountCode.used_count < DiscountCode.max_uses))
        .values(used_count=DiscountCode.used_count + 1)
        .execution_options(synchronize_session=False)).rowcount == 1
    if taken:
        return True, True
    exists = db.session.scalar(select(DiscountCode.id).where(DiscountCode.id == coupon_id))
    return exists is None, exists is not None


def admin_ids():
    memo = _memo.get()
    if memo is not None and memo["admins"] is not None:
        return memo["admins"]
    admins = list(db.session.scalars(select(User.id).where(
        User.role == Role.ADMIN, User.is_banned.is_(False)).order_by(User.id)))
    if memo is not None:
        memo["admins"] = admins
    return admins


def alert_admins(title, message, link="/admin/orders"):
    for admin_id in admin_ids():
        add_notification(admin_id, title, message, link)


def notice(receiver_id, title, message, link, now):
    """A Notification row for a bulk insert (what notifications.add_notification stores)."""
    return {"creator_id": None, "receiver_id": receiver_id, "title": title[:200],
            "message": message, "link": link or None, "is_read": False, "read_at": None,
            "created_at": now}


def announce(created, facts, low_stock, now):
    """Notification rows: each seller about their order, every admin about the checkout, and
    low-stock alerts. created: [(ShopPlan, order row)]; low_stock: fulfilment's alerts."""
    rows = []
    for shop, order in created:
        fact = facts.get(shop.shop_id)
        if fact is None or not fact.notify_new_order:
            continue
        items = sum(line.quantity for line in shop.lines)
        total = format_money(order["total_cents"], order["currency"])
        if order["flagged_reason"]:
            title = f"Order {order['number']} was refunded"
            message = (f"It could not be fulfilled ({order['flagged_reason']}); the buyer was "
                       f"refunded {total} automatically.")
        else:
            title = f"New order {order['number']}"
            message = (f"{items} item{'s' if items != 1 else ''}, {total}, to ship to "
                       f"{order['ship_city']}, {order['ship_country']}.")
        rows.append(notice(fact.owner_id, title, message, f"/seller/orders/{order['number']}",
                           now))
    flagged = [order for _, order in created if order["flagged_reason"]]
    total = sum(order["total_cents"] for _, order in created)
    currency = created[0][1]["currency"] if created else None
    numbers = ", ".join(order["number"] for _, order in created)
    title = (f"Paid checkout with {len(flagged)} refunded order(s)" if flagged else
             f"New paid checkout: {len(created)} order(s)")
    rows.extend(notice(admin_id, title, f"{numbers}: {format_money(total, currency)}.",
                       "/admin/orders", now) for admin_id in admin_ids())
    for alert in low_stock:
        fact = facts[alert["shop_id"]]
        if fact.notify_low_stock:
            rows.append(notice(
                fact.owner_id, f"Low stock: {alert['title']}",
                f"{alert['sku']} has {alert['stock']} left (your alert threshold is "
                f"{alert['threshold']}).", "/seller/products", now))
    writes.add(Notification.__table__, rows)
