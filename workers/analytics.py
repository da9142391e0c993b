"""Analytics jobs."""
from app.services import analytics


def store_event(event):
    analytics.store_event(event)


def store_events(events):
    analytics.store_events(events)
