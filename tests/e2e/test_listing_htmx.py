"""The /products filters in a real browser: htmx swaps results in place, URLs stay shareable."""
import re

import pytest
from playwright.sync_api import expect

from tests.factories_catalog import create_product, create_shop

pytestmark = pytest.mark.e2e


@pytest.fixture
def catalogue(app, factory):
    shop = create_shop(factory, name="Fern Studio")
    create_product(app, shop, "Red enamel mug", 1200, variants=[("Red", "", 3)])
    create_product(app, shop, "Blue enamel mug", 900, variants=[("Blue", "", 3)])
    create_product(app, shop, "Red beeswax candle", 1500, variants=[("Red", "", 0)])


def grid(page):
    return page.locator(".listing-grid .product-title")


def test_ticking_a_colour_swaps_the_results_and_pushes_the_url(page, live_server, catalogue):
    page.goto(f"{live_server.url}/products")
    expect(grid(page)).to_have_count(3)
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_role("checkbox", name=re.compile("^Red")).check()
    expect(page).to_have_url(re.compile(r"/products\?color=Red$"))
    expect(grid(page)).to_have_count(2)
    page.get_by_role("checkbox", name="In stock").check()
    expect(page).to_have_url(re.compile(r"color=Red&in_stock=1$"))
    expect(grid(page)).to_have_text(["Red enamel mug"])
    assert page.evaluate("window.stillTheSamePage") is True  # no full reload

    page.get_by_label("Sort by").select_option("price_desc")
    expect(page).to_have_url(re.compile(r"sort=price_desc"))
    page.get_by_role("link", name=re.compile("Colour: Red")).click()
    expect(page).to_have_url(re.compile(r"/products\?in_stock=1&sort=price_desc$"))
    expect(page.get_by_role("checkbox", name=re.compile("^Red"))).not_to_be_checked()
    expect(grid(page)).to_have_text(["Red enamel mug", "Blue enamel mug"])

    page.go_back()
    expect(page).to_have_url(re.compile(r"color=Red"))
    expect(grid(page)).to_have_text(["Red enamel mug"])


def test_filters_work_without_javascript(browser, live_server, catalogue):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/products?q=mug")
    page.get_by_role("checkbox", name=re.compile("^Blue")).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/products\?q=mug&color=Blue$"))
    expect(grid(page)).to_have_text(["Blue enamel mug"])
    context.close()
