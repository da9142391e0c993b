"""Account: the shops the shopper follows."""
from flask import render_template, request
from flask_login import current_user

from app.services import following as following_service
from blueprints.account import bp


@bp.get("/following")
def following():
    page = following_service.followed_shops(current_user.id,
                                            page=request.args.get("page", 1, type=int))
    return render_template("account/following.html", page=page)
