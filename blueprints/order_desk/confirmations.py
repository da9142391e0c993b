"""What the confirmation pages of destructive order actions say: what will happen, to what,
and whether it can be undone (the pages themselves are templates/_partials/_confirm.html)."""
from dataclasses import dataclass, field

from app.models.orders import OrderStatus
from app.services.orders.history import STATUS_LABELS
from app.templating import format_money


@dataclass(frozen=True)
class Confirmation:
    title: str
    order: object  # the Order the action applies to
    lines: list  # [(OrderItem, units)] the action applies to
    amount_label: str
    amount_cents: int
    happens: list  # sentences: what will happen
    undo: str  # whether (and how) it can be undone
    button: str  # the danger button's words
    back_url: str
    hidden: dict = field(default_factory=dict)  # what the action applies to, sent back as is


def _money(cents, order):
    return format_money(cents, order.currency)


def _open_lines(order):
    return [(item, item.refundable_quantity) for item in order.items if item.refundable_quantity]


def desk_cancel(preview, back_url):
    """A seller or admin cancelling an order (cancellation.CancelPreview)."""
    order, amount = preview.order, preview.refund_cents
    happens = [f"Order {order.number} is cancelled and will not be sent.",
               "Every unit not refunded yet goes back in stock."]
    if amount:
        happens.append(f"{_money(amount, order)} is refunded to the buyer's payment.")
    happens.append("The buyer is told by notification and email, with your reason.")
    return Confirmation(
        title=f"Cancel order {order.number}?", order=order, lines=_open_lines(order),
        amount_label="Refund to the buyer", amount_cents=amount, happens=happens,
        undo="This cannot be undone: a cancelled order cannot be reopened and the refund "
             "cannot be taken back.",
        button="Cancel order" + (f" and refund {_money(amount, order)}" if amount else ""),
        back_url=back_url)


def buyer_cancel(preview, back_url):
    """A shopper cancelling their own order before the shop packs it."""
    order, amount = preview.order, preview.refund_cents
    happens = [f"{order.shop_name} is told not to send order {order.number}."]
    if amount:
        happens.append(f"{_money(amount, order)} is refunded to the card or account you "
                       "paid with; banks usually show it within 5–10 days.")
    return Confirmation(
        title=f"Cancel order {order.number}?", order=order, lines=_open_lines(order),
        amount_label="Refund to you", amount_cents=amount, happens=happens,
        undo="This cannot be undone: to get these items after all, you would order them "
             "again.",
        button="Yes, cancel my order", back_url=back_url)


def refund(preview, back_url, scope):
    """A seller or admin refunding units of an order (refunds.RefundPreview)."""
    order, amount = preview.order, preview.amount_cents
    happens = [f"{_money(amount, order)} is paid back to the buyer's payment."
               if amount else "The units are marked refunded (there is nothing to pay back)."]
    if preview.complete:
        happens.append("Nothing is left to refund afterwards, so the order becomes Refunded "
                       "and its fulfilment stops.")
    else:
        status = STATUS_LABELS[OrderStatus(order.status)].lower()
        happens.append(f"The order stays {status}; what is left can still be refunded later.")
    happens.append("The buyer is told by notification and email, with your reason.")
    hidden = {"scope": scope, "refund_seq": preview.refund_seq}
    if scope != "full":
        hidden.update({f"qty-{item.id}": units for item, units in preview.lines})
    return Confirmation(
        title=f"Refund {_money(amount, order)} on order {order.number}?", order=order,
        lines=preview.lines, amount_label="Refund to the buyer", amount_cents=amount,
        happens=happens,
        undo="This cannot be undone: money paid back cannot be taken again.",
        button=f"Refund {_money(amount, order)}", back_url=back_url, hidden=hidden)
