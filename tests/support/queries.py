"""Counting the SQL statements a block of code runs, for tests that guard against N+1 queries."""
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event

from app.extensions import db


@dataclass
class QueryLog:
    statements: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.statements)

    def __str__(self):
        return "\n".join(f"{n}. {sql}" for n, sql in enumerate(self.statements, 1))


@contextmanager
def count_queries(app):
    """Record every statement sent to the app's database engine inside the block.

        with count_queries(app) as queries:
            client.get("/products")
        assert queries.count <= 12, queries
    """
    with app.app_context():
        engine = db.engine
    log = QueryLog()

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        log.statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)
