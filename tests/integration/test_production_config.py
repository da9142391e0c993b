"""Production takes money through Stripe, or says on every page that it is a demo taking none."""
import pytest

from app import create_app, describe_mode
from config import DevelopmentConfig, ProductionConfig
from tests.factories_catalog import create_product, create_shop
from tests.factories_checkout import login, ready_cart

BANNER = 'aria-label="Demo notice"'
STRIPE_KEYS = {"STRIPE_SECRET_KEY": "sk_test_example", "STRIPE_WEBHOOK_SECRET": "whsec_example"}


def production_app(base_config, **changes):
    """A production app on the test database, with real-looking secrets and no Stripe keys.

    Rate limits stay off (Flask-Limiter's one shared instance would keep them on for later
    tests) and so does CSRF, so the tests can log in with a plain POST; analytics events are
    written at once, not by a thread that would outlive the test.
    """
    return create_app(ProductionConfig, {
        **base_config, "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "0f9e8d7c6b5a4938-a-long-random-production-secret",
        "JWT_SECRET_KEY": "7c6b5a49380f9e8d-another-long-random-jwt-secret",
        "STRIPE_SECRET_KEY": None, "STRIPE_WEBHOOK_SECRET": None, "DEMO_OFFLINE_PAYMENTS": False,
        "STOREFRONT_CACHE_SECONDS": 0, "ANALYTICS_BUFFERED": False, **changes})


@pytest.fixture
def demo(base_config):
    return production_app(base_config, DEMO_OFFLINE_PAYMENTS=True)


@pytest.fixture
def demo_client(demo):
    return demo.test_client()


def get_html(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


# --- starting up ---------------------------------------------------------------------------------

def test_production_without_stripe_keys_refuses_to_start_and_says_how_to(base_config):
    with pytest.raises(RuntimeError, match=r"STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.*"
                                           r"BAZAAR_DEMO_OFFLINE_PAYMENTS=1.*refusing to start"):
        production_app(base_config)


def test_production_with_only_a_webhook_secret_refuses_to_start(base_config):
    with pytest.raises(RuntimeError, match="refusing to start"):
        production_app(base_config, STRIPE_WEBHOOK_SECRET="whsec_example")


def test_production_demo_starts_and_its_mode_line_says_demo(demo):
    assert "payments: offline DEMO" in describe_mode(demo)


def test_production_with_stripe_keys_starts_on_stripe(base_config):
    assert "payments: Stripe" in describe_mode(production_app(base_config, **STRIPE_KEYS))


# --- the demo banner ------------------------------------------------------------------------------

def test_the_demo_home_page_shows_the_banner(demo_client):
    html = get_html(demo_client, "/")
    assert BANNER in html and "no money is taken" in html


def test_a_demo_product_page_shows_the_banner(app, factory, demo_client):
    product = create_product(app, create_shop(factory))
    assert BANNER in get_html(demo_client, f"/product/{product.slug}")


def test_the_demo_pay_page_shows_the_banner_and_says_no_money_is_taken(app, factory,
                                                                       demo_client):
    ready = ready_cart(app, factory)
    login(demo_client, ready.shopper)
    response = demo_client.post("/checkout/pay", data={"address_id": ready.address.id})
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/checkout/test-pay/")
    html = get_html(demo_client, response.headers["Location"])
    assert BANNER in html
    assert "No card is needed and no money is taken." in html


@pytest.mark.parametrize("role, path", [("seller", "/seller/"), ("admin", "/admin/")])
def test_demo_portal_pages_show_the_banner(factory, demo_client, role, path):
    login(demo_client, getattr(factory, role)())
    assert BANNER in get_html(demo_client, path)


def test_production_with_stripe_keys_shows_no_demo_banner(app, factory, base_config):
    client = production_app(base_config, **STRIPE_KEYS).test_client()
    product = create_product(app, create_shop(factory))
    assert BANNER not in get_html(client, "/")
    assert BANNER not in get_html(client, f"/product/{product.slug}")


@pytest.mark.skipif(DevelopmentConfig.DEMO_OFFLINE_PAYMENTS,
                    reason="BAZAAR_DEMO_OFFLINE_PAYMENTS is set in this environment")
def test_the_embedded_default_shows_no_demo_banner(base_config):
    development = create_app(DevelopmentConfig, {**base_config, "RATELIMIT_ENABLED": False,
                                                 "ANALYTICS_BUFFERED": False})
    assert "payments: offline test" in describe_mode(development)
    assert BANNER not in get_html(development.test_client(), "/")


def test_a_guest_page_cached_in_the_demo_loses_its_banner_once_stripe_is_configured(
        app, cached_app, factory, base_config):
    # Guest pages live in a cache that outlives the processes (Redis or files, the one
    # cached_app empties before and after): the restart that adds Stripe keys must not serve
    # the demo's pages from it.
    product = create_product(app, create_shop(factory))
    path = f"/product/{product.slug}"
    demo = production_app(base_config, DEMO_OFFLINE_PAYMENTS=True, STOREFRONT_CACHE_SECONDS=60)
    assert BANNER in get_html(demo.test_client(), path)
    live = production_app(base_config, STOREFRONT_CACHE_SECONDS=60, **STRIPE_KEYS)
    assert BANNER not in get_html(live.test_client(), path)
