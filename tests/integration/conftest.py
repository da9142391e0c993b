"""A shop with a mug and a plate, a buyer, and a payments provider that records refunds: the
cast of the order, refund and confirmation tests (a module overrides any of them by name)."""
import pytest

from tests.factories_catalog import create_product
from tests.factories_orders import RecordingProvider


@pytest.fixture
def seller(factory):
    return factory.seller(with_shop=False)


@pytest.fixture
def shop(factory, seller):
    return factory.shop(seller, name="Fern & Stone")


@pytest.fixture
def mug(app, shop):
    return create_product(app, shop, title="Stoneware mug", price_cents=2000,
                          variants=[("", "", 10)])


@pytest.fixture
def plate(app, shop):
    return create_product(app, shop, title="Side plate", price_cents=1500,
                          variants=[("", "", 10)])


@pytest.fixture
def buyer(factory):
    return factory.shopper()


@pytest.fixture
def provider(app, monkeypatch):
    recording = RecordingProvider()
    monkeypatch.setitem(app.extensions, "payments", recording)
    return recording
