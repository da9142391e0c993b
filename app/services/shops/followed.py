"""The shops a person follows, as a read-only list (following itself lives with the shops)."""
from sqlalchemy import select

from app.extensions import db
from app.models.shops import Shop, ShopFollower, ShopStatus

PER_PAGE = 24


def followed_shops(user_id, page=1, per_page=PER_PAGE):
    """Open shops the user follows, most recently followed first.

    Suspended or deleted shops are left out: their pages are not reachable either.
    """
    query = (
        select(Shop)
        .join(ShopFollower, ShopFollower.shop_id == Shop.id)
        .where(ShopFollower.user_id == user_id, Shop.status == ShopStatus.ACTIVE,
               Shop.deleted_at.is_(None))
        .order_by(ShopFollower.created_at.desc(), ShopFollower.id.desc())
    )
    page = max(1, min(page, 1_000_000))
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    if not result.items and page > 1 and result.pages:
        result = db.paginate(query, page=result.pages, per_page=per_page, error_out=False)
    return result
