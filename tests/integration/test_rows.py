"""rows.raw_rows: a statement's rows as plain tuples, run on the session like any statement."""
from datetime import timedelta

from app.db.rows import raw_rows
from app.extensions import db
from app.models.base import utcnow
from app.services.catalog import product_details
from tests.factories_catalog import create_event, create_product, create_shop
from tests.support.queries import count_queries


def test_rows_are_tuples_of_the_values_execute_returns(app, factory):
    shop = create_shop(factory)
    product = create_product(app, shop, "Typed", specifications={"Material": "Oak"})
    create_event(app, shop, [product], ends_at=utcnow() + timedelta(days=2))
    with app.app_context():
        params = {"slug": product.slug, "now": utcnow()}
        expected = db.session.execute(product_details._BY_SLUG, params).all()
        rows = raw_rows(product_details._BY_SLUG, params)
    assert rows == [tuple(row) for row in expected]
    assert type(rows[0]) is tuple
    assert isinstance(rows[0][12], dict)  # JSON, decoded
    assert hasattr(rows[0][34], "year")  # the event's end, a datetime


def test_rows_are_counted_like_any_other_statement(app, factory):
    product = create_product(app, create_shop(factory), "Counted")
    with count_queries(app) as queries, app.app_context():
        raw_rows(product_details._IMAGES, {"product_id": product.id})
    assert queries.count == 1


def test_a_product_page_reads_its_details_in_three_statements(app, factory):
    product = create_product(app, create_shop(factory), "Three", variants=[("Red", "M", 2)])
    with count_queries(app) as queries, app.app_context():
        details = product_details.visible_product_details(product.slug, utcnow())
    assert details.title == "Three" and [v.label for v in details.variants] == ["Red / M"]
    assert queries.count == 3
