"""rows.Prepared: the values execute() gives, and seen by the engine like any statement."""
from datetime import timedelta

from app.extensions import db
from app.models.base import utcnow
from app.services.catalog import product_details
from tests.factories_catalog import create_event, create_product, create_shop
from tests.support.queries import count_queries


def test_prepared_rows_hold_what_execute_returns(app, factory):
    shop = create_shop(factory)
    product = create_product(app, shop, "Typed", specifications={"Material": "Oak"})
    create_event(app, shop, [product], ends_at=utcnow() + timedelta(days=2))
    prepared = product_details._BY_SLUG
    with app.app_context():
        params = {"slug": product.slug, "now": utcnow()}
        expected = [tuple(row) for row in db.session.execute(prepared.statement, params)]
        rows = prepared.rows(**params)
    assert rows == expected
    assert isinstance(rows[0][12], dict)  # JSON, decoded
    assert hasattr(rows[0][34], "year")  # the event's end, a datetime


def test_prepared_statements_are_counted_like_any_other(app, factory):
    product = create_product(app, create_shop(factory), "Counted")
    with count_queries(app) as queries, app.app_context():
        product_details._IMAGES.rows(product_id=product.id)
    assert queries.count == 1
