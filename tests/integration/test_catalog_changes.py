"""The catalogue's generation: which commits turn it, and what is kept while it stands."""
from datetime import timedelta

import pytest
from sqlalchemy import delete, insert, update

from app.extensions import db
from app.models.analytics import AnalyticsEvent, AnalyticsKind
from app.models.base import utcnow
from app.models.catalog import Product, ProductImage
from app.services.catalog import changes
from app.services.orders import stock
from tests.factories_cart import create_analytics_event, put_in_cart
from tests.factories_catalog import create_event, create_product, create_shop, set_product


@pytest.fixture
def shop(factory):
    return create_shop(factory, name="Generation Goods")


@pytest.fixture
def product(app, shop):
    return create_product(app, shop, "Turning Teapot", variants=[("", "", 5)])


def generation(app):
    """The generation a new request of `app` would read."""
    with app.app_context():
        return changes.generation()


def written(app, write):
    """Run `write()` in an app context of `app`, then commit."""
    with app.app_context():
        write()
        db.session.commit()


def test_an_orm_write_to_a_shown_table_turns_the_generation(cached_app, product):
    before = generation(cached_app)
    set_product(cached_app, product, title="Renamed Teapot")
    assert generation(cached_app) != before


def test_a_new_row_in_a_shown_table_turns_the_generation(cached_app, shop):
    before = generation(cached_app)
    create_product(cached_app, shop, "Newcomer")
    assert generation(cached_app) != before


@pytest.mark.parametrize("statement", ["update", "insert", "delete"])
def test_a_statement_on_the_session_writing_a_shown_table_turns_the_generation(
        cached_app, product, statement):
    variant_id = product.variants[0].id
    writes = {
        "update": lambda: stock.take(variant_id, 1),  # as a paid order takes it
        "insert": lambda: db.session.execute(insert(ProductImage).values(
            product_id=product.id, url="/media/new.jpg", position=5)),
        "delete": lambda: db.session.execute(
            delete(ProductImage).where(ProductImage.product_id == product.id)),
    }
    before = generation(cached_app)
    written(cached_app, writes[statement])
    assert generation(cached_app) != before


def test_the_generation_turns_after_the_commit_not_at_the_write(cached_app, product):
    before = generation(cached_app)
    with cached_app.app_context():
        db.session.execute(update(Product).where(Product.id == product.id)
                           .values(title="Pending Teapot"))
        db.session.flush()
        assert generation(cached_app) == before  # another request still reads the old one
        db.session.commit()
    assert generation(cached_app) != before


@pytest.mark.parametrize("how", ["orm", "statement"])
def test_a_rolled_back_write_keeps_the_generation(cached_app, product, how):
    before = generation(cached_app)
    with cached_app.app_context():
        if how == "orm":
            db.session.get(Product, product.id).title = "Never Teapot"
            db.session.flush()
        else:
            stock.take(product.variants[0].id, 1)
        db.session.rollback()
        db.session.commit()  # nothing left to commit: nothing shoppers see changed
    assert generation(cached_app) == before


@pytest.mark.parametrize("table", ["cart item", "analytics event"])
def test_a_write_to_a_table_shoppers_do_not_see_keeps_the_generation(cached_app, factory,
                                                                      product, table):
    shopper = factory.shopper()
    before = generation(cached_app)
    if table == "cart item":
        put_in_cart(cached_app, shopper, product.variants[0], 2)
    else:
        create_analytics_event(cached_app, AnalyticsKind.PRODUCT_VIEW, product)
    assert generation(cached_app) == before


def test_a_shown_write_in_a_savepoint_turns_the_generation_only_at_the_commit(cached_app,
                                                                             product):
    # A savepoint's release is not the commit: another request must not read a new
    # generation while the write is still invisible to it.
    before = generation(cached_app)
    with cached_app.app_context():
        with db.session.begin_nested():
            db.session.get(Product, product.id).title = "Savepoint Teapot"
        assert generation(cached_app) == before
        db.session.commit()
    assert generation(cached_app) != before


def test_a_rolled_back_savepoint_keeps_the_transactions_earlier_shown_write(cached_app,
                                                                           product):
    # As the webhook drain does: one event's stock is taken, the next one fails in its
    # savepoint, and the first one's stock is committed.
    before = generation(cached_app)
    with cached_app.app_context():
        stock.take(product.variants[0].id, 1)
        savepoint = db.session.begin_nested()
        db.session.add(AnalyticsEvent(kind=AnalyticsKind.PURCHASE))
        db.session.flush()
        savepoint.rollback()
        db.session.commit()
    assert generation(cached_app) != before


def test_announce_outside_a_transaction_turns_the_generation_at_once(cached_app):
    before = generation(cached_app)
    with cached_app.app_context():
        changes.announce()
        assert changes.generation() != before
    assert generation(cached_app) != before


def test_announce_inside_a_transaction_waits_for_its_commit(cached_app, product):
    before = generation(cached_app)
    with cached_app.app_context():
        db.session.get(Product, product.id)  # opens the transaction
        changes.announce()
        assert generation(cached_app) == before
        db.session.commit()
    assert generation(cached_app) != before


def test_the_version_changes_when_an_event_starts_or_ends(app, cached_app, shop, product):
    now = utcnow()
    starts, ends = now + timedelta(hours=1), now + timedelta(hours=3)
    create_event(app, shop, [product], starts_at=starts, ends_at=ends)
    with cached_app.app_context():
        before_start = changes.version(now=now)
        assert changes.version(now=now + timedelta(minutes=30)) == before_start
        during = changes.version(now=starts + timedelta(minutes=1))
        after_end = changes.version(now=ends + timedelta(minutes=1))
    assert len({before_start, during, after_end}) == 3
    assert before_start[0] == during[0] == after_end[0]  # the same generation throughout


@pytest.fixture
def computed():
    """compute() for changes.cached(), and the list of its calls."""
    calls = []

    def compute():
        calls.append(1)
        return {"answer": len(calls)}

    compute.calls = calls
    return compute


def cached(app, compute, parts=()):
    with app.app_context():
        return changes.cached("test-answer", parts, compute)


def test_a_cached_answer_is_computed_once_while_the_generation_stands(cached_app, computed):
    assert cached(cached_app, computed) == cached(cached_app, computed) == {"answer": 1}
    assert len(computed.calls) == 1


def test_a_cached_answer_is_kept_per_input(cached_app, computed):
    cached(cached_app, computed, parts=("mugs",))
    assert cached(cached_app, computed, parts=("plates",)) == {"answer": 2}
    assert cached(cached_app, computed, parts=("mugs",)) == {"answer": 1}


def test_a_cached_answer_is_computed_again_after_a_turn(cached_app, computed, product):
    cached(cached_app, computed)
    set_product(cached_app, product, regular_price_cents=999)
    assert cached(cached_app, computed) == {"answer": 2}


def test_a_cached_answer_changed_by_its_caller_comes_back_unchanged(cached_app, computed):
    cached(cached_app, computed)["answer"] = "scribbled on"
    assert cached(cached_app, computed) == {"answer": 1}


def test_without_the_cache_nothing_is_stored(app, computed):
    assert cached(app, computed) == {"answer": 1}
    assert cached(app, computed) == {"answer": 2}
