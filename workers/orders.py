"""Order jobs: the buyer's status and refund emails, and the abandoned-checkout sweep."""
import logging

from app import mail
from app.services.checkout import reminders
from app.services.orders import refunds
from app.services.orders import status as order_status

log = logging.getLogger(__name__)


def email_status_change(event_id):
    """Email the buyer about one timeline event (nothing if the account is gone)."""
    message = order_status.status_email(event_id)
    if message is not None:
        mail.deliver(*message)


def email_refund(order_id, amount_cents, lines, reason, complete):
    """Email the buyer about a refund that was committed."""
    message = refunds.refund_email(order_id, amount_cents, lines, reason, complete)
    if message is not None:
        mail.deliver(*message)


def send_checkout_reminders():
    """The periodic sweep: one reminder per checkout left unpaid for a day."""
    sent = reminders.send_due()
    log.info("checkout reminders sent: %s", sent)
    return sent
