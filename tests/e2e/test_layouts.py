"""Every page at 390 px (a phone) and 1280 px (a laptop): nothing scrolls sideways, no field or
button is cut off, and the header shows every item, "Log out" included, on one row."""
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.layout_pages import (
    CLICKED_TO,
    NOT_FOUND,
    PAGES,
    ROLES,
    SKIPPED,
    build_world,
    pages,
)
from tests.factories import PASSWORD
from tests.support import modes
from tests.support.server import LiveServer

pytestmark = pytest.mark.e2e

WIDTHS = (390, 1280)
PROBE = Path(__file__).with_name("layout_probe.js").read_text()
SCREENSHOTS = Path("/tmp/e2e_layouts")
SIGNED_IN = ["Shops", "Offers", "Notifications", "My account"]
STORE_LABELS = {
    "guest": ["Shops", "Offers", "Wishlist", "Cart", "Sell on", "Log in", "Sign up"],
    "shopper": ["Shops", "Offers", "Wishlist", "Cart", "Notifications", "My account"],
    "seller": SIGNED_IN,
    "admin": SIGNED_IN,
}
PORTAL_LABELS = ["View store", "Log out"]


class Checker:
    """Visits pages in one browser context and collects every problem the probe finds."""

    def __init__(self, page, role, width):
        self.page, self.role, self.width = page, role, width
        self.labels = {"store": STORE_LABELS[role], "portal": PORTAL_LABELS}
        self.problems = []

    def visit(self, path, status=200):
        response = self.page.goto(path)
        self.check(path, response.status, status, urlsplit(path).path)

    def click_to(self, locator, what):
        """Click `locator`, which navigates, and check the page it leads to."""
        with self.page.expect_navigation() as navigation:
            locator.click()
        self.check(f"{urlsplit(self.page.url).path} ({what})", navigation.value.status)

    def check(self, what, status=200, expected=200, path=None, labels=None):
        where = f"{self.role} at {self.width}px, {what}"
        if status != expected:
            self.problems.append(f"{where}: answered {status}, not {expected}")
            return
        if path is not None and urlsplit(self.page.url).path != path:
            self.problems.append(f"{where}: redirected to {self.page.url}")
            return
        found = self.page.evaluate(PROBE, labels or self.labels)
        self.problems += [f"{where}: {problem}" for problem in found]
        if found:
            SCREENSHOTS.mkdir(exist_ok=True)
            name = re.sub(r"\W+", "-", f"{self.role}-{self.width}-{what}")[:120]
            self.page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    def open_header_menus(self):
        """The collapsed menu (narrow screens) and the account menu show all their items."""
        header = self.page.locator(".site-header")
        toggler = header.locator(".navbar-toggler")
        if toggler.is_visible():
            toggler.click()
            header.locator(".navbar-collapse.show").wait_for()
            self.check("the header menu, opened")
        if self.role != "guest":
            header.get_by_role("button", name="My account").click()
            header.locator(".dropdown-menu.show").wait_for()
            self.check("the account menu, opened", labels={"store": ["Log out"], "portal": []})


@pytest.fixture
def server(make_app):
    """The app over HTTP with CSRF on, its static files cacheable as in production (nginx), so
    a context fetches them once instead of revalidating eight of them on every page."""
    live = LiveServer(make_app(WTF_CSRF_ENABLED=True, SEND_FILE_MAX_AGE_DEFAULT=3600)).start()
    yield live
    live.stop()


def log_in(page, user):
    page.goto("/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert urlsplit(page.url).path != "/auth/login", f"{user.email} could not log in"


def guest_flows(checker, world, mailbox):
    """A guest fills the cart and resets a password, checking the pages that leads through."""
    page = checker.page
    page.goto(f"/product/{world.bowl_slug}")
    with page.expect_navigation():
        page.get_by_role("button", name="Add to cart").click()
    checker.visit("/cart")
    page.goto("/auth/forgot")
    email = world.users["shopper"].email
    page.get_by_label("Email").fill(email)
    checker.click_to(page.get_by_role("button", name="Send code"), "after Send code")
    code = mailbox.wait_for(email, subject="code", timeout=15).code
    page.get_by_label("6-digit code").fill(code)
    checker.click_to(page.get_by_role("button", name="Continue"), "the emailed code entered")


def shopper_flows(checker, world, mailbox):
    """The shopper pays for the cart with the offline test provider."""
    page = checker.page
    checker.click_to(page.get_by_role("button", name=re.compile(r"^Pay \$")), "after Pay")
    checker.click_to(page.get_by_role("button", name="Pay now (test)"), "after paying")


def new_seller_page(checker, world):
    """A new seller lands on shop creation; then the shop's owner signs in instead."""
    log_in(checker.page, world.new_seller)
    checker.check("their first page", path="/seller/shop/new")
    checker.page.context.clear_cookies()


FLOWS = {"guest": guest_flows, "shopper": shopper_flows}


def test_every_get_route_is_visited_or_skipped_with_a_reason(app):
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    covered = {endpoint for _, endpoint, _ in PAGES if endpoint}
    covered |= set(CLICKED_TO) | set(SKIPPED)
    assert routes - covered == set(), "list these pages in tests/e2e/layout_pages.py"
    assert covered - routes == set(), "these pages are gone: take them out of layout_pages.py"


@pytest.mark.skipif(modes.SERVICES, reason="layout does not depend on PostgreSQL or Redis: "
                                           "the embedded run checks it")
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", ROLES)
def test_pages_fit_the_width_with_every_header_item_in_view(browser, server, app, factory,
                                                            mailbox, role, width):
    world = build_world(app, factory)
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  base_url=server.url, reduced_motion="reduce")
    checker = Checker(context.new_page(), role, width)
    try:
        if role == "seller":
            new_seller_page(checker, world)
        if role != "guest":
            log_in(checker.page, world.users[role])
        for n, path in enumerate(pages(role, world)):
            checker.visit(path, 404 if path == NOT_FOUND else 200)
            if n == 0:
                checker.open_header_menus()
        if role in FLOWS:
            FLOWS[role](checker, world, mailbox)
    finally:
        context.close()
    assert not checker.problems, "\n".join(checker.problems)
