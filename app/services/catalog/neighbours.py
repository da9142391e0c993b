"""A product page's neighbours: related products and customers also bought, as cards.

Ranking is the costly part and depends on the category, not on the product: each category's
ranked ids are cached with the catalogue's generation (app/services/catalog/changes.py) and
shared by all its products. Only what is about one product, the products bought in the same
orders, is read per page, and the cards are read as they are now.
"""
from sqlalchemy import bindparam, case, func, select, union

from app.extensions import db
from app.models.catalog import Product
from app.models.orders import OrderItem
from app.services.catalog.cards import visible_cards_by_id
from app.services.catalog.changes import cached
from app.services.catalog.visibility import visible_products

NEIGHBOURS = 8
# Neighbours are ranked among this many recent candidates, never the whole catalogue.
CANDIDATES = 40
FALLBACK_CANDIDATES = 100
# A category's lists are shared by its products, so each holds one more than a page shows
# (the product itself is skipped), and the best sellers enough to top up "also bought" after
# skipping the related ones. A neighbour hidden since the list was ranked is dropped, not
# replaced, until the list is ranked again.
RELATED_POOL = NEIGHBOURS + 1
FALLBACK_POOL = 2 * NEIGHBOURS + 1


def _newest_ids(column, param, limit=CANDIDATES):
    return (select(Product.id).where(column == bindparam(param))
            .order_by(Product.id.desc()).limit(limit))


def _among(*pools):
    """Visible products' ids drawn only from small candidate pools of ids.

    Joining a materialised pool makes the database start from those few rows; filtering the
    whole catalogue instead sends SQLite (without statistics) through every active product.
    """
    pool = pools[0] if len(pools) == 1 else union(*(p.subquery().select() for p in pools))
    pool = pool.subquery()
    return visible_products().with_only_columns(Product.id).join(pool, pool.c.id == Product.id)


# Statements are built once, at import, with bind parameters: composing these subqueries per
# request cost more CPU than running them.
def _related_statement(with_subcategory):
    pools = [_newest_ids(Product.category_id, "category_id")]
    same_sub = Product.id.is_(None)
    if with_subcategory:
        pools.insert(0, _newest_ids(Product.subcategory_id, "subcategory_id"))
        same_sub = Product.subcategory_id == bindparam("subcategory_id")
    return (_among(*pools)
            .order_by(case((same_sub, 0), else_=1), Product.rating_avg.desc(),
                      Product.sold_count.desc(), Product.id.desc())
            .limit(RELATED_POOL))


def _best_sellers_statement():
    return (_among(_newest_ids(Product.category_id, "category_id", FALLBACK_CANDIDATES))
            .order_by(Product.sold_count.desc(), Product.id.desc())
            .limit(FALLBACK_POOL))


def _together_statement():
    """Products found in the same orders as :product_id, most orders first (any status)."""
    this, other = OrderItem.__table__.alias("this"), OrderItem.__table__.alias("other")
    orders = func.count(func.distinct(other.c.order_id))
    product_id = bindparam("product_id")
    return (select(other.c.product_id)
            .join(this, this.c.order_id == other.c.order_id)
            .join(Product, Product.id == other.c.product_id)
            .where(this.c.product_id == product_id, other.c.product_id != product_id)
            .group_by(other.c.product_id, Product.sold_count)
            .order_by(orders.desc(), Product.sold_count.desc(), other.c.product_id.desc())
            .limit(NEIGHBOURS))


_RELATED = {True: _related_statement(True), False: _related_statement(False)}
_BEST_SELLERS = _best_sellers_statement()
_TOGETHER = _together_statement()


def _ids(statement, params):
    return [row[0] for row in db.session.connection().execute(statement, params)]


def related_pool(category_id, subcategory_id):
    """Ids of the category's best rated recent products, its subcategory's first."""
    params = {"category_id": category_id}
    if subcategory_id:
        params["subcategory_id"] = subcategory_id
    return cached("related-pool", (category_id, subcategory_id),
                  lambda: _ids(_RELATED[bool(subcategory_id)], params))


def best_sellers_pool(category_id):
    """Ids of the best sellers among the category's recent products."""
    return cached("best-sellers-pool", category_id,
                  lambda: _ids(_BEST_SELLERS, {"category_id": category_id}))


def bought_together(product_id):
    """Ids of products bought in the same orders as this one, most often first (read fresh)."""
    return _ids(_TOGETHER, {"product_id": product_id})


def _first(ids, skip, limit=NEIGHBOURS):
    """The first `limit` of `ids` not in `skip`, in order."""
    return [product_id for product_id in ids if product_id not in skip][:limit]


def neighbours(product_id, category_id, subcategory_id, ever_ordered=True):
    """(related, customers also bought): up to eight cards each, never the product itself.

    Related: same subcategory first, then the rest of the category, best rated first. Also
    bought: products found in the same orders, most often first, topped up with the category's
    best sellers not among the related ones. Only the ids a page can show are read as cards;
    a product in no order (`ever_ordered` false) skips asking what was bought with it.
    """
    related_ids = _first(related_pool(category_id, subcategory_id), {product_id})
    also_ids = bought_together(product_id) if ever_ordered else []
    also_ids += _first(best_sellers_pool(category_id), {product_id, *related_ids, *also_ids},
                       NEIGHBOURS - len(also_ids))
    cards = visible_cards_by_id(related_ids + also_ids)
    return ([cards[i] for i in related_ids if i in cards],
            [cards[i] for i in also_ids if i in cards])
