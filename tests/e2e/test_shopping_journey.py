"""A guest searches, picks a variant, adds two to the cart and applies a discount code."""
import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models.catalog import DiscountCode
from tests.factories_catalog import create_product, create_shop

pytestmark = pytest.mark.e2e

MUG = "Enamel Camping Mug"
PRICE_CENTS = 1275  # 2 x $12.75 = $25.50; 10 % off = $2.55 (exact); total $22.95
SCREENSHOT = "/tmp/e2e_shopping.png"


def create_discount_code(app, code, percent_off, shop=None, min_subtotal_cents=0):
    """A committed percent-off code, active now; marketplace-wide unless `shop` is given."""
    with app.app_context():
        db.session.add(DiscountCode(code=code, percent_off=percent_off,
                                    shop_id=shop.id if shop is not None else None,
                                    min_subtotal_cents=min_subtotal_cents, is_active=True))
        db.session.commit()


@pytest.fixture
def catalogue(app, factory):
    shop = create_shop(factory, name="Trailhead Goods")
    create_product(app, shop, MUG, PRICE_CENTS,
                   variants=[("Red", "Small", 5), ("Blue", "Small", 0)])
    create_product(app, shop, "Beeswax Candle", 900, variants=[("", "", 4)])
    # One mug ($12.75) is not enough; two ($25.50) are.
    create_discount_code(app, "SPRING10", 10, shop=shop, min_subtotal_cents=2000)
    return shop


def navbar(page):
    return page.get_by_role("navigation", name="Main")


def cart_body(page):
    return page.locator("#cart-body")


def test_guest_finds_a_mug_adds_two_and_gets_ten_percent_off(page, live_server, catalogue):
    page.goto(live_server.url)
    search = navbar(page).get_by_label("Search products")
    search.fill("camping mug")
    search.press("Enter")

    expect(page).to_have_url(re.compile(r"/products\?q=camping\+mug$"))
    titles = page.locator(".listing-grid .product-title")
    expect(titles).to_have_text([MUG])  # the candle does not match
    titles.get_by_role("link", name=MUG).click()

    expect(page).to_have_url(re.compile(r"/product/enamel-camping-mug-\d+$"))
    expect(page.get_by_role("heading", level=1, name=MUG)).to_be_visible()
    variant = page.get_by_label("Colour / size")
    expect(variant.locator("option", has_text="Blue / Small")).to_be_disabled()
    variant.select_option(label="Red / Small — 5 left")
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()

    expect(page.get_by_text(f"Added 2 × {MUG} (Red / Small) to your cart.")).to_be_visible()
    expect(navbar(page).locator("#cart-count")).to_have_text("2 items in your cart")
    navbar(page).get_by_role("link", name=re.compile(r"^Cart")).click()

    expect(page).to_have_url(re.compile(r"/cart$"))
    expect(page.get_by_role("heading", level=1, name="Your cart")).to_be_visible()
    body = cart_body(page)
    line = body.locator(".cart-line", has=page.get_by_role("link", name=MUG))
    expect(line).to_have_count(1)
    expect(line.locator(".cart-line-option")).to_have_text("Red / Small")
    expect(line.get_by_label(f"Quantity of {MUG}, Red / Small")).to_have_value("2")
    expect(line.locator(".cart-line-price")).to_contain_text("$12.75")
    expect(line.locator(".cart-line-total")).to_contain_text("$25.50")
    summary = body.get_by_role("complementary", name="Summary")
    expect(summary.locator(".cart-totals dd").first).to_have_text("$25.50")
    expect(summary.locator(".cart-total dd")).to_have_text("$25.50")
    expect(summary.locator(".cart-discount")).to_have_count(0)

    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Discount code").fill("spring10")  # typed in lower case
    page.get_by_role("button", name="Apply").click()

    expect(body.get_by_role("status")).to_have_text("Code SPRING10 applied: you save $2.55.")
    discount = summary.locator(".cart-discount")
    expect(discount).to_contain_text("SPRING10")
    expect(discount.locator("dd")).to_have_text("−$2.55")
    expect(summary.locator(".cart-totals dd").first).to_have_text("$25.50")
    expect(summary.locator(".cart-total dd")).to_have_text("$22.95")

    page.get_by_label("Discount code").fill("NOSUCHCODE")
    page.get_by_role("button", name="Apply").click()

    expect(body.get_by_role("alert")).to_have_text(
        "We do not know the code NOSUCHCODE. Check the spelling and try again.")
    # The bad code is refused; the one already on the cart stays.
    expect(summary.locator(".cart-discount dd")).to_have_text("−$2.55")
    expect(summary.locator(".cart-total dd")).to_have_text("$22.95")
    assert page.evaluate("window.stillTheSamePage") is True  # htmx swapped the cart in place
    page.screenshot(path=SCREENSHOT, full_page=True)
