"""Analytics jobs."""
from app.services.analytics import events as analytics_events


def store_event(event):
    analytics_events.store_event(event)


def store_events(events):
    """A page worker's batch: a bad event (a product purged since) costs only itself."""
    analytics_events.write_batch(events)
