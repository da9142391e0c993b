"""Admin overview and the mail outbox."""
from flask import render_template

from app.services.analytics import overview
from blueprints.admin import bp
from blueprints.web.forms import page_arg


@bp.get("/")
def dashboard():
    return render_template("admin/dashboard.html", totals=overview.marketplace_totals())


@bp.get("/outbox")
def outbox():
    return render_template("admin/outbox.html", messages=overview.outbox_page(page_arg()))
