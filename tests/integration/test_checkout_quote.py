"""Checkout totals: shipping groups and thresholds, tax in or on top, coupon split, fees."""
import pytest

from app.services.checkout import quote
from tests.factories_account import create_address
from tests.factories_cart import create_code, put_in_cart, shop_with_product
from tests.factories_checkout import (
    connect_account,
    ready_cart,
    set_quantity,
    set_rate_countries,
    shipping_rate,
    site_config,
    tax_rate,
)


@pytest.fixture
def quote_for(app):
    """quote_for(user, address, **kw) -> Quote for the user's cart, priced now."""

    def run(user, address=None, code=None, **kwargs):
        with app.app_context():
            summary = quote.ready_summary(user.id)
            return quote.quote(summary, stored_code=code, address=address, **kwargs)

    return run


def add_shop(app, factory, user, price_cents, quantity=1, **rate):
    shop, product = shop_with_product(app, factory, price_cents=price_cents)
    if rate is not None:
        shipping_rate(app, shop, **rate)
    put_in_cart(app, user, product.variants[0], quantity)
    return shop


# --- shipping ---------------------------------------------------------------------------

def test_a_rate_naming_the_country_beats_the_everywhere_else_rate(app, factory, quote_for):
    ready = ready_cart(app, factory, price_cents=1000, quantity=1, rate_cents=1500)
    shipping_rate(app, ready.shop, group="Domestic", countries=["GB"], rate_cents=300)
    result = quote_for(ready.shopper, ready.address)
    assert result.shops[0].shipping_cents == 300
    assert result.shops[0].shipping.group == "Domestic"
    abroad = create_address(app, ready.shopper, country="FR")
    assert quote_for(ready.shopper, abroad).shops[0].shipping_cents == 1500


def test_shipping_is_free_from_the_threshold_on(app, factory, quote_for):
    ready = ready_cart(app, factory, price_cents=2500, quantity=1, rate_cents=0)
    shipping_rate(app, ready.shop, group="UK", countries=["GB"], rate_cents=495,
                  free_over_cents=5000)
    assert quote_for(ready.shopper, ready.address).shops[0].shipping_cents == 495
    set_quantity(app, ready.shopper, ready.variant, 2)
    shop = quote_for(ready.shopper, ready.address).shops[0]
    assert shop.subtotal_cents == 5000
    assert shop.shipping_cents == 0 and shop.shipping.waived


def test_a_shop_without_a_rate_for_the_country_cannot_ship_there(app, factory, quote_for):
    ready = ready_cart(app, factory, country="GB", rate_cents=0)
    set_rate_countries(app, ready.shop, ["DE", "FR"])
    result = quote_for(ready.shopper, ready.address, destination_name="United Kingdom")
    assert result.shops[0].problem == (f"{ready.shop.name} does not deliver to United Kingdom. "
                                       "Choose another address or remove its items from your "
                                       "cart.")
    assert not result.payable


def test_no_address_yet_means_no_shipping_and_not_payable(app, factory, quote_for):
    ready = ready_cart(app, factory)
    result = quote_for(ready.shopper, None)
    assert result.shipping_cents == 0 and result.shops[0].shipping is None
    assert not result.payable


# --- tax --------------------------------------------------------------------------------

def test_exclusive_tax_is_added_on_goods_after_discount(app, factory, quote_for):
    site_config(app, tax_inclusive=False)
    tax_rate(app, "GB", 2000)
    ready = ready_cart(app, factory, price_cents=1000, quantity=2, rate_cents=500)
    create_code(app, "TENOFF", percent_off=10)
    result = quote_for(ready.shopper, ready.address, code="TENOFF")
    shop = result.shops[0]
    assert (shop.subtotal_cents, shop.discount_cents) == (2000, 200)
    assert shop.tax_cents == 360  # 20 % of 1800; shipping is not taxed
    assert shop.total_cents == 1800 + 500 + 360


def test_inclusive_tax_is_extracted_and_shown_but_not_added(app, factory, quote_for):
    site_config(app, tax_inclusive=True)
    tax_rate(app, "GB", 2000)
    ready = ready_cart(app, factory, price_cents=1200, quantity=1, rate_cents=500)
    result = quote_for(ready.shopper, ready.address)
    assert result.tax_inclusive
    assert result.shops[0].tax_cents == 200  # 1200 = 1000 + 20 %
    assert result.total_cents == 1200 + 500


