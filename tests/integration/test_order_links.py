"""A shopper's order links its items to their products and, once delivered, to reviews; a
partly refunded order says so wherever order statuses are listed."""
import re

import pytest

from app.models.catalog import ProductStatus
from tests.factories_catalog import delete_product, set_product
from tests.factories_orders import order_row, paid_order


def order_page(client, number):
    response = client.get(f"/account/orders/{number}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def review_links(body):
    return re.findall(r'class="btn btn-sm btn-outline-primary mt-1 review-link" '
                      r'href="(/product/[^"#]+)#reviews"', body)


def test_items_link_to_their_product_pages(app, client, auth, shop, mug, plate, buyer):
    number = paid_order(app, buyer, shop, [(mug, 1), (plate, 2)])
    auth.login(buyer)
    body = order_page(client, number)
    assert f'<a href="/product/{mug.slug}">Stoneware mug</a>' in body
    assert f'<a href="/product/{plate.slug}">Side plate</a>' in body


@pytest.mark.parametrize("hide", ["deleted", "draft"])
def test_items_of_products_no_longer_on_sale_are_not_linked(app, client, auth, shop, mug,
                                                            plate, buyer, hide):
    number = paid_order(app, buyer, shop, [(mug, 1), (plate, 1)])
    if hide == "deleted":
        delete_product(app, mug)
    else:
        set_product(app, mug, status=ProductStatus.DRAFT)
    auth.login(buyer)
    body = order_page(client, number)
    assert f"/product/{mug.slug}" not in body and "Stoneware mug" in body
    assert f'<a href="/product/{plate.slug}">Side plate</a>' in body


def test_a_delivered_order_offers_one_review_link_per_product(app, client, auth, shop, mug,
                                                              plate, buyer):
    number = paid_order(app, buyer, shop, [(mug, 1), (plate, 1), (mug, 2)],
                        status="delivered")
    auth.login(buyer)
    body = order_page(client, number)
    assert review_links(body) == [f"/product/{mug.slug}", f"/product/{plate.slug}"]
    assert "Write a review<span class=\"visually-hidden\"> of Stoneware mug</span>" in body


@pytest.mark.parametrize("status", ["placed", "shipped", "cancelled"])
def test_an_order_not_delivered_offers_no_review_link(app, client, auth, shop, mug, buyer,
                                                      status):
    number = paid_order(app, buyer, shop, [(mug, 1)], status=status)
    auth.login(buyer)
    assert review_links(order_page(client, number)) == []


def test_a_product_already_reviewed_says_so_instead_of_offering_a_review(app, client, auth,
                                                                        shop, mug, plate,
                                                                        buyer):
    number = paid_order(app, buyer, shop, [(mug, 1), (plate, 1)], status="delivered")
    auth.login(buyer)
    # the link leads to the product page's review form, which takes the review
    assert client.post(f"/product/{mug.slug}/reviews", data={"rating": "5"}).status_code == 302
    body = order_page(client, number)
    assert review_links(body) == [f"/product/{plate.slug}"]
    assert "You reviewed this product." in body
    assert f'href="/product/{mug.slug}#reviews">See reviews' in body


def refund_one_unit(app, client, auth, seller, number):
    """Refund one unit of the order's first item through the seller's confirmation."""
    auth.login(seller)
    item = order_row(app, number)[0].items[0].id
    response = client.post(f"/seller/orders/{number}/refund",
                           data={f"qty-{item}": "1", "confirm": "yes"})
    assert response.status_code == 302
    auth.logout()


BADGE = "Partially refunded</span>"
LISTS = {"admin": "/admin/orders", "seller": "/seller/orders", "shopper": "/account/orders"}


def list_row(body, number):
    """The list's row (table row or card) of order `number`."""
    at = body.index(f">{number}<") if f">{number}<" in body else body.index(f"Order {number}<")
    end = min(i for i in (body.find("</tr>", at), body.find("</li>", at)) if i != -1)
    return body[at:end]


@pytest.mark.parametrize("viewer", LISTS)
def test_a_partly_refunded_order_shows_the_badge_in_every_order_list(
        app, client, auth, provider, seller, shop, mug, plate, buyer, viewer):
    partly = paid_order(app, buyer, shop, [(mug, 2), (plate, 1)])
    untouched = paid_order(app, buyer, shop, [(mug, 1)])
    refund_one_unit(app, client, auth, seller, partly)
    {"admin": lambda: auth.login_as("admin"), "seller": lambda: auth.login(seller),
     "shopper": lambda: auth.login(buyer)}[viewer]()
    body = client.get(LISTS[viewer]).get_data(as_text=True)
    row = list_row(body, partly)
    assert "Placed</span>" in row and BADGE in row
    assert BADGE not in list_row(body, untouched)


@pytest.mark.parametrize("path", ["/seller/orders/{n}", "/account/orders/{n}"])
def test_a_partly_refunded_order_shows_the_badge_on_its_page(app, client, auth, provider,
                                                             seller, shop, mug, buyer, path):
    number = paid_order(app, buyer, shop, [(mug, 2)])
    refund_one_unit(app, client, auth, seller, number)
    auth.login(seller if path.startswith("/seller") else buyer)
    assert BADGE in client.get(path.format(n=number)).get_data(as_text=True)


def test_a_fully_refunded_order_shows_refunded_without_the_partial_badge(
        app, client, auth, provider, seller, shop, mug, buyer):
    number = paid_order(app, buyer, shop, [(mug, 1)])
    refund_one_unit(app, client, auth, seller, number)
    auth.login_as("admin")
    row = list_row(client.get("/admin/orders").get_data(as_text=True), number)
    assert "Refunded</span>" in row and BADGE not in row
