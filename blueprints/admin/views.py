"""Admin overview and the mail outbox."""
from flask import render_template, request

from app.services import overview
from blueprints.admin import bp


@bp.get("/")
def dashboard():
    return render_template("admin/dashboard.html", totals=overview.marketplace_totals())


@bp.get("/outbox")
def outbox():
    page = request.args.get("page", 1, type=int)
    return render_template("admin/outbox.html", messages=overview.outbox_page(max(page, 1)))
