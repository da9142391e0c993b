"""The seller and admin portals share one frame but show their own navigation."""
import re


def test_admin_portal_shows_the_marketplace_navigation(client, auth):
    auth.login_as("admin")
    html = client.get("/admin/").get_data(as_text=True)
    assert "portal--admin" in html
    assert 'aria-label="Admin"' in html
    assert 'href="/admin/outbox"' in html and 'href="/admin/orders"' in html


def test_seller_portal_shows_the_shop_navigation_with_the_current_page_marked(client, auth):
    auth.login_as("seller")
    html = client.get("/seller/").get_data(as_text=True)
    assert "portal--seller" in html
    assert 'href="/seller/orders"' in html
    assert re.search(r'href="/seller/"\s+aria-current="page"', html)
