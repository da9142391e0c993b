"""Chat pages: classic pages and forms (a reply is a POST and a redirect)."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.extensions import limiter
from app.services.messaging import chat
from app.services.shopping.cart import valid_id
from app.services.shops.directory import ShopNotFound, get_visible_shop
from blueprints.chat import bp


def _message_limit():
    return current_app.config["RATELIMIT_CHAT"]


@bp.get("/")
def inbox():
    return render_template("chat/inbox.html", conversations=chat.inbox(current_user.id))


@bp.get("/<int:conversation_id>")
def conversation(conversation_id):
    found = _own(conversation_id)
    chat.mark_read(found, current_user.id)
    return _conversation_page(found)


@bp.post("/<int:conversation_id>")
@limiter.limit(_message_limit, methods=["POST"])
def reply(conversation_id):
    found = _own(conversation_id)
    try:
        chat.send(found, current_user.id, request.form.get("body"))
    except chat.ChatError as error:
        return _conversation_page(found, error=str(error), body=request.form.get("body")), 422
    return redirect(url_for("chat.conversation", conversation_id=found.id) + "#latest")


@bp.get("/new")
def new():
    shop = _shop()
    existing = chat.existing_conversation(current_user.id, shop)
    if existing is not None:
        return redirect(url_for("chat.conversation", conversation_id=existing.id) + "#latest")
    product = chat.product_of(shop, valid_id(request.args.get("product")))
    return _new_page(shop, product)


@bp.post("/new")
@limiter.limit(_message_limit, methods=["POST"])
def start():
    shop = _shop()
    product = chat.product_of(shop, valid_id(request.form.get("product")))
    try:
        started = chat.start(current_user, shop, request.form.get("body"), product)
    except chat.ChatError as error:
        return _new_page(shop, product, error=str(error), body=request.form.get("body")), 422
    flash(f"Message sent to {shop.name}.", "success")
    return redirect(url_for("chat.conversation", conversation_id=started.id) + "#latest")


def _own(conversation_id):
    found = chat.conversation_for(current_user.id, conversation_id)
    if found is None:  # someone else's conversation is none of the reader's business
        abort(404)
    return found


def _shop():
    try:
        shop = get_visible_shop(request.values.get("shop"))
    except ShopNotFound:
        abort(404)
    if shop.user_id == current_user.id:
        flash("This is your own shop: its messages are in your inbox.", "info")
        abort(redirect(url_for("chat.inbox")))
    return shop


def _conversation_page(found, error=None, body=None):
    shop = found.shop_id and chat.open_shop_by_id(found.shop_id)
    return render_template("chat/conversation.html", conversation=found,
                           messages=chat.messages_of(found), shop=shop,
                           with_name=chat.other_name(found, shop, current_user.id),
                           error=error, body=body, body_max=chat.BODY_MAX)


def _new_page(shop, product, error=None, body=None):
    return render_template("chat/new.html", shop=shop, product=product, error=error,
                           body=body, body_max=chat.BODY_MAX)
