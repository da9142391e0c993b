"""Checkout helpers for tests: rates, taxes, site settings, a ready cart, a fake Stripe API."""
import itertools
import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import stripe
from sqlalchemy import select, update

from app.extensions import db
from app.models.catalog import CartItem
from app.models.orders import CheckoutSession, Order, OrderItem
from app.models.shops import ShippingRate, Shop
from app.models.site import SiteConfig, TaxRate
from app.services.payments.stripe_provider import StripeProvider
from tests.factories import PASSWORD, _detached
from tests.factories_account import create_address
from tests.factories_cart import put_in_cart, shop_with_product

_seq = itertools.count(1)


def shipping_rate(app, shop, group="Everywhere", countries=(), rate_cents=500,
                  free_over_cents=None):
    with app.app_context():
        rate = ShippingRate(shop_id=shop.id, country_group=group, countries=list(countries),
                            rate_cents=rate_cents, free_over_cents=free_over_cents)
        db.session.add(rate)
        db.session.commit()
        return _detached(rate)


def set_rate_countries(app, shop, countries):
    """Every rate of the shop now covers only `countries`."""
    with app.app_context():
        for rate in db.session.scalars(select(ShippingRate).where(ShippingRate.shop_id == shop.id)):
            rate.countries = list(countries)
        db.session.commit()


def set_quantity(app, user, variant, quantity):
    with app.app_context():
        db.session.execute(update(CartItem).where(
            CartItem.user_id == user.id, CartItem.variant_id == variant.id).values(
            quantity=quantity))
        db.session.commit()


def tax_rate(app, country, bps):
    with app.app_context():
        db.session.add(TaxRate(country=country, rate_bps=bps))
        db.session.commit()


def site_config(app, tax_inclusive=False, platform_fee_bps=1000):
    with app.app_context():
        row = db.session.get(SiteConfig, 1) or SiteConfig(id=1)
        row.tax_inclusive, row.platform_fee_bps = tax_inclusive, platform_fee_bps
        db.session.add(row)
        db.session.commit()


def connect_account(app, shop, account_id=None):
    with app.app_context():
        db.session.get(Shop, shop.id).stripe_account_id = account_id or f"acct_test{next(_seq)}"
        db.session.commit()


@dataclass
class Ready:
    shopper: object
    address: object
    shop: object
    product: object
    variant: object


def ready_cart(app, factory, price_cents=1000, quantity=2, stock=10, rate_cents=500,
               country="GB", shopper=None):
    """A shopper with an address in `country` (the default for a new shopper) and `quantity`
    units of a product from a shop that ships everywhere for `rate_cents`."""
    is_new = shopper is None
    shopper = shopper or factory.shopper()
    address = create_address(app, shopper, is_default=is_new, country=country)
    shop, product = shop_with_product(app, factory, price_cents=price_cents,
                                      variants=[("Red", "M", stock)])
    shipping_rate(app, shop, rate_cents=rate_cents)
    variant = product.variants[0]
    put_in_cart(app, shopper, variant, quantity)
    return Ready(shopper, address, shop, product, variant)


def login(client, user):
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def sessions_of(app, user):
    """The shopper's CheckoutSession rows, oldest first, detached."""
    with app.app_context():
        rows = db.session.scalars(select(CheckoutSession).where(
            CheckoutSession.user_id == user.id).order_by(CheckoutSession.id)).all()
        db.session.expunge_all()
        db.session.remove()
        return rows


def create_orders_for(app, provider_session_id):
    """Orders for a checkout session built from its snapshot, as fulfilment would."""
    with app.app_context():
        row = db.session.scalar(select(CheckoutSession).where(
            CheckoutSession.provider_session_id == provider_session_id))
        snap, ship = row.snapshot, row.snapshot["address"]
        for shop in snap["shops"]:
            order = Order(
                number=f"BZT-{next(_seq):06d}", user_id=row.user_id, shop_id=shop["shop_id"],
                shop_name=shop["shop_name"], checkout_session_id=provider_session_id,
                subtotal_cents=shop["subtotal_cents"], discount_cents=shop["discount_cents"],
                shipping_cents=shop["shipping_cents"], tax_cents=shop["tax_cents"],
                total_cents=shop["total_cents"], currency=snap["currency"],
                ship_name=ship["name"], ship_line1=ship["line1"], ship_city=ship["city"],
                ship_postal_code=ship["postal_code"], ship_country=ship["country"])
            order.items = [OrderItem(
                product_id=line["product_id"], variant_id=line["variant_id"],
                title=line["title"], sku=line["sku"], color=line["color"], size=line["size"],
                unit_price_cents=line["unit_price_cents"], quantity=line["quantity"],
                line_total_cents=line["line_total_cents"]) for line in shop["lines"]]
            db.session.add(order)
        db.session.commit()
        db.session.remove()


class FakeStripe(stripe.HTTPClient):
    """Answers the Stripe SDK with canned JSON and records every request; no network."""

    name = "fake"

    def __init__(self):
        super().__init__()
        self.requests = []
        self.fail_next = None  # (status, message) for the next request
        self.fail_on = {}  # {path: (status, message)} for every request to that path
        self.balance_transactions = []  # what GET /v1/balance_transactions lists

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        body = dict(parse_qsl(post_data or parts.query, keep_blank_values=True))
        self.requests.append({"method": method, "path": parts.path, "headers": dict(headers),
                              "body": body})
        failure = self.fail_on.get(parts.path) or self.fail_next
        if failure:
            status, message = failure
            self.fail_next = None
            return json.dumps({"error": {"type": "invalid_request_error",
                                         "message": message}}), status, {}
        return json.dumps(self._answer(method, parts.path, body)), 200, {}

    def _answer(self, method, path, body):
        n = len(self.requests)
        if path == "/v1/checkout/sessions":
            return {"id": f"cs_test_fake{n}", "object": "checkout.session", "status": "open",
                    "url": f"https://checkout.stripe.com/c/pay/cs_test_fake{n}",
                    "expires_at": int(body["expires_at"]),
                    "metadata": {"reference": body.get("metadata[reference]")}}
        if match := re.fullmatch(r"/v1/checkout/sessions/([^/]+)/expire", path):
            return {"id": match[1], "object": "checkout.session", "status": "expired"}
        if path == "/v1/refunds":
            return {"id": f"re_fake{n}", "object": "refund", "status": "succeeded",
                    "amount": int(body["amount"])}
        if path == "/v1/transfers":
            return {"id": f"tr_fake{n}", "object": "transfer", "amount": int(body["amount"])}
        if path == "/v1/balance_transactions":
            return {"object": "list", "url": path, "has_more": False,
                    "data": self.balance_transactions}
        raise AssertionError(f"unexpected Stripe call {method} {path}")

    def close(self):
        pass

    def posts(self, path_prefix):
        return [r for r in self.requests if r["method"] == "post"
                and r["path"].startswith(path_prefix)]


def stripe_app(make_app, fake=None):
    """An app in Stripe mode whose provider talks to `fake` (a FakeStripe)."""
    app = make_app(STRIPE_SECRET_KEY="sk_test_fake")
    app.extensions["payments"] = StripeProvider("sk_test_fake", http_client=fake or FakeStripe())
    return app
