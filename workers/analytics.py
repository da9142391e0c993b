"""Analytics jobs."""
from app.services.analytics import events as analytics_events


def store_event(event):
    analytics_events.store_event(event)


def store_events(events):
    analytics_events.store_events(events)
