"""The cart: lines for guests and shoppers, stock and visibility rules, server prices, counts."""
import pytest
from flask import render_template_string, session
from flask_login import login_user

from app.extensions import db
from app.models.accounts import User
from app.models.analytics import AnalyticsKind
from app.models.catalog import ProductStatus
from tests.factories_cart import (
    alerts,
    analytics_events,
    cart_rows,
    count_queries,
    guest_session,
    put_in_cart,
    put_on_wishlist,
    set_guest_session,
    set_stock,
    shop_with_product,
)
from tests.factories_catalog import (
    create_event,
    create_product,
    delete_product,
    delete_shop,
    set_product,
    suspend_shop,
)


@pytest.fixture
def item(app, factory):
    """A product with two options: Red / M (3 in stock) and Blue / L (5 in stock)."""
    _, product = shop_with_product(app, factory, price_cents=1250,
                                   variants=[("Red", "M", 3), ("Blue", "L", 5)])
    return product


def add(client, variant, quantity=1, **extra):
    return client.post("/cart/add", data={"variant_id": variant.id, "quantity": quantity,
                                          **extra}, follow_redirects=True)


# --- guests ---------------------------------------------------------------------------------

def test_guest_add_keeps_the_line_in_the_session(client, item):
    response = add(client, item.variants[0], 2)
    assert response.status_code == 200
    assert "Added 2 × " in " ".join(alerts(response.get_data(as_text=True)))
    assert guest_session(client)[0] == {str(item.variants[0].id): 2}


def test_guest_adding_the_same_item_twice_adds_up(client, item):
    add(client, item.variants[1], 2)
    add(client, item.variants[1], 1)
    assert guest_session(client)[0] == {str(item.variants[1].id): 3}


def test_guest_update_changes_the_quantity(client, item):
    add(client, item.variants[1], 1)
    client.post("/cart/update", data={"variant_id": item.variants[1].id, "quantity": 4})
    assert guest_session(client)[0] == {str(item.variants[1].id): 4}


def test_guest_update_to_zero_removes_the_line(client, item):
    add(client, item.variants[1], 1)
    client.post("/cart/update", data={"variant_id": item.variants[1].id, "quantity": 0})
    assert guest_session(client)[0] == {}


def test_guest_remove_takes_the_line_out(client, item):
    add(client, item.variants[0], 1)
    add(client, item.variants[1], 1)
    client.post("/cart/remove", data={"variant_id": item.variants[0].id})
    assert guest_session(client)[0] == {str(item.variants[1].id): 1}


# --- signed-in shoppers ---------------------------------------------------------------------

def test_shopper_add_saves_a_cart_row(app, client, auth, item):
    shopper = auth.login_as("shopper")
    add(client, item.variants[0], 2)
    assert cart_rows(app, shopper) == {item.variants[0].id: 2}
    assert guest_session(client)[0] is None


def test_shopper_update_changes_the_row(app, client, auth, item):
    shopper = auth.login_as("shopper")
    add(client, item.variants[1], 1)
    client.post("/cart/update", data={"variant_id": item.variants[1].id, "quantity": 5})
    assert cart_rows(app, shopper) == {item.variants[1].id: 5}


def test_shopper_update_to_zero_deletes_the_row(app, client, auth, item):
    shopper = auth.login_as("shopper")
    add(client, item.variants[1], 1)
    client.post("/cart/update", data={"variant_id": item.variants[1].id, "quantity": 0})
    assert cart_rows(app, shopper) == {}


def test_shopper_remove_deletes_the_row(app, client, auth, item):
    shopper = auth.login_as("shopper")
    add(client, item.variants[0], 1)
    add(client, item.variants[1], 2)
    response = client.post("/cart/remove", data={"variant_id": item.variants[0].id},
                           follow_redirects=True)
    assert cart_rows(app, shopper) == {item.variants[1].id: 2}
    assert any("Removed" in text for text in alerts(response.get_data(as_text=True)))


@pytest.mark.parametrize("role", ["seller", "admin"])
def test_sellers_and_admins_cannot_add_to_a_cart(app, client, auth, item, role):
    user = auth.login_as(role)
    response = add(client, item.variants[0])
    assert "Carts and wishlists are for shopper accounts" in " ".join(
        alerts(response.get_data(as_text=True)))
    assert cart_rows(app, user) == {}


