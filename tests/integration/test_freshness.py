"""The freshness contract, across two worker processes sharing the database and the cache:
after any write shoppers can see, every storefront page of every worker shows it within 2 s;
and a signed-in visitor's page never reaches a guest.

Each test loads its pages in both workers first (so they are cached and show the old state),
writes through the test process's cached app (services or the ORM, as the app's own code
does), then polls every page of every worker until it shows the change.
"""
import time
from dataclasses import dataclass
from datetime import timedelta

import pytest
import requests

from app.extensions import db
from app.models.base import utcnow
from app.models.catalog import Product, ProductImage, ProductStatus
from app.models.shops import ShopStatus
from app.services.catalog import reviews
from app.services.orders import stock
from tests.factories import PASSWORD, Factory
from tests.factories_cart import set_stock
from tests.factories_catalog import (
    create_category,
    create_event,
    create_product,
    create_shop,
    delete_product,
    set_product,
)
from tests.factories_storefront import create_order, set_shop
from tests.support.page_workers import page_workers

WITHIN_SECONDS = 2.0
# How far ahead an event starts or ends: time enough to load its pages before it does.
LEAD = timedelta(seconds=2.5)
HTTP_TIMEOUT = 10


@pytest.fixture(scope="module")
def workers(app, base_config, tmp_path_factory):
    """Base URLs of two worker processes configured like `cached_app` (same database, same
    cache: files in the embedded run, Redis in the services run), started once `app` has
    built the schema."""
    overrides = {**base_config, "STOREFRONT_CACHE_SECONDS": 60}
    with page_workers(overrides, tmp_path_factory.mktemp("page-workers")) as urls:
        yield urls


@dataclass(frozen=True)
class Scene:
    shop: object
    category: object
    teapot: object
    jug: object

    @property
    def pages(self):
        """The storefront pages showing the teapot, by name."""
        return {"home": "/", "listing": f"/products?category={self.category.slug}",
                "search": "/products?q=teapot", "product": f"/product/{self.teapot.slug}",
                "shop": f"/shop/{self.shop.slug}", "offers": "/offers"}


@pytest.fixture
def scene(cached_app):
    """A shop with a teapot (6 in stock, on a live 20 % offer) and a jug (no offer), written
    through the cached app, as every write in this module is, so the workers' cache hears of it."""
    shop = create_shop(Factory(cached_app), name="Kiln Row")
    category = create_category(cached_app, name="Teaware")
    teapot = create_product(cached_app, shop, "Quiet Teapot", price_cents=4000,
                            category=category, tags="stoneware",
                            description_html="<p>Thrown by hand.</p>", variants=[("", "", 6)])
    jug = create_product(cached_app, shop, "Still Jug", price_cents=3000, category=category)
    create_event(cached_app, shop, [teapot], discount_percent=20, title="Kiln Sale")
    return Scene(shop, category, teapot, jug)


def link(product):
    """A product's link on a card (its own page links to itself otherwise)."""
    return f'/product/{product.slug}"'


@dataclass(frozen=True)
class Expect:
    """What a page looks like once the change is visible: `text` shown, or not (a 404 shows
    nothing)."""

    text: str
    present: bool = True

    def met(self, response):
        if response.status_code == 404:
            return not self.present
        assert response.status_code == 200, (response.url, response.status_code)
        return (self.text in response.text) == self.present

    def __str__(self):
        return f"{'shows' if self.present else 'lacks'} {self.text!r}"


def shows(text):
    return Expect(text)


def lacks(text):
    return Expect(text, present=False)


def get(url, session=None):
    return (session or requests).get(url, timeout=HTTP_TIMEOUT, allow_redirects=False)


