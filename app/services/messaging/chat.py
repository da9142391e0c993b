"""Conversations between a shopper and a shop: start one, write in it, read it, list them.

A conversation's participants are the person who started it and the shop's owner. Reading
marks it read for the reader (participant.last_read_at); a conversation is unread for a
participant while a message from someone else is newer than that.
"""
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models.base import utcnow
from app.models.catalog import Product
from app.models.chat import Conversation, ConversationParticipant, Message
from app.models.shops import Shop
from app.services.catalog.visibility import is_visible

BODY_MAX = 2000
MESSAGES_SHOWN = 200  # the newest ones; a longer conversation shows its latest part


class ChatError(ValueError):
    """A message or conversation the rules do not allow, with the reason to show."""


def clean_body(body):
    body = (body or "").strip()
    if not body:
        raise ChatError("Write a message first.")
    if len(body) > BODY_MAX:
        raise ChatError(f"Keep a message under {BODY_MAX:,} characters.")
    return body


def open_shop_by_id(shop_id):
    shop = db.session.get(Shop, shop_id)
    return shop if shop is not None and shop.deleted_at is None else None


def product_of(shop, product_id):
    """The shop's visible product `product_id` (the subject of a first message), or None."""
    try:
        product_id = int(product_id)
    except (TypeError, ValueError):
        return None
    product = db.session.get(Product, product_id)
    if product is None or product.shop_id != shop.id or not is_visible(product):
        return None
    return product


def existing_conversation(user_id, shop):
    """The conversation `user_id` already has with `shop`, or None."""
    return db.session.scalar(
        select(Conversation)
        .join(ConversationParticipant, and_(
            ConversationParticipant.conversation_id == Conversation.id,
            ConversationParticipant.user_id == user_id))
        .where(Conversation.shop_id == shop.id)
        .order_by(Conversation.id).limit(1))


def start(user, shop, body, product=None):
    """A message from `user` to `shop`, in their conversation (started if there is none)."""
    if user.id == shop.user_id:
        raise ChatError("This is your own shop.")
    body = clean_body(body)
    conversation = existing_conversation(user.id, shop)
    if conversation is None:
        conversation = Conversation(shop_id=shop.id, product_id=product.id if product else None)
        conversation.participants = [ConversationParticipant(user_id=user.id),
                                     ConversationParticipant(user_id=shop.user_id)]
        db.session.add(conversation)
        db.session.flush()  # its id, for the message
    _add_message(conversation, user.id, body)
    return conversation


def send(conversation, user_id, body):
    """A message from participant `user_id`."""
    _add_message(conversation, user_id, clean_body(body))


def _add_message(conversation, user_id, body):
    now = utcnow()
    # By id, not through conversation.messages, which would load every earlier message.
    db.session.add(Message(conversation_id=conversation.id, sender_id=user_id, body=body,
                           created_at=now))
    conversation.last_message_at = now
    _participant(conversation, user_id).last_read_at = now  # one's own words are read
    db.session.commit()


def _participant(conversation, user_id):
    return next(p for p in conversation.participants if p.user_id == user_id)


def conversation_for(user_id, conversation_id):
    """Conversation `conversation_id` if `user_id` takes part in it, else None."""
    conversation = db.session.get(Conversation, conversation_id, options=[
        joinedload(Conversation.participants).joinedload(ConversationParticipant.user)])
    if conversation is None or not conversation.has_participant(user_id):
        return None
    return conversation


def messages_of(conversation):
    """Its newest MESSAGES_SHOWN messages, oldest first, with their senders."""
    newest = db.session.scalars(
        select(Message).options(joinedload(Message.sender))
        .where(Message.conversation_id == conversation.id)
        .order_by(Message.created_at.desc(), Message.id.desc()).limit(MESSAGES_SHOWN)).all()
    return newest[::-1]


def mark_read(conversation, user_id):
    _participant(conversation, user_id).last_read_at = utcnow()
    db.session.commit()


def _unread_for(user_id):
    """SQL: the conversation has a message from someone else newer than `user_id` read."""
    return exists().where(
        Message.conversation_id == ConversationParticipant.conversation_id,
        Message.sender_id.is_distinct_from(user_id),
        (ConversationParticipant.last_read_at.is_(None))
        | (Message.created_at > ConversationParticipant.last_read_at))


def inbox(user_id):
    """[(conversation, shop, other participant's name, unread)] of `user_id`, latest first."""
    rows = db.session.execute(
        select(Conversation, Shop, _unread_for(user_id))
        .join(ConversationParticipant, ConversationParticipant.conversation_id == Conversation.id)
        .outerjoin(Shop, Shop.id == Conversation.shop_id)
        .options(joinedload(Conversation.participants).joinedload(ConversationParticipant.user))
        .where(ConversationParticipant.user_id == user_id)
        .order_by(Conversation.last_message_at.desc().nulls_last(), Conversation.id.desc())
    ).unique().all()
    return [(conversation, shop, other_name(conversation, shop, user_id), bool(unread))
            for conversation, shop, unread in rows]


def other_name(conversation, shop, user_id):
    """Who the reader talks to: the shop, for its customer; the customer, for the shop."""
    if shop is not None and shop.user_id != user_id:
        return shop.name
    others = [p.user for p in conversation.participants if p.user_id != user_id and p.user]
    return (others[0].name or others[0].email) if others else "Deleted account"


def unread_count(user_id):
    """How many of `user_id`'s conversations hold a message they have not read."""
    return db.session.scalar(
        select(func.count()).select_from(ConversationParticipant)
        .where(ConversationParticipant.user_id == user_id, _unread_for(user_id))) or 0
