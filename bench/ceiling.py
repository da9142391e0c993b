"""The bare ceiling: the least a Flask + SQLAlchemy + Jinja page over the catalogue costs.

One page, GET /products?page=<n>: the 24 newest visible products (active and undeleted, of
an active and undeleted shop), read by one SQL statement over the seeded Bazaar database (its
`products`, `shops` and `product_images` tables) and rendered by a Jinja template
(bench/templates/ceiling.html) as a grid of 24 product cards: title link, shop name, price
formatted from integer cents, first picture with its alt text. No caching of any kind: every
request runs the statement and renders the template. The statement walks the listing index
ix_products_listing_newest (status, deleted_at, created_at) backwards, joins each row's shop
by primary key and looks its first picture up through ix_product_images_product_id, so a page
costs about the same at 10k or 100k products.

bench/catalog.py serves it next to the Bazaar app, on the same database, with the same
gunicorn settings (bench/ceiling_gunicorn.py: deploy/gunicorn.conf.py without the Bazaar
warm-up hooks), and prints each storefront page's throughput as a fraction of this one's:

    DATABASE_URL=sqlite:////tmp/bazaar-bench/catalog-100000/bazaar.sqlite3 \\
        .venv/bin/gunicorn -c bench/ceiling_gunicorn.py --workers 2 bench.ceiling:app
"""
import os

from flask import Flask, abort, render_template, request
from sqlalchemy import create_engine, text

PER_PAGE = 24
MAX_PAGE = 50

app = Flask(__name__)  # templates from bench/templates
engine = create_engine(os.environ["DATABASE_URL"])
if engine.dialect.name == "sqlite":
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        # As the app's connections (app/db/sqlite.py): readers never wait on a writer.
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA busy_timeout=5000")

# Visible products, newest first. deleted_at is in the ORDER BY although it is always NULL
# here: PostgreSQL takes `IS NULL` for a filter, not an equality, so only this order is the
# index's own (status, deleted_at, created_at); ordered by created_at alone it sorted all
# 100k rows. Both databases then walk the index backwards and stop after offset + 24 rows.
# No category filter: with one, PostgreSQL's plan changes with the category's size (a walk
# for a large one, a sort of all its rows for a small one), and a ceiling must not vary so.
PAGE_SQL = text("""
SELECT p.slug, p.title, p.regular_price_cents, p.sale_price_cents, p.currency, s.name,
       (SELECT i.url FROM product_images i WHERE i.product_id = p.id
        ORDER BY i.position, i.id LIMIT 1) AS image_url
FROM products p JOIN shops s ON s.id = p.shop_id
WHERE p.status = 'active' AND p.deleted_at IS NULL
  AND s.status = 'active' AND s.deleted_at IS NULL
ORDER BY p.deleted_at DESC, p.created_at DESC
LIMIT :limit OFFSET :offset
""")

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


@app.template_filter("money")
def money(cents, currency="USD"):
    """Integer minor units to display text: 123456 -> $1,234.56."""
    major, minor = divmod(int(cents), 100)
    symbol = SYMBOLS.get((currency or "USD").upper(), "")
    return f"{symbol}{major:,}.{minor:02d}"


@app.get("/products")
def products():
    try:
        page = max(1, min(MAX_PAGE, int(request.args.get("page", "1"))))
    except ValueError:
        page = 1
    with engine.connect() as conn:
        rows = conn.execute(PAGE_SQL, {"limit": PER_PAGE,
                                       "offset": (page - 1) * PER_PAGE}).all()
    if not rows and page == 1:
        abort(404)
    return render_template("ceiling.html", rows=rows, page=page)


@app.get("/")
def index():
    """For the bench's readiness probe only."""
    return "ok"
