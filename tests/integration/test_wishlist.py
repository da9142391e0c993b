"""The wishlist: saving, removing and moving products to the cart, for guests and shoppers."""
import pytest

from app.models.analytics import AnalyticsKind
from tests.factories_cart import (
    alerts,
    analytics_events,
    cart_rows,
    count_queries,
    guest_session,
    put_on_wishlist,
    set_stock,
    shop_with_product,
    wishlist_rows,
)
from tests.factories_catalog import create_event, delete_product, suspend_shop


@pytest.fixture
def item(app, factory):
    """A $30.00 coat in Black / S (2 in stock) and Black / M (4 in stock)."""
    _, product = shop_with_product(app, factory, title="Coat", price_cents=3000,
                                   variants=[("Black", "S", 2), ("Black", "M", 4)])
    return product


@pytest.fixture
def single(app, factory):
    """A product with one plain variant."""
    _, product = shop_with_product(app, factory, title="Candle", price_cents=800)
    return product


def save(client, product, variant=None, **extra):
    data = {"product_id": product.id, **extra}
    if variant is not None:
        data["variant_id"] = variant.id
    return client.post("/wishlist/add", data=data, follow_redirects=True)


def test_guest_save_keeps_the_item_in_the_session(client, item):
    response = save(client, item)
    assert "Saved Coat to your wishlist." in alerts(response.get_data(as_text=True))
    assert guest_session(client)[1] == [[item.id, None]]


def test_guest_can_save_a_chosen_option(client, item):
    save(client, item, item.variants[1])
    assert guest_session(client)[1] == [[item.id, item.variants[1].id]]


def test_saving_twice_keeps_one_entry(client, item):
    save(client, item)
    response = save(client, item)
    assert "Coat is already on your wishlist." in alerts(response.get_data(as_text=True))
    assert guest_session(client)[1] == [[item.id, None]]


def test_shopper_save_writes_a_row(app, client, auth, item):
    shopper = auth.login_as("shopper")
    save(client, item, item.variants[0])
    save(client, item, item.variants[0])
    assert wishlist_rows(app, shopper) == [(item.id, item.variants[0].id)]


def test_shopper_remove_deletes_the_row(app, client, auth, item, single):
    shopper = auth.login_as("shopper")
    save(client, item)
    save(client, single)
    client.post("/wishlist/remove", data={"product_id": item.id})
    assert wishlist_rows(app, shopper) == [(single.id, None)]


def test_guest_remove_takes_the_entry_out(client, item):
    save(client, item, item.variants[0])
    client.post("/wishlist/remove", data={"product_id": item.id,
                                          "variant_id": item.variants[0].id})
    assert guest_session(client)[1] == []


def test_the_wishlist_page_lists_saved_products_with_prices(client, item, single):
    save(client, item)
    save(client, single)
    body = client.get("/wishlist").get_data(as_text=True)
    assert f'href="/product/{item.slug}"' in body and "$30.00" in body
    assert f'href="/product/{single.slug}"' in body and "$8.00" in body


def test_an_empty_wishlist_shows_the_empty_state(client):
    assert "Your wishlist is empty" in client.get("/wishlist").get_data(as_text=True)


def test_a_hidden_product_cannot_be_saved(app, client, item):
    suspend_shop(app, item.shop)
    response = save(client, item)
    assert any("is not selling at the moment" in t
               for t in alerts(response.get_data(as_text=True)))
    assert not guest_session(client)[1]


def test_an_option_of_another_product_is_refused(client, item, single):
    response = save(client, item, single.variants[0])
    assert "That option does not belong to this product." in alerts(
        response.get_data(as_text=True))


@pytest.mark.parametrize("product_id", ["", "abc", "-1", "99999999999999", "<x>"])
def test_junk_product_ids_get_a_message(client, product_id):
    response = client.post("/wishlist/add", data={"product_id": product_id},
                           follow_redirects=True)
    assert response.status_code == 200
    assert alerts(response.get_data(as_text=True))


