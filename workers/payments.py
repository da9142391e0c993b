"""Payment jobs: webhook inbox drains, and the emails, refunds and payouts after payments."""
# Each takes plain values and is safe to run twice (see app.services.orders.fulfilment.effects).
from app.services.orders.fulfilment import effects
from app.services.orders.fulfilment import emails as fulfilment_emails
from app.services.payments.webhooks import dispatch, drain
from app.services.payments.webhooks import inbox as webhook_inbox


def drain_webhooks():
    """Handle the webhook inbox in batches until it is empty; how many events failed."""
    return len(drain.drain())


def process_event(event):
    """One verified provider event (a plain dict), handled exactly once. Jobs queued before
    the inbox existed still run this."""
    outcome = dispatch.process(event)
    return outcome.status


def after_payments(payment_ids, low_stock=None):
    """Emails, analytics, refunds and payouts after a batch of paid checkouts' commit."""
    effects.after_payments(payment_ids, low_stock)


def after_payment(payment_id, low_stock=()):
    effects.after_payment(payment_id, low_stock)


def send_order_effects(payment_id, low_stock=()):
    return fulfilment_emails.send_order_effects(payment_id, low_stock)


def refund_order(order_id):
    return effects.refund_order(order_id)


def refund_payment(payment_id):
    return effects.refund_payment(payment_id)


def pay_out_order(order_id):
    return effects.pay_out_order(order_id)


def sweep(days=7):
    """Periodic: queue refunds, payouts and emails that a lost job left undone; forget
    webhook events handled long ago."""
    effects.sweep(days)
    webhook_inbox.purge_processed()
