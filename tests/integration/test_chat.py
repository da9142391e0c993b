"""Messages between shoppers and sellers: start from a product, reply, read, and who may see."""
import re

import pytest

from app.services.messaging import chat
from tests.conftest import Auth
from tests.factories_catalog import create_product, suspend_shop


@pytest.fixture
def seller(factory):
    return factory.seller(with_shop=False, name="Sam Seller")


@pytest.fixture
def shop(factory, seller):
    return factory.shop(seller, name="Mug House")


def signed_in(app, factory, user):
    client = app.test_client()
    Auth(client, factory).login(user)
    return client


def start(client, shop, body="Is this mug dishwasher safe?", product=None):
    data = {"shop": shop.slug, "body": body}
    if product is not None:
        data["product"] = product.id
    return client.post("/messages/new", data=data)


def text(response):
    return response.get_data(as_text=True)


def test_chat_with_seller_asks_a_guest_to_log_in_first(app, client, shop):
    response = client.get(f"/messages/new?shop={shop.slug}")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_a_shopper_writes_to_a_shop_about_a_product(app, factory, shop):
    product = create_product(app, shop, "Blue Mug")
    client = signed_in(app, factory, factory.shopper(name="Ada Shopper"))
    compose = client.get(f"/messages/new?shop={shop.slug}&product={product.id}")
    assert compose.status_code == 200 and "Blue Mug" in text(compose)
    response = start(client, shop, product=product)
    assert response.status_code == 302
    page = text(client.get(response.location.split("#")[0]))
    assert "Is this mug dishwasher safe?" in page and shop.name in page


def test_the_seller_sees_the_message_unread_and_replies(app, factory, seller, shop):
    shopper = factory.shopper(name="Ada Shopper")
    start(signed_in(app, factory, shopper), shop)
    seller_client = signed_in(app, factory, seller)
    inbox = text(seller_client.get("/messages/"))
    assert "Ada Shopper" in inbox and "Unread" in inbox
    link = re.search(r'href="(/messages/\d+)#latest"', inbox).group(1)
    assert "Is this mug dishwasher safe?" in text(seller_client.get(link))
    assert "Unread" not in text(seller_client.get("/messages/"))
    assert seller_client.post(link, data={"body": "Yes, it is."}).status_code == 302
    with app.app_context():
        assert chat.unread_count(shopper.id) == 1


def test_a_second_first_message_joins_the_same_conversation(app, factory, shop):
    client = signed_in(app, factory, factory.shopper())
    first = start(client, shop).location
    assert start(client, shop, "And in blue?").location == first
    assert client.get(f"/messages/new?shop={shop.slug}").location.startswith(first.split("#")[0])


@pytest.mark.parametrize("body, reason", [("   ", "Write a message first."),
                                          ("x" * 2001, "under 2,000 characters")])
def test_an_empty_or_overlong_message_is_refused_with_a_reason(app, factory, shop, body,
                                                               reason):
    shopper = factory.shopper()
    response = start(signed_in(app, factory, shopper), shop, body)
    assert response.status_code == 422 and reason in text(response)
    with app.app_context():
        assert chat.inbox(shopper.id) == []


def test_another_shopper_cannot_read_or_write_in_a_conversation(app, factory, shop):
    link = start(signed_in(app, factory, factory.shopper()), shop).location.split("#")[0]
    stranger = signed_in(app, factory, factory.shopper())
    assert stranger.get(link).status_code == 404
    assert stranger.post(link, data={"body": "Hello?"}).status_code == 404


def test_a_seller_cannot_message_their_own_shop(app, factory, seller, shop):
    response = start(signed_in(app, factory, seller), shop)
    assert response.status_code == 302 and response.location.endswith("/messages/")


def test_an_unknown_or_suspended_shop_is_a_404(app, factory, shop):
    client = signed_in(app, factory, factory.shopper())
    assert client.get("/messages/new?shop=no-such-shop").status_code == 404
    suspend_shop(app, shop)
    assert start(client, shop).status_code == 404


def test_a_product_of_another_shop_is_not_the_subject(app, factory, shop):
    other = create_product(app, factory.shop(factory.seller(with_shop=False)), "Elsewhere")
    client = signed_in(app, factory, factory.shopper())
    page = text(client.get(f"/messages/new?shop={shop.slug}&product={other.id}"))
    assert "Elsewhere" not in page


def test_the_account_menu_counts_unread_conversations(app, factory, seller, shop):
    shopper = factory.shopper()
    shopper_client = signed_in(app, factory, shopper)
    link = start(shopper_client, shop).location.split("#")[0]
    signed_in(app, factory, seller).post(link, data={"body": "Yes, it is."})
    profile = text(shopper_client.get("/account/"))
    assert re.search(r'href="/messages/"[^>]*>.*?Messages\s*<span class="badge[^>]*>1<', profile,
                     re.S)
