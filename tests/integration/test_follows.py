"""Following shops: login required, idempotent, exact follower counts, safe redirects, htmx."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.shops import Shop, ShopFollower
from tests.factories_catalog import create_product, create_shop, delete_shop, suspend_shop
from tests.factories_storefront import create_follow


@pytest.fixture
def shop(factory):
    return create_shop(factory, name="Fern Studio")


def followers(in_app, shop):
    """(rows in shop_followers, the shop's cached followers_count)."""
    def read():
        rows = db.session.scalar(select(func.count(ShopFollower.id)).filter_by(shop_id=shop.id))
        return rows, db.session.get(Shop, shop.id).followers_count
    return in_app(read)


def test_guest_following_is_sent_to_log_in_and_back(client, in_app, shop):
    response = client.post(f"/shop/{shop.slug}/follow")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "/auth/login" in location and f"next=/shop/{shop.slug}" in location.replace("%2F", "/")
    assert followers(in_app, shop) == (0, 0)


def test_following_adds_one_follower(client, auth, in_app, shop):
    auth.login_as("shopper")
    response = client.post(f"/shop/{shop.slug}/follow")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/shop/{shop.slug}")
    assert followers(in_app, shop) == (1, 1)


def test_following_twice_changes_nothing(client, auth, in_app, shop):
    auth.login_as("shopper")
    client.post(f"/shop/{shop.slug}/follow")
    assert client.post(f"/shop/{shop.slug}/follow").status_code == 302
    assert followers(in_app, shop) == (1, 1)


def test_unfollowing_removes_the_follower_and_twice_changes_nothing(client, auth, in_app, shop):
    auth.login_as("shopper")
    client.post(f"/shop/{shop.slug}/follow")
    assert client.post(f"/shop/{shop.slug}/unfollow").status_code == 302
    assert client.post(f"/shop/{shop.slug}/unfollow").status_code == 302
    assert followers(in_app, shop) == (0, 0)


def test_follower_count_is_recounted_from_rows(app, client, auth, factory, in_app, shop):
    for _ in range(2):
        create_follow(app, factory.shopper(), shop)
    auth.login_as("shopper")
    client.post(f"/shop/{shop.slug}/follow")
    assert followers(in_app, shop) == (3, 3)
    client.post(f"/shop/{shop.slug}/unfollow")
    assert followers(in_app, shop) == (2, 2)


def test_follow_returns_to_a_safe_next_page(app, client, auth, shop):
    product = create_product(app, shop)
    auth.login_as("shopper")
    response = client.post(f"/shop/{shop.slug}/follow", data={"next": f"/product/{product.slug}"})
    assert response.headers["Location"].endswith(f"/product/{product.slug}")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "javascript:x",
                                    "/\\evil.example"])
def test_follow_ignores_an_unsafe_next(client, auth, shop, target):
    auth.login_as("shopper")
    response = client.post(f"/shop/{shop.slug}/follow", data={"next": target})
    assert response.headers["Location"].endswith(f"/shop/{shop.slug}")


def test_htmx_follow_returns_only_the_button(client, auth, in_app, shop):
    auth.login_as("shopper")
    response = client.post(f"/shop/{shop.slug}/follow", headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith("<form") and "<html" not in body
    assert f'action="/shop/{shop.slug}/unfollow"' in body
    assert "Following" in body and "1 follower<" in body


def test_htmx_unfollow_returns_the_follow_button(client, auth, shop):
    auth.login_as("shopper")
    client.post(f"/shop/{shop.slug}/follow")
    response = client.post(f"/shop/{shop.slug}/unfollow", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert f'action="/shop/{shop.slug}/follow"' in body and "0 followers" in body


def test_htmx_guest_is_redirected_to_log_in_by_header(client, shop):
    response = client.post(f"/shop/{shop.slug}/follow", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert "/auth/login" in response.headers["HX-Redirect"]


def test_following_an_unknown_shop_is_a_404(client, auth):
    auth.login_as("shopper")
    assert client.post("/shop/no-such-shop/follow").status_code == 404


@pytest.mark.parametrize("hide", [suspend_shop, delete_shop])
def test_following_a_hidden_shop_is_a_404(app, client, auth, in_app, shop, hide):
    hide(app, shop)
    auth.login_as("shopper")
    assert client.post(f"/shop/{shop.slug}/follow").status_code == 404
    assert followers(in_app, shop) == (0, 0)


def test_seller_cannot_follow_their_own_shop(client, auth, in_app):
    seller = auth.login_as("seller")
    shop = in_app(lambda: db.session.scalars(select(Shop).filter_by(user_id=seller.id)).one())
    response = client.post(f"/shop/{shop.slug}/follow", follow_redirects=True)
    assert "You cannot follow your own shop." in response.get_data(as_text=True)
    assert followers(in_app, shop) == (0, 0)


def test_shop_page_shows_the_following_state(client, auth, shop):
    auth.login_as("shopper")
    client.post(f"/shop/{shop.slug}/follow")
    body = client.get(f"/shop/{shop.slug}").get_data(as_text=True)
    assert f'action="/shop/{shop.slug}/unfollow"' in body and "Following" in body


def test_follow_needs_post(client, shop):
    assert client.get(f"/shop/{shop.slug}/follow").status_code == 405
