"""The storefront's short-lived caches: what they reuse, and what they must never hold back."""
import pytest

from app.caching import ttl_cache
from app.extensions import db
from app.models.catalog import ProductImage, ProductStatus
from app.models.shops import Shop
from tests.factories_catalog import (
    create_category,
    create_product,
    create_review,
    create_shop,
    delete_product,
    set_product,
)
from tests.support import modes
from tests.support.queries import count_queries


@pytest.fixture
def shop(factory):
    return create_shop(factory, name="Cache & Co")


def body(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_home_sections_are_served_from_the_cache_within_its_ttl(app, cached_app, shop):
    client = cached_app.test_client()
    create_product(app, shop, title="First Arrival")
    assert "First Arrival" in body(client, "/")
    create_product(app, shop, title="Second Arrival")
    with count_queries(cached_app) as queries:
        page = body(client, "/")
    assert "Second Arrival" not in page and "First Arrival" in page  # within the 60 s
    assert queries.count == 0, queries  # sections and hero both from the cache
    with cached_app.app_context():
        ttl_cache.clear()
    assert "Second Arrival" in body(client, "/")


def test_home_sections_are_fresh_when_the_ttl_is_zero(app, client, shop):
    create_product(app, shop, title="First Arrival")
    assert "First Arrival" in body(client, "/")
    create_product(app, shop, title="Second Arrival")
    assert "Second Arrival" in body(client, "/")


@pytest.mark.parametrize("hide", ["draft", "deleted"])
def test_product_hidden_after_caching_disappears_from_its_page_at_once(app, cached_app, shop,
                                                                       hide):
    client = cached_app.test_client()
    product = create_product(app, shop, title="Soon Gone")
    assert "Soon Gone" in body(client, f"/product/{product.slug}")
    assert "Soon Gone" in body(client, "/")  # now in the cached home sections too
    if hide == "draft":
        set_product(app, product, status=ProductStatus.DRAFT)
    else:
        delete_product(app, product)
    assert client.get(f"/product/{product.slug}").status_code == 404


def test_cached_neighbours_are_rechecked_so_a_hidden_one_drops_out_at_once(app, cached_app,
                                                                           shop):
    client = cached_app.test_client()
    category = create_category(app)
    product = create_product(app, shop, category=category)
    neighbour = create_product(app, shop, title="Next Door Mug", category=category)
    assert "Next Door Mug" in body(client, f"/product/{product.slug}")
    set_product(app, neighbour, status=ProductStatus.ARCHIVED)
    assert "Next Door Mug" not in body(client, f"/product/{product.slug}")


def test_cached_neighbour_cards_show_the_current_price(app, cached_app, shop):
    client = cached_app.test_client()
    category = create_category(app)
    product = create_product(app, shop, category=category)
    neighbour = create_product(app, shop, title="Repriced", category=category,
                               price_cents=4200)
    assert "$42.00" in body(client, f"/product/{product.slug}")
    set_product(app, neighbour, regular_price_cents=3100)
    page = body(client, f"/product/{product.slug}")
    assert "$31.00" in page and "$42.00" not in page


def test_review_breakdown_cache_follows_the_products_rating_counts(app, cached_app, factory,
                                                                   shop):
    client = cached_app.test_client()
    product = create_product(app, shop)
    create_review(app, product, factory.shopper(), rating=4)
    set_product(app, product, rating_count=1, rating_avg=4.0)
    assert "1 review" in body(client, f"/product/{product.slug}")
    create_review(app, product, factory.shopper(), rating=2)
    set_product(app, product, rating_count=2, rating_avg=3.0)  # as reviews._recompute does
    assert "2 reviews" in body(client, f"/product/{product.slug}")


def test_listing_sidebar_is_cached_but_the_grid_is_read_fresh(app, cached_app, shop):
    client = cached_app.test_client()
    first = create_product(app, shop, title="Sidebar Mug", brand="Alder")
    page = body(client, "/products?sort=price_asc")
    assert "Sidebar Mug" in page and "Alder" in page
    delete_product(app, first)
    page = body(client, "/products?sort=price_asc")
    assert "Sidebar Mug" not in page  # the grid checks visibility every time


def test_edited_description_shows_at_once_despite_the_sanitising_cache(app, cached_app, shop):
    client = cached_app.test_client()
    product = create_product(app, shop, description_html="<p>Old words</p><script>x()</script>")
    page = body(client, f"/product/{product.slug}")
    assert "Old words" in page and "x()" not in page
    set_product(app, product, description_html="<p>New words</p>")
    page = body(client, f"/product/{product.slug}")
    assert "New words" in page and "Old words" not in page


def test_warm_caches_leave_a_never_ordered_product_four_fresh_reads(app, cached_app, shop):
    # product (+shop, categories, live event, review counts, ever ordered?), images, variants,
    # neighbour cards; nothing asks what was bought with a product no order holds.
    client = cached_app.test_client()
    category = create_category(app)
    product = create_product(app, shop, category=category)
    create_product(app, shop, title="Neighbour", category=category)
    assert "Neighbour" in body(client, f"/product/{product.slug}")
    with count_queries(cached_app) as queries:
        body(client, f"/product/{product.slug}")
    reads = [s for s in queries.statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 4, queries


def test_a_categorys_cached_neighbours_never_show_the_product_itself(app, cached_app, shop):
    client = cached_app.test_client()
    category = create_category(app)
    first = create_product(app, shop, title="First Lamp", category=category)
    second = create_product(app, shop, title="Second Lamp", category=category)
    assert "Second Lamp" in related_section(body(client, f"/product/{first.slug}"))
    page = related_section(body(client, f"/product/{second.slug}"))  # the same cached ranking
    assert "First Lamp" in page and "Second Lamp" not in page


def test_neighbour_card_shows_a_changed_title_despite_the_rendered_card_cache(app, cached_app,
                                                                              shop):
    client = cached_app.test_client()
    category = create_category(app)
    product = create_product(app, shop, category=category)
    neighbour = create_product(app, shop, title="Plain Jug", category=category)
    assert "Plain Jug" in related_section(body(client, f"/product/{product.slug}"))
    set_product(app, neighbour, title="Glazed Jug")
    page = related_section(body(client, f"/product/{product.slug}"))
    assert "Glazed Jug" in page and "Plain Jug" not in page


def related_section(page):
    start = page.index('id="related-heading"')
    return page[start:page.index("</section>", start)]


def test_a_neighbour_cards_new_image_and_shop_name_show_at_once(app, cached_app, shop):
    client = cached_app.test_client()
    category = create_category(app)
    product = create_product(app, shop, category=category)
    neighbour = create_product(app, shop, title="Framed Jug", category=category)
    assert "Cache &amp; Co" in related_section(body(client, f"/product/{product.slug}"))
    with app.app_context():
        db.session.get(Shop, shop.id).name = "Jug & Sons"
        db.session.add(ProductImage(product_id=neighbour.id, url="/media/first.jpg",
                                    position=-1))
        db.session.commit()
    page = related_section(body(client, f"/product/{product.slug}"))
    assert "Jug &amp; Sons" in page and "/media/first.jpg" in page


def test_an_unchanged_catalogue_reads_a_pages_cards_once(app, cached_app, shop):
    if modes.SERVICES:
        pytest.skip("PostgreSQL counts no catalogue changes: cards are read every time")
    client = cached_app.test_client()
    category = create_category(app)
    product = create_product(app, shop, category=category)
    create_product(app, shop, title="Steady Jug", category=category)
    body(client, f"/product/{product.slug}")
    with count_queries(cached_app) as queries:
        assert "Steady Jug" in related_section(body(client, f"/product/{product.slug}"))
    assert not [q for q in queries.statements if "json_each" in q], queries