def assert_fresh(workers, expected, write, visible_at=None):
    """Load each page of `expected` ({path: Expect}) in every worker and check it does not
    show the change yet; run `write()`; then every page of every worker must show it within
    WITHIN_SECONDS of the write (or of `visible_at`, a UTC moment such as an event's start)."""
    for base in workers:
        for path, expect in expected.items():
            assert not expect.met(get(base + path)), f"{base}{path} {expect} before the write"
    write()
    if visible_at is None:
        deadline = time.monotonic() + WITHIN_SECONDS
    else:
        deadline = time.monotonic() + (visible_at - utcnow()).total_seconds() + WITHIN_SECONDS
    pending = {(base, path) for base in workers for path in expected}
    while True:
        stale = {}
        for base, path in sorted(pending):
            response = get(base + path)
            if not expected[path].met(response):
                stale[base, path] = response.status_code
        pending = set(stale)
        if not pending:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"still stale {WITHIN_SECONDS} s after the change:\n" + "\n".join(
                f"  {base}{path} (HTTP {status}) should have {expected[path]}"
                for (base, path), status in sorted(stale.items())))
        time.sleep(0.05)


def in_context(app, change):
    """Run `change()` in an app context of `app` and commit, as a service operation does."""
    def write():
        with app.app_context():
            change()
            db.session.commit()
    return write


def test_a_new_title_shows_on_every_page_of_every_worker(cached_app, workers, scene):
    pages = {**scene.pages, "search": "/products?q=lantern"}
    assert_fresh(workers, {path: shows("Lantern Teapot") for path in pages.values()},
                 lambda: set_product(cached_app, scene.teapot, title="Lantern Teapot"))


def test_a_new_tag_finds_the_product_in_every_worker(cached_app, workers, scene):
    assert_fresh(workers, {"/products?q=celadon": shows(link(scene.teapot))},
                 lambda: set_product(cached_app, scene.teapot, tags="stoneware,celadon"))


def test_a_new_description_shows_on_the_product_page_and_in_search(cached_app, workers, scene):
    expected = {scene.pages["product"]: shows("Wood-fired in Devon"),
                "/products?q=devon": shows(link(scene.teapot))}
    assert_fresh(workers, expected, lambda: set_product(
        cached_app, scene.teapot, description_html="<p>Wood-fired in Devon.</p>"))


def test_a_new_price_shows_on_every_page_of_every_worker(cached_app, workers, scene):
    assert_fresh(workers, {path: shows("$31.00") for path in scene.pages.values()},
                 lambda: set_product(cached_app, scene.teapot, regular_price_cents=3100))


def test_a_sellers_stock_edit_shows_on_the_product_page(cached_app, workers, scene):
    assert_fresh(workers, {scene.pages["product"]: shows("Only 2 left")},
                 lambda: set_stock(cached_app, scene.teapot.variants[0], 2))


def test_a_new_first_image_shows_on_every_page_of_every_worker(cached_app, workers, scene):
    add = in_context(cached_app, lambda: db.session.add(ProductImage(
        product_id=scene.teapot.id, url="/media/teapot-side.jpg", position=-1)))
    assert_fresh(workers, {path: shows("/media/teapot-side.jpg")
                           for path in scene.pages.values()}, add)


@pytest.mark.parametrize("hide", ["seller unpublishes", "seller deletes", "admin archives",
                                  "admin suspends the shop"])
def test_a_hidden_product_leaves_every_page_of_every_worker(cached_app, workers, scene, hide):
    teapot = scene.teapot
    writes = {
        "seller unpublishes": lambda: set_product(cached_app, teapot, status=ProductStatus.DRAFT),
        "seller deletes": lambda: delete_product(cached_app, teapot),
        "admin archives": lambda: set_product(cached_app, teapot, status=ProductStatus.ARCHIVED),
        "admin suspends the shop": lambda: set_shop(cached_app, scene.shop,
                                                    status=ShopStatus.SUSPENDED),
    }
    expected = {path: lacks(link(teapot)) for path in scene.pages.values()}
    expected[scene.pages["product"]] = lacks("Quiet Teapot")  # the page itself: 404
    assert_fresh(workers, expected, writes[hide])


