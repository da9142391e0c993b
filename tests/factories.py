"""Small factories: each builds committed rows and returns detached, fully loaded objects."""
import itertools

from app.extensions import db
from app.models.accounts import Role, User
from app.models.base import utcnow
from app.models.shops import BlockedSellerEmail, Shop, ShopSettings
from app.services.accounts.passwords import hash_password

PASSWORD = "correct-horse-42"
_seq = itertools.count(1)


def _detached(*objects):
    for obj in objects:
        db.session.refresh(obj)
    db.session.expunge_all()
    return objects[0] if len(objects) == 1 else objects


class Factory:
    def __init__(self, app):
        self.app = app

    def user(self, role=Role.SHOPPER, email=None, name=None, password=PASSWORD, verified=True,
             banned=False):
        n = next(_seq)
        with self.app.app_context():
            user = User(
                email=(email or f"{role}{n}@example.com").lower(),
                name=name or f"Test {role.title()} {n}",
                role=role,
                password_hash=hash_password(password) if password else None,
                email_verified_at=utcnow() if verified else None,
                is_banned=banned,
            )
            db.session.add(user)
            db.session.commit()
            return _detached(user)

    def shopper(self, **kwargs):
        return self.user(Role.SHOPPER, **kwargs)

    def admin(self, **kwargs):
        return self.user(Role.ADMIN, **kwargs)

    def seller(self, with_shop=True, **kwargs):
        seller = self.user(Role.SELLER, **kwargs)
        if with_shop:
            self.shop(seller)
        return seller

    def shop(self, owner, name=None):
        n = next(_seq)
        with self.app.app_context():
            shop = Shop(user_id=owner.id, name=name or f"Shop {n}", slug=f"shop-{n}",
                        country="GB", email=owner.email, settings=ShopSettings())
            db.session.add(shop)
            db.session.commit()
            return _detached(shop)

    def blocked_seller_email(self, email):
        with self.app.app_context():
            db.session.add(BlockedSellerEmail(email=email.lower(), reason="shop deleted"))
            db.session.commit()
