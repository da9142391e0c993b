"""Payment webhooks: verify the provider's signature, store the event, wake the drain."""
# Stripe and the offline provider take the same path: the offline provider signs its events
# with payments.webhook_secret(), and receive() verifies them with the Stripe SDK exactly as it
# verifies Stripe's own. A verified event goes into the inbox (webhook_inbox) and a drain job
# handles the inbox in batches (webhook_drain).
import json
import logging

import stripe

from app.services.payments import webhook_secret
from app.services.payments.webhooks import drain as webhook_drain
from app.services.payments.webhooks import inbox as webhook_inbox

log = logging.getLogger(__name__)

MAX_PAYLOAD_BYTES = 512 * 1024  # Stripe's events are a few KB
TOLERANCE_SECONDS = stripe.Webhook.DEFAULT_TOLERANCE  # 300 s: older signatures are refused


class WebhookRejected(Exception):
    """The request is not a genuine, well-formed provider event; answer 400, write nothing."""


def verify(payload, signature_header):
    """The event as a plain dict, or WebhookRejected saying what is wrong with the request."""
    if isinstance(payload, str):
        payload = payload.encode()
    if not payload:
        raise WebhookRejected("Empty body.")
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise WebhookRejected("Body too large.")
    if not signature_header:
        raise WebhookRejected("Missing Stripe-Signature header.")
    secret = webhook_secret()  # one derivation, shared with the offline provider's signing
    try:
        # The SDK's own check, without construct_event's StripeObject tree: we only need
        # the plain dict, and building the tree cost more than the check itself.
        stripe.WebhookSignature.verify_header(payload, signature_header, secret,
                                              TOLERANCE_SECONDS)
        event = json.loads(payload)
    except stripe.SignatureVerificationError as error:
        raise WebhookRejected(f"Bad signature: {error.user_message or error}") from None
    except Exception:  # not UTF-8, not JSON
        raise WebhookRejected("Malformed body.") from None
    if not isinstance(event, dict) or event.get("object") == "v2.core.event":
        raise WebhookRejected("Malformed body.")  # not an object, or not a v1 event
    event_id, kind = event.get("id"), event.get("type")
    if not (isinstance(event_id, str) and 0 < len(event_id) <= 255):
        raise WebhookRejected("The event has no id.")
    if not (isinstance(kind, str) and 0 < len(kind) <= 64):
        raise WebhookRejected("The event has no type.")
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        raise WebhookRejected("The event has no data object.")
    return event


def receive(payload, signature_header):
    """Verify one webhook request, store it in the inbox and wake a drain; the event id.

    Once this returns the event is committed and will be processed (at least once, handled
    exactly once). In the embedded mode the drain runs here and now, and an error in this
    event's processing is raised, so the provider is told to deliver it again.
    """
    event = verify(payload, signature_header)
    webhook_inbox.store(event)
    webhook_drain.wake(event["id"])
    return event["id"]
