"""POST /webhooks/stripe: verify, queue, answer. Stripe retries anything that is not 2xx."""
import logging

from flask import jsonify, request

from app.extensions import jobs
from app.services import webhooks
from blueprints.webhooks import bp

log = logging.getLogger(__name__)


@bp.post("/stripe", endpoint="stripe")
def stripe_event():
    try:
        event_id = webhooks.receive(request.get_data(cache=False),
                                    request.headers.get("Stripe-Signature", ""))
    except webhooks.WebhookRejected as error:
        log.warning("webhook rejected from %s: %s", request.remote_addr, error)
        return jsonify(error=str(error)), 400
    except Exception:
        # With no job queue the event was processed inline and failed: answer 503 so the
        # provider delivers it again (nothing was committed). With RQ, queuing itself failed.
        log.exception("webhook could not be %s", "queued" if jobs.is_async else "processed")
        return jsonify(error="Try again later."), 503
    return jsonify(received=True, id=event_id)
