"""Chat pages: classic pages and forms (a reply is a POST and a redirect)."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.extensions import limiter
from app.services.messaging import chat
from app.services.shops.directory import ShopNotFound, get_visible_shop
from blueprints.chat import bp
from blueprints.chat.forms import FirstMessageForm, MessageForm, SubjectQuery


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
    form = MessageForm()
    form.validate()
    error = form.error()
    if error is None:
        try:
            chat.send(found, current_user.id, form.body.data)
        except chat.ChatError as refused:
            error = str(refused)
    if error:
        return _conversation_page(found, error=error, body=form.body.data), 422
    return redirect(url_for("chat.conversation", conversation_id=found.id) + "#latest")


@bp.get("/new")
def new():
    query = SubjectQuery(formdata=request.args)
    query.validate()
    slug, product_id = query.subject()
    shop = _shop(slug)
    existing = chat.existing_conversation(current_user.id, shop)
    if existing is not None:
        return redirect(url_for("chat.conversation", conversation_id=existing.id) + "#latest")
    return _new_page(shop, chat.product_of(shop, product_id))


@bp.post("/new")
@limiter.limit(_message_limit, methods=["POST"])
def start():
    # The shop may come in the query string too (request.values), as it always could.
    form = FirstMessageForm(formdata=request.values)
    form.validate()
    slug, product_id = form.subject()
    shop = _shop(slug)
    product = chat.product_of(shop, product_id)
    error = form.error()
    if error is None:
        try:
            started = chat.start(current_user, shop, form.body.data, product)
        except chat.ChatError as refused:
            error = str(refused)
    if error:
        return _new_page(shop, product, error=error, body=form.body.data), 422
    flash(f"Message sent to {shop.name}.", "success")
    return redirect(url_for("chat.conversation", conversation_id=started.id) + "#latest")


def _own(conversation_id):
    found = chat.conversation_for(current_user.id, conversation_id)
    if found is None:  # someone else's conversation is none of the reader's business
        abort(404)
    return found


def _shop(slug):
    if slug is None:
        abort(404)
    try:
        shop = get_visible_shop(slug)
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