def test_tax_rounds_half_up_both_ways(app, factory, quote_for):
    tax_rate(app, "GB", 1900)
    ready = ready_cart(app, factory, price_cents=1005, quantity=1)
    site_config(app, tax_inclusive=False)
    assert quote_for(ready.shopper, ready.address).tax_cents == 191  # 190.95
    site_config(app, tax_inclusive=True)
    assert quote_for(ready.shopper, ready.address).tax_cents == 160  # 160.46


def test_a_country_without_a_tax_rate_pays_no_tax(app, factory, quote_for):
    ready = ready_cart(app, factory, country="US")
    assert quote_for(ready.shopper, ready.address).tax_cents == 0


# --- discounts --------------------------------------------------------------------------

def test_a_marketplace_code_is_split_in_proportion_to_each_shops_goods(app, factory, quote_for):
    ready = ready_cart(app, factory, price_cents=1000, quantity=3)
    other = add_shop(app, factory, ready.shopper, 1000)
    create_code(app, "SPLIT", percent_off=10)
    result = quote_for(ready.shopper, ready.address, code="SPLIT")
    by_shop = {s.shop.id: s.discount_cents for s in result.shops}
    assert by_shop == {ready.shop.id: 300, other.id: 100}
    assert result.discount_cents == result.coupon.discount_cents == 400
    assert result.discount_code.code == "SPLIT"


def test_odd_cents_of_a_split_go_to_the_largest_remainders_and_add_up(app, factory, quote_for):
    ready = ready_cart(app, factory, price_cents=1000, quantity=1)
    add_shop(app, factory, ready.shopper, 1000)
    add_shop(app, factory, ready.shopper, 1000)
    create_code(app, "ONEOFF", amount_off_cents=100)
    result = quote_for(ready.shopper, ready.address, code="ONEOFF")
    assert sorted(s.discount_cents for s in result.shops) == [33, 33, 34]
    assert result.discount_cents == 100


def test_a_shop_code_only_discounts_that_shops_items(app, factory, quote_for):
    ready = ready_cart(app, factory, price_cents=1000, quantity=1)
    other = add_shop(app, factory, ready.shopper, 3000)
    create_code(app, "SHOPONLY", shop=other, percent_off=50)
    result = quote_for(ready.shopper, ready.address, code="SHOPONLY")
    by_shop = {s.shop.id: s.discount_cents for s in result.shops}
    assert by_shop == {ready.shop.id: 0, other.id: 1500}
    assert result.discount_code.shop_id == other.id


def test_a_code_that_does_not_apply_discounts_nothing(app, factory, quote_for):
    ready = ready_cart(app, factory, price_cents=1000, quantity=1)
    create_code(app, "BIGSPEND", percent_off=10, min_subtotal_cents=100_000)
    result = quote_for(ready.shopper, ready.address, code="BIGSPEND")
    assert result.discount_cents == 0 and result.discount_code is None
    assert not result.coupon.applicable


@pytest.mark.parametrize("discount, subtotals, expected", [
    (0, {1: 500, 2: 500}, {1: 0, 2: 0}),
    (1, {1: 500, 2: 500}, {1: 1, 2: 0}),
    (7, {1: 1, 2: 2, 3: 4}, {1: 1, 2: 2, 3: 4}),
    (10, {1: 333, 2: 667, 3: 0}, {1: 3, 2: 7, 3: 0}),
])
def test_split_discount_adds_up_exactly(discount, subtotals, expected):
    shares = quote.split_discount(discount, subtotals)
    assert shares == expected and sum(shares.values()) == discount


# --- platform fee, payment blocks --------------------------------------------------------

@pytest.mark.parametrize("fee_bps, price, fee", [(1250, 1004, 126), (1250, 1003, 125),
                                                 (1000, 1005, 101), (0, 1000, 0)])
def test_platform_fee_is_on_the_shop_total_rounded_half_up(app, factory, quote_for, fee_bps,
                                                           price, fee):
    site_config(app, platform_fee_bps=fee_bps)
    ready = ready_cart(app, factory, price_cents=price, quantity=1, rate_cents=0)
    assert quote_for(ready.shopper, ready.address).shops[0].platform_fee_cents == fee


def test_with_stripe_a_shop_without_a_connected_account_cannot_take_payment(app, factory,
                                                                            quote_for):
    ready = ready_cart(app, factory)
    result = quote_for(ready.shopper, ready.address, needs_accounts=True)
    assert "cannot take payments yet" in result.shops[0].problem
    connect_account(app, ready.shop)
    assert quote_for(ready.shopper, ready.address, needs_accounts=True).payable
    assert quote_for(ready.shopper, ready.address, needs_accounts=False).payable


