"""The storefront with its cache on: pages are reused, yet every write shoppers can see shows
at once, on the page itself and on every page that lists or links the product."""
import pytest

from app.models.catalog import ProductStatus
from tests.factories_catalog import (
    add_image,
    create_category,
    create_product,
    create_review,
    create_shop,
    delete_product,
    set_product,
)
from tests.factories_storefront import set_shop
from tests.support.queries import count_queries


@pytest.fixture
def shop(factory):
    return create_shop(factory, name="Cache & Co")


def body(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def related_section(page):
    start = page.index('id="related-heading"')
    return page[start:page.index("</section>", start)]


def sidebar(page):
    start = page.index('id="listing-filters"')
    return page[start:page.index("</details>", start)]


@pytest.mark.parametrize("path", ["/", "/products?q=steady", "product"])
def test_a_guests_repeat_visit_to_an_unchanged_page_reads_nothing(cached_app, shop, path):
    product = create_product(cached_app, shop, title="Steady Arrival")
    path = f"/product/{product.slug}" if path == "product" else path
    client = cached_app.test_client()
    assert "Steady Arrival" in body(client, path)
    with count_queries(cached_app) as queries:
        assert "Steady Arrival" in body(client, path)
    reads = [sql for sql in queries.statements if not sql.startswith("INSERT")]
    assert reads == [], queries  # only the visit or search is recorded


def test_a_new_product_shows_on_the_home_page_at_once(cached_app, shop):
    client = cached_app.test_client()
    create_product(cached_app, shop, title="First Arrival")
    assert "First Arrival" in body(client, "/")
    create_product(cached_app, shop, title="Second Arrival")
    page = body(client, "/")
    assert "Second Arrival" in page and "First Arrival" in page


def test_a_new_price_shows_on_the_home_page_at_once(cached_app, shop):
    client = cached_app.test_client()
    product = create_product(cached_app, shop, title="Priced Arrival", price_cents=4200)
    assert "$42.00" in body(client, "/")
    set_product(cached_app, product, regular_price_cents=3100)
    page = body(client, "/")
    assert "$31.00" in page and "$42.00" not in page


def test_home_sections_are_fresh_without_the_cache(app, client, shop):
    create_product(app, shop, title="First Arrival")
    assert "First Arrival" in body(client, "/")
    create_product(app, shop, title="Second Arrival")
    assert "Second Arrival" in body(client, "/")


@pytest.mark.parametrize("hide", ["draft", "deleted"])
def test_a_hidden_product_leaves_its_page_and_the_home_page_at_once(cached_app, shop, hide):
    client = cached_app.test_client()
    product = create_product(cached_app, shop, title="Soon Gone")
    assert "Soon Gone" in body(client, f"/product/{product.slug}")
    assert "Soon Gone" in body(client, "/")
    if hide == "draft":
        set_product(cached_app, product, status=ProductStatus.DRAFT)
    else:
        delete_product(cached_app, product)
    assert client.get(f"/product/{product.slug}").status_code == 404
    assert "Soon Gone" not in body(client, "/")


def test_the_listing_shows_a_new_price_at_once(cached_app, shop):
    client = cached_app.test_client()
    product = create_product(cached_app, shop, title="Repriced Mug", price_cents=4200)
    assert "$42.00" in body(client, "/products")
    set_product(cached_app, product, regular_price_cents=3100)
    page = body(client, "/products")
    assert "$31.00" in page and "$42.00" not in page


def test_the_listing_sidebar_drops_a_hidden_products_brand_at_once(cached_app, shop):
    client = cached_app.test_client()
    first = create_product(cached_app, shop, title="Sidebar Mug", brand="Alder")
    create_product(cached_app, shop, title="Other Mug", brand="Birch")
    page = body(client, "/products?sort=price_asc")
    assert "Sidebar Mug" in page and 'value="Alder"' in sidebar(page)
    delete_product(cached_app, first)
    page = body(client, "/products?sort=price_asc")
    assert "Sidebar Mug" not in page and 'value="Alder"' not in sidebar(page)
    assert 'value="Birch"' in sidebar(page)


def test_the_listing_sidebar_counts_a_new_product_at_once(cached_app, shop):
    client = cached_app.test_client()
    create_product(cached_app, shop, title="Counted Mug", brand="Alder")
    assert 'value="Birch"' not in sidebar(body(client, "/products"))
    create_product(cached_app, shop, title="Newer Mug", brand="Birch")
    page = body(client, "/products")
    assert "Newer Mug" in page and 'value="Birch"' in sidebar(page)


def test_a_hidden_neighbour_drops_out_at_once(cached_app, shop):
    client = cached_app.test_client()
    category = create_category(cached_app)
    product = create_product(cached_app, shop, category=category)
    neighbour = create_product(cached_app, shop, title="Next Door Mug", category=category)
    assert "Next Door Mug" in body(client, f"/product/{product.slug}")
    set_product(cached_app, neighbour, status=ProductStatus.ARCHIVED)
    assert "Next Door Mug" not in body(client, f"/product/{product.slug}")


def test_a_neighbour_card_shows_a_new_price_at_once(cached_app, shop):
    client = cached_app.test_client()
    category = create_category(cached_app)
    product = create_product(cached_app, shop, category=category)
    neighbour = create_product(cached_app, shop, title="Repriced", category=category,
                               price_cents=4200)
    assert "$42.00" in related_section(body(client, f"/product/{product.slug}"))
    set_product(cached_app, neighbour, regular_price_cents=3100)
    page = related_section(body(client, f"/product/{product.slug}"))
    assert "$31.00" in page and "$42.00" not in page


def test_a_neighbour_card_shows_a_new_title_at_once(cached_app, shop):
    client = cached_app.test_client()
    category = create_category(cached_app)
    product = create_product(cached_app, shop, category=category)
    neighbour = create_product(cached_app, shop, title="Plain Jug", category=category)
    assert "Plain Jug" in related_section(body(client, f"/product/{product.slug}"))
    set_product(cached_app, neighbour, title="Glazed Jug")
    page = related_section(body(client, f"/product/{product.slug}"))
    assert "Glazed Jug" in page and "Plain Jug" not in page


def test_a_neighbour_cards_new_image_and_shop_name_show_at_once(cached_app, shop):
    client = cached_app.test_client()
    category = create_category(cached_app)
    product = create_product(cached_app, shop, category=category)
    neighbour = create_product(cached_app, shop, title="Framed Jug", category=category)
    assert "Cache &amp; Co" in related_section(body(client, f"/product/{product.slug}"))
    set_shop(cached_app, shop, name="Jug & Sons")
    add_image(cached_app, neighbour, "/media/first.jpg", position=-1)
    page = related_section(body(client, f"/product/{product.slug}"))
    assert "Jug &amp; Sons" in page and "/media/first.jpg" in page


def test_a_categorys_neighbours_never_show_the_product_itself(cached_app, shop):
    client = cached_app.test_client()
    category = create_category(cached_app)
    first = create_product(cached_app, shop, title="First Lamp", category=category)
    second = create_product(cached_app, shop, title="Second Lamp", category=category)
    assert "Second Lamp" in related_section(body(client, f"/product/{first.slug}"))
    page = related_section(body(client, f"/product/{second.slug}"))  # the same kept ranking
    assert "First Lamp" in page and "Second Lamp" not in page


def test_a_new_review_count_shows_at_once(cached_app, factory, shop):
    client = cached_app.test_client()
    product = create_product(cached_app, shop)
    create_review(cached_app, product, factory.shopper(), rating=4)
    set_product(cached_app, product, rating_count=1, rating_avg=4.0)
    assert "1 review" in body(client, f"/product/{product.slug}")
    create_review(cached_app, product, factory.shopper(), rating=2)
    set_product(cached_app, product, rating_count=2, rating_avg=3.0)  # as reviews._recompute
    assert "2 reviews" in body(client, f"/product/{product.slug}")


def test_an_edited_description_shows_at_once_and_stays_sanitised(cached_app, shop):
    client = cached_app.test_client()
    product = create_product(cached_app, shop,
                             description_html="<p>Old words</p><script>x()</script>")
    page = body(client, f"/product/{product.slug}")
    assert "Old words" in page and "x()" not in page
    set_product(cached_app, product, description_html="<p>New words</p>")
    page = body(client, f"/product/{product.slug}")
    assert "New words" in page and "Old words" not in page


def test_a_shops_new_name_shows_on_its_products_page_at_once(cached_app, shop):
    client = cached_app.test_client()
    product = create_product(cached_app, shop, title="Named Jug")
    assert "Cache &amp; Co" in body(client, f"/product/{product.slug}")
    set_shop(cached_app, shop, name="Jug & Sons")
    page = body(client, f"/product/{product.slug}")
    assert "Jug &amp; Sons" in page and "Cache &amp; Co" not in page
