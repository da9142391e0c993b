"""Seller portal: the shop's orders (the shared order desk, limited to the seller's shop)."""
from flask_login import current_user

from app.models.accounts import Role
from app.services.orders import status
from app.services.shops import opening
from blueprints.order_desk import register_order_desk
from blueprints.seller import bp


def _actor():
    shop = opening.shop_of(current_user.id)
    return status.Actor(current_user.id, Role.SELLER, shop.id)


register_order_desk(bp, "seller", _actor, lambda: _actor().shop_id)
