"""The followed-shops page: the shopper's own follows, open shops only, with unfollow forms."""
from datetime import timedelta
from urllib.parse import urlsplit

from app.models.base import utcnow
from tests.factories_account import follow
from tests.factories_catalog import create_shop, delete_shop, suspend_shop


def test_followed_shops_are_listed_most_recent_first(app, client, auth, factory):
    shopper = auth.login_as("shopper")
    now = utcnow()
    earlier = create_shop(factory, name="Earlier Follow")
    later = create_shop(factory, name="Later Follow")
    follow(app, shopper, earlier, created_at=now - timedelta(days=5))
    follow(app, shopper, later, created_at=now - timedelta(days=1))
    body = client.get("/account/following").get_data(as_text=True)
    assert body.index("Later Follow") < body.index("Earlier Follow")
    assert f'href="/shop/{later.slug}"' in body


def test_each_shop_has_an_unfollow_form_that_comes_back_here(app, client, auth, factory):
    shopper = auth.login_as("shopper")
    shop = create_shop(factory, name="Pottery Barn Owl")
    follow(app, shopper, shop)
    body = client.get("/account/following").get_data(as_text=True)
    assert f'<form method="post" action="/shop/{shop.slug}/unfollow">' in body
    assert 'name="next" value="/account/following"' in body
    assert 'name="csrf_token"' in body


def test_unfollowing_from_the_list_comes_back_without_the_shop(app, client, auth, factory):
    shopper = auth.login_as("shopper")
    gone = create_shop(factory, name="Goodbye Goods")
    kept = create_shop(factory, name="Staying Studio")
    follow(app, shopper, gone)
    follow(app, shopper, kept)
    response = client.post(f"/shop/{gone.slug}/unfollow", data={"next": "/account/following"},
                           follow_redirects=True)
    body = response.get_data(as_text=True)
    assert response.request.path == "/account/following"
    assert "You no longer follow Goodbye Goods." in body
    assert 'class="shop-name d-block text-truncate">Goodbye Goods' not in body
    assert "Staying Studio" in body


def test_only_the_shoppers_own_follows_are_listed(app, client, auth, factory):
    auth.login_as("shopper")
    shop = create_shop(factory, name="Not Followed By Me")
    follow(app, factory.shopper(), shop)
    body = client.get("/account/following").get_data(as_text=True)
    assert "Not Followed By Me" not in body
    assert "You do not follow any shops yet." in body


def test_suspended_and_deleted_shops_are_left_out(app, client, auth, factory):
    shopper = auth.login_as("shopper")
    suspended = create_shop(factory, name="Suspended Shop")
    deleted = create_shop(factory, name="Deleted Shop")
    open_shop = create_shop(factory, name="Open Shop")
    for shop in (suspended, deleted, open_shop):
        follow(app, shopper, shop)
    suspend_shop(app, suspended)
    delete_shop(app, deleted)
    body = client.get("/account/following").get_data(as_text=True)
    assert "Open Shop" in body
    assert "Suspended Shop" not in body
    assert "Deleted Shop" not in body


def test_nonsense_page_numbers_show_a_normal_page(app, client, auth, factory):
    shopper = auth.login_as("shopper")
    follow(app, shopper, create_shop(factory, name="Only Shop"))
    for page in ("0", "-1", "abc", "99999999999999999999"):
        response = client.get(f"/account/following?page={page}")
        assert response.status_code == 200
        assert "Only Shop" in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/account/following")
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/auth/login"
