"""A shopper's address book: at most 20 addresses, exactly one default while any exist."""
from sqlalchemy import delete, func, select, update

from app.extensions import db
from app.models.accounts import Address, User

MAX_ADDRESSES = 20
# What a person may set on an address; anything else passed in is ignored.
FIELDS = ("label", "full_name", "line1", "line2", "city", "region", "postal_code", "country",
          "phone")


class AddressError(Exception):
    """An address request was refused; `str(error)` is a message for the person."""


class AddressNotFound(AddressError):
    def __init__(self):
        super().__init__("That address is not in your address book.")


class TooManyAddresses(AddressError):
    def __init__(self):
        super().__init__(f"You can keep up to {MAX_ADDRESSES} addresses. Delete one you no "
                         "longer use to add another.")


def _clean(values):
    cleaned = {}
    for name in FIELDS:
        value = values.get(name)
        value = value.strip() if isinstance(value, str) else value
        cleaned[name] = value or None
    cleaned["country"] = (cleaned["country"] or "").upper() or None
    return cleaned


def _lock_user(user_id):
    """Serialise address-book changes of one user (PostgreSQL row lock; SQLite has one writer)."""
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update())


def list_addresses(user_id):
    """The default first, then the newest."""
    query = (select(Address).where(Address.user_id == user_id)
             .order_by(Address.is_default.desc(), Address.created_at.desc(), Address.id.desc()))
    return db.session.scalars(query).all()


def count_addresses(user_id):
    return db.session.scalar(select(func.count(Address.id)).where(Address.user_id == user_id))


def default_address(user_id):
    query = select(Address).where(Address.user_id == user_id, Address.is_default.is_(True))
    return db.session.scalars(query).first()


def get_address(user_id, address_id):
    """The user's own address; someone else's id is simply not found."""
    address = db.session.get(Address, address_id)
    if address is None or address.user_id != user_id:
        raise AddressNotFound()
    return address


def _make_default(user_id, address_id):
    # Clear the old default before setting the new one: the partial unique index
    # uq_addresses_user_id_default is checked per statement and allows only one.
    db.session.execute(
        update(Address)
        .where(Address.user_id == user_id, Address.is_default.is_(True), Address.id != address_id)
        .values(is_default=False)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Address).where(Address.id == address_id).values(is_default=True)
        .execution_options(synchronize_session=False)
    )


def create_address(user_id, values, make_default=False):
    """Add an address; the first one, or one asked for, becomes the default."""
    _lock_user(user_id)
    count = count_addresses(user_id)
    if count >= MAX_ADDRESSES:
        db.session.rollback()
        raise TooManyAddresses()
    address = Address(user_id=user_id, is_default=False, **_clean(values))
    db.session.add(address)
    db.session.flush()
    if make_default or count == 0:
        _make_default(user_id, address.id)
    db.session.commit()
    return address


def update_address(user_id, address_id, values, make_default=False):
    """Change an address; the default stays the default (another must be chosen instead)."""
    _lock_user(user_id)
    address = get_address(user_id, address_id)
    for name, value in _clean(values).items():
        setattr(address, name, value)
    db.session.flush()
    if make_default and not address.is_default:
        _make_default(user_id, address.id)
    db.session.commit()
    return address


def set_default(user_id, address_id):
    _lock_user(user_id)
    address = get_address(user_id, address_id)
    if not address.is_default:
        _make_default(user_id, address.id)
    db.session.commit()
    db.session.refresh(address)
    return address


def delete_address(user_id, address_id):
    """Delete an address; if it was the default, the most recent other one takes over."""
    _lock_user(user_id)
    address = get_address(user_id, address_id)
    was_default = address.is_default
    db.session.execute(delete(Address).where(Address.id == address.id)
                       .execution_options(synchronize_session=False))
    db.session.expunge(address)
    if was_default:
        successor = db.session.scalar(
            select(Address.id).where(Address.user_id == user_id)
            .order_by(Address.created_at.desc(), Address.id.desc()).limit(1)
        )
        if successor is not None:
            _make_default(user_id, successor)
    db.session.commit()
    return was_default
