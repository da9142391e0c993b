"""Account: the shops the shopper follows."""
from flask import render_template
from flask_login import current_user

from app.services.shops import followed as following_service
from blueprints.account import bp
from blueprints.web.forms import page_arg


@bp.get("/following")
def following():
    page = following_service.followed_shops(current_user.id, page=page_arg())
    return render_template("account/following.html", page=page)
