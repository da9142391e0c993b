"""Marketplace-wide figures for the admin overview."""
from sqlalchemy import func, select

from app.extensions import db
from app.models.accounts import Role, User
from app.models.catalog import Product
from app.models.mail import OutboxEmail
from app.models.orders import Order
from app.models.shops import Shop


def _count(query):
    return db.session.scalar(query) or 0


def marketplace_totals():
    return {
        "shoppers": _count(select(func.count(User.id)).filter_by(role=Role.SHOPPER)),
        "sellers": _count(select(func.count(User.id)).filter_by(role=Role.SELLER)),
        "shops": _count(select(func.count(Shop.id)).where(Shop.deleted_at.is_(None))),
        "products": _count(select(func.count(Product.id)).where(Product.deleted_at.is_(None))),
        "orders": _count(select(func.count(Order.id))),
        "revenue_cents": _count(select(func.sum(Order.total_cents))),
    }


def outbox_page(page, per_page=25):
    query = select(OutboxEmail).order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
