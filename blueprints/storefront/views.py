"""Storefront pages."""
from flask import render_template

from app.services import home as home_service
from blueprints.storefront import bp


@bp.get("/")
def home():
    return render_template(
        "storefront/home.html",
        site=home_service.site_config(),
        categories=home_service.top_categories(),
        new_arrivals=home_service.new_arrivals(),
        top_rated=home_service.top_rated(),
        shops=home_service.top_shops(),
    )