def test_a_seller_sees_an_explanation_instead_of_a_cart(client, auth):
    auth.login_as("seller")
    response = client.get("/cart")
    assert response.status_code == 200
    assert "Carts and wishlists are for shopper accounts" in response.get_data(as_text=True)


# --- stock and visibility -------------------------------------------------------------------

def test_adding_more_than_stock_is_refused_with_how_many_are_left(client, item):
    response = add(client, item.variants[0], 4)
    assert "Only 3 left of Red / M." in alerts(response.get_data(as_text=True))
    assert not guest_session(client)[0]


def test_adding_beyond_stock_counts_what_is_already_in_the_cart(app, client, auth, item):
    shopper = auth.login_as("shopper")
    add(client, item.variants[0], 2)
    response = add(client, item.variants[0], 2)
    assert ("Only 3 left of Red / M and 2 already in your cart."
            in alerts(response.get_data(as_text=True)))
    assert cart_rows(app, shopper) == {item.variants[0].id: 2}


def test_a_sold_out_option_is_refused(app, client, item):
    set_stock(app, item.variants[0], 0)
    response = add(client, item.variants[0])
    assert "Red / M is sold out." in alerts(response.get_data(as_text=True))


def test_updating_above_stock_is_refused(client, item):
    add(client, item.variants[0], 1)
    response = client.post("/cart/update", data={"variant_id": item.variants[0].id,
                                                 "quantity": 7}, follow_redirects=True)
    assert "Only 3 left of Red / M." in alerts(response.get_data(as_text=True))
    assert guest_session(client)[0] == {str(item.variants[0].id): 1}


HIDING = {
    "deleted": (delete_product, "has been removed by the seller"),
    "draft": (lambda app, p: set_product(app, p, status=ProductStatus.DRAFT),
              "is not on sale right now"),
    "archived": (lambda app, p: set_product(app, p, status=ProductStatus.ARCHIVED),
                 "is not on sale right now"),
    "shop_suspended": (lambda app, p: suspend_shop(app, p.shop), "is not selling at the moment"),
    "shop_deleted": (lambda app, p: delete_shop(app, p.shop), "the shop has closed"),
}


@pytest.mark.parametrize("how", HIDING)
def test_a_hidden_product_cannot_be_added(app, client, item, how):
    hide, reason = HIDING[how]
    hide(app, item)
    response = add(client, item.variants[0])
    assert response.status_code == 200
    assert any(reason in text for text in alerts(response.get_data(as_text=True)))
    assert not guest_session(client)[0]


def test_an_unknown_variant_is_refused_with_a_message(client):
    response = client.post("/cart/add", data={"variant_id": 987654}, follow_redirects=True)
    assert "We could not find that item. It may have been removed." in alerts(
        response.get_data(as_text=True))


# --- hostile input --------------------------------------------------------------------------

def test_price_fields_in_the_form_are_ignored(app, client, auth, item):
    auth.login_as("shopper")
    add(client, item.variants[1], 2, price_cents=1, unit_price_cents=1, price="0.01",
        total_cents=2, discount_cents=99999)
    body = client.get("/cart").get_data(as_text=True)
    assert "$25.00" in body  # 2 × $12.50, as the database says
    assert "$0.01" not in body


JUNK_QUANTITIES = ["abc", "-1", "0", "1.5", "1e3", "100", "99999999999999999999", " ", "٣",
                   "<script>", "' OR 1=1 --", "2;DROP TABLE cart_items"]


@pytest.mark.parametrize("quantity", JUNK_QUANTITIES)
def test_junk_quantities_never_fail_and_add_nothing(client, item, quantity):
    response = client.post("/cart/add", data={"variant_id": item.variants[1].id,
                                              "quantity": quantity}, follow_redirects=True)
    assert response.status_code == 200
    if quantity.strip():  # a blank quantity means one
        assert alerts(response.get_data(as_text=True))
        assert not guest_session(client)[0]


@pytest.mark.parametrize("quantity", JUNK_QUANTITIES + [""])
def test_junk_quantities_on_update_never_fail(app, client, auth, item, quantity):
    shopper = auth.login_as("shopper")
    add(client, item.variants[1], 2)
    response = client.post("/cart/update", data={"variant_id": item.variants[1].id,
                                                 "quantity": quantity}, follow_redirects=True)
    assert response.status_code == 200
    if quantity != "0":
        assert cart_rows(app, shopper) == {item.variants[1].id: 2}


