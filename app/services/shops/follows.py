"""Following shops: idempotent follow/unfollow with the shop's follower count kept exact."""
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models.shops import Shop, ShopFollower
from app.services.shops.directory import get_visible_shop


class FollowError(Exception):
    """A follow request was refused; `str(error)` is a message for the person."""


def is_following(user_id, shop_id):
    if not user_id:
        return False
    query = select(ShopFollower.id).filter_by(user_id=user_id, shop_id=shop_id)
    return db.session.scalars(query).first() is not None


def _recount(shop_id):
    # Recounted from the rows rather than +1/-1, so repeats and races can never drift it.
    count = (select(func.count(ShopFollower.id)).where(ShopFollower.shop_id == shop_id)
             .scalar_subquery())
    db.session.execute(update(Shop).where(Shop.id == shop_id).values(followers_count=count))


def follow(user_id, shop_slug):
    """Follow a shop; following it again changes nothing. Returns the shop."""
    shop = get_visible_shop(shop_slug)
    if shop.user_id == user_id:
        raise FollowError("You cannot follow your own shop.")
    if not is_following(user_id, shop.id):
        try:
            with db.session.begin_nested():
                db.session.add(ShopFollower(shop_id=shop.id, user_id=user_id))
        except IntegrityError:
            pass  # a concurrent request followed first: the outcome is the same
    _recount(shop.id)
    db.session.commit()
    db.session.refresh(shop)
    return shop


def unfollow(user_id, shop_slug):
    """Stop following a shop; unfollowing one not followed changes nothing. Returns the shop."""
    shop = get_visible_shop(shop_slug)
    db.session.execute(delete(ShopFollower).where(ShopFollower.shop_id == shop.id,
                                                  ShopFollower.user_id == user_id))
    _recount(shop.id)
    db.session.commit()
    db.session.refresh(shop)
    return shop
