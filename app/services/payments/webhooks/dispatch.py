"""A verified payment event applied to the checkout it is about: orders created once, an
expired session closed, anything else recorded as seen."""
from app.services.orders.fulfilment import create

PAID_TYPES = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
EXPIRED_TYPE = "checkout.session.expired"


def apply(event):
    """Handle one verified event in the caller's transaction (no commit); an Outcome."""
    kind = event["type"]
    session = event["data"]["object"]
    is_session = session.get("object", "checkout.session") == "checkout.session"
    session_id = session.get("id") if isinstance(session.get("id"), str) else None
    if kind in PAID_TYPES and is_session and session_id:
        return create.apply_paid(session_id, event)
    if kind == EXPIRED_TYPE and is_session and session_id:
        return create.apply_expired(session_id, event)
    return create.apply_ignored(event)


def paid_session_id(event):
    """The checkout session a paid event is about, or None (for the drain's row locks)."""
    session = event.get("data", {}).get("object", {})
    if event.get("type") in PAID_TYPES and isinstance(session.get("id"), str):
        return session["id"]
    return None


def process(event):
    """Handle one verified event on its own, committed; safe to run any number of times.

    The job of events queued before the inbox existed, and the path tests take directly.
    """
    outcome = create.committed(lambda: apply(event))
    create.follow_up([outcome])
    return outcome