def test_a_product_that_disappeared_stays_listed_with_a_notice(app, client, auth, item):
    auth.login_as("shopper")
    save(client, item)
    delete_product(app, item)
    body = client.get("/wishlist").get_data(as_text=True)
    assert "Coat has been removed by the seller." in body


def test_move_to_cart_moves_the_chosen_option(app, client, auth, item):
    shopper = auth.login_as("shopper")
    save(client, item)
    response = client.post("/wishlist/move-to-cart", data={"product_id": item.id,
                                                           "variant_id": item.variants[1].id},
                           follow_redirects=True)
    assert "Moved Coat to your cart." in alerts(response.get_data(as_text=True))
    assert cart_rows(app, shopper) == {item.variants[1].id: 1}
    assert wishlist_rows(app, shopper) == []


def test_move_to_cart_of_a_single_option_product_needs_no_choice(client, single):
    save(client, single)
    client.post("/wishlist/move-to-cart", data={"product_id": single.id})
    cart, wishlist, _ = guest_session(client)
    assert cart == {str(single.variants[0].id): 1}
    assert wishlist == []


def test_move_to_cart_without_an_option_asks_for_one(client, item):
    save(client, item)
    response = client.post("/wishlist/move-to-cart", data={"product_id": item.id},
                           follow_redirects=True)
    assert "Choose a colour or size of Coat first." in alerts(response.get_data(as_text=True))
    assert guest_session(client)[1] == [[item.id, None]]


def test_move_to_cart_of_a_sold_out_option_is_refused_and_kept(app, client, item):
    save(client, item, item.variants[0])
    set_stock(app, item.variants[0], 0)
    response = client.post("/wishlist/move-to-cart", data={"product_id": item.id,
                                                           "variant_id": item.variants[0].id},
                           follow_redirects=True)
    assert "Black / S is sold out." in alerts(response.get_data(as_text=True))
    assert guest_session(client)[1] == [[item.id, item.variants[0].id]]


def test_sellers_cannot_save_to_a_wishlist(app, client, auth, item):
    seller = auth.login_as("seller")
    response = save(client, item)
    assert any("for shopper accounts" in t for t in alerts(response.get_data(as_text=True)))
    assert wishlist_rows(app, seller) == []


def test_htmx_remove_returns_the_wishlist_body(client, item):
    save(client, item)
    response = client.post("/wishlist/remove", data={"product_id": item.id},
                           headers={"HX-Request": "true", "HX-Target": "wishlist-body"})
    body = response.get_data(as_text=True)
    assert 'id="wishlist-body"' in body and "Your wishlist is empty" in body
    assert 'id="wishlist-count"' in body


def test_saving_is_tracked(app, client, item):
    save(client, item)
    save(client, item)  # a duplicate is not a second save
    events = analytics_events(app, AnalyticsKind.ADD_TO_WISHLIST)
    assert [(e.product_id, e.shop_id) for e in events] == [(item.id, item.shop_id)]


def _wishlist_page_queries(app, client, auth, factory, entries):
    shopper = auth.login_as("shopper")
    for _ in range(entries):
        shop, product = shop_with_product(app, factory, variants=[("Red", "S", 1), ("Tan", "M", 2)])
        create_event(app, shop, [product])
        put_on_wishlist(app, shopper, product)
    with count_queries(app) as statements:
        assert client.get("/wishlist").status_code == 200
    return [s for s in statements if "notifications" not in s]  # another area's navbar badge


def test_wishlist_page_queries_do_not_grow_with_the_entries(app, client, auth, factory):
    few = _wishlist_page_queries(app, client, auth, factory, 1)
    auth.logout()
    many = _wishlist_page_queries(app, client, auth, factory, 10)
    assert len(many) == len(few) <= 8  # includes the navbar's one count query
