"""Accounts: users of every role, addresses, one-time codes, browser sessions, API tokens."""
import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin, utcnow


class Role(enum.StrEnum):
    SHOPPER = "shopper"
    SELLER = "seller"
    ADMIN = "admin"


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=Role.SHOPPER,
        index=True,
    )
    is_banned: Mapped[bool] = mapped_column(Boolean, default=False)
    banned_reason: Mapped[str | None] = mapped_column(String(500))
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    google_sub: Mapped[str | None] = mapped_column(String(255), unique=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    avatar_url: Mapped[str | None] = mapped_column(String(500))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Bumped on password change and "sign out everywhere": reset and API tokens stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # The key of the browser session this object was signed in or loaded through (not a
    # column: services/accounts/sessions.py sets it); Flask-Login stores get_id() in both cookies.
    session_key = None

    addresses: Mapped[list["Address"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Address.id"
    )

    @property
    def is_verified(self):
        return self.email_verified_at is not None

    @property
    def is_seller(self):
        return self.role == Role.SELLER

    @property
    def is_admin(self):
        return self.role == Role.ADMIN

    @property
    def is_active(self):
        # Flask-Login refuses inactive users; banned accounts lose their sessions at once.
        return not self.is_banned

    def get_id(self):
        # Without a key (a user not signed in through a UserSession) the id loads nobody.
        return f"{self.id}:{self.session_key or ''}"

    def __repr__(self):
        return f"<User {self.id} {self.email} {self.role}>"


class Address(TimestampMixin, Base):
    __tablename__ = "addresses"
    __table_args__ = (
        # At most one default address per user.
        Index("uq_addresses_user_id_default", "user_id", unique=True,
              sqlite_where=text("is_default"), postgresql_where=text("is_default")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str | None] = mapped_column(String(40))
    full_name: Mapped[str] = mapped_column(String(120))
    line1: Mapped[str] = mapped_column(String(200))
    line2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    phone: Mapped[str | None] = mapped_column(String(32))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(back_populates="addresses")


class OneTimeCode(Base):
    """Database-backed state of one email's one-time code for one purpose."""

    __tablename__ = "one_time_codes"
    __table_args__ = (UniqueConstraint("purpose", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(32))
    email: Mapped[str] = mapped_column(String(254))
    code_hash: Mapped[str | None] = mapped_column(String(128))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    window_started_at: Mapped[datetime | None] = mapped_column(DateTime)
    sends_in_window: Mapped[int] = mapped_column(Integer, default=0)


class UserSession(Base):
    """One signed-in browser; deleting the row signs it out, remember cookie included."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # sha256 of the random key the cookies carry: a copy of this table signs nobody in.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_agent: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ApiRefreshToken(TimestampMixin, Base):
    """One issued refresh token; rotation links tokens of a family, reuse revokes the family."""

    __tablename__ = "api_refresh_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    jti: Mapped[str] = mapped_column(String(64), unique=True)
    family_id: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    replaced_by_jti: Mapped[str | None] = mapped_column(String(64))