JUNK_IDS = ["", "abc", "-5", "0", "1.0", "99999999999999999999", "2147483648", "<b>1</b>"]


@pytest.mark.parametrize("variant_id", JUNK_IDS)
@pytest.mark.parametrize("path", ["/cart/add", "/cart/update", "/cart/remove"])
def test_junk_variant_ids_get_a_message_not_an_error(client, auth, path, variant_id):
    auth.login_as("shopper")
    response = client.post(path, data={"variant_id": variant_id, "quantity": "1"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert alerts(response.get_data(as_text=True))


def test_removing_a_line_that_is_not_in_the_cart_says_so(client, item):
    response = client.post("/cart/remove", data={"variant_id": item.variants[0].id},
                           follow_redirects=True)
    assert "That item is not in your cart any more." in alerts(response.get_data(as_text=True))


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_next_must_stay_on_this_site(client, item, target):
    response = client.post("/cart/add", data={"variant_id": item.variants[0].id,
                                              "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/cart"


def test_a_safe_next_is_followed(client, item):
    response = client.post("/cart/add", data={"variant_id": item.variants[0].id,
                                              "next": f"/product/{item.slug}"})
    assert response.headers["Location"] == f"/product/{item.slug}"


# --- the cart page --------------------------------------------------------------------------

def test_empty_cart_shows_the_empty_state(client):
    body = client.get("/cart").get_data(as_text=True)
    assert "Your cart is empty" in body


def test_lines_are_grouped_by_shop_with_subtotals(app, client, factory):
    _, pots = shop_with_product(app, factory, name="Pottery Place", price_cents=2000,
                                title="Blue jug")
    shop, scarf = shop_with_product(app, factory, name="Wool Works", price_cents=1500,
                                    title="Green scarf")
    hat = create_product(app, shop, title="Red hat", price_cents=500, sale_price_cents=400)
    add(client, pots.variants[0], 2)
    add(client, scarf.variants[0], 1)
    add(client, hat.variants[0], 3)
    body = client.get("/cart").get_data(as_text=True)
    assert body.index("Pottery Place") < body.index("Blue jug") < body.index("Wool Works")
    assert "Subtotal from Pottery Place: <strong>$40.00</strong>" in body
    assert "Subtotal from Wool Works: <strong>$27.00</strong>" in body  # 15 + 3 × 4 (sale)
    assert "<dt>Items (6)</dt><dd>$67.00</dd>" in body
    assert f'href="/product/{hat.slug}"' in body
    assert "Shipping and tax are calculated at checkout." in body


def test_variant_price_overrides_and_live_events_set_the_unit_price(app, client, factory):
    shop, product = shop_with_product(app, factory, price_cents=1000,
                                      variants=[("Gold", "", 5, 1999)])
    create_event(app, shop, [product], discount_percent=25)
    add(client, product.variants[0], 2)
    body = client.get("/cart").get_data(as_text=True)
    assert "$14.99" in body  # 1999 × 0.75 = 1499.25, rounded to 1499
    assert "$29.98" in body
    assert "&minus;25%" in body


def test_a_line_above_the_stock_is_shown_with_a_notice_not_deleted(app, client, auth, item):
    shopper = auth.login_as("shopper")
    add(client, item.variants[1], 4)
    set_stock(app, item.variants[1], 2)
    body = client.get("/cart").get_data(as_text=True)
    assert "Only 2 left of Blue / L: lower the quantity to continue." in body
    assert "<dt>Items (0)</dt><dd>$0.00</dd>" in body
    assert cart_rows(app, shopper) == {item.variants[1].id: 4}


def test_a_line_whose_product_disappeared_is_shown_with_a_notice(app, client, item):
    add(client, item.variants[1], 1)
    delete_product(app, item)
    body = client.get("/cart").get_data(as_text=True)
    assert f"{item.title} has been removed by the seller." in body
    assert guest_session(client)[0] == {str(item.variants[1].id): 1}


def test_a_purged_line_is_reported_once_and_dropped(client, item):
    set_guest_session(client, cart={"987654": 1, str(item.variants[0].id): 1})
    body = client.get("/cart").get_data(as_text=True)
    assert "1 item in your cart is no longer sold and was taken out." in body
    assert guest_session(client)[0] == {str(item.variants[0].id): 1}


def _cart_page_queries(app, client, auth, factory, lines):
    shopper = auth.login_as("shopper")
    for _ in range(lines):
        shop, product = shop_with_product(app, factory, variants=[("Red", "S", 9)])
        create_event(app, shop, [product])
        put_in_cart(app, shopper, product.variants[0], 1)
        put_on_wishlist(app, shopper, product)
    with count_queries(app) as statements:
        response = client.get("/cart")
    assert response.status_code == 200
    return statements


def test_cart_page_queries_do_not_grow_with_the_lines(app, client, auth, factory):
    few = _cart_page_queries(app, client, auth, factory, 1)
    auth.logout()
    many = _cart_page_queries(app, client, auth, factory, 12)
    assert len(many) == len(few)
    # user, cart rows, variants+products+shops, images, live events (others' navbar extras aside)
    ours = [s for s in many if "notifications" not in s]
    assert len(ours) <= 6  # includes the navbar's one cart+wishlist count query


# --- htmx, header counts, analytics ---------------------------------------------------------

def test_htmx_update_returns_the_cart_body_and_new_counts(client, item):
    add(client, item.variants[1], 1)
    response = client.post("/cart/update", data={"variant_id": item.variants[1].id,
                                                 "quantity": 3},
                           headers={"HX-Request": "true", "HX-Target": "cart-body"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="cart-body"')
    assert "<dt>Items (3)</dt>" in body
    assert 'id="cart-count" class="count-badge' in body and 'hx-swap-oob="true"' in body


def test_htmx_add_from_another_page_returns_a_status_line(client, item):
    response = client.post("/cart/add", data={"variant_id": item.variants[1].id},
                           headers={"HX-Request": "true", "HX-Target": "cart-status"})
    body = response.get_data(as_text=True)
    assert 'role="status"' in body and "to your cart." in body
    assert ">1<span class=\"visually-hidden\"> items in your cart" in body


def test_header_counts_for_a_guest_come_from_the_session(app, client, item):
    add(client, item.variants[0], 2)
    add(client, item.variants[1], 1)
    client.post("/wishlist/add", data={"product_id": item.id})
    with app.test_request_context():
        session.update(dict(zip(("guest_cart", "guest_wishlist"), guest_session(client)[:2],
                                strict=True)))
        assert render_template_string("{{ cart_count }}/{{ wishlist_count }}") == "3/1"


def test_htmx_responses_carry_both_header_counts(app, client, auth, item):
    shopper = auth.login_as("shopper")
    put_in_cart(app, shopper, item.variants[0], 2)
    put_on_wishlist(app, shopper, item)
    response = client.post("/cart/add", data={"variant_id": item.variants[1].id},
                           headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert '>3<span class="visually-hidden"> items in your cart' in body
    assert '>1<span class="visually-hidden"> saved items' in body


def _render_as(app, user, template):
    with app.test_request_context():
        login_user(user)
        with count_queries(app) as statements:
            text = render_template_string(template)
        db.session.remove()
    # Other areas' context processors may query too; only ours is measured here.
    return text, [s for s in statements if "cart_items" in s or "wishlist_items" in s]


def test_header_counts_for_a_shopper_take_one_query(app, auth, in_app, item):
    shopper = auth.factory.shopper()
    put_in_cart(app, shopper, item.variants[0], 2)
    put_in_cart(app, shopper, item.variants[1], 3)
    put_on_wishlist(app, shopper, item)
    user = in_app(lambda: db.session.get(User, shopper.id))
    text, statements = _render_as(app, user, "{{ cart_count }}/{{ wishlist_count }}")
    assert text == "5/1"
    assert len(statements) == 1


def test_pages_that_do_not_show_the_counts_do_not_query_them(app, auth, in_app):
    shopper = auth.factory.shopper()
    user = in_app(lambda: db.session.get(User, shopper.id))
    _, statements = _render_as(app, user, "no header here")
    assert statements == []


def test_adding_to_the_cart_is_tracked(app, client, item):
    add(client, item.variants[1], 2)
    events = analytics_events(app, AnalyticsKind.ADD_TO_CART)
    assert [(e.product_id, e.shop_id, e.quantity) for e in events] == [
        (item.id, item.shop_id, 2)]
