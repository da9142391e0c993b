"""Signing in merges the guest cart and wishlist into the shopper's own, then forgets them."""
import pytest

from tests.factories_cart import (
    alerts,
    cart_rows,
    guest_session,
    put_in_cart,
    put_on_wishlist,
    set_guest_session,
    shop_with_product,
    wishlist_rows,
)
from tests.factories_catalog import delete_product


@pytest.fixture
def item(app, factory):
    """A shirt in White / S (4 in stock) and White / L (10 in stock)."""
    _, product = shop_with_product(app, factory, title="Shirt",
                                   variants=[("White", "S", 4), ("White", "L", 10)])
    return product


def guest_add(client, variant, quantity):
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": quantity})


def test_guest_lines_become_cart_rows_at_sign_in(app, client, auth, item):
    guest_add(client, item.variants[1], 3)
    shopper = auth.login_as("shopper")
    assert cart_rows(app, shopper) == {item.variants[1].id: 3}


def test_the_session_copies_are_cleared_after_the_merge(client, auth, item):
    guest_add(client, item.variants[1], 3)
    client.post("/wishlist/add", data={"product_id": item.id})
    auth.login_as("shopper")
    cart, wishlist, _ = guest_session(client)
    assert cart is None and wishlist is None


def test_quantities_add_up_with_the_saved_cart(app, client, auth, factory, item):
    shopper = factory.shopper()
    put_in_cart(app, shopper, item.variants[1], 2)
    guest_add(client, item.variants[1], 5)
    guest_add(client, item.variants[0], 1)
    auth.login(shopper)
    assert cart_rows(app, shopper) == {item.variants[1].id: 7, item.variants[0].id: 1}


def test_merged_quantities_are_capped_at_the_stock_with_a_warning(app, client, auth, factory,
                                                                  item):
    shopper = factory.shopper()
    put_in_cart(app, shopper, item.variants[0], 3)
    guest_add(client, item.variants[0], 3)
    response = auth.client.post("/auth/login", data={"email": shopper.email,
                                                     "password": "correct-horse-42"},
                                follow_redirects=True)
    assert cart_rows(app, shopper) == {item.variants[0].id: 4}
    assert any("not everything fitted the stock: White / S" in text
               for text in alerts(response.get_data(as_text=True)))


def test_a_guest_line_of_a_removed_product_is_not_merged(app, client, auth, item):
    guest_add(client, item.variants[1], 1)
    delete_product(app, item)
    shopper = auth.login_as("shopper")
    assert cart_rows(app, shopper) == {}


def test_wishlist_entries_merge_without_duplicates(app, client, auth, factory, item):
    _, other = shop_with_product(app, factory)
    shopper = factory.shopper()
    put_on_wishlist(app, shopper, item)
    client.post("/wishlist/add", data={"product_id": item.id})
    client.post("/wishlist/add", data={"product_id": other.id})
    client.post("/wishlist/add", data={"product_id": item.id, "variant_id": item.variants[0].id})
    auth.login(shopper)
    assert sorted(wishlist_rows(app, shopper), key=str) == sorted(
        [(item.id, None), (other.id, None), (item.id, item.variants[0].id)], key=str)


def test_a_tampered_guest_session_merges_only_what_is_valid(app, client, auth, item):
    set_guest_session(client, cart={str(item.variants[1].id): 2, "x": 3, "-4": 1,
                                    str(item.variants[0].id): 1000},
                      wishlist=[[item.id, None], "junk", [None, None], [item.id, 999999]])
    shopper = auth.login_as("shopper")
    assert cart_rows(app, shopper) == {item.variants[1].id: 2}
    assert wishlist_rows(app, shopper) == [(item.id, None)]


@pytest.mark.parametrize("role", ["seller", "admin"])
def test_sellers_and_admins_get_no_cart_from_a_guest_session(app, client, auth, item, role):
    guest_add(client, item.variants[1], 2)
    user = auth.login_as(role)
    assert cart_rows(app, user) == {}
    assert guest_session(client)[0] is None


def test_signing_in_with_an_empty_guest_cart_leaves_the_saved_cart_alone(app, client, auth,
                                                                         factory, item):
    shopper = factory.shopper()
    put_in_cart(app, shopper, item.variants[1], 2)
    auth.login(shopper)
    assert cart_rows(app, shopper) == {item.variants[1].id: 2}
