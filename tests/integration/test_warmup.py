"""Warming a page process before gunicorn forks its workers."""
from app.services.catalog.listing import index
from app.warmup import warm
from tests.factories_catalog import create_product, create_shop


def test_warm_up_leaves_a_snapshot_for_the_first_request(cached_app, factory):
    create_product(factory.app, create_shop(factory), "Warm Mug")
    cached = cached_app
    warm(cached)
    holder = cached.extensions["catalog_index"]
    with cached.test_request_context("/products"):
        assert index.current_index() is holder.index
    assert "storefront/products.html" in {t.name for t in cached.jinja_env.cache.values()}
