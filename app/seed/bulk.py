"""Bulk-loading plumbing shared by the seed steps: the run's state, chunked inserts, ids."""
import random
import time
from dataclasses import dataclass, field
from datetime import timedelta

import click
from sqlalchemy import func, insert, select, text

from app.extensions import db
from app.models.base import utcnow

CHUNK = 4000
DAY = timedelta(days=1)


@dataclass(eq=False)  # compared and hashed by identity: sets of shops are used
class ShopInfo:
    id: int
    user_id: int
    name: str
    slug: str
    code: str
    country: str
    brands: tuple
    focus: frozenset  # top-level category names the shop mostly sells
    weight: float
    rates: list = field(default_factory=list)  # [(countries, rate_cents, free_over_cents)]
    sample: list = field(default_factory=list)  # ProductInfo of a few products, for activity


@dataclass
class ProductInfo:
    id: int
    shop_id: int
    title: str
    price_cents: int
    variants: list  # [(variant_id, sku, color, size, stock)]


@dataclass
class Seed:
    """Everything one seed run decides, handed from step to step."""

    rng: random.Random
    products: int
    shops_wanted: int
    shoppers_wanted: int
    images: bool
    password_hash: str
    now: object = field(default_factory=utcnow)
    ids: "Ids" = None
    site_fee_bps: int = 1000
    tax_bps: dict = field(default_factory=dict)
    category_images: dict = field(default_factory=dict)  # category name -> url
    shop_logos: list = field(default_factory=list)
    shop_banners: list = field(default_factory=list)
    categories: dict = field(default_factory=dict)  # subcategory name -> (top id, sub id)
    sellers: list = field(default_factory=list)  # (user id, name, email)
    shoppers: list = field(default_factory=list)  # (user id, name, address dict)
    shops: list = field(default_factory=list)  # ShopInfo
    orders: list = field(default_factory=list)  # what activity steps need about each order
    counts: dict = field(default_factory=dict)

    def count(self, label, n):
        self.counts[label] = self.counts.get(label, 0) + n


class Ids:
    """Primary keys handed out after each table's current maximum, so rows can point at rows
    that are not inserted yet and nothing needs a flush or RETURNING."""

    def __init__(self):
        self._next = {}

    def take(self, model, n=1):
        table = model.__table__
        if table.name not in self._next:
            current = db.session.scalar(select(func.max(table.c.id)))
            self._next[table.name] = (current or 0) + 1
        start = self._next[table.name]
        self._next[table.name] += n
        return range(start, start + n)

    def sync_sequences(self):
        """PostgreSQL sequences do not see explicit ids; move them past what was inserted."""
        if db.session.get_bind().dialect.name != "postgresql":
            return
        for name in self._next:
            db.session.execute(
                text(f"SELECT setval(pg_get_serial_sequence(:t, 'id'), "
                     f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"),
                {"t": name},
            )


def insert_rows(model, rows, chunk=CHUNK):
    """Insert an iterable of dicts in chunks (one executemany each); returns how many."""
    total, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) >= chunk:
            db.session.execute(insert(model), batch)
            total += len(batch)
            batch = []
    if batch:
        db.session.execute(insert(model), batch)
        total += len(batch)
    return total


class Progress:
    """Prints one line per finished step with the time it took."""

    def __init__(self):
        self.started = self.last = time.perf_counter()

    def step(self, message):
        now = time.perf_counter()
        click.echo(f"  {message:<52} {now - self.last:6.1f}s")
        self.last = now

    @property
    def elapsed(self):
        return time.perf_counter() - self.started

