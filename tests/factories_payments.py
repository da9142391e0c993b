"""Payment test helpers: checkout sessions with snapshots, signed webhook events, row counts."""
import itertools
import json
import time
from dataclasses import dataclass
from datetime import timedelta

import stripe
from sqlalchemy import func, select

from app.extensions import db
from app.jobs import QUEUES
from app.models.base import utcnow
from app.models.orders import (
    CheckoutSession,
    CheckoutStatus,
    LedgerEntry,
    Order,
    Payment,
    PaymentProvider,
    ProcessedWebhookEvent,
)
from app.services.payments import webhook_secret
from tests.support import modes
from tests.support.jobs import wait_for_idle_queues

_seq = itertools.count(1)
ADDRESS = {"name": "Ada Lovelace", "line1": "12 Analytical Row", "line2": "", "city": "London",
           "region": "", "postal_code": "SW1A 1AA", "country": "GB", "phone": ""}
SHIPPING_CENTS = 500
FEE_BPS = 1000


@dataclass
class Checkout:
    session_id: str
    amount_cents: int
    snapshot: dict
    user_id: int


def shop_part(shop, lines, discount_cents=0, shipping_cents=SHIPPING_CENTS, tax_cents=0,
              account_id=None):
    """One shop's block of a snapshot; lines: [(product, variant, quantity[, unit_cents])]."""
    snap_lines = []
    for product, variant, quantity, *unit in lines:
        price = unit[0] if unit else (variant.price_cents or product.price_cents)
        snap_lines.append({"product_id": product.id, "variant_id": variant.id,
                           "title": product.title, "sku": variant.sku, "color": variant.color,
                           "size": variant.size, "unit_price_cents": price,
                           "quantity": quantity, "line_total_cents": price * quantity})
    subtotal = sum(line["line_total_cents"] for line in snap_lines)
    total = subtotal - discount_cents + shipping_cents + tax_cents
    return {"shop_id": shop.id, "shop_name": shop.name, "account_id": account_id,
            "subtotal_cents": subtotal, "discount_cents": discount_cents,
            "shipping_cents": shipping_cents, "tax_cents": tax_cents, "total_cents": total,
            "platform_fee_cents": (total * FEE_BPS + 5000) // 10000, "lines": snap_lines}


def create_checkout(app, buyer, shops, coupon=None, status=CheckoutStatus.OPEN,
                    session_id=None, amount_cents=None, expires_in=timedelta(hours=1)):
    """An offline CheckoutSession whose snapshot buys `shops` (from shop_part)."""
    n = next(_seq)
    amount = sum(shop["total_cents"] for shop in shops)
    snapshot = {"version": 1, "user_id": buyer.id, "email": buyer.email, "currency": "USD",
                "coupon": {"id": coupon.id, "code": coupon.code} if coupon else None,
                "address": dict(ADDRESS), "shops": shops, "amount_cents": amount}
    session_id = session_id or f"cs_offline_test{n}_{time.monotonic_ns()}"
    with app.app_context():
        db.session.add(CheckoutSession(
            user_id=buyer.id, provider=PaymentProvider.OFFLINE, provider_session_id=session_id,
            cart_fingerprint=f"{n:064d}", amount_cents=amount if amount_cents is None
            else amount_cents, currency="USD", status=status, snapshot=snapshot,
            expires_at=utcnow() + expires_in))
        db.session.commit()
    return Checkout(session_id, amount, snapshot, buyer.id)


def event_for(checkout, kind="checkout.session.completed", event_id=None, amount_total=None,
              payment_status="paid", currency="usd"):
    """A Stripe-shaped event dict about `checkout`."""
    return {
        "id": event_id or f"evt_test_{next(_seq)}_{time.monotonic_ns()}", "object": "event",
        "type": kind, "created": int(time.time()), "livemode": False,
        "data": {"object": {
            "id": checkout.session_id, "object": "checkout.session",
            "payment_status": payment_status,
            "payment_intent": f"pi_test_{checkout.session_id}",
            "amount_total": checkout.amount_cents if amount_total is None else amount_total,
            "currency": currency, "metadata": {"reference": checkout.session_id}}},
    }


def sign(app, event, secret=None, timestamp=None):
    """(payload bytes, Stripe-Signature header) signed as Stripe signs them."""
    payload = event if isinstance(event, str) else json.dumps(event, separators=(",", ":"))
    if secret is None:
        with app.app_context():
            secret = webhook_secret()
    header = stripe.WebhookSignature.generate_signature_header(payload, secret,
                                                               timestamp=timestamp)
    return payload.encode(), header


def post_event(client, app, event, **sign_kwargs):
    payload, header = sign(app, event, **sign_kwargs)
    return client.post("/webhooks/stripe", data=payload,
                       headers={"Stripe-Signature": header, "Content-Type": "application/json"})


def settle(app, timeout=30.0):
    """Wait until the services run's worker has done every queued job (inline: nothing).

    Also watches RQ's intermediate lists (a job being dequeued is in neither the queue nor
    the started registry for a moment) and wants the queues idle twice in a row.
    """
    if not modes.SERVICES:
        return
    deadline = time.monotonic() + timeout
    with app.app_context():
        queues = [app.extensions["jobs"].queues[name] for name in QUEUES]
        redis = app.extensions["jobs"].redis
        idle = 0
        while idle < 2:
            wait_for_idle_queues(app, timeout=max(0.1, deadline - time.monotonic()))
            moving = sum(redis.llen(q.intermediate_queue_key) for q in queues)
            idle = idle + 1 if moving == 0 else 0
            time.sleep(0.03)


def counts(app):
    """How many rows the money tables hold."""
    with app.app_context():
        result = {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                  for model in (Order, Payment, LedgerEntry, ProcessedWebhookEvent)}
        db.session.remove()
        return result


def orders_of(app, checkout):
    """The orders of a checkout, detached with their items."""
    with app.app_context():
        orders = db.session.scalars(select(Order).where(
            Order.checkout_session_id == checkout.session_id).order_by(Order.id)).all()
        for order in orders:
            order.items  # noqa: B018 - load before detaching
        db.session.expunge_all()
        return orders


def ledger_rows(app, **filters):
    """[(kind, amount_cents, shop_id)] of the ledger rows matching `filters`."""
    with app.app_context():
        rows = db.session.execute(select(LedgerEntry.kind, LedgerEntry.amount_cents,
                                         LedgerEntry.shop_id).filter_by(**filters)
                                  .order_by(LedgerEntry.id)).all()
        db.session.remove()
        return [tuple(row) for row in rows]


def in_context(app, fn):
    with app.app_context():
        try:
            return fn()
        finally:
            db.session.remove()
