"""Site-wide settings the admin edits: branding, platform fee, tax."""
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class SiteConfig(Base):
    """The single row (id = 1) of site settings."""

    __tablename__ = "site_config"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint(
            "platform_fee_bps >= 0 AND platform_fee_bps <= 10000", name="platform_fee_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1, autoincrement=False)
    site_name: Mapped[str] = mapped_column(String(120), default="Bazaar")
    logo_url: Mapped[str | None] = mapped_column(String(500))
    banner_url: Mapped[str | None] = mapped_column(String(500))
    banner_title: Mapped[str | None] = mapped_column(String(200))
    banner_subtitle: Mapped[str | None] = mapped_column(String(300))
    # Basis points of each sale the marketplace keeps: 1000 = 10 %.
    platform_fee_bps: Mapped[int] = mapped_column(Integer, default=1000)
    tax_inclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class TaxRate(Base):
    __tablename__ = "tax_rates"
    __table_args__ = (CheckConstraint("rate_bps >= 0 AND rate_bps <= 10000", name="rate_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2), unique=True)
    rate_bps: Mapped[int] = mapped_column(Integer)  # 1900 = 19 %
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