def test_stock_taken_by_an_order_shows_in_every_worker(cached_app, workers, scene):
    in_stock = f"/products?category={scene.category.slug}&in_stock=1"
    expected = {scene.pages["product"]: shows("Out of stock"),
                in_stock: lacks(link(scene.teapot)),
                "/products?q=teapot&in_stock=1": lacks(link(scene.teapot))}
    take = in_context(cached_app, lambda: stock.take_all({scene.teapot.variants[0].id: 6}))
    assert_fresh(workers, expected, take)


def offer_pages(scene, product):
    """The pages where a product's offer shows: {name: path}."""
    return {"product": f"/product/{product.slug}", "offers": "/offers",
            "shop": f"/shop/{scene.shop.slug}",
            "listing": f"/products?category={scene.category.slug}&on_offer=1",
            "search": "/products?q=jug&on_offer=1"}


def test_an_event_starting_shows_in_every_worker_without_a_write(cached_app, workers, scene):
    starts_at = utcnow() + LEAD
    create_event(cached_app, scene.shop, [scene.jug], discount_percent=50, title="Dawn Sale",
                 starts_at=starts_at, ends_at=starts_at + timedelta(days=1))
    pages = offer_pages(scene, scene.jug)
    expected = {pages["product"]: shows("$15.00"), pages["offers"]: shows("$15.00"),
                pages["shop"]: lacks("Coming soon"),
                pages["listing"]: shows(link(scene.jug)),
                pages["search"]: shows(link(scene.jug))}
    assert_fresh(workers, expected, lambda: None, visible_at=starts_at)


def test_an_event_ending_shows_in_every_worker_without_a_write(cached_app, workers, scene):
    ends_at = utcnow() + LEAD
    create_event(cached_app, scene.shop, [scene.jug], discount_percent=50, title="Dusk Sale",
                 starts_at=ends_at - timedelta(hours=1), ends_at=ends_at)
    pages = offer_pages(scene, scene.jug)
    expected = {pages["product"]: lacks("$15.00"), pages["offers"]: lacks("Dusk Sale"),
                pages["shop"]: lacks("Dusk Sale"),
                pages["listing"]: lacks(link(scene.jug)),
                pages["search"]: lacks(link(scene.jug))}
    assert_fresh(workers, expected, lambda: None, visible_at=ends_at)


def test_a_new_review_shows_on_every_page_of_every_worker(cached_app, workers, scene):
    buyer = Factory(cached_app).shopper()
    create_order(cached_app, buyer, [scene.teapot])

    def review():
        with cached_app.app_context():
            teapot = db.session.get(Product, scene.teapot.id)
            reviews.review_product(buyer.id, teapot, 5, title="Pours without a drip")

    one_review = '(1<span class="visually-hidden"> reviews</span>)'
    expected = {scene.pages[name]: shows(one_review)
                for name in ("home", "listing", "search", "shop")}
    expected[scene.pages["product"]] = shows("Pours without a drip")
    assert_fresh(workers, expected, review)


def test_a_members_pages_never_reach_guests_of_any_worker(cached_app, workers, scene):
    member = Factory(cached_app).shopper(name="Marguerite Oakhanger")
    first = workers[0]
    signed_in = requests.Session()
    response = signed_in.post(f"{first}/auth/login", timeout=HTTP_TIMEOUT,
                              allow_redirects=False,
                              data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 302, response.text[:500]
    paths = [scene.pages[name] for name in ("home", "listing", "product")]
    for path in paths:
        assert "Marguerite Oakhanger" in get(first + path, signed_in).text, path
    for base in workers:
        for path in paths:
            page = get(base + path)
            assert page.status_code == 200, (base, path)
            assert "Marguerite Oakhanger" not in page.text, (base, path)
            assert "My account" not in page.text and "/auth/logout" not in page.text, (base, path)
            assert "Log in" in page.text, (base, path)
