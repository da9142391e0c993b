"""POST /webhooks/stripe: verify, queue, answer. Stripe retries anything that is not 2xx."""
import logging

from flask import jsonify, request

from app.extensions import jobs
from app.services.payments.webhooks import receive
from blueprints.web.errors import render_error
from blueprints.webhooks import bp

log = logging.getLogger(__name__)


@bp.post("/stripe", endpoint="stripe")
def stripe_event():
    # Read before the try: a body over the limit is the sender's 413 (Werkzeug raises it while
    # reading), not a failure of ours answered 503 for the provider to retry for days.
    limit = request.max_content_length  # the app's MAX_CONTENT_LENGTH unless set here
    request.max_content_length = min(limit or receive.MAX_PAYLOAD_BYTES,
                                     receive.MAX_PAYLOAD_BYTES)
    payload = request.get_data(cache=False)
    try:
        event_id = receive.receive(payload, request.headers.get("Stripe-Signature", ""))
    except receive.WebhookRejected as error:
        log.warning("webhook rejected from %s: %s", request.remote_addr, error)
        return render_error(400, str(error))
    except Exception:
        # With no job queue the event was processed inline and failed: answer 503 so the
        # provider delivers it again (nothing was committed). With RQ, queuing itself failed.
        log.exception("webhook could not be %s", "queued" if jobs.is_async else "processed")
        return render_error(503, "Try again later.")
    return jsonify(received=True, id=event_id)