def test_a_total_below_the_card_minimum_cannot_be_paid(app, factory, quote_for):
    ready = ready_cart(app, factory, price_cents=20, quantity=1, rate_cents=0)
    result = quote_for(ready.shopper, ready.address)
    assert not result.payable
    assert result.problems == ["Card payments start at $0.50. Add something to your cart."]


def test_an_empty_cart_and_a_cart_with_problems_are_refused(app, factory):
    shopper = factory.shopper()
    with app.app_context(), pytest.raises(quote.EmptyCart):
        quote.ready_summary(shopper.id)
    ready = ready_cart(app, factory, quantity=5, stock=2)
    with app.app_context(), pytest.raises(quote.CartNeedsAttention):
        quote.ready_summary(ready.shopper.id)


# --- snapshot ---------------------------------------------------------------------------

def test_the_snapshot_has_the_contract_shape_and_adds_up(app, factory, quote_for):
    tax_rate(app, "GB", 2000)
    ready = ready_cart(app, factory, price_cents=1000, quantity=2, rate_cents=500)
    other = add_shop(app, factory, ready.shopper, 700, quantity=1, rate_cents=0)
    connect_account(app, other, "acct_other")
    create_code(app, "SNAP", percent_off=10)
    result = quote_for(ready.shopper, ready.address, code="SNAP")
    with app.app_context():
        snap = quote.build_snapshot(result, user_id=ready.shopper.id,
                                       email=ready.shopper.email)
    assert set(snap) == {"version", "user_id", "email", "currency", "coupon", "address",
                         "shops", "amount_cents"}
    assert snap["version"] == 1 and snap["currency"] == "USD"
    assert snap["coupon"]["code"] == "SNAP" and isinstance(snap["coupon"]["id"], int)
    assert set(snap["address"]) == {"name", "line1", "line2", "city", "region", "postal_code",
                                    "country", "phone"}
    assert snap["address"]["country"] == "GB"
    shops = {s["shop_id"]: s for s in snap["shops"]}
    assert shops[other.id]["account_id"] == "acct_other"
    assert shops[ready.shop.id]["account_id"] is None
    line = shops[ready.shop.id]["lines"][0]
    assert line == {"product_id": ready.product.id, "variant_id": ready.variant.id,
                    "title": ready.product.title, "sku": ready.variant.sku, "color": "Red",
                    "size": "M", "unit_price_cents": 1000, "quantity": 2,
                    "line_total_cents": 2000}
    for shop in snap["shops"]:
        assert shop["total_cents"] == (shop["subtotal_cents"] - shop["discount_cents"]
                                       + shop["shipping_cents"] + shop["tax_cents"])
    assert snap["amount_cents"] == sum(s["total_cents"] for s in snap["shops"])
    items = quote.line_items(snap)
    assert sum(i["quantity"] * i["unit_amount_cents"] for i in items) == snap["amount_cents"]


def test_line_items_add_up_with_inclusive_tax_and_no_discount(app, factory, quote_for):
    site_config(app, tax_inclusive=True)
    tax_rate(app, "GB", 2000)
    ready = ready_cart(app, factory, price_cents=1234, quantity=3, rate_cents=395)
    with app.app_context():
        snap = quote.build_snapshot(quote_for(ready.shopper, ready.address),
                                       user_id=ready.shopper.id, email=ready.shopper.email)
    items = quote.line_items(snap)
    assert items[0] == {"name": f"{ready.product.title} (Red / M)", "quantity": 3,
                        "unit_amount_cents": 1234}
    assert sum(i["quantity"] * i["unit_amount_cents"] for i in items) == snap["amount_cents"]
    assert not any(i["name"].startswith("Tax") for i in items)


def test_the_fingerprint_follows_lines_coupon_and_address(app, factory, quote_for):
    ready = ready_cart(app, factory)
    create_code(app, "FP", percent_off=10)
    with app.app_context():
        plain = quote.build_snapshot(quote_for(ready.shopper, ready.address),
                                        user_id=ready.shopper.id, email=ready.shopper.email)
        coded = quote.build_snapshot(quote_for(ready.shopper, ready.address, code="FP"),
                                        user_id=ready.shopper.id, email=ready.shopper.email)
    base = quote.fingerprint(plain, ready.address.id)
    assert base == quote.fingerprint(plain, ready.address.id)
    assert base != quote.fingerprint(plain, ready.address.id + 1)
    assert base != quote.fingerprint(coded, ready.address.id)
    plain["shops"][0]["lines"][0]["quantity"] += 1
    assert base != quote.fingerprint(plain, ready.address.id)
