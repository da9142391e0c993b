"""Discount codes on the cart: each rule's reason, the discount itself, and re-checking."""
import pytest

from tests.factories_cart import (
    alerts,
    create_code,
    days,
    guest_session,
    set_guest_session,
    set_stock,
    shop_with_product,
)


@pytest.fixture
def shop_and_product(app, factory):
    """Crafty Corner sells a $20.00 lamp with 10 in stock."""
    return shop_with_product(app, factory, name="Crafty Corner", price_cents=2000,
                             title="Lamp", variants=[("", "", 10)])


@pytest.fixture
def cart(client, shop_and_product):
    """A guest cart with two lamps: a $40.00 subtotal."""
    _, product = shop_and_product
    client.post("/cart/add", data={"variant_id": product.variants[0].id, "quantity": 2})
    return product


def apply(client, code):
    response = client.post("/cart/coupon", data={"code": code}, follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_percent_code_takes_its_share_off(app, client, cart):
    create_code(app, "SAVE10", percent_off=10)
    body = apply(client, "SAVE10")
    assert "Code SAVE10 applied: you save $4.00." in alerts(body)
    assert "<dd>&minus;$4.00</dd>" in body
    assert "<dt>Total</dt><dd>$36.00</dd>" in body
    assert guest_session(client)[2] == "SAVE10"


def test_an_amount_code_takes_its_amount_off(app, client, cart):
    create_code(app, "FIVER", amount_off_cents=500)
    body = apply(client, "FIVER")
    assert "<dt>Total</dt><dd>$35.00</dd>" in body


def test_an_amount_code_never_takes_the_total_below_zero(app, client, cart):
    create_code(app, "BIGGIFT", amount_off_cents=10000)
    body = apply(client, "BIGGIFT")
    assert "<dd>&minus;$40.00</dd>" in body
    assert "<dt>Total</dt><dd>$0.00</dd>" in body


def test_codes_are_trimmed_and_case_insensitive(app, client, cart):
    create_code(app, "SAVE10")
    body = apply(client, "  save10 ")
    assert "Code SAVE10 applied: you save $4.00." in alerts(body)


def test_an_unknown_code_is_refused(client, cart):
    body = apply(client, "NOSUCH")
    assert "We do not know the code NOSUCH. Check the spelling and try again." in alerts(body)
    assert guest_session(client)[2] is None


REFUSALS = {
    "inactive": ({"is_active": False}, "The code OLD is no longer active."),
    "not_started": ({"starts_at": days(3)}, "The code OLD can be used from "),
    "expired": ({"starts_at": days(-10), "ends_at": days(-1)}, "The code OLD expired on "),
    "exhausted": ({"max_uses": 5, "used_count": 5}, "The code OLD has been used up."),
}


@pytest.mark.parametrize("rule", REFUSALS)
def test_an_unusable_code_is_refused_with_its_reason(app, client, cart, rule):
    fields, reason = REFUSALS[rule]
    create_code(app, "OLD", **fields)
    body = apply(client, "old")
    assert any(text.startswith(reason) for text in alerts(body)), alerts(body)
    assert guest_session(client)[2] is None


def test_a_code_of_another_shop_does_not_apply(app, client, factory, cart):
    other, _ = shop_with_product(app, factory, name="Elsewhere")
    create_code(app, "SHOPONLY", shop=other)
    body = apply(client, "SHOPONLY")
    assert "The code SHOPONLY is only for items from Elsewhere." in alerts(body)


def test_a_shop_code_discounts_only_that_shops_lines(app, client, factory, cart,
                                                     shop_and_product):
    _, mug = shop_with_product(app, factory, name="Mug Makers", price_cents=3000)
    client.post("/cart/add", data={"variant_id": mug.variants[0].id})
    create_code(app, "CRAFTY50", shop=shop_and_product[0], percent_off=50)
    body = apply(client, "CRAFTY50")
    assert "Code CRAFTY50 applied: you save $20.00." in alerts(body)  # half of $40, not of $70
    assert "<dt>Total</dt><dd>$50.00</dd>" in body


def test_below_the_minimum_says_how_much_more_to_add(app, client, cart):
    create_code(app, "BIGSPEND", min_subtotal_cents=5000)
    body = apply(client, "BIGSPEND")
    assert ("Add $10.00 more to use the code BIGSPEND (it needs a subtotal of $50.00)."
            in alerts(body))


def test_a_shop_code_minimum_counts_only_that_shops_lines(app, client, factory, cart,
                                                          shop_and_product):
    _, mug = shop_with_product(app, factory, price_cents=9000)
    client.post("/cart/add", data={"variant_id": mug.variants[0].id})
    create_code(app, "CRAFTY", shop=shop_and_product[0], min_subtotal_cents=4500)
    body = apply(client, "CRAFTY")
    assert "Add $5.00 more from Crafty Corner to use the code CRAFTY" in " ".join(alerts(body))


def test_the_code_is_rechecked_when_the_cart_changes(app, client, cart):
    create_code(app, "MIN30", amount_off_cents=500, min_subtotal_cents=3000)
    apply(client, "MIN30")
    client.post("/cart/update", data={"variant_id": cart.variants[0].id, "quantity": 1})
    body = client.get("/cart").get_data(as_text=True)
    assert "is not applied." in body
    assert "Add $10.00 more to use the code MIN30" in body
    assert "<dt>Total</dt><dd>$20.00</dd>" in body
    assert guest_session(client)[2] == "MIN30"  # kept: it applies again once the cart grows


def test_a_code_stops_applying_when_its_lines_go_out_of_stock(app, client, cart):
    create_code(app, "SAVE10")
    apply(client, "SAVE10")
    set_stock(app, cart.variants[0], 0)
    body = client.get("/cart").get_data(as_text=True)
    assert "Add items that are in stock to use the code SAVE10." in body


def test_a_new_code_replaces_the_old_one(app, client, cart):
    create_code(app, "SAVE10")
    create_code(app, "FIVER", amount_off_cents=500)
    apply(client, "SAVE10")
    body = apply(client, "fiver")
    assert guest_session(client)[2] == "FIVER"
    assert "<dt>Total</dt><dd>$35.00</dd>" in body


def test_removing_the_code_restores_the_total(app, client, cart):
    create_code(app, "SAVE10")
    apply(client, "SAVE10")
    response = client.post("/cart/coupon/remove", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "Discount code removed." in alerts(body)
    assert "<dt>Total</dt><dd>$40.00</dd>" in body
    assert guest_session(client)[2] is None


def test_the_best_of_two_codes_with_the_same_text_wins(app, client, cart, shop_and_product):
    create_code(app, "WELCOME", percent_off=5)
    create_code(app, "WELCOME", shop=shop_and_product[0], amount_off_cents=1000)
    body = apply(client, "welcome")
    assert "Code WELCOME applied: you save $10.00." in alerts(body)


JUNK = {
    "empty": ("", "Enter a discount code."),
    "blank": ("    ", "Enter a discount code."),
    "long": ("A" * 41, "Discount codes are at most 40 characters."),
    "huge": ("Z" * 10240, "Discount codes are at most 40 characters."),
    "markup": ("<script>x</script>", "Discount codes use letters, numbers, hyphens and "
                                     "underscores only."),
    "sql": ("' OR 1=1 --", "Discount codes use letters, numbers, hyphens and underscores only."),
    "nul": ("AB\x00CD", "Discount codes use letters, numbers, hyphens and underscores only."),
}


@pytest.mark.parametrize("case", JUNK)
def test_junk_codes_get_a_clear_message(client, cart, case):
    code, message = JUNK[case]
    body = apply(client, code)
    assert message in alerts(body)


def test_a_stored_junk_code_is_ignored_by_the_cart_page(client, cart):
    set_guest_session(client, coupon="<b>bad</b>")
    response = client.get("/cart")
    assert response.status_code == 200
    assert "<dt>Total</dt><dd>$40.00</dd>" in response.get_data(as_text=True)


def test_htmx_apply_returns_the_cart_body_with_the_discount(app, client, cart):
    create_code(app, "SAVE10")
    response = client.post("/cart/coupon", data={"code": "save10"},
                           headers={"HX-Request": "true", "HX-Target": "cart-body"})
    body = response.get_data(as_text=True)
    assert 'id="cart-body"' in body
    assert "<dd>&minus;$4.00</dd>" in body


def test_shoppers_keep_their_code_through_sign_in(app, client, auth, cart):
    create_code(app, "SAVE10")
    apply(client, "SAVE10")
    auth.login_as("shopper")
    body = client.get("/cart").get_data(as_text=True)
    assert "<dd>&minus;$4.00</dd>" in body
